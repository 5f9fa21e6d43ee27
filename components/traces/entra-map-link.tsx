'use client';

import Link from 'next/link';
import { mapHref } from '@/lib/api/map-search-params';
import { flowHref } from '@/lib/api/trace-search-params';
import { plainText } from './plain-text';

/**
 * Links an Entra failure to the SA's node on the identity map. The server already gives the id in
 * the map's form (with the cluster when there are several: lib/server/traces.ts), so this only links.
 */
export function EntraMapLink({ serviceAccountId }: { serviceAccountId: string }) {
  return (
    <p className="m-0">
      Entra found no federated credential matching this assertion.{' '}
      <Link href={mapHref({ focus: serviceAccountId })} data-testid="entra-map-link">
        Show {plainText(serviceAccountId)} on the identity map
      </Link>{' '}
      (its federated credentials and findings), or <Link href={flowHref({ sa: serviceAccountId })}>see the exchange Entra expects for it</Link>.
    </p>
  );
}
