import { describe, expect, it } from 'vitest';
import { KNOWN_AADSTS_CODES, aadstsMeaning, findAadstsCodes } from '@/lib/traces/aadsts-meanings';
import { parseLogLine } from '@/lib/traces/parse-line';
import { buildTrace, summarizeTraces, withPodServiceAccount } from '@/lib/traces/trace';
import {
  CLIENT_ID,
  ISSUER,
  POD,
  SUBJECT,
  aadsts70021Failed,
  consumerLine,
  providerLine,
  happyPath,
  invalidTokenFailed,
  parse,
  rateLimitedRecovered,
  scenarioLines,
  tokenExpiredRecovered,
} from './log-lines';

const build = (id: string, lines: ReturnType<typeof scenarioLines>, maxEvents = 1000) => buildTrace(id, lines, { maxEvents });

describe('buildTrace: happy path', () => {
  const s = happyPath();
  const trace = build(s.id, scenarioLines(s));

  it('succeeds with both services, in time order across files', () => {
    expect(trace.summary.outcome).toBe('success');
    expect(trace.summary.errors).toEqual([]);
    expect(trace.summary.services).toEqual(['consumer', 'provider']);
    const times = trace.events.map((e) => e.time!);
    expect([...times].sort()).toEqual(times);
    // the provider line (file 2) sits between the consumer's request and answer (file 1)
    expect(trace.events.map((e) => e.service)).toEqual(['consumer', 'consumer', 'consumer', 'provider', 'consumer']);
  });

  it('summarises start and duration', () => {
    expect(trace.summary.startedAt).toBe('2025-03-04T10:00:00.000Z');
    expect(trace.summary.durationMs).toBe(240);
  });

  it('joins the request and its response by x-request-id, with the logged duration', () => {
    const api = trace.exchanges.filter((e) => e.kind === 'api');
    expect(api).toHaveLength(1);
    expect(api[0]).toMatchObject({ requestId: 'req-h1', service: 'consumer', services: ['consumer', 'provider'], method: 'GET', path: '/orders?limit=10', status: 200, durationMs: 38, attempt: 1, outcome: 'ok' });
    expect(trace.exchanges.filter((e) => e.kind === 'token')).toMatchObject([{ status: 200, durationMs: 95, outcome: 'ok', attempt: 1 }]);
  });

  it('knows the workload behind the calls', () => {
    expect(trace.workload).toMatchObject({ consumer: 'consumer', provider: 'provider', podName: POD, subject: SUBJECT, namespace: 'shop', serviceAccount: 'consumer', clientId: CLIENT_ID });
  });

  it('events carry the contract fields', () => {
    const answer = trace.events[4]!;
    expect(answer).toMatchObject({ service: 'consumer', level: 'info', message: 'provider answered', requestId: 'req-h1', status: 200, source: 'file:/logs/consumer.log:4' });
    expect(answer.raw).toBe(s.consumer[3]);
  });
});

describe('buildTrace: 401 token_expired → re-acquire → retry', () => {
  const s = tokenExpiredRecovered();
  const trace = build(s.id, scenarioLines(s));

  it('recovers', () => {
    expect(trace.summary.outcome).toBe('recovered');
  });

  it('classifies the 401 once (consumer and provider saw the same request)', () => {
    expect(trace.summary.errors).toHaveLength(1);
    expect(trace.summary.errors[0]).toMatchObject({ status: 401, code: 'token_expired', requestId: 'req-e1' });
    expect(trace.summary.errors[0]!.message).toContain('The token has expired');
  });

  it('sees the token re-acquired and the call retried as attempt 2', () => {
    expect(trace.exchanges.map((e) => [e.kind, e.status, e.attempt])).toEqual([
      ['token', 200, 1],
      ['api', 401, 1],
      ['token', 200, 1],
      ['api', 200, 2],
    ]);
    expect(trace.summary.retries).toBe(1);
  });
});

describe('buildTrace: 401 invalid_token', () => {
  const s = invalidTokenFailed();
  const trace = build(s.id, scenarioLines(s));

  it('fails: nothing succeeded after the error', () => {
    expect(trace.summary.outcome).toBe('failed');
    expect(trace.summary.errors.map((e) => e.code)).toEqual(['invalid_token', 'error']);
    expect(trace.summary.errors[0]!.message).toContain('Signature validation failed');
    expect(trace.summary.retries).toBe(0);
  });
});

