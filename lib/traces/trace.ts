// The lines of one correlation ID → a Trace (the `GET /api/traces/<id>` contract): events in
// time order across services, calls joined by `x-request-id`, retries, classified errors, the
// outcome, and the sequence diagram. Pure: the lines are given, nothing is read or awaited.

import { nodeId } from '@/lib/domain/ids';
import { parseServiceAccountSubject, serviceAccountSubject } from '@/lib/domain/model';
import { aadstsMeaning, findAadstsCodes } from '@/lib/traces/aadsts-meanings';
import { containsToken, lineMatches, validateCorrelationId } from '@/lib/traces/correlate';
import { rateLimitResetText } from '@/lib/traces/rate-limit-reset';
import type {
  EntraFailure,
  Exchange,
  LogLevel,
  ParsedLogLine,
  Trace,
  TraceError,
  TraceErrorCode,
  TraceEvent,
  TraceOutcome,
  TraceSummary,
  WorkloadContext,
} from '@/lib/traces/model';
import { traceToMermaid } from '@/lib/traces/sequence';

export interface BuildTraceOptions {
  /** Cap on events returned; the summary and the diagram still see every line. */
  maxEvents: number;
  /** A source already stopped early (its own cap): the trace says it is truncated. */
  inputTruncated?: boolean;
}

/** A 1 MiB line would make a trace response huge for nothing: events carry at most this much. */
export const MAX_EVENT_RAW_CHARS = 64 * 1024;
export const MAX_EVENT_MESSAGE_CHARS = 8 * 1024;
// Error messages are read in a summary header: one sentence, not a stack trace.
const MAX_ERROR_DETAIL_CHARS = 300;
// AADSTS codes and assertion values are searched for in this much of a raw line.
const MAX_SCANNED_RAW_CHARS = 64 * 1024;

interface OrderedLine {
  line: ParsedLogLine;
  /** Position in time order (index into the ordered list). */
  index: number;
  /** Own time, or the time of the line logged before it in the same stream. */
  timeMs?: number;
  timeInferred: boolean;
}

// ---- ordering ------------------------------------------------------------------------------

/** `file:/var/log/app.log:42` → `file:/var/log/app.log`: lines of one stream keep their order. */
function streamOf(source: string): string {
  return source.replace(/:\d+$/, '');
}

function ownTimeMs(line: ParsedLogLine): number | undefined {
  if (line.timeMs !== undefined) return line.timeMs;
  if (line.time === undefined) return undefined;
  const ms = Date.parse(line.time);
  return Number.isFinite(ms) ? ms : undefined;
}

/**
 * Stable time order. A line without a time takes the time of the line before it in its own
 * stream (or, for leading ones, of the line after it), so it stays next to its neighbours
 * instead of sinking to one end; streams without any time keep their order after the rest.
 */
function orderLines(lines: ParsedLogLine[]): OrderedLine[] {
  const items = lines.map((line, input) => ({ line, input, own: ownTimeMs(line), timeMs: undefined as number | undefined }));
  const streams = new Map<string, typeof items>();
  for (const item of items) {
    const key = streamOf(item.line.source);
    const list = streams.get(key);
    if (list) list.push(item);
    else streams.set(key, [item]);
  }
  for (const list of streams.values()) {
    let last: number | undefined;
    for (const item of list) {
      if (item.own !== undefined) last = item.own;
      item.timeMs = item.own ?? last;
    }
    let next: number | undefined;
    for (let i = list.length - 1; i >= 0; i--) {
      const item = list[i]!;
      if (item.own !== undefined) next = item.own;
      item.timeMs ??= next;
    }
  }
  const sorted = [...items].sort((a, b) => {
    if (a.timeMs !== undefined && b.timeMs !== undefined && a.timeMs !== b.timeMs) return a.timeMs - b.timeMs;
    if (a.timeMs === undefined && b.timeMs !== undefined) return 1;
    if (a.timeMs !== undefined && b.timeMs === undefined) return -1;
    return a.input - b.input;
  });
  return sorted.map((item, index) => ({
    line: item.line,
    index,
    timeMs: item.timeMs,
    timeInferred: item.own === undefined && item.timeMs !== undefined,
  }));
}

// ---- classification ------------------------------------------------------------------------

