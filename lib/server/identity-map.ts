import 'server-only';
import { describeModes, getConfig } from '@/lib/config';
import { buildIdentityMap, type IdentityMap } from '@/lib/domain/identity-map';
import type { AzureSnapshot, ClusterSnapshot } from '@/lib/domain/model';
import { SourceError, type SourceStatus } from '@/lib/sources/source-error';
import { azureSnapshot, clusterSnapshot } from './snapshots';

// GET /api/identity-map: both sources read in parallel; when one fails the other still answers
// and `sources.<name>.error` says what failed. Results are cached briefly (reading a large tenant
// costs many ARM/Graph calls); `?refresh=1` reads anew.

export interface IdentityMapResponse extends IdentityMap {
  generatedAt: string;
  sources: { cluster: SourceStatus & { missing?: string[] }; azure: SourceStatus & { missing?: string[] } };
}

/** Where one computation's time went, in ms (the route's `Server-Timing` header). */
export interface IdentityMapTimings {
  cluster: number;
  azure: number;
  domain: number;
}

const CACHE_MS = 30_000;
let cache: { at: number; value: Promise<IdentityMapWithTimings> } | undefined;
/**
 * The computation under way, if any. A request that comes while one runs joins it (a refresh
 * joins only a fresh one). The sources' reads were already shared (snapshots.ts); this shares
 * the analysis and the map built from them too: ten people pressing Refresh on a 50,000-node map
 * get one map, not ten built side by side (each ~0.2-0.3 s of CPU, and a
 * map whose JSON alone is 43.6 MB).
 */
let running: { fresh: boolean; value: Promise<IdentityMapWithTimings> } | undefined;

export interface IdentityMapWithTimings {
  map: IdentityMapResponse;
  /** Of the computation that made `map` (an earlier one when `cached`, the one under way when `joined`). */
  timings: IdentityMapTimings;
  cached?: boolean;
  /** This request came while that computation ran, and waited for it instead of starting another. */
  joined?: boolean;
}

const EMPTY_CLUSTER: ClusterSnapshot = { clusters: [], serviceAccounts: [], pods: [] };
const EMPTY_AZURE: AzureSnapshot = { identities: [], applications: [], federatedCredentials: [], appRoleAssignments: [] };

async function settle<T>(kind: 'cluster' | 'azure', mode: string, read: () => Promise<T>) {
  const t0 = performance.now();
  try {
    const value = await read();
    return { value, status: { mode, ok: true } as SourceStatus, ms: performance.now() - t0 };
  } catch (error) {
    const e = SourceError.from(error, kind);
    return { value: undefined, status: { mode, ok: false, error: { code: e.code, message: e.message } } as SourceStatus, ms: performance.now() - t0 };
  }
}

async function compute(fresh: boolean): Promise<IdentityMapWithTimings> {
  const modes = describeModes(getConfig());
  const [cluster, azure] = await Promise.all([
    settle('cluster', modes.cluster, () => clusterSnapshot({ fresh })),
    settle('azure', modes.azure, () => azureSnapshot({ fresh })),
  ]);
  const t0 = performance.now();
  const map = buildIdentityMap(cluster.value ?? EMPTY_CLUSTER, azure.value ?? EMPTY_AZURE, { azureAvailable: azure.value !== undefined });
  const domain = performance.now() - t0;
  const withMissing = (status: SourceStatus, missing: string[] | undefined) => (missing?.length ? { ...status, missing } : status);
  return {
    map: {
      generatedAt: new Date().toISOString(),
      ...map,
      sources: { cluster: withMissing(cluster.status, cluster.value?.missing), azure: withMissing(azure.status, azure.value?.missing) },
    },
    timings: { cluster: cluster.ms, azure: azure.ms, domain },
  };
}

/** The map and where its computation's time went (a cached answer carries the timings of its computation). */
export async function getIdentityMap(options: { refresh: boolean }): Promise<IdentityMapWithTimings> {
  if (running && (running.fresh || !options.refresh)) return { ...(await running.value), joined: true };
  if (!options.refresh && cache && Date.now() - cache.at < CACHE_MS) return { ...(await cache.value), cached: true };
  const value = compute(options.refresh);
  const current = { fresh: options.refresh, value };
  running = current;
  cache = { at: Date.now(), value };
  const settled = () => {
    if (running === current) running = undefined;
  };
  value.then(settled, () => {
    settled();
    if (cache?.value === value) cache = undefined;
  });
  return value;
}
