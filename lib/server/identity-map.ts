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
/**
 * The latest computation: shared while it runs (a refresh shares only a fresh one), then reused for
 * CACHE_MS unless refreshed. The sources' reads are shared too (snapshots.ts); sharing the whole
 * computation means ten people pressing Refresh on a 50,000-node map get one map, not ten built
 * side by side (each ~0.2-0.3 s of CPU, and a map whose JSON alone is 43.6 MB).
 */
let cache: { at: number; fresh: boolean; pending: boolean; value: Promise<IdentityMapWithTimings> } | undefined;

export interface IdentityMapWithTimings {
  map: IdentityMapResponse;
  /** Of the computation that made `map` (an earlier one when reused). */
  timings: IdentityMapTimings;
  /** `hit`: an earlier computation's map; `joined`: the one under way when this request came, waited for. */
  reused?: 'hit' | 'joined';
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
  const last = cache;
  if (last?.pending && (last.fresh || !options.refresh)) return { ...(await last.value), reused: 'joined' };
  if (last && !options.refresh && Date.now() - last.at < CACHE_MS) return { ...(await last.value), reused: 'hit' };
  const entry = { at: Date.now(), fresh: options.refresh, pending: true, value: compute(options.refresh) };
  cache = entry;
  entry.value.then(
    () => (entry.pending = false),
    () => {
      entry.pending = false;
      if (cache === entry) cache = undefined;
    },
  );
  return entry.value;
}
