import 'server-only';
import { z } from 'zod';
import type { TokenProvider } from '../azure/token-provider';
import { SourceError } from '../source-error';
import type { LogSearchOptions, LogSearchResult, LogSource, RawLogLine } from './log-source';
import { capLine } from './text-lines';

// Container logs in Azure Monitor Log Analytics (`loganalytics:<workspace-id>`), the table AKS's
// Container insights writes: ContainerLogV2 (TimeGenerated, LogMessage, PodName, PodNamespace,
// ContainerName). One KQL query through the query REST API
// (`POST {base}v1/workspaces/{id}/query`, body `{ query, timespan }`), authenticated with an Entra
// token for `https://api.loganalytics.io/.default` (role: Log Analytics Reader on the workspace).
// Each row becomes one RawLogLine whose text is the row as a JSON object, so lib/traces reads
// TimeGenerated, LogMessage (a JSON log arrives already parsed, as an object) and PodName.

export const LOG_ANALYTICS_SCOPE = 'https://api.loganalytics.io/.default';
const DEFAULT_WINDOW_HOURS = 24;
const DEFAULT_TIMEOUT_MS = 60_000;

export interface LogAnalyticsLogSourceOptions {
  workspaceId: string;
  /** IDLENS_LOGANALYTICS_URL, e.g. `https://api.loganalytics.io/` (sovereign clouds differ). */
  baseUrl: string;
  tokenProvider: TokenProvider;
  /** How far back to look (default 24 h). */
  windowHours?: number;
  timeoutMs?: number;
}

/**
 * A KQL string literal that holds `value` as data, whatever it contains. Verbatim form `@'…'`:
 * no backslash escapes exist in it (so `\` cannot start one), and the only special character,
 * the closing `'`, is written doubled (`''`). A verbatim literal cannot span lines, so line
 * breaks and other control characters are refused instead of encoded (no valid correlation ID
 * has them; the route validates IDs first, this layer stays safe on its own).
 */
export function kqlStringLiteral(value: string): string {
  if (/[\u0000-\u001f\u007f\u0085\u2028\u2029]/.test(value)) {
    throw new SourceError('config:logs', 'The correlation ID contains a line break or control character and cannot be searched in Log Analytics.');
  }
  return `@'${value.replaceAll("'", "''")}'`;
}

const PROJECTION = 'TimeGenerated, PodNamespace, PodName, ContainerName, LogMessage';

/** The KQL for one correlation ID: oldest first, one row more than asked (to tell "truncated"). */
export function searchQuery(correlationId: string, maxLines: number, windowHours: number): string {
  return [
    'ContainerLogV2',
    `| where TimeGenerated > ago(${windowHours}h)`,
    `| where LogMessage has ${kqlStringLiteral(correlationId)}`,
    `| project ${PROJECTION}`,
    '| order by TimeGenerated asc',
    `| take ${maxLines + 1}`,
  ].join('\n');
}

function recentQuery(maxLines: number, windowHours: number): string {
  return ['ContainerLogV2', `| where TimeGenerated > ago(${windowHours}h)`, '| top ' + (maxLines + 1) + ' by TimeGenerated desc', `| project ${PROJECTION}`, '| order by TimeGenerated asc'].join('\n');
}

const queryResponse = z.object({
  tables: z.array(
    z.object({
      name: z.string(),
      columns: z.array(z.object({ name: z.string(), type: z.string().optional() })),
      rows: z.array(z.array(z.unknown())),
    }),
  ),
  // A partial failure (e.g. a query limit hit) arrives next to the rows of a 200 answer.
  error: z.object({ code: z.string().optional(), message: z.string().optional() }).passthrough().optional(),
});

const errorResponse = z.object({
  error: z
    .object({
      code: z.string().optional(),
      message: z.string().optional(),
      innererror: z.object({ code: z.string().optional(), message: z.string().optional() }).passthrough().optional(),
    })
    .passthrough(),
});

export class LogAnalyticsLogSource implements LogSource {
  readonly kind = 'loganalytics';
  readonly label: string;
  private readonly windowHours: number;
  private readonly timeoutMs: number;

