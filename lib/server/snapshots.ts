import 'server-only';
import type { AzureSnapshot, ClusterSnapshot } from '@/lib/domain/model';
import { getSources } from '@/lib/sources/registry';
import { withTimeout } from './timeout';

// One memoised reader of the cluster and Azure snapshots for every route that needs them: reading
// a tenant costs many ARM/Graph calls and a cluster many list pages, so concurrent callers share
// one read, results live 30 s, and every read has a time limit.

const TTL_MS = 30_000;
const TIMEOUT_MS = 60_000;

interface Entry<T> {
  at: number;
  pending: boolean;
  value: Promise<T>;
}

let clusterEntry: Entry<ClusterSnapshot> | undefined;
let azureEntry: Entry<AzureSnapshot> | undefined;

/** A read under way is always shared (it started just now); a finished one for TTL_MS unless `fresh`. */
function reuse<T>(entry: Entry<T> | undefined, fresh: boolean): Promise<T> | undefined {
  if (entry && (entry.pending || (!fresh && Date.now() - entry.at < TTL_MS))) return entry.value;
  return undefined;
}

function start<T>(kind: 'cluster' | 'azure', list: () => Promise<T>, forget: (entry: Entry<T>) => void): Entry<T> {
  const entry: Entry<T> = { at: Date.now(), pending: true, value: withTimeout(list(), TIMEOUT_MS, kind, `The ${kind} source`) };
  entry.value.then(
    () => (entry.pending = false),
    () => forget(entry), // failures are not cached: the next caller tries again
  );
  return entry;
}

export function clusterSnapshot(options: { fresh?: boolean } = {}): Promise<ClusterSnapshot> {
  const shared = reuse(clusterEntry, options.fresh ?? false);
  if (shared) return shared;
  clusterEntry = start('cluster', () => getSources().cluster.list(), (e) => {
    if (clusterEntry === e) clusterEntry = undefined;
  });
  return clusterEntry.value;
}

export function azureSnapshot(options: { fresh?: boolean } = {}): Promise<AzureSnapshot> {
  const shared = reuse(azureEntry, options.fresh ?? false);
  if (shared) return shared;
  azureEntry = start('azure', () => getSources().azure.list(), (e) => {
    if (azureEntry === e) azureEntry = undefined;
  });
  return azureEntry.value;
}
