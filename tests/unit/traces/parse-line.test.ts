import { describe, expect, expectTypeOf, it } from 'vitest';
import type { RawLogLine } from '@/lib/sources/logs/log-source';
import type { LogLineInput } from '@/lib/traces/model';
import { MAX_LINE_CHARS, normalizeLevel, parseLogLine, parseTimestamp, renderMessageTemplate } from '@/lib/traces/parse-line';
import { aRawLine, parse } from './log-lines';

describe('parseLogLine input', () => {
  it('takes what log sources produce (RawLogLine)', () => {
    expectTypeOf<RawLogLine>().toExtend<LogLineInput>();
    expectTypeOf<LogLineInput>().toExtend<RawLogLine>();
  });
});

describe('parseLogLine: pino', () => {
  const line = parse(
    JSON.stringify({ level: 50, time: 1741082400123, pid: 7, hostname: 'consumer-7d9f8-x2k4q', service: 'consumer', msg: 'provider answered', correlationId: 'c-1', status: 401, 'x-request-id': 'r-1', durationMs: 38 }),
  );

  it('reads numeric levels, epoch-ms time and msg', () => {
    expect(line.format).toBe('json');
    expect(line.level).toBe('error');
    expect(line.time).toBe('2025-03-04T10:00:00.123Z');
    expect(line.message).toBe('provider answered');
    expect(line.service).toBe('consumer');
  });

  it('reads the HTTP fields', () => {
    expect(line).toMatchObject({ correlationIds: ['c-1'], status: 401, requestId: 'r-1', durationMs: 38 });
  });

  it.each([
    [10, 'trace'],
    [20, 'debug'],
    [30, 'info'],
    [40, 'warn'],
    [50, 'error'],
    [60, 'fatal'],
  ] as const)('maps pino level %i to %s', (level, expected) => {
    expect(normalizeLevel(level)).toBe(expected);
  });

  it('reads pino-http request and response objects', () => {
    const http = parse(
      JSON.stringify({ level: 30, time: 1741082400000, req: { id: 1, method: 'get', url: '/orders', headers: { 'X-Correlation-Id': 'c-9', 'X-Request-Id': 'r-9' } }, res: { statusCode: 503 }, responseTime: 12, msg: 'request completed' }),
    );
    expect(http).toMatchObject({ method: 'GET', path: '/orders', status: 503, durationMs: 12, requestId: 'r-9', correlationIds: ['c-9'] });
  });
});

describe('parseLogLine: Serilog compact JSON', () => {
  it('renders @mt from the properties and defaults @l to Information', () => {
    const line = parse(
      JSON.stringify({ '@t': '2025-03-04T10:00:00.1234567Z', '@mt': 'HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.0000} ms ({{literal}})', RequestMethod: 'GET', RequestPath: '/orders', StatusCode: 200, Elapsed: 21.4, CorrelationId: 'c-2', RequestId: 'r-2', Application: 'provider' }),
      { serviceHint: 'provider.log' },
    );
    expect(line.message).toBe('HTTP GET /orders responded 200 in 21.4 ms ({literal})');
    expect(line.level).toBe('info');
    expect(line.time).toBe('2025-03-04T10:00:00.123Z');
    expect(line).toMatchObject({ method: 'GET', path: '/orders', status: 200, durationMs: 21.4, requestId: 'r-2', correlationIds: ['c-2'] });
    // no service field: the file's name
    expect(line.service).toBe('provider.log');
  });

  it('normalises @l names', () => {
    expect(parse(JSON.stringify({ '@t': '2025-03-04T10:00:00Z', '@mt': 'x', '@l': 'Warning' })).level).toBe('warn');
    expect(parse(JSON.stringify({ '@t': '2025-03-04T10:00:00Z', '@mt': 'x', '@l': 'Fatal' })).level).toBe('fatal');
  });

  it('prefers @m over @mt and leaves unknown placeholders as written', () => {
    expect(parse(JSON.stringify({ '@t': '2025-03-04T10:00:00Z', '@m': 'rendered', '@mt': 'tpl {X}' })).message).toBe('rendered');
    expect(renderMessageTemplate('{@Order} for {Missing}', { Order: { id: 1 } })).toBe('{"id":1} for {Missing}');
  });
});

