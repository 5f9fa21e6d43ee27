export default function Loading() {
  return (
    <div className="stack">
      {/* Every page has a level-one heading, this one too while the page's own is on its way. */}
      <h1 className="visually-hidden">Loading…</h1>
      <div className="stack" role="status" aria-busy="true" aria-label="Loading">
        <div className="skeleton w-240 h-28" />
        <div className="skeleton h-120" />
      </div>
    </div>
  );
}
