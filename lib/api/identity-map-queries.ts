import { queryOptions } from '@tanstack/react-query';
import { fetchJson } from './http';
// The client side of `GET /api/identity-map` (DESIGN.md contract). Types only from the domain and
// the route: nothing of the server is bundled into the browser.
import type { EdgeKind, MapEdge, MapNode, NodeKind } from '@/lib/domain/identity-map';
import type { Finding, Severity } from '@/lib/domain/findings';
import type { IdentityMapResponse } from '@/lib/server/identity-map';

export type { EdgeKind, MapEdge, MapNode, NodeKind, Severity };
export type MapFinding = Finding;
export type IdentityMapData = IdentityMapResponse;
export type SourceState = IdentityMapResponse['sources']['cluster'];

export const identityMapQueries = {
  /**
   * The whole map. `refresh: true` asks the server to read its sources anew instead of serving its
   * 30 s cache; it writes into the same cache entry, so every reader sees the fresh map.
   */
  all: ({ refresh = false }: { refresh?: boolean } = {}) =>
    queryOptions({
      queryKey: ['identity-map'],
      // `refresh` travels in meta, not in the key: a refreshed map replaces the cached one.
      meta: { refresh },
      queryFn: ({ meta }) => fetchJson<IdentityMapData>(meta?.refresh ? '/api/identity-map?refresh=1' : '/api/identity-map'),
    }),
};