describe('parseLogLine: logfmt', () => {
  const line = parse('time=2025-03-04T10:00:01Z level=warn service.name=provider msg="rate limited: slow down" status=429 Retry-After=2 X-RateLimit-Reset=1741082403 x-correlation-id=c-3 empty= flag');

  it('reads key=value pairs with quoted values', () => {
    expect(line.format).toBe('logfmt');
    expect(line).toMatchObject({
      time: '2025-03-04T10:00:01.000Z',
      level: 'warn',
      service: 'provider',
      message: 'rate limited: slow down',
      status: 429,
      retryAfterSeconds: 2,
      rateLimitReset: '1741082403',
      correlationIds: ['c-3'],
    });
  });

  it('unescapes quotes inside values', () => {
    expect(parse('level=info msg="say \\"hi\\"" correlationId=c-4').message).toBe('say "hi"');
  });

  it('keeps prose with a single a=b as text', () => {
    const text = parse('Connecting to the database at host=db1 now, please wait');
    expect(text.format).toBe('text');
    expect(text.fields).toEqual({});
  });
});

describe('parseLogLine: plain text', () => {
  it('keeps the line whole and reads a leading timestamp and level', () => {
    const line = parse('2025-03-04T10:00:02.500Z ERROR request c-5 failed: <img src=x onerror=alert(1)>', { serviceHint: 'legacy.log' });
    expect(line).toMatchObject({ format: 'text', level: 'error', time: '2025-03-04T10:00:02.500Z', service: 'legacy.log', correlationIds: [] });
    expect(line.message).toBe('2025-03-04T10:00:02.500Z ERROR request c-5 failed: <img src=x onerror=alert(1)>');
  });

  it('names the service unknown when nothing names it', () => {
    expect(parse('hello').service).toBe('unknown');
  });
});

describe('parseLogLine: ContainerLogV2 rows', () => {
  it('parses a JSON LogMessage one level deeper; the app fields win over the envelope', () => {
    const row = { TimeGenerated: '2025-03-04T10:00:03.000Z', PodName: 'consumer-7d9f8-x2k4q', PodNamespace: 'shop', ContainerName: 'app', LogMessage: JSON.stringify({ level: 40, time: 1741082402999, msg: 'retrying', correlationId: 'c-6', service: 'consumer' }) };
    const line = parse(JSON.stringify(row));
    expect(line).toMatchObject({ message: 'retrying', level: 'warn', service: 'consumer', correlationIds: ['c-6'], podName: 'consumer-7d9f8-x2k4q', time: '2025-03-04T10:00:02.999Z' });
  });

  it('accepts LogMessage already decoded to an object, and a text LogMessage', () => {
    expect(parse(JSON.stringify({ TimeGenerated: '2025-03-04T10:00:03Z', PodName: 'p-1', LogMessage: { msg: 'obj', CorrelationId: 'c-7' } }))).toMatchObject({ message: 'obj', correlationIds: ['c-7'], service: 'p-1' });
    const text = parse(JSON.stringify({ TimeGenerated: '2025-03-04T10:00:03Z', PodName: 'p-2', LogMessage: 'plain words c-8' }));
    expect(text).toMatchObject({ message: 'plain words c-8', service: 'p-2', time: '2025-03-04T10:00:03.000Z' });
  });

  it('reads `kubectl logs --timestamps` prefixes before a JSON line', () => {
    const line = parse('2025-03-04T10:00:04.000000001Z {"msg":"hi","correlationId":"c-10"}');
    expect(line).toMatchObject({ format: 'json', message: 'hi', time: '2025-03-04T10:00:04.000Z', correlationIds: ['c-10'] });
  });
});

