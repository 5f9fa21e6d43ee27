/** The shape of a trace page while it loads: summary, timeline lanes, diagram, table. */
export function TraceSkeleton() {
  return (
    <div className="stack" aria-busy="true" aria-label="Loading the trace">
      <div className="skeleton" style={{ height: 120 }} />
      <div className="skeleton" style={{ height: 36, width: '40%' }} />
      <div className="skeleton" style={{ height: 140 }} />
      <div className="skeleton" style={{ height: 260 }} />
      <div className="skeleton" style={{ height: 200 }} />
    </div>
  );
}

/** Rows of the recent-traces table while it loads. */
export function TraceListSkeleton() {
  return (
    <div className="stack" aria-busy="true" aria-label="Loading recent traces">
      {[0, 1, 2, 3, 4].map((i) => (
        <div key={i} className="skeleton" style={{ height: 32 }} />
      ))}
    </div>
  );
}
