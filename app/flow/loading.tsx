export default function Loading() {
  return (
    <div className="stack" role="status" aria-busy="true" aria-label="Loading">
      <h1>Token exchange flow</h1>
      <div className="skeleton h-70" />
      <div className="skeleton h-320" />
    </div>
  );
}
