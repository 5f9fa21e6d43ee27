export default function Loading() {
  return (
    <div className="stack">
      <h1>Token exchange flow</h1>
      <div className="stack" role="status" aria-busy="true" aria-label="Loading">
        <div className="skeleton h-70" />
        <div className="skeleton h-320" />
      </div>
    </div>
  );
}