describe('buildTrace: 429 with Retry-After', () => {
  const s = rateLimitedRecovered();
  const trace = build(s.id, scenarioLines(s));

  it('recovers after waiting', () => {
    expect(trace.summary.outcome).toBe('recovered');
    expect(trace.summary.errors).toEqual([
      expect.objectContaining({ status: 429, code: 'rate_limited', retryAfterSeconds: 2, rateLimitReset: '1741082403', message: '429 rate limited: retry after 2 s, rate limit resets at 2025-03-04T10:00:03Z' }),
    ]);
    expect(trace.exchanges.filter((e) => e.kind === 'api').map((e) => [e.status, e.attempt, e.retryAfterSeconds])).toEqual([
      [429, 1, 2],
      [200, 2, undefined],
    ]);
  });
});

describe('buildTrace: AADSTS70021 at Entra ID', () => {
  const s = aadsts70021Failed();
  const trace = build(s.id, scenarioLines(s));

  it('fails with the code, its meaning and its fix', () => {
    expect(trace.summary.outcome).toBe('failed');
    expect(trace.summary.errors).toHaveLength(1);
    expect(trace.summary.errors[0]).toMatchObject({ status: 400, code: 'AADSTS70021', meaning: 'no matching federated identity record' });
    expect(trace.summary.errors[0]!.fix).toContain("trailing '/'");
  });

  it('extracts the assertion issuer, subject and audience, and links the SA and pod', () => {
    expect(trace.summary.entra).toEqual({
      code: 'AADSTS70021',
      meaning: 'no matching federated identity record',
      issuer: ISSUER,
      subject: SUBJECT,
      audience: 'api://AzureADTokenExchange',
      podName: POD,
      clientId: CLIENT_ID,
      serviceAccountId: 'sa:shop/consumer',
      podId: `pod:shop/${POD}`,
    });
  });

  it('is one token call, not a retry', () => {
    expect(trace.exchanges).toMatchObject([{ kind: 'token', status: 400, attempt: 1, outcome: 'error' }]);
  });
});

describe('buildTrace: membership, order and caps', () => {
  it('ignores lines of other IDs, including IDs sharing a prefix', () => {
    const lines = [
      parse(JSON.stringify({ time: '1970-01-01T00:00:00.001Z', msg: 'mine', correlationId: 'abc-1' })),
      parse(JSON.stringify({ time: '1970-01-01T00:00:00.002Z', msg: 'other', correlationId: 'abc-12' })),
      parse('1970-01-01T00:00:00.003Z INFO text line for abc-12'),
      parse('1970-01-01T00:00:00.004Z INFO text line for abc-1'),
    ];
    const trace = build('abc-1', lines);
    expect(trace.events.map((e) => e.message)).toEqual(['mine', '1970-01-01T00:00:00.004Z INFO text line for abc-1']);
  });

  it('keeps lines without time after their timed neighbour, in file order', () => {
    const line = (source: string, text: string) => parseLogLine({ source, text });
    const lines = [
      line('file:/a.log:1', JSON.stringify({ time: '2025-03-04T10:00:00.000Z', msg: 'a1', correlationId: 'x-1', service: 'a' })),
      line('file:/a.log:2', 'a2 untimed x-1'),
      line('file:/a.log:3', 'a3 untimed x-1'),
      line('file:/a.log:4', JSON.stringify({ time: '2025-03-04T10:00:00.300Z', msg: 'a4', correlationId: 'x-1', service: 'a' })),
      line('file:/b.log:1', JSON.stringify({ time: '2025-03-04T10:00:00.100Z', msg: 'b1', correlationId: 'x-1', service: 'b' })),
    ];
    const trace = build('x-1', lines);
    expect(trace.events.map((e) => e.message)).toEqual(['a1', 'a2 untimed x-1', 'a3 untimed x-1', 'b1', 'a4']);
    expect(trace.events[1]).toMatchObject({ time: '2025-03-04T10:00:00.000Z', timeInferred: true });
  });

  it('caps events and says so, while the summary still sees every line', () => {
    const s = tokenExpiredRecovered();
    const trace = build(s.id, scenarioLines(s), 3);
    expect(trace.events).toHaveLength(3);
    expect(trace.truncated).toBe(true);
    expect(trace.summary.outcome).toBe('recovered');
    expect(trace.summary.eventCount).toBe(11);
    expect(build(s.id, scenarioLines(s)).truncated).toBe(false);
    expect(buildTrace(s.id, scenarioLines(s), { maxEvents: 1000, inputTruncated: true }).truncated).toBe(true);
  });

  it('caps the raw line carried by an event', () => {
    const big = parseLogLine({ source: 's', text: `{"correlationId":"big-1","msg":"${'y'.repeat(200_000)}`, cut: true });
    const trace = build('big-1', [big]);
    expect(trace.events[0]!.raw.length).toBeLessThan(70_000);
    expect(trace.events[0]!.raw.endsWith('…[cut]')).toBe(true);
  });

  it('has no events for an ID no line carries', () => {
    const s = happyPath();
    expect(build('nobody-1', scenarioLines(s)).events).toEqual([]);
  });
});

