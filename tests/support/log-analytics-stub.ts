import { sendJson, startStubServer, type StubServer } from './stub-server';

// A loopback Azure Monitor Log Analytics query API: `POST /v1/workspaces/{id}/query` with
// `{ query, timespan }` and a bearer token; answers `{ tables: [{ name: 'PrimaryResult', columns,
// rows }] }`, or the documented error shape `{ error: { code, message, innererror } }`. It reads
// the one filter idlens writes, `| where LogMessage has @'<verbatim>'`, the way KQL would (a
// doubled quote is a quote), and refuses a query whose literal does not close cleanly.

export interface ContainerLogRow {
  TimeGenerated: string;
  PodNamespace: string;
  PodName: string;
  ContainerName: string;
  LogMessage: unknown;
}

export interface LogAnalyticsStubOptions {
  rows: ContainerLogRow[];
  failWith?: { status: number; code: string; message: string; headers?: Record<string, string> };
}

const COLUMNS = [
  { name: 'TimeGenerated', type: 'datetime' },
  { name: 'PodNamespace', type: 'string' },
  { name: 'PodName', type: 'string' },
  { name: 'ContainerName', type: 'string' },
  { name: 'LogMessage', type: 'dynamic' },
];

/** The verbatim literal after `has`, read as KQL reads it; undefined when it is malformed. */
export function hasFilterTerm(query: string): string | undefined {
  const at = query.indexOf("LogMessage has @'");
  if (at === -1) return undefined;
  let i = at + "LogMessage has @'".length;
  let value = '';
  for (;;) {
    const ch = query[i];
    if (ch === undefined || ch === '\n') return undefined;
    if (ch === "'") {
      if (query[i + 1] === "'") {
        value += "'";
        i += 2;
        continue;
      }
      // After the literal, only the end of the line may follow.
      return /^'\s*$/m.test(query.slice(i).split('\n')[0]!) ? value : undefined;
    }
    value += ch;
    i++;
  }
}

export async function startLogAnalyticsStub(options: LogAnalyticsStubOptions): Promise<StubServer> {
  return startStubServer((req, res) => {
    const m = /^\/v1\/workspaces\/([^/]+)\/query$/.exec(new URL(req.url, 'http://stub').pathname);
    if (req.method !== 'POST' || !m) return sendJson(res, 404, { error: { code: 'PathNotFoundError', message: `The requested path does not exist: ${req.url}` } });
    if (options.failWith) {
      const f = options.failWith;
      return sendJson(res, f.status, { error: { code: f.code, message: f.message, innererror: { code: `${f.code}Inner`, message: 'inner detail' } } }, f.headers);
    }
    if (!req.headers.authorization?.startsWith('Bearer ')) {
      return sendJson(res, 401, { error: { code: 'AuthorizationRequiredError', message: 'Valid authentication was not provided' } });
    }
    const body = JSON.parse(req.body) as { query: string; timespan?: string };
    const take = Number(/\| take (\d+)/.exec(body.query)?.[1] ?? /\| top (\d+)/.exec(body.query)?.[1] ?? '30000');
    let rows = options.rows;
    if (body.query.includes('LogMessage has')) {
      const term = hasFilterTerm(body.query);
      if (term === undefined) return sendJson(res, 400, { error: { code: 'BadArgumentError', message: 'The request had some invalid properties', innererror: { code: 'SyntaxError', message: 'A recognition error occurred in the query.' } } });
      rows = rows.filter((r) => (typeof r.LogMessage === 'string' ? r.LogMessage : JSON.stringify(r.LogMessage)).includes(term));
    }
    rows = [...rows].sort((a, b) => a.TimeGenerated.localeCompare(b.TimeGenerated)).slice(0, take);
    sendJson(res, 200, {
      tables: [{ name: 'PrimaryResult', columns: COLUMNS, rows: rows.map((r) => [r.TimeGenerated, r.PodNamespace, r.PodName, r.ContainerName, r.LogMessage]) }],
    });
  });
}
