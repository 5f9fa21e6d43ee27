import 'server-only';
import { z } from 'zod';
import { SourceError } from '../source-error';
import type { LogSearchOptions, LogSearchResult, LogSource, RawLogLine } from './log-source';
import { capLine } from './text-lines';

// Grafana Loki (`loki:<base-url>`): one `query_range` call with a LogQL line filter for the ID,
// `{<selector>} |= "<id>"`, oldest first. Loki answers streams (a label set + [ns timestamp, line]
// pairs); they are merged in time order and each line is prefixed with its RFC 3339 time, as
// `kubectl logs --timestamps` does, so that lib/traces gets a time for lines that carry none.

export const DEFAULT_LOKI_SELECTOR = '{job=~".+"}';
const DEFAULT_WINDOW_HOURS = 24;
const DEFAULT_TIMEOUT_MS = 30_000;
/** Loki's default `max_entries_limit_per_query`: a larger `limit` is answered with a 400. */
const LOKI_MAX_ENTRIES = 5000;

export interface LokiLogSourceOptions {
  baseUrl: string;
  /** LogQL stream selector (default `{job=~".+"}`: every stream that has a job label). */
  selector?: string;
  /** How far back to look (default 24 h). */
  windowHours?: number;
  timeoutMs?: number;
  /** Multi-tenant Loki: the `X-Scope-OrgID` header. */
  tenant?: string;
  /** The current time (a parameter so that tests can pin the query window). */
  now?: () => Date;
}

/**
 * A LogQL double-quoted string holding `value` as data. LogQL strings are Go string literals;
 * JSON.stringify escapes `"` and `\` and writes control characters as `\n`, `\t`, `\u00XX`, all
 * of which Go reads back identically, so nothing in the ID can end the string or the filter.
 */
export function logqlStringLiteral(value: string): string {
  return JSON.stringify(value);
}

export function searchLogql(correlationId: string, selector = DEFAULT_LOKI_SELECTOR): string {
  return `${selector} |= ${logqlStringLiteral(correlationId)}`;
}

const streamsResponse = z.object({
  status: z.literal('success'),
  data: z.object({
    resultType: z.literal('streams'),
    result: z.array(
      z.object({
        stream: z.record(z.string(), z.string()),
        // Loki 3 may add a third element (structured metadata) to each value.
        values: z.array(z.tuple([z.string(), z.string()]).rest(z.unknown())),
      }),
    ),
  }),
});

/** `1730000000123456789` (ns since the epoch, as a string) → `2024-10-27T03:33:20.123456789Z`. */
function nanosToRfc3339(ns: string): string | undefined {
  if (!/^\d{1,20}$/.test(ns)) return undefined;
  const padded = ns.padStart(10, '0');
  const seconds = Number(padded.slice(0, -9));
  const fraction = padded.slice(-9);
  const date = new Date(seconds * 1000);
  if (Number.isNaN(date.getTime())) return undefined;
  return `${date.toISOString().slice(0, 19)}.${fraction}Z`;
}

function serviceHintOf(labels: Record<string, string>): string | undefined {
  return labels.app ?? labels.service_name ?? labels.container ?? labels.pod;
}

function labelString(labels: Record<string, string>): string {
  return `{${Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(',')}}`;
}

export class LokiLogSource implements LogSource {
  readonly kind = 'loki';
  readonly label: string;
  private readonly selector: string;
  private readonly windowHours: number;
  private readonly timeoutMs: number;