describe('summarizeTraces', () => {
  const scenarios = [happyPath('t-1'), tokenExpiredRecovered('t-2'), invalidTokenFailed('t-3'), rateLimitedRecovered('t-4'), aadsts70021Failed('t-5')];
  const lines = scenarios.flatMap(scenarioLines);

  it('lists each correlation ID once with its outcome, latest first', () => {
    const list = summarizeTraces(lines, 10);
    expect(list.map((t) => [t.correlationId, t.summary.outcome])).toEqual([
      ['t-4', 'recovered'],
      ['t-2', 'recovered'],
      ['t-3', 'failed'],
      ['t-1', 'success'],
      ['t-5', 'failed'],
    ]);
  });

  it('honours the limit', () => {
    expect(summarizeTraces(lines, 2)).toHaveLength(2);
  });

  it('attaches text lines to the IDs they name as whole tokens, and skips invalid IDs', () => {
    const extra = [parse('2025-03-04T11:00:00Z ERROR crash while handling t-1'), parse(JSON.stringify({ correlationId: 'bad id with spaces', msg: 'x' }))];
    const list = summarizeTraces([...lines, ...extra], 10);
    expect(list[0]).toMatchObject({ correlationId: 't-1', summary: { outcome: 'failed' } });
    expect(list.map((t) => t.correlationId)).not.toContain('bad id with spaces');
  });
});

describe('AADSTS meanings', () => {
  it('covers the DOMAIN.md table', () => {
    // The one table of lib/domain/aadsts.ts: the DOMAIN.md codes, plus the credential errors idlens itself can hit.
    expect(KNOWN_AADSTS_CODES).toEqual(
      expect.arrayContaining(['AADSTS70021', 'AADSTS700211', 'AADSTS700212', 'AADSTS700213', 'AADSTS7002138', 'AADSTS700024', 'AADSTS90061', 'AADSTS50166', 'AADSTS501661', 'AADSTS700016', 'AADSTS700222']),
    );
    expect(aadstsMeaning('AADSTS70021')?.federatedCredentialMismatch).toBe(true);
    expect(aadstsMeaning('AADSTS700024')?.federatedCredentialMismatch).toBe(false);
    expect(aadstsMeaning('700212')?.fix).toContain('api://AzureADTokenExchange');
    expect(aadstsMeaning('AADSTS12345')).toBeUndefined();
  });

  it('extracts 5 to 7 digit codes without cutting longer ones short', () => {
    expect(findAadstsCodes('AADSTS7002138: x; AADSTS700211 and AADSTS70021, again AADSTS70021')).toEqual(['AADSTS7002138', 'AADSTS700211', 'AADSTS70021']);
    expect(findAadstsCodes('AADSTS123456789')).toEqual([]);
  });

  it('classifies an unknown AADSTS code as an Entra failure too', () => {
    const trace = build('u-1', [parse(JSON.stringify({ correlationId: 'u-1', status: 400, error: { error: 'invalid_request', error_description: 'AADSTS90002: Tenant not found.' } }))]);
    expect(trace.summary.errors[0]).toMatchObject({ code: 'AADSTS90002', status: 400 });
    expect(trace.summary.entra).toEqual({ code: 'AADSTS90002' });
  });
});

