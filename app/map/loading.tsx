import { MapSkeleton } from '@/components/map/map-skeleton';

export default function Loading() {
  return (
    <div className="stack">
      <div>
        <h1>Identity map</h1>
        <div className="skeleton h-20 maxw-640" />
      </div>
      <MapSkeleton />
    </div>
  );
}
