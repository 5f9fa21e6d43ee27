import { MapSkeleton } from '@/components/map/map-skeleton';

export default function Loading() {
  return (
    <div className="stack">
      <div>
        <h1>Identity map</h1>
        <div className="skeleton" style={{ height: 20, maxWidth: 640 }} />
      </div>
      <MapSkeleton />
    </div>
  );
}
