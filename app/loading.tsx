export default function Loading() {
  return (
    <div className="stack" aria-busy="true" aria-label="Loading">
      <div className="skeleton w-240 h-28" />
      <div className="skeleton h-120" />
    </div>
  );
}