describe('parseLogLine: correlation and HTTP fields', () => {
  it('finds correlation IDs under every alias, nested service.name and correlation.id', () => {
    expect(parse(JSON.stringify({ correlation_id: 'a-1' })).correlationIds).toEqual(['a-1']);
    expect(parse(JSON.stringify({ CorrelationId: 'a-2' })).correlationIds).toEqual(['a-2']);
    expect(parse(JSON.stringify({ correlation: { id: 'a-3' }, service: { name: 'svc' } }))).toMatchObject({ correlationIds: ['a-3'], service: 'svc' });
    expect(parse(JSON.stringify({ 'correlation.id': 'a-4', 'service.name': 'flat' }))).toMatchObject({ correlationIds: ['a-4'], service: 'flat' });
  });

  it('finds header names case-insensitively in nested objects', () => {
    const line = parse(JSON.stringify({ msg: 'out', request: { headers: { 'X-CORRELATION-ID': 'h-1', 'X-Request-Id': 'r-1', 'X-Caller-Chain': 'consumer>provider' } }, response: { status: 429, headers: { 'retry-after': ['5'], 'x-ratelimit-reset': '2025-03-04T10:00:09Z', 'X-Request-Duration': '17' } } }));
    expect(line).toMatchObject({ correlationIds: ['h-1'], requestId: 'r-1', callerChain: 'consumer>provider', status: 429, retryAfterSeconds: 5, rateLimitReset: '2025-03-04T10:00:09Z', durationMs: 17 });
  });

  it('takes configured correlation fields (IDLENS_CORRELATION_FIELDS)', () => {
    const text = JSON.stringify({ msg: 'x', traceKey: 'k-1' });
    expect(parseLogLine(aRawLine(text)).correlationIds).toEqual([]);
    expect(parseLogLine(aRawLine(text), { correlationFields: ['traceKey'] }).correlationIds).toEqual(['k-1']);
  });

  it('reads error as a string or as an OAuth error object', () => {
    expect(parse(JSON.stringify({ error: 'token_expired', error_description: 'The token has expired' }))).toMatchObject({ error: 'token_expired', errorDescription: 'The token has expired' });
    expect(parse(JSON.stringify({ error: { error: 'invalid_client', error_description: 'AADSTS70021: x' } }))).toMatchObject({ error: 'invalid_client', errorDescription: 'AADSTS70021: x' });
  });

  it('turns an HTTP-date Retry-After into seconds from the line time', () => {
    expect(parse(JSON.stringify({ time: '2025-03-04T10:00:00Z', 'Retry-After': 'Tue, 04 Mar 2025 10:00:30 GMT' })).retryAfterSeconds).toBe(30);
  });

  it('parses durations with units', () => {
    expect(parse(JSON.stringify({ duration: '1.5s' })).durationMs).toBe(1500);
    expect(parse(JSON.stringify({ duration: '250µs' })).durationMs).toBe(0.25);
    expect(parse(JSON.stringify({ duration: 'soon' })).durationMs).toBeUndefined();
  });

  it('ignores statuses that are not HTTP codes', () => {
    expect(parse(JSON.stringify({ status: 'ok' })).status).toBeUndefined();
    expect(parse(JSON.stringify({ status: 1200 })).status).toBeUndefined();
    expect(parse(JSON.stringify({ status: '404' })).status).toBe(404);
  });
});

