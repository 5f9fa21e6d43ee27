import type { TraceOutcome } from '@/lib/traces/model';
import { type ParamSource, readParam } from './search-param-source';

// The view state of /traces and /flow lives in the URL (STYLE.md §11), so a filtered list or a
// chosen service account can be shared and survives a reload:
//   /traces?outcome=failed&service=consumer · /traces/<correlation id> · /flow?sa=sa:shop/consumer
// This module is the only place that reads or writes those parameters. Pure: no window, no React.

export const TRACE_OUTCOMES: readonly TraceOutcome[] = ['success', 'recovered', 'failed'];

export interface TraceSearch {
  /** Only traces with this outcome (absent = all). */
  outcome?: TraceOutcome;
  /** Only traces in which this service logged (absent = all). */
  service?: string;
}

export interface FlowSearch {
  /** Stable id of the chosen service account (`sa:<ns>/<name>` or `sa:<cluster>:<ns>/<name>`). */
  sa?: string;
}

/** Longest value kept from the URL: service names and ids are short; anything longer is not ours. */
const MAX_VALUE = 256;

function read(source: ParamSource, name: string): string | undefined {
  const value = readParam(source, name);
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  return trimmed && trimmed.length <= MAX_VALUE ? trimmed : undefined;
}

function isOutcome(value: string | undefined): value is TraceOutcome {
  return value !== undefined && (TRACE_OUTCOMES as readonly string[]).includes(value);
}

/** Reads /traces' view state; an unknown outcome or an over-long value is dropped, not an error. */
export function parseTraceSearch(source: ParamSource): TraceSearch {
  const outcome = read(source, 'outcome');
  const service = read(source, 'service');
  return { ...(isOutcome(outcome) ? { outcome } : {}), ...(service ? { service } : {}) };
}

// `:` and `/` are legal in a query and a path segment (RFC 3986) and keep ids readable.
const encode = (value: string) => encodeURIComponent(value).replace(/%3A/gi, ':').replace(/%2F/gi, '/');

function withQuery(path: string, pairs: Array<[string, string | undefined]>): string {
  const query = pairs.filter((p): p is [string, string] => Boolean(p[1])).map(([name, value]) => `${name}=${encode(value)}`);
  return query.length ? `${path}?${query.join('&')}` : path;
}

/** `/traces?…` for a view state; outcome before service, defaults left out. */
export function tracesHref(search: TraceSearch = {}): string {
  return withQuery('/traces', [
    ['outcome', isOutcome(search.outcome) ? search.outcome : undefined],
    ['service', search.service],
  ]);
}

/**
 * `/traces/<id>` for a correlation ID. Valid IDs hold only `[A-Za-z0-9._:-]`; anything else is
 * percent-encoded so that a bad ID still reaches the page (which then says what is wrong with it).
 */
export function traceHref(correlationId: string): string {
  return `/traces/${encodeURIComponent(correlationId).replace(/%3A/gi, ':')}`;
}

/**
 * The correlation ID of a `/traces/[correlationId]` route param. Next hands the segment over
 * decoded; a still-encoded one (`%3A`) is decoded once here, and a malformed escape is kept as is
 * (the validator then names the bad character).
 */
export function correlationIdFromParam(param: string): string {
  if (!param.includes('%')) return param;
  try {
    return decodeURIComponent(param);
  } catch {
    return param;
  }
}

export function parseFlowSearch(source: ParamSource): FlowSearch {
  const sa = read(source, 'sa');
  return sa ? { sa } : {};
}

/** `/flow?sa=<id>`: the generic token exchange of one service account. */
export function flowHref(search: FlowSearch = {}): string {
  return withQuery('/flow', [['sa', search.sa]]);
}

/**
 * A decoded path segment that names a path rather than an ID (`..%2f..%2fetc%2fpasswd`): no
 * correlation ID holds a slash, so such a segment is answered 404 like any path that does not exist.
 */
export function isPathLikeSegment(decoded: string): boolean {
  return decoded.includes('/') || decoded.includes('\\');
}
