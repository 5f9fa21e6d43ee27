'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { identityMapQueries } from '@/lib/api/identity-map-queries';
import { mapHref } from '@/lib/api/map-search-params';
import { flowHref } from '@/lib/api/trace-search-params';
import { plainText } from './plain-text';

/**
 * Links an Entra failure to the SA's node on the identity map. The trace names the SA as
 * `sa:<ns>/<name>`; with several clusters the map's ids carry the cluster (`sa:<cluster>:<ns>/<name>`),
 * so the map is asked which node that is. `offline` (a trace opened from a file) makes no request
 * and links the id as the trace names it.
 */
export function EntraMapLink({ serviceAccountId, offline }: { serviceAccountId: string; offline: boolean }) {
  const map = useQuery({ ...identityMapQueries.all(), enabled: !offline });
  let ids = [serviceAccountId];
  const match = /^sa:([^/]+)\/(.+)$/.exec(serviceAccountId);
  if (map.data && match && !map.data.nodes.some((n) => n.id === serviceAccountId)) {
    const scoped = map.data.nodes.filter((n) => n.kind === 'serviceAccount' && n.data.namespace === match[1] && n.data.name === match[2]).map((n) => n.id);
    if (scoped.length > 0) ids = scoped;
  }
  return (
    <p style={{ margin: 0 }}>
      Entra found no federated credential matching this assertion.{' '}
      {ids.map((id, i) => (
        <span key={id}>
          {i > 0 ? ' · ' : ''}
          <Link href={mapHref({ focus: id })} data-testid="entra-map-link">
            Show {plainText(id)} on the identity map
          </Link>
        </span>
      ))}{' '}
      (its federated credentials and findings), or <Link href={flowHref({ sa: ids[0] })}>see the exchange Entra expects for it</Link>.
    </p>
  );
}
