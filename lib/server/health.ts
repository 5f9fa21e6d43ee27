import 'server-only';
import { describeModes, getConfig } from '@/lib/config';
import { getSources } from '@/lib/sources/registry';
import { SourceError, type SourceKind, type SourceStatus } from '@/lib/sources/source-error';
import { withTimeout } from './timeout';

export interface Health {
  /** `ok`: every source read everything; `degraded`: some failed or read part; `down`: every source failed. */
  status: 'ok' | 'degraded' | 'down';
  sources: Record<SourceKind, SourceStatus & { missing?: string[] }>;
}

const CHECK_TIMEOUT_MS = 10_000;

async function probe(kind: SourceKind, mode: string, read: (signal: AbortSignal) => Promise<{ missing?: string[] } | void>) {
  try {
    const result = await withTimeout(read, CHECK_TIMEOUT_MS, kind, `The ${kind} source`);
    const missing = result && result.missing?.length ? result.missing : undefined;
    return { mode, ok: true, ...(missing ? { missing } : {}) };
  } catch (error) {
    const e = SourceError.from(error, kind);
    return { mode, ok: false, error: { code: e.code, message: e.message } };
  }
}

/** Reads every source once (in parallel) and reports per source; one failure never hides the others. */
export async function checkSources(): Promise<Health> {
  const modes = describeModes(getConfig());
  const sources = getSources();
  const [cluster, azure, logs] = await Promise.all([
    probe('cluster', modes.cluster, () => sources.cluster.list()),
    probe('azure', modes.azure, () => sources.azure.list()),
    probe('logs', modes.logs, async (signal) => {
      await Promise.all(sources.logs.map((s) => s.recent({ maxLines: 1, signal })));
    }),
  ]);
  const all = { cluster, azure, logs };
  // A source that answered but could not read part of what it lists (a snapshot file absent or
  // unusable, an identity whose FICs were refused) is partial: the findings there are incomplete.
  const complete = Object.values(all).every((s) => s.ok && !('missing' in s && s.missing?.length));
  const down = Object.values(all).every((s) => !s.ok);
  return { status: complete ? 'ok' : down ? 'down' : 'degraded', sources: all };
}
