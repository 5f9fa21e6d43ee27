import 'server-only';
import { getConfig } from '@/lib/config';
import { MATCHING_CODES } from '@/lib/domain/aadsts';
import { explainEntraError } from '@/lib/domain/error-explanation';
import { nodeId } from '@/lib/domain/ids';
import { getSources } from '@/lib/sources/registry';
import type { RawLogLine } from '@/lib/sources/logs/log-source';
import { SourceError } from '@/lib/sources/source-error';
import { lineMatches, lowerCaseGuid } from '@/lib/traces/correlate';
import type { EntraFailure, Trace, TraceOutcome } from '@/lib/traces/model';
import { parseLogLine } from '@/lib/traces/parse-line';
import { buildTrace, summarizeTraces, type TraceListItem, withPodServiceAccount } from '@/lib/traces/trace';
import { azureSnapshot, clusterSnapshot } from './snapshots';
import { traceToMermaid } from '@/lib/traces/sequence';
import { withTimeout } from './timeout';

// Reads every configured log source in parallel; one failing source is reported next to the
// results of the others, never instead of them.

/** Cap on lines read per source for one trace, and on events returned. */
export const MAX_TRACE_LINES = 5000;
export const MAX_TRACE_EVENTS = 2000;
// Enough for the last few hundred traces; parsing more would cost memory for a list that shows 50.
const RECENT_LINES = 5_000;
const SOURCE_TIMEOUT_MS = 30_000;

export interface LogSourceStatus {
  source: string;
  kind: string;
  ok: boolean;
  truncated?: boolean;
  error?: { code: string; message: string };
}

async function readAll(read: (source: ReturnType<typeof getSources>['logs'][number], signal: AbortSignal) => Promise<{ lines: RawLogLine[]; truncated: boolean }>) {
  const sources = getSources().logs;
  const results = await Promise.all(
    sources.map(async (source): Promise<{ lines: RawLogLine[]; status: LogSourceStatus }> => {
      try {
        const result = await withTimeout((signal) => read(source, signal), SOURCE_TIMEOUT_MS, 'logs', `Log source ${source.label}`);
        return { lines: result.lines, status: { source: source.label, kind: source.kind, ok: true, truncated: result.truncated || undefined } };
      } catch (error) {
        const e = SourceError.from(error, 'logs');
        return { lines: [], status: { source: source.label, kind: source.kind, ok: false, error: { code: e.code, message: e.message } } };
      }
    }),
  );
  return { lines: results.flatMap((r) => r.lines), statuses: results.map((r) => r.status) };
}

export type TraceLookup =
  | { found: true; trace: Trace & { sources: LogSourceStatus[] } }
  | { found: false; sources: LogSourceStatus[] };

/**
 * The trace of a correlation ID. A GUID pasted in upper case (some tools show them so) that no line
 * carries is looked up again in lower case, the way nearly every logger writes GUIDs: the trace
 * found says which form it was.
 */
export async function findTrace(correlationId: string): Promise<TraceLookup> {
  const exact = await findTraceAsWritten(correlationId);
  const lower = lowerCaseGuid(correlationId);
  if (exact.found || lower === undefined) return exact;
  const again = await findTraceAsWritten(lower);
  return again.found ? again : exact;
}

async function findTraceAsWritten(correlationId: string): Promise<TraceLookup> {
  const correlationFields = getConfig().IDLENS_CORRELATION_FIELDS;
  const { lines, statuses } = await readAll((s, signal) => s.search(correlationId, { maxLines: MAX_TRACE_LINES, signal }));
  const parsed = lines.map((l) => parseLogLine(l, { correlationFields })).filter((l) => lineMatches(l, correlationId));
  if (parsed.length === 0) return { found: false, sources: statuses };
  let trace = buildTrace(correlationId, parsed, { maxEvents: MAX_TRACE_EVENTS, inputTruncated: statuses.some((s) => s.truncated) });
  trace = await withServiceAccountFromMap(trace);
  if (trace.summary.entra) {
    trace.summary.entra = await withNearestCredential(await scopeToClusters(trace.summary.entra));
    // The diagram names what the identity map found, not only the code's generic fix.
    if (trace.summary.entra.nearestCredential) trace = { ...trace, sequence: traceToMermaid(trace) };
  }
  return { found: true, trace: { ...trace, sources: statuses } };
}

