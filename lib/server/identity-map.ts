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

const CACHE_MS = 30_000;
let cache: { at: number; value: Promise<IdentityMapResponse> } | undefined;

const EMPTY_CLUSTER: ClusterSnapshot = { clusters: [], serviceAccounts: [], pods: [] };
const EMPTY_AZURE: AzureSnapshot = { identities: [], applications: [], federatedCredentials: [], appRoleAssignments: [] };

async function settle<T>(kind: 'cluster' | 'azure', mode: string, read: () => Promise<T>) {
  try {
    const value = await read();
    return { value, status: { mode, ok: true } as SourceStatus };
  } catch (error) {
    const e = error instanceof SourceError ? error : new SourceError(`failed:${kind}`, (error as Error).message);
    return { value: undefined, status: { mode, ok: false, error: { code: e.code, message: e.message } } as SourceStatus };
  }
}

async function compute(fresh: boolean): Promise<IdentityMapResponse> {
  const modes = describeModes(getConfig());
  const [cluster, azure] = await Promise.all([
    settle('cluster', modes.cluster, () => clusterSnapshot({ fresh })),
    settle('azure', modes.azure, () => azureSnapshot({ fresh })),
  ]);
  const map = buildIdentityMap(cluster.value ?? EMPTY_CLUSTER, azure.value ?? EMPTY_AZURE, { azureAvailable: azure.value !== undefined });
  const withMissing = (status: SourceStatus, missing: string[] | undefined) => (missing?.length ? { ...status, missing } : status);
  return {
    generatedAt: new Date().toISOString(),
    ...map,
    sources: { cluster: withMissing(cluster.status, cluster.value?.missing), azure: withMissing(azure.status, azure.value?.missing) },
  };
}

export async function getIdentityMap(options: { refresh: boolean }): Promise<IdentityMapResponse> {
  if (!options.refresh && cache && Date.now() - cache.at < CACHE_MS) return cache.value;
  const value = compute(options.refresh);
  cache = { at: Date.now(), value };
  value.catch(() => {
    if (cache?.value === value) cache = undefined;
  });
  return value;
}