describe('withPodServiceAccount', () => {
  it('fills in the subject of the pod the logs name, marked as taken from the map, and redraws the diagram', () => {
    const s = tokenExpiredRecovered();
    const base = buildTrace(s.id, scenarioLines(s), { maxEvents: 1000 });
    const noSubject = { ...base, workload: { ...base.workload, subject: undefined, namespace: undefined, serviceAccount: undefined, podName: 'checkout-1' } };
    const filled = withPodServiceAccount(noSubject, { namespace: 'shop', serviceAccountName: 'checkout' });
    expect(filled.workload).toMatchObject({ subject: 'system:serviceaccount:shop:checkout', namespace: 'shop', serviceAccount: 'checkout', subjectFromMap: true });
    expect(filled.sequence).toContain('sub=system:serviceaccount:shop:checkout, the pod’s SA in the identity map');
    // What the logs said wins; no pod, nothing to look up.
    expect(withPodServiceAccount(base, { namespace: 'other', serviceAccountName: 'x' })).toBe(base);
    expect(withPodServiceAccount({ ...noSubject, workload: { ...noSubject.workload, podName: undefined } }, { namespace: 'shop', serviceAccountName: 'checkout' }).workload.subject).toBeUndefined();
  });
});

describe('requests the consumer served', () => {
  const id = 'c0ffee00-0000-4000-8000-0000000000aa';
  const headers = { 'x-correlation-id': id };

  it('is the access log whose span encloses the consumer’s calls: drawn as its caller’s request and its answer', () => {
    const lines = [
      parse(consumerLine(10, { msg: 'calling provider', method: 'GET', url: 'http://provider.svc/v1/items', headers: { ...headers, 'x-request-id': 'r1' } })),
      parse(consumerLine(40, { msg: 'provider answered', status: 200, headers: { ...headers, 'x-request-id': 'r1' }, durationMs: 30 })),
      parse(consumerLine(50, { msg: 'request completed', req: { method: 'POST', url: '/api/order', headers: { ...headers, 'x-caller-chain': 'web' } }, res: { statusCode: 500 }, responseTime: 48 })),
    ];
    const trace = build(id, lines);
    expect(trace.exchanges.map((x) => [x.kind, x.caller])).toEqual([['api', undefined], ['served', 'web']]);
    expect(trace.sequence).toContain('caller->>pod: POST /api/order');
    expect(trace.sequence).toMatch(/pod--xcaller: 500/);
  });

  it('is not a call logged with a path only that does not enclose the others, nor a provider’s access log without the consumer’s', () => {
    const outbound = [
      parse(consumerLine(10, { msg: 'calling provider', method: 'GET', url: 'http://provider.svc/v1/items', status: 200, headers })),
      // A second call, logged with its path only, after the first: not the request that started the work.
      parse(consumerLine(30, { msg: 'calling provider', method: 'GET', path: '/v1/more', status: 200, durationMs: 5, headers })),
    ];
    expect(build(id, outbound).exchanges.map((x) => x.kind)).toEqual(['api', 'api']);
    // Only the provider's lines: it is the first (and only) service, and nothing else is enclosed.
    const providerOnly = [parse(providerLine(10, 'HTTP {RequestMethod} {RequestPath} responded {StatusCode}', { RequestMethod: 'GET', RequestPath: '/v1/items', StatusCode: 200, CorrelationId: id, Elapsed: 3 }))];
    expect(build(id, providerOnly).exchanges.map((x) => x.kind)).toEqual(['api']);
  });

  it('names the unrecovered cause in the outcome note, and the served answer when every earlier error was recovered', () => {
    const lines = [
      parse(consumerLine(10, { msg: 'calling provider', method: 'GET', url: 'http://provider.svc/v1/items', status: 429, error: 'rate_limited', 'Retry-After': '1', headers })),
      parse(consumerLine(1020, { msg: 'calling provider (attempt 2)', method: 'GET', url: 'http://provider.svc/v1/items', status: 200, headers })),
      parse(consumerLine(1050, { msg: 'request completed', req: { method: 'POST', url: '/api/order', headers }, res: { statusCode: 500 }, responseTime: 1045 })),
    ];
    const trace = build(id, lines);
    expect(trace.exchanges.map((x) => x.kind)).toEqual(['api', 'api', 'served']);
    expect(trace.sequence).toMatch(/outcome: failed \(last error: server_error\)/);
  });
});