describe('parseTimestamp', () => {
  it('tells epoch seconds, ms, µs and ns apart by magnitude', () => {
    const ms = Date.parse('2025-03-04T10:00:00.000Z');
    expect(parseTimestamp(ms / 1000)).toBe(ms);
    expect(parseTimestamp(ms)).toBe(ms);
    expect(parseTimestamp(ms * 1000)).toBe(ms);
    expect(parseTimestamp(ms * 1e6)).toBe(ms);
    expect(parseTimestamp(String(ms / 1000))).toBe(ms);
    expect(parseTimestamp(1741082400.25)).toBe(ms + 250);
  });

  it('reads a zone-less time as UTC whatever the host zone, and offsets', () => {
    expect(parseTimestamp('2025-03-04 10:00:00')).toBe(Date.parse('2025-03-04T10:00:00Z'));
    expect(parseTimestamp('2025-03-04T11:00:00+0100')).toBe(Date.parse('2025-03-04T10:00:00Z'));
  });

  it('rejects what is not a time', () => {
    expect(parseTimestamp('yesterday')).toBeUndefined();
    expect(parseTimestamp(Number.NaN)).toBeUndefined();
    expect(parseTimestamp(1e300)).toBeUndefined();
  });
});

describe('parseLogLine: bad input is kept, never fatal', () => {
  it('keeps invalid JSON as text and recovers its scalar fields', () => {
    const line = parse('{"time":"2025-03-04T10:00:00Z","level":"error","correlationId":"c-11","msg":"broken", trailing garbage');
    expect(line.format).toBe('text');
    expect(line.problems).toContain('invalid JSON: kept as text');
    expect(line).toMatchObject({ correlationIds: ['c-11'], level: 'error', time: '2025-03-04T10:00:00.000Z' });
    expect(line.raw).toContain('trailing garbage');
  });

  it('handles a line cut at 1 MiB by the source', () => {
    const text = `{"time":1741082400000,"correlationId":"c-12","service":"consumer","msg":"${'x'.repeat(MAX_LINE_CHARS)}`.slice(0, MAX_LINE_CHARS);
    const started = performance.now();
    const line = parseLogLine({ source: 'file:/big.log:1', text, cut: true });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(line.cut).toBe(true);
    expect(line.problems).toContain('line cut at 1 MiB');
    expect(line).toMatchObject({ correlationIds: ['c-12'], service: 'consumer', time: '2025-03-04T10:00:00.000Z' });
  });

  it('cuts an over-long line a source failed to cut', () => {
    const line = parseLogLine({ source: 's', text: 'a'.repeat(MAX_LINE_CHARS + 10) });
    expect(line.cut).toBe(true);
    expect(line.raw.length).toBe(MAX_LINE_CHARS);
  });

  it('survives binary garbage and replacement characters', () => {
    const garbage = '\u0000\u0001\uFFFD\uFFFD\u001b[31m{{{"\\\u0007 ÿþ \uD800 =\"= ==';
    const line = parse(garbage);
    expect(line.problems).toContain('invalid UTF-8 (replaced by U+FFFD)');
    expect(line.raw).toBe(garbage);
  });

  it('is linear on hostile whitespace and quotes', () => {
    const started = performance.now();
    parse(`${' '.repeat(500_000)}x`);
    parse(`{${'"a":'.repeat(200_000)}`);
    parse(`k="${'\\'.repeat(300_000)}`);
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it('keeps JSON that is not an object (arrays, strings) as text', () => {
    expect(parse('[1,2,3]').format).toBe('text');
    expect(parse('"just a string"').format).toBe('text');
  });
});

describe('parseLogLine regressions found by property tests', () => {
  it('does not take a level named like an Object.prototype member for a level', () => {
    // `severity=constructor` used to set level to the Object function.
    expect(parse('severity=constructor').level).toBeUndefined();
    expect(parse('{"level":"__proto__","msg":"x"}').level).toBeUndefined();
  });

  it('renders a message nested too deeply for JSON.stringify instead of throwing a RangeError', () => {
    const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
    const line = `2025-03-04T10:00:00.123456789Z stdout F {"@m":${deep}}`;
    const parsed = parse(line);
    expect(parsed.message).toBe('(an array nested too deeply to show)');
    expect(parsed.raw).toBe(line);
  });
});