type Classified = Omit<TraceError, 'service' | 'time' | 'requestId'>;

function cap(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function scannedText(line: ParsedLogLine): string {
  return [line.error, line.errorDescription, line.message, line.raw.slice(0, MAX_SCANNED_RAW_CHARS)].filter(Boolean).join('\n');
}

// Lines are classified several times (calls, outcome, events); a 64 KiB scan each time adds up.
const aadstsCache = new WeakMap<ParsedLogLine, string[]>();

function aadstsCodesOf(line: ParsedLogLine): string[] {
  let codes = aadstsCache.get(line);
  if (!codes) {
    codes = findAadstsCodes(scannedText(line));
    aadstsCache.set(line, codes);
  }
  return codes;
}

function mentions(line: ParsedLogLine, word: string): boolean {
  return line.error === word || [line.errorDescription, line.message].some((text) => text !== undefined && containsToken(text, word));
}

/** What went wrong on this line, if anything: AADSTS first (the most specific), then HTTP. */
export function classifyLine(line: ParsedLogLine): Classified | undefined {
  const { status } = line;
  if (status !== undefined && status < 400) return undefined;
  const detail = line.errorDescription ?? (line.error && line.error !== line.message ? line.error : undefined);
  const withDetail = (head: string, fallback?: string) => {
    const text = detail ?? fallback;
    return text ? `${head}: ${cap(text, MAX_ERROR_DETAIL_CHARS)}` : head;
  };

  const aadsts = aadstsCodesOf(line)[0];
  if (aadsts) {
    const known = aadstsMeaning(aadsts);
    const head = known ? `${aadsts} (${known.meaning})` : `${aadsts} (Entra ID rejected the token request)`;
    return {
      status,
      code: aadsts as TraceErrorCode,
      message: withDetail(head, line.message),
      meaning: known?.meaning,
      fix: known?.fix,
    };
  }
  if (mentions(line, 'token_expired') && (status === undefined || status === 401)) {
    return {
      status,
      code: 'token_expired',
      message: `${withDetail(`${status ?? 401} token_expired`, 'the access token has expired')}; the consumer must re-acquire a token and retry`,
    };
  }
  if (mentions(line, 'invalid_token') && (status === undefined || status === 401)) {
    return {
      status,
      code: 'invalid_token',
      message: withDetail(`${status ?? 401} invalid_token`, 'the provider rejected the token (signature, issuer or audience)'),
    };
  }
  if (status === 429) {
    const wait = line.retryAfterSeconds !== undefined ? `retry after ${line.retryAfterSeconds} s` : 'no Retry-After given';
    const reset = line.rateLimitReset !== undefined ? `, rate limit resets ${rateLimitResetText(line.rateLimitReset)}` : '';
    return {
      status,
      code: 'rate_limited',
      message: `429 rate limited: ${wait}${reset}`,
      retryAfterSeconds: line.retryAfterSeconds,
      rateLimitReset: line.rateLimitReset,
    };
  }
  if (status === 401) return { status, code: 'unauthorized', message: withDetail('401 unauthorized') };
  if (status === 403) return { status, code: 'forbidden', message: withDetail('403 forbidden', 'the token lacks a required role or scope') };
  if (status !== undefined && status >= 500) return { status, code: 'server_error', message: withDetail(`${status} server error`) };
  if (status !== undefined) return { status, code: 'client_error', message: withDetail(`${status} client error`) };
  if (line.level === 'error' || line.level === 'fatal') {
    return { code: 'error', message: cap(line.error ? withDetail(line.error) : line.message, MAX_ERROR_DETAIL_CHARS) };
  }
  return undefined;
}

/** Higher wins when a call's lines are classified differently (consumer and provider views). */
function priority(code: TraceErrorCode): number {
  if (code.startsWith('AADSTS')) return 6;
  if (code === 'token_expired' || code === 'invalid_token') return 5;
  if (code === 'rate_limited') return 4;
  if (code === 'unauthorized' || code === 'forbidden') return 3;
  if (code === 'server_error' || code === 'client_error') return 2;
  return 1;
}

// ---- calls ---------------------------------------------------------------------------------

const TOKEN_PATH = /\/oauth2\/(?:v2\.0\/)?token\b/i;
const ENTRA_HOST = /login\.microsoftonline\.(?:com|us)|login\.partner\.microsoftonline\.cn|login\.chinacloudapi\.cn/i;
const TOKEN_MESSAGE =
  /\b(?:acquir\w*|request\w*|obtain\w*|fetch\w*|refresh\w*|exchang\w*|got|received|issued)\b[^.\n]{0,40}\btokens?\b|\btokens?\s+(?:request|acquisition|acquired|exchange|endpoint|obtained|issued|refreshed)\b|\bentra(?:\s+id)?\b/i;
// A line that starts a call (rather than reporting on one already open).
const CALL_START = /\b(?:acquir\w*|request\w*|obtain\w*|fetch\w*|refresh\w*|exchang\w*|call\w*|send\w*|POST|GET|PUT|PATCH|DELETE|retry\w*)\b/i;
const SUCCESS_MESSAGE = /\b(?:acquired|obtained|received|issued|succeeded|success(?:ful)?|refreshed)\b/i;

function isTokenLine(line: ParsedLogLine): boolean {
  if (line.path && (TOKEN_PATH.test(line.path) || ENTRA_HOST.test(line.path))) return true;
  if (aadstsCodesOf(line).length > 0) return true;
  // A line with an HTTP status on another path is a call to the provider, whatever it says.
  if (line.path && line.status !== undefined) return false;
  return TOKEN_MESSAGE.test(line.message) || ENTRA_HOST.test(line.message);
}

function lineOutcome(line: ParsedLogLine): Exchange['outcome'] {
  if (classifyLine(line)) return 'error';
  if (line.status !== undefined) return 'ok';
  return SUCCESS_MESSAGE.test(line.message) ? 'ok' : 'pending';
}

interface Draft {
  requestId?: string;
  key: string;
  lines: OrderedLine[];
}

function pathWithoutQuery(path: string): string {
  const q = path.search(/[?#]/);
  return q < 0 ? path : path.slice(0, q);
}

function callKey(line: ParsedLogLine, token: boolean): string {
  if (token) return 'token';
  if (line.path) return `${line.method ?? ''} ${pathWithoutQuery(line.path)}`;
  return `api:${line.service}`;
}

/**
 * Groups lines into calls: by `x-request-id` when there is one; otherwise a line with a status
 * or a token request is a call of its own, and a line that only reports on an open call of the
 * same kind ("token acquired" after "acquiring token") joins it.
 */
function groupCalls(ordered: OrderedLine[]): Draft[] {
  const drafts: Draft[] = [];
  const byRequestId = new Map<string, Draft>();
  const open = new Map<string, Draft>();
  for (const item of ordered) {
    const { line } = item;
    if (line.requestId) {
      let draft = byRequestId.get(line.requestId);
      if (!draft) {
        draft = { requestId: line.requestId, key: '', lines: [] };
        byRequestId.set(line.requestId, draft);
        drafts.push(draft);
      }
      draft.lines.push(item);
      continue;
    }
    const token = isTokenLine(line);
    const isCall = token || line.status !== undefined || (line.method !== undefined && line.path !== undefined);
    if (!isCall) continue;
    const key = callKey(line, token);
    const current = open.get(key);
    const currentPending = current !== undefined && lineOutcome(current.lines[current.lines.length - 1]!.line) === 'pending';
    const startsCall = line.status !== undefined || CALL_START.test(line.message);
    if (current && (currentPending || !startsCall)) {
      current.lines.push(item);
      continue;
    }
    const draft: Draft = { key, lines: [item] };
    drafts.push(draft);
    open.set(key, draft);
  }
  return drafts;
}

function firstOf<T>(lines: OrderedLine[], pick: (line: ParsedLogLine) => T | undefined): T | undefined {
  for (const { line } of lines) {
    const value = pick(line);
    if (value !== undefined) return value;
  }
  return undefined;
}

function isoOf(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

interface Call {
  exchange: Exchange;
  /** Index (in time order) of the call's last line: where its outcome counts. */
  lastIndex: number;
  lineIndexes: number[];
}

function toCall(draft: Draft): Call {
  const { lines } = draft;
  const firstLine = lines[0]!;
  const lastLine = lines[lines.length - 1]!;
  const kind: Exchange['kind'] = lines.some((l) => isTokenLine(l.line)) ? 'token' : 'api';
  const services = [...new Set(lines.map((l) => l.line.service))];

  let error: TraceError | undefined;
  for (const { line, timeMs } of lines) {
    const classified = classifyLine(line);
    if (classified && (!error || priority(classified.code) > priority(error.code))) {
      error = { ...classified, service: line.service, time: isoOf(timeMs), requestId: draft.requestId };
    }
  }
  const statuses = lines.map((l) => l.line.status).filter((s): s is number => s !== undefined);
  const status = statuses[statuses.length - 1] ?? error?.status;
  const outcome: Exchange['outcome'] = error
    ? 'error'
    : status !== undefined || lines.some((l) => lineOutcome(l.line) === 'ok')
      ? 'ok'
      : 'pending';

  const loggedDurations = lines.map((l) => l.line.durationMs).filter((d): d is number => d !== undefined);
  const span =
    firstLine.timeMs !== undefined && lastLine.timeMs !== undefined && lines.length > 1 ? lastLine.timeMs - firstLine.timeMs : undefined;
  const durationMs = loggedDurations.length > 0 ? Math.max(...loggedDurations) : span !== undefined && span > 0 ? span : undefined;

  const exchange: Exchange = {
    kind,
    service: firstLine.line.service,
    services,
    attempt: 1,
    outcome,
  };
  const optional: Partial<Exchange> = {
    requestId: draft.requestId,
    method: firstOf(lines, (l) => l.method),
    path: firstOf(lines, (l) => l.path),
    status,
    durationMs,
    error,
    startedAt: isoOf(firstLine.timeMs),
    endedAt: isoOf(lastLine.timeMs),
    retryAfterSeconds: firstOf(lines, (l) => l.retryAfterSeconds),
    rateLimitReset: firstOf(lines, (l) => l.rateLimitReset),
    scope: firstOf(lines, (l) => l.scope),
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) (exchange as unknown as Record<string, unknown>)[key] = value;
  }
  return { exchange, lastIndex: lastLine.index, lineIndexes: lines.map((l) => l.index) };
}

/**
 * Calls that are the consumer's own access log — a request it answered for its caller — become
 * `served`: drawn as the request that started the work, not as a call to the provider. Such a call
 * is logged only by the consumer, with a path and no host (a call it makes is logged with the URL it
 * calls) and a status, and its span (its logged duration back from its line) encloses every other
 * call the consumer made in the trace, at least one: the request came in, the work was done, the
 * answer went out. The consumer is consumerOf's, as in workloadOf (the token request's service, else the
 * first call's).
 */
function markServed(calls: Call[], ordered: OrderedLine[]): void {
  const consumer = consumerOf(calls);
  if (consumer === undefined) return;
  // A call's first and last line times (its lines are in time order).
  const firstMs = (c: Call) => ordered[c.lineIndexes[0]!]?.timeMs;
  const lastMs = (c: Call) => ordered[c.lastIndex]?.timeMs;
  for (const call of calls) {
    const { exchange, lineIndexes } = call;
    if (exchange.kind !== 'api' || exchange.status === undefined || !exchange.path?.startsWith('/')) continue;
    if (exchange.services.length !== 1 || exchange.services[0] !== consumer) continue;
    const end = lastMs(call);
    const start = end !== undefined && exchange.durationMs !== undefined ? Math.min(end - exchange.durationMs, firstMs(call) ?? end) : firstMs(call);
    const others = calls.filter((c) => c !== call && c.exchange.services.includes(consumer));
    const enclosed = (c: Call) => {
      const [from, to] = [firstMs(c), lastMs(c)];
      return start !== undefined && end !== undefined && from !== undefined && to !== undefined && from >= start && to <= end;
    };
    if (others.length === 0 || !others.every(enclosed)) continue;
    exchange.kind = 'served';
    const chain = lineIndexes.map((i) => ordered[i]?.line.callerChain).find((c) => c !== undefined);
    const caller = chain
      ?.split(/[,>]/)
      .map((hop) => hop.trim())
      .filter((hop) => hop !== '' && hop !== consumer)
      .at(-1);
    if (caller) exchange.caller = caller;
  }
}

/** A call repeating the method+path (or the token request) of a failed one is its next attempt. */
function numberAttempts(calls: Call[]): number {
  const previous = new Map<string, Exchange>();
  let retries = 0;
  for (const { exchange } of calls) {
    const key =
      exchange.kind === 'token'
        ? 'token'
        : exchange.path
          ? `${exchange.method ?? ''} ${pathWithoutQuery(exchange.path)}`
          : `api:${exchange.service}`;
    const before = previous.get(key);
    if (before && before.outcome === 'error') {
      exchange.attempt = before.attempt + 1;
      retries++;
    }
    previous.set(key, exchange);
  }
  return retries;
}

// ---- outcome, workload, Entra ----------------------------------------------------------------

/**
 * `failed`: the last outcome is an error (nothing succeeded after it); `recovered`: an error
 * was followed by a success; `success`: no error at all.
 */
function outcomeOf(results: Array<{ index: number; ok: boolean }>): TraceOutcome {
  const sorted = [...results].sort((a, b) => a.index - b.index);
  if (!sorted.some((r) => !r.ok)) return 'success';
  return sorted[sorted.length - 1]!.ok ? 'recovered' : 'failed';
}

function mostFrequent(values: string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: string | undefined;
  for (const [value, count] of counts) if (best === undefined || count > counts.get(best)!) best = value;
  return best;
}

/** The consumer: the service that requested a token, else the one that made the first call. */
function consumerOf(calls: Call[]): string | undefined {
  return calls.find((c) => c.exchange.kind === 'token')?.exchange.service ?? calls[0]?.exchange.service;
}

function workloadOf(ordered: OrderedLine[], calls: Call[]): WorkloadContext {
  const consumer = consumerOf(calls) ?? ordered[0]?.line.service;
  const provider = mostFrequent(
    calls.filter((c) => c.exchange.kind === 'api').flatMap((c) => c.exchange.services.filter((s) => s !== consumer)),
  );
  // The consumer's own lines first: the provider's pod name is not the caller's.
  const tokenIndexes = new Set(calls.filter((c) => c.exchange.kind === 'token').flatMap((c) => c.lineIndexes));
  const preferred = [
    ...ordered.filter((o) => tokenIndexes.has(o.index)),
    ...ordered.filter((o) => !tokenIndexes.has(o.index) && o.line.service === consumer),
  ];
  const subject = firstOf(preferred, (l) => l.subject) ?? firstOf(ordered, (l) => l.subject);
  const sa = subject ? parseServiceAccountSubject(subject) : undefined;
  const context: WorkloadContext = {};
  const values: WorkloadContext = {
    consumer,
    provider,
    podName: firstOf(preferred, (l) => l.podName),
    namespace: sa?.namespace,
    serviceAccount: sa?.name,
    subject,
    clientId: firstOf(preferred, (l) => l.clientId) ?? firstOf(ordered, (l) => l.clientId),
    tenantId: firstOf(preferred, (l) => l.tenantId) ?? firstOf(ordered, (l) => l.tenantId),
    scope: firstOf(preferred, (l) => l.scope) ?? firstOf(ordered, (l) => l.scope),
  };
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined) (context as Record<string, unknown>)[key] = value;
  }
  return context;
}

/** Entra's AADSTS70021-family text quotes the assertion: `Assertion Subject: 'system:…'`. */
function quotedAssertion(texts: string[], label: 'Issuer' | 'Subject' | 'Audience'): string | undefined {
  const pattern = new RegExp(`Assertion ${label}:\\s*'([^'\\n]{1,600})'`, 'i');
  for (const text of texts) {
    const m = pattern.exec(text);
    if (m) return m[1];
  }
  return undefined;
}

function entraFailureOf(errors: TraceError[], ordered: OrderedLine[], workload: WorkloadContext): EntraFailure | undefined {
  const error = errors.find((e) => e.code.startsWith('AADSTS'));
  if (!error) return undefined;
  const lines = ordered.filter((o) => aadstsCodesOf(o.line).includes(error.code)).map((o) => o.line);
  const texts = lines.flatMap((l) => [l.errorDescription ?? '', l.message, l.raw.slice(0, MAX_SCANNED_RAW_CHARS)]);
  const subject = quotedAssertion(texts, 'Subject') ?? lines.find((l) => l.subject)?.subject ?? workload.subject;
  const podName = lines.find((l) => l.podName)?.podName ?? workload.podName;
  const sa = subject ? parseServiceAccountSubject(subject) : undefined;
  const failure: EntraFailure = { code: error.code };
  const values: Partial<EntraFailure> = {
    meaning: error.meaning,
    issuer: quotedAssertion(texts, 'Issuer'),
    subject,
    audience: quotedAssertion(texts, 'Audience'),
    podName,
    clientId: lines.find((l) => l.clientId)?.clientId ?? workload.clientId,
    // Single-cluster ids (`sa:<ns>/<name>`); the caller re-scopes them when it shows several clusters.
    serviceAccountId: sa ? nodeId.serviceAccount({ multiCluster: false }, '', sa.namespace, sa.name) : undefined,
    podId: sa && podName ? nodeId.pod({ multiCluster: false }, '', sa.namespace, podName) : undefined,
  };
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined) (failure as unknown as Record<string, unknown>)[key] = value;
  }
  return failure;
}

