import { Suspense } from 'react';
import { MapPanel } from '@/components/map/map-panel';
import { MapSkeleton } from '@/components/map/map-skeleton';
import { requireSignedIn } from '@/app/page-auth';

export const metadata = { title: 'Identity map' };

export default async function MapPage() {
  await requireSignedIn('/map');
  return (
    <div className="stack map-page">
      <div>
        <h1>Identity map</h1>
        <p className="lead">
          Who trusts whom: pods → service accounts → federated credentials → managed identities and applications → the APIs they
          may call. Every misconfiguration is flagged with what breaks and a command that fixes it.
        </p>
      </div>
      {/* The panel reads the view state from the URL (useSearchParams): it renders in the browser. */}
      <Suspense fallback={<MapSkeleton />}>
        <MapPanel />
      </Suspense>
    </div>
  );
}
