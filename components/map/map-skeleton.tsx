/** The /map page's shape while the map loads (loading.tsx and the panel's Suspense fallback). */
export function MapSkeleton() {
  return (
    <div className="stack" role="status" aria-busy="true" aria-label="Loading the identity map">
      <div className="skeleton h-36 maxw-520" />
      <div className="skeleton h-96" />
      <div className="map-layout">
        <div className="stack">
          <div className="skeleton h-480" />
          <div className="skeleton h-240" />
        </div>
        <div className="skeleton h-480" />
      </div>
    </div>
  );
}