  constructor(private readonly options: LogAnalyticsLogSourceOptions) {
    this.label = `loganalytics:${options.workspaceId}`;
    this.windowHours = Math.max(1, Math.round(options.windowHours ?? DEFAULT_WINDOW_HOURS));
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  async search(correlationId: string, options: LogSearchOptions): Promise<LogSearchResult> {
    return this.query(searchQuery(correlationId, Math.max(0, options.maxLines), this.windowHours), options);
  }

  async recent(options: LogSearchOptions): Promise<LogSearchResult> {
    return this.query(recentQuery(Math.max(0, options.maxLines), this.windowHours), options);
  }

  private url(): string {
    const base = this.options.baseUrl.endsWith('/') ? this.options.baseUrl : `${this.options.baseUrl}/`;
    return `${base}v1/workspaces/${encodeURIComponent(this.options.workspaceId)}/query`;
  }

  private async query(query: string, options: LogSearchOptions): Promise<LogSearchResult> {
    const token = await this.options.tokenProvider.getToken(LOG_ANALYTICS_SCOPE);
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    let response: Response;
    try {
      response = await fetch(this.url(), {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ query, timespan: `PT${this.windowHours}H` }),
        signal,
      });
    } catch (error) {
      options.signal?.throwIfAborted();
      if (timeout.aborted) throw new SourceError('timeout:logs', `${this.label}: the query did not answer within ${Math.round(this.timeoutMs / 1000)} s.`);
      throw new SourceError('unreachable:logs', `${this.label}: ${this.url()} cannot be reached: ${(error as Error).message}. Check IDLENS_LOGANALYTICS_URL and the network.`, { cause: error });
    }
    const body = await response.text();
    if (!response.ok) throw this.failure(response, body);
    let parsed: z.infer<typeof queryResponse>;
    try {
      parsed = queryResponse.parse(JSON.parse(body));
    } catch (error) {
      throw new SourceError('invalid-response:logs', `${this.label}: the query answer is not the documented { tables: [...] } shape.`, { cause: error });
    }
    const table = parsed.tables.find((t) => t.name === 'PrimaryResult') ?? parsed.tables[0];
    let lines = (table?.rows ?? []).map((row) => this.toLine(table!.columns, row));
    const truncated = lines.length > options.maxLines;
    if (truncated) lines = lines.slice(0, Math.max(0, options.maxLines));
    const errors = parsed.error ? [{ source: this.label, message: `Partial result: ${parsed.error.message ?? parsed.error.code ?? 'the query reported an error'}` }] : [];
    return { lines, truncated: truncated || errors.length > 0, ...(errors.length ? { errors } : {}) };
  }

  private toLine(columns: Array<{ name: string }>, row: unknown[]): RawLogLine {
    const record: Record<string, unknown> = {};
    columns.forEach((c, i) => {
      record[c.name] = row[i];
    });
    const pod = typeof record.PodName === 'string' ? record.PodName : '';
    const container = typeof record.ContainerName === 'string' ? record.ContainerName : '';
    const { text, cut } = capLine(JSON.stringify(record));
    return { source: `loganalytics:${this.options.workspaceId}/${pod}/${container}`, text, ...(pod ? { serviceHint: pod } : {}), ...(cut ? { cut: true } : {}) };
  }

  private failure(response: Response, body: string): SourceError {
    let code = '';
    let message = body.slice(0, 500);
    try {
      const parsed = errorResponse.parse(JSON.parse(body));
      code = parsed.error.innererror?.code ?? parsed.error.code ?? '';
      message = [parsed.error.message, parsed.error.innererror?.message].filter(Boolean).join(': ') || message;
    } catch {
      // not the documented error shape: keep the (shortened) text
    }
    const detail = `${code ? `${code}: ` : ''}${message}`.trim();
    switch (response.status) {
      case 400:
        return new SourceError('failed:logs', `${this.label}: Log Analytics rejected the query (400): ${detail}`);
      case 401:
        return new SourceError('unauthorized:logs', `${this.label}: Log Analytics refused the token (401): ${detail}. Check the credential (AZURE_CLIENT_ID, AZURE_TENANT_ID) and that the token is for ${LOG_ANALYTICS_SCOPE}.`);
      case 403:
        return new SourceError('forbidden:logs', `${this.label}: the identity may not query this workspace (403): ${detail}. Grant it the "Log Analytics Reader" role on the workspace.`);
      case 404:
        return new SourceError('not-found:logs', `${this.label}: workspace not found (404): ${detail}. Check the workspace id (its "Workspace ID" GUID, not the resource name).`);
      case 429: {
        const retryAfter = response.headers.get('retry-after');
        return new SourceError('throttled:logs', `${this.label}: Log Analytics is throttling queries (429)${retryAfter ? `; retry after ${retryAfter} s` : ''}: ${detail}`);
      }
      default:
        return new SourceError(response.status >= 500 ? 'unreachable:logs' : 'failed:logs', `${this.label}: Log Analytics answered ${response.status}: ${detail}`);
    }
  }
}
