/** The shape of a trace page while it loads: summary, timeline lanes, diagram, table. */
export function TraceSkeleton() {
  return (
    <div className="stack" role="status" aria-busy="true" aria-label="Loading the trace">
      <div className="skeleton h-120" />
      <div className="skeleton h-36 w-40p" />
      <div className="skeleton h-140" />
      <div className="skeleton h-260" />
      <div className="skeleton h-200" />
    </div>
  );
}

/** Rows of the recent-traces table while it loads. */
export function TraceListSkeleton() {
  return (
    <div className="stack" role="status" aria-busy="true" aria-label="Loading recent traces">
      {[0, 1, 2, 3, 4].map((i) => (
        <div key={i} className="skeleton h-32" />
      ))}
    </div>
  );
}
