export default function Loading() {
  return (
    <div className="stack" aria-busy="true" aria-label="Loading">
      <div className="skeleton" style={{ width: 240, height: 28 }} />
      <div className="skeleton" style={{ height: 120 }} />
    </div>
  );
}