// ---- assembly ------------------------------------------------------------------------------

interface Analysis {
  ordered: OrderedLine[];
  calls: Call[];
  summary: TraceSummary;
  workload: WorkloadContext;
}

function analyse(lines: ParsedLogLine[]): Analysis {
  const ordered = orderLines(lines);
  const calls = groupCalls(ordered).map(toCall);
  markServed(calls, ordered);
  const retries = numberAttempts(calls);
  const inCall = new Set(calls.flatMap((c) => c.lineIndexes));

  const results: Array<{ index: number; ok: boolean }> = [];
  const errorsAt: Array<{ index: number; error: TraceError }> = [];
  for (const call of calls) {
    if (call.exchange.outcome !== 'pending') results.push({ index: call.lastIndex, ok: call.exchange.outcome === 'ok' });
    if (call.exchange.error) errorsAt.push({ index: call.lastIndex, error: call.exchange.error });
  }
  // Error lines outside any call ("giving up", a crash) still count, once per distinct message.
  const seen = new Set<string>();
  for (const o of ordered) {
    if (inCall.has(o.index)) continue;
    const classified = classifyLine(o.line);
    if (!classified) continue;
    results.push({ index: o.index, ok: false });
    const key = `${classified.code}\u0000${classified.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    errorsAt.push({ index: o.index, error: { ...classified, service: o.line.service, time: isoOf(o.timeMs) } });
  }
  const errors = errorsAt.sort((a, b) => a.index - b.index).map((e) => e.error);

  const times = ordered.map((o) => o.timeMs).filter((t): t is number => t !== undefined);
  const startMs = times.length > 0 ? Math.min(...times) : undefined;
  const endMs = times.length > 0 ? Math.max(...times) : undefined;
  const workload = workloadOf(ordered, calls);
  const summary: TraceSummary = {
    outcome: outcomeOf(results),
    services: [...new Set(ordered.map((o) => o.line.service))],
    errors,
    eventCount: ordered.length,
    retries,
  };
  if (startMs !== undefined && endMs !== undefined) {
    summary.startedAt = isoOf(startMs);
    summary.endedAt = isoOf(endMs);
    summary.durationMs = endMs - startMs;
  }
  const entra = entraFailureOf(errors, ordered, workload);
  if (entra) summary.entra = entra;
  return { ordered, calls, summary, workload };
}

function defaultLevel(line: ParsedLogLine): LogLevel {
  if (line.level) return line.level;
  return classifyLine(line) ? 'error' : 'info';
}

function toEvent(item: OrderedLine): TraceEvent {
  const { line } = item;
  const event: TraceEvent = {
    service: line.service,
    level: defaultLevel(line),
    message: cap(line.message, MAX_EVENT_MESSAGE_CHARS),
    source: line.source,
    raw: line.raw.length > MAX_EVENT_RAW_CHARS ? `${line.raw.slice(0, MAX_EVENT_RAW_CHARS)}…[cut]` : line.raw,
    format: line.format,
  };
  const optional: Partial<TraceEvent> = {
    time: isoOf(item.timeMs),
    timeInferred: item.timeInferred || undefined,
    requestId: line.requestId,
    status: line.status,
    error: line.error,
    errorCode: classifyLine(line)?.code,
    method: line.method,
    path: line.path,
    durationMs: line.durationMs,
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) (event as unknown as Record<string, unknown>)[key] = value;
  }
  return event;
}

/**
 * The trace of `correlationId` from candidate lines: lines that do not belong to it (see
 * `lineMatches`) are ignored, so sources may hand over everything their pre-filter let through.
 * No events means no trace (the route answers 404).
 */
/**
 * A trace whose lines name the pod but no subject (a cached token: nothing logged the exchange),
 * with the service account the identity map says that pod runs as: its subject in the workload and
 * the diagram, marked as taken from the map. Unchanged when the logs named a subject or no pod.
 */
export function withPodServiceAccount(trace: Trace, pod: { namespace: string; serviceAccountName: string }): Trace {
  if (trace.workload.subject !== undefined || trace.workload.podName === undefined) return trace;
  const workload = { ...trace.workload, namespace: pod.namespace, serviceAccount: pod.serviceAccountName, subject: serviceAccountSubject(pod.namespace, pod.serviceAccountName), subjectFromMap: true };
  const next = { ...trace, workload };
  return { ...next, sequence: traceToMermaid(next) };
}

export function buildTrace(correlationId: string, lines: ParsedLogLine[], options: BuildTraceOptions): Trace {
  const matching = lines.filter((line) => lineMatches(line, correlationId));
  const { ordered, calls, summary, workload } = analyse(matching);
  const events = ordered.map(toEvent);
  const full: Trace = {
    correlationId,
    events,
    summary,
    exchanges: calls.map((c) => c.exchange),
    workload,
    sequence: '',
    truncated: false,
  };
  // The diagram is drawn from every event, so capping the table does not cut the story short.
  full.sequence = traceToMermaid(full);
  const maxEvents = Math.max(0, Math.floor(options.maxEvents));
  const capped = events.length > maxEvents;
  return {
    ...full,
    events: capped ? events.slice(0, maxEvents) : events,
    truncated: capped || options.inputTruncated === true,
  };
}

export interface TraceListItem {
  correlationId: string;
  summary: TraceSummary;
}

// Text lines are tokenised on what is not an ID character, to attach them to known IDs cheaply.
const NON_TOKEN = /[^A-Za-z0-9._:-]+/;

/**
 * Recent traces for `GET /api/traces`, newest (latest line) first. A line is grouped under
 * its first correlation field (the top-level alias; nested ones may be another system's, such
 * as Entra's own `correlation_id` in a logged error body); lines without a correlation field
 * join the IDs they name as whole tokens. IDs that fail validation are left out (they could
 * not be looked up). Filtering by outcome is the caller's.
 */
export function summarizeTraces(lines: ParsedLogLine[], limit: number): TraceListItem[] {
  const groups = new Map<string, ParsedLogLine[]>();
  const uncorrelated: ParsedLogLine[] = [];
  for (const line of lines) {
    const id = line.correlationIds[0];
    if (id === undefined) {
      uncorrelated.push(line);
      continue;
    }
    if (!validateCorrelationId(id).ok) continue;
    const group = groups.get(id);
    if (group) group.push(line);
    else groups.set(id, [line]);
  }
  for (const line of uncorrelated) {
    const tokens = line.raw.slice(0, MAX_SCANNED_RAW_CHARS).split(NON_TOKEN);
    const joined = new Set<string>();
    for (const token of tokens) {
      // `:` separates tokens for matching but may be inside an ID: try the token and its parts.
      for (const candidate of [token, ...(token.includes(':') ? token.split(':') : [])]) {
        if (joined.has(candidate) || !groups.has(candidate)) continue;
        if (!containsToken(line.raw, candidate)) continue;
        groups.get(candidate)!.push(line);
        joined.add(candidate);
      }
    }
  }
  const items = [...groups.entries()].map(([correlationId, group]) => ({ correlationId, summary: analyse(group).summary }));
  items.sort((a, b) => {
    const ta = a.summary.endedAt ?? '';
    const tb = b.summary.endedAt ?? '';
    if (ta !== tb) return ta < tb ? 1 : -1;
    return a.correlationId < b.correlationId ? -1 : a.correlationId > b.correlationId ? 1 : 0;
  });
  return items.slice(0, Math.max(0, Math.floor(limit)));
}