/** How long a trace waits for the cluster snapshot only to name its pod's service account (a nicety). */
const POD_LOOKUP_MS = 2_500;

/** The pod the logs name, as the identity map knows it (one pod of that name, in any cluster): its service account. */
async function withServiceAccountFromMap(trace: Trace): Promise<Trace> {
  const { podName, subject } = trace.workload;
  if (subject !== undefined || podName === undefined) return trace;
  const snapshot = await withTimeout(clusterSnapshot(), POD_LOOKUP_MS, 'cluster', 'The cluster source').catch(() => undefined);
  const pods = snapshot?.pods.filter((p) => p.name === podName) ?? [];
  return pods.length === 1 ? withPodServiceAccount(trace, pods[0]!) : trace;
}

/**
 * Logs name a namespace and a service account, not a cluster. With several clusters the identity
 * map's ids carry the cluster (`sa:<cluster>:<ns>/<name>`): re-scope the links when exactly one
 * cluster has that service account, and drop them when it is ambiguous or unknown.
 */
async function scopeToClusters(entra: EntraFailure): Promise<EntraFailure> {
  if (!entra.serviceAccountId) return entra;
  const snapshot = await clusterSnapshot().catch(() => undefined);
  if (!snapshot || snapshot.clusters.length < 2) return entra;
  const ref = /^sa:([^/]+)\/(.+)$/.exec(entra.serviceAccountId);
  const candidates = ref ? snapshot.serviceAccounts.filter((sa) => sa.namespace === ref[1] && sa.name === ref[2]) : [];
  if (candidates.length !== 1) return { ...entra, serviceAccountId: undefined, podId: undefined };
  const { cluster, namespace, name } = candidates[0]!;
  const scope = { multiCluster: true };
  const podName = entra.podId?.split('/').slice(1).join('/');
  return {
    ...entra,
    serviceAccountId: nodeId.serviceAccount(scope, cluster, namespace, name),
    podId: podName ? nodeId.pod(scope, cluster, namespace, podName) : undefined,
  };
}

/**
 * For a FIC matching failure that quotes the assertion, the credential nearest to it and how it
 * differs (trailing '/', case, namespace…): the same analysis as /explain, run on what the logs quoted.
 */
async function withNearestCredential(entra: EntraFailure): Promise<EntraFailure> {
  if (!MATCHING_CODES.has(entra.code) || !entra.subject) return entra;
  const [cluster, azure] = await Promise.all([clusterSnapshot().catch(() => undefined), azureSnapshot().catch(() => undefined)]);
  if (!cluster || !azure) return entra;
  const quoted = [
    `${entra.code}: No matching federated identity record found for presented assertion.`,
    entra.issuer ? `Assertion Issuer: '${entra.issuer}'.` : '',
    `Assertion Subject: '${entra.subject}'.`,
    entra.audience ? `Assertion Audience: '${entra.audience}'.` : '',
  ].join(' ');
  const explanation = explainEntraError(quoted, cluster, azure);
  const nearest = explanation.candidates[0];
  if (!nearest) return entra;
  return {
    ...entra,
    nearestCredential: { id: nearest.id, name: nearest.name, owner: nearest.ownerName, verdict: explanation.verdict, summary: explanation.summary },
  };
}

export async function listTraces(options: { outcome?: TraceOutcome; limit: number }): Promise<{ traces: TraceListItem[]; sources: LogSourceStatus[] }> {
  const correlationFields = getConfig().IDLENS_CORRELATION_FIELDS;
  const { lines, statuses } = await readAll((s, signal) => s.recent({ maxLines: RECENT_LINES, signal }));
  const parsed = lines.map((l) => parseLogLine(l, { correlationFields }));
  const all = summarizeTraces(parsed, Number.MAX_SAFE_INTEGER);
  const traces = (options.outcome ? all.filter((t) => t.summary.outcome === options.outcome) : all).slice(0, options.limit);
  return { traces, sources: statuses };
}