  constructor(private readonly options: LokiLogSourceOptions) {
    this.label = `loki:${options.baseUrl}`;
    this.selector = options.selector ?? DEFAULT_LOKI_SELECTOR;
    this.windowHours = options.windowHours ?? DEFAULT_WINDOW_HOURS;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  async search(correlationId: string, options: LogSearchOptions): Promise<LogSearchResult> {
    return this.queryRange(searchLogql(correlationId, this.selector), 'forward', options);
  }

  async recent(options: LogSearchOptions): Promise<LogSearchResult> {
    return this.queryRange(this.selector, 'backward', options);
  }

  private async queryRange(query: string, direction: 'forward' | 'backward', options: LogSearchOptions): Promise<LogSearchResult> {
    const maxLines = Math.max(0, options.maxLines);
    const limit = Math.min(maxLines + 1, LOKI_MAX_ENTRIES);
    const end = (this.options.now ?? (() => new Date()))();
    const endNs = BigInt(end.getTime()) * 1_000_000n;
    const startNs = endNs - BigInt(Math.round(this.windowHours * 3600)) * 1_000_000_000n;
    const url = new URL('loki/api/v1/query_range', this.options.baseUrl.endsWith('/') ? this.options.baseUrl : `${this.options.baseUrl}/`);
    url.search = new URLSearchParams({ query, start: String(startNs), end: String(endNs), limit: String(limit), direction }).toString();

    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    let response: Response;
    try {
      response = await fetch(url, { headers: { accept: 'application/json', ...(this.options.tenant ? { 'X-Scope-OrgID': this.options.tenant } : {}) }, signal });
    } catch (error) {
      options.signal?.throwIfAborted();
      if (timeout.aborted) throw new SourceError('timeout:logs', `${this.label}: Loki did not answer within ${Math.round(this.timeoutMs / 1000)} s.`);
      throw new SourceError('unreachable:logs', `${this.label}: Loki cannot be reached: ${(error as Error).message}. Check the URL in IDLENS_LOGS and the network.`, { cause: error });
    }
    const body = await response.text();
    if (!response.ok) throw this.failure(response, body);
    let parsed: z.infer<typeof streamsResponse>;
    try {
      parsed = streamsResponse.parse(JSON.parse(body));
    } catch (error) {
      throw new SourceError('invalid-response:logs', `${this.label}: the answer of query_range is not a "streams" result.`, { cause: error });
    }

    const entries: Array<{ ns: bigint; line: RawLogLine }> = [];
    for (const stream of parsed.data.result) {
      const source = `loki:${labelString(stream.stream)}`;
      const serviceHint = serviceHintOf(stream.stream);
      for (const [ns, raw] of stream.values) {
        const time = nanosToRfc3339(ns);
        const { text, cut } = capLine(time ? `${time} ${raw}` : raw);
        entries.push({ ns: /^\d+$/.test(ns) ? BigInt(ns) : 0n, line: { source, text, ...(serviceHint ? { serviceHint } : {}), ...(cut ? { cut: true } : {}) } });
      }
    }
    entries.sort((a, b) => (a.ns < b.ns ? -1 : a.ns > b.ns ? 1 : 0));
    // `limit` counts entries across streams: reaching it means Loki may have more.
    const truncated = entries.length >= limit;
    let lines = entries.map((e) => e.line);
    if (lines.length > maxLines) lines = direction === 'forward' ? lines.slice(0, maxLines) : lines.slice(lines.length - maxLines);
    return { lines, truncated };
  }

  private failure(response: Response, body: string): SourceError {
    // Loki answers errors as plain text (`parse error at line 1, col 15: …`), sometimes as JSON.
    let message = body.trim().slice(0, 500);
    try {
      const json = JSON.parse(body) as { message?: unknown; error?: unknown };
      if (typeof json.message === 'string') message = json.message;
      else if (typeof json.error === 'string') message = json.error;
    } catch {
      // plain text
    }
    const detail = message || response.statusText;
    if (response.status === 401) return new SourceError('unauthorized:logs', `${this.label}: Loki refused the request (401): ${detail}`);
    if (response.status === 403) return new SourceError('forbidden:logs', `${this.label}: Loki forbids the query (403): ${detail}`);
    if (response.status === 429) {
      const retryAfter = response.headers.get('retry-after');
      return new SourceError('throttled:logs', `${this.label}: Loki is rate-limiting queries (429)${retryAfter ? `; retry after ${retryAfter} s` : ''}: ${detail}`);
    }
    if (response.status === 400) return new SourceError('failed:logs', `${this.label}: Loki rejected the query (400): ${detail}`);
    return new SourceError(response.status >= 500 ? 'unreachable:logs' : 'failed:logs', `${this.label}: Loki answered ${response.status}: ${detail}`);
  }
}
