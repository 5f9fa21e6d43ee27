import { startStubServer, type StubServer } from './stub-server';

// A loopback Grafana Loki speaking the documented `GET /loki/api/v1/query_range` shapes: a
// `streams` result, and errors as Loki writes them (plain text with a 400). It reads the query
// like Loki does for the one form idlens sends, `{selector} |= "<Go string literal>"`, and
// applies the line filter, so a badly escaped ID is a parse error here as it would be there.

export interface LokiStream {
  stream: Record<string, string>;
  values: Array<[string, string]>;
}

export interface LokiStubOptions {
  streams: LokiStream[];
  /** Answer every request with this status and plain-text body. */
  failWith?: { status: number; body: string };
}

const FILTER_QUERY = /^(\{[^{}]*\})(?:\s*\|=\s*("(?:[^"\\]|\\.)*"))?$/;

export async function startLokiStub(options: LokiStubOptions): Promise<StubServer> {
  return startStubServer((req, res) => {
    const url = new URL(req.url, 'http://stub');
    const text = (status: number, body: string) => {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(body);
    };
    if (options.failWith) return text(options.failWith.status, options.failWith.body);
    if (url.pathname !== '/loki/api/v1/query_range') return text(404, '404 page not found');
    const query = url.searchParams.get('query') ?? '';
    const m = FILTER_QUERY.exec(query);
    if (!m) return text(400, `parse error at line 1, col 1: syntax error: unexpected input in ${JSON.stringify(query)}`);
    let needle: string | undefined;
    try {
      needle = m[2] === undefined ? undefined : (JSON.parse(m[2]) as string);
    } catch {
      return text(400, 'parse error at line 1, col 1: invalid string literal');
    }
    const limit = Number(url.searchParams.get('limit') ?? '100');
    let budget = limit;
    const result = options.streams
      .map((s) => ({ stream: s.stream, values: s.values.filter(([, line]) => needle === undefined || line.includes(needle)) }))
      .map((s) => {
        const values = s.values.slice(0, Math.max(0, budget));
        budget -= values.length;
        return { stream: s.stream, values };
      })
      .filter((s) => s.values.length > 0);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'success', data: { resultType: 'streams', result, stats: {} } }));
  });
}
