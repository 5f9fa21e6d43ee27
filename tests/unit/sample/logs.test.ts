import { describe, expect, it } from 'vitest';
import { parseEntraError } from '@/lib/domain/aadsts';
import { WI } from '@/lib/domain/model';
import {
  SAMPLE_BACKGROUND_CORRELATION_IDS,
  SAMPLE_PREFIX_SIBLING,
  SAMPLE_TRACES,
  sampleLogLines,
} from '@/lib/sample/logs';
import { SAMPLE_CANARY, SAMPLE_ISSUER, sampleWorld } from '@/lib/sample/world';
import { containsToken } from '@/lib/traces/correlate';
import { parseLogLine } from '@/lib/traces/parse-line';
import { buildTrace, summarizeTraces } from '@/lib/traces/trace';

const NOW = new Date('2025-03-05T08:09:10.000Z');
const lines = sampleLogLines(NOW);
const parsed = lines.map((l) => parseLogLine(l));
const traceOf = (id: string) => buildTrace(id, parsed, { maxEvents: 1000 });

describe('sampleLogLines', () => {
  it('is deterministic for one clock and moves with the clock', () => {
    expect(sampleLogLines(NOW)).toEqual(lines);
    const later = sampleLogLines(new Date(NOW.getTime() + 60_000));
    expect(later.map((l) => l.source)).toEqual(lines.map((l) => l.source));
    expect(later).not.toEqual(lines);
  });

  it('writes every JSON line as valid JSON, and keeps one plain-text and one logfmt line', () => {
    const json = lines.filter((l) => l.text.trimStart().startsWith('{'));
    expect(json.length).toBeGreaterThan(60);
    for (const l of json) expect(() => JSON.parse(l.text), l.text).not.toThrow();
    expect(parsed.filter((p) => p.format === 'text').length).toBeGreaterThanOrEqual(1);
    expect(parsed.filter((p) => p.format === 'logfmt').length).toBeGreaterThanOrEqual(1);
    expect(parsed.every((p) => p.timeMs !== undefined)).toBe(true);
  });

  it('lists lines oldest first, all before now, each with a source and service', () => {
    const times = parsed.map((p) => p.timeMs!);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(Math.max(...times)).toBeLessThan(NOW.getTime());
    expect(Math.min(...times)).toBeGreaterThan(NOW.getTime() - 61 * 60_000);
    for (const l of lines) expect(l.source).toMatch(/^sample:[a-z-]+:\d+$/);
    expect(new Set(parsed.map((p) => p.service))).toEqual(new Set(['checkout', 'payments-api', 'storefront']));
  });

  it('varies the formats: pino numeric levels, x-correlation-id inside headers, snake_case IDs', () => {
    const objects = lines.filter((l) => l.text.startsWith('{')).map((l) => JSON.parse(l.text) as Record<string, unknown>);
    expect(objects.some((o) => typeof o.level === 'number' && typeof o.time === 'number')).toBe(true);
    expect(objects.some((o) => typeof (o.headers as Record<string, unknown> | undefined)?.['x-correlation-id'] === 'string')).toBe(true);
    expect(objects.some((o) => typeof o.correlation_id === 'string' && typeof o.timestamp === 'string')).toBe(true);
    expect(objects.some((o) => o['Retry-After'] === '2' && typeof o['X-RateLimit-Reset'] === 'string')).toBe(true);
  });

  it('carries every sample trace ID, the prefix sibling and the background IDs', () => {
    for (const id of [...SAMPLE_TRACES.map((t) => t.correlationId), SAMPLE_PREFIX_SIBLING.correlationId, ...SAMPLE_BACKGROUND_CORRELATION_IDS]) {
      expect(lines.filter((l) => containsToken(l.text, id)).length, id).toBeGreaterThanOrEqual(3);
    }
    expect(new Set(SAMPLE_TRACES.map((t) => t.scenario)).size).toBe(5);
    expect(SAMPLE_PREFIX_SIBLING.correlationId.startsWith(SAMPLE_PREFIX_SIBLING.extends)).toBe(true);
  });

  it('has lines that hold the happy path ID only as a prefix of another ID', () => {
    const happy = SAMPLE_PREFIX_SIBLING.extends;
    const prefixOnly = lines.filter((l) => l.text.includes(happy) && !containsToken(l.text, happy));
    expect(prefixOnly.length).toBeGreaterThanOrEqual(3);
    expect(traceOf(happy).events.some((e) => e.raw.includes(SAMPLE_PREFIX_SIBLING.correlationId))).toBe(false);
  });

  it('names the happy path ID in a plain-text line', () => {
    const text = parsed.filter((p) => p.format === 'text' && containsToken(p.raw, SAMPLE_TRACES[0]!.correlationId));
    expect(text).toHaveLength(1);
  });
});

// The trace library reads these logs the way DESIGN.md says; each scenario must come out as told.
describe('sample traces through lib/traces', () => {
  for (const sample of SAMPLE_TRACES) {
    it(`${sample.scenario} (${sample.correlationId}) ends ${sample.expectedOutcome}, across checkout and payments-api`, () => {
      const trace = traceOf(sample.correlationId);
      expect(trace.summary.outcome).toBe(sample.expectedOutcome);
      expect(trace.summary.services).toContain('checkout');
      if (sample.scenario !== 'aadsts70021') expect(trace.summary.services).toContain('payments-api');
    });
  }

  it('classifies each failure the way the scenario says', () => {
    const codes = (scenario: string) => traceOf(SAMPLE_TRACES.find((t) => t.scenario === scenario)!.correlationId).summary.errors.map((e) => e.code);
    expect(codes('happy-path')).toEqual([]);
    expect(codes('token-expired')).toContain('token_expired');
    expect(codes('invalid-token')).toContain('invalid_token');
    expect(codes('rate-limited')).toContain('rate_limited');
    expect(codes('aadsts70021')).toContain('AADSTS70021');
    const throttled = traceOf(SAMPLE_TRACES.find((t) => t.scenario === 'rate-limited')!.correlationId);
    expect(throttled.summary.errors.find((e) => e.code === 'rate_limited')).toMatchObject({ retryAfterSeconds: 2, rateLimitReset: expect.stringMatching(/^\d{10}$/) });
  });

  it('shows the token exchange and the retries as separate calls', () => {
    const trace = (scenario: string) => traceOf(SAMPLE_TRACES.find((t) => t.scenario === scenario)!.correlationId);
    const tokenCalls = (scenario: string) => trace(scenario).exchanges.filter((x) => x.kind === 'token').map((x) => x.outcome);
    expect(tokenCalls('happy-path')).toEqual(['ok']);
    expect(tokenCalls('token-expired')).toEqual(['ok']);
    expect(tokenCalls('aadsts70021')).toEqual(['error']);
    for (const scenario of ['token-expired', 'rate-limited']) {
      const charges = trace(scenario).exchanges.filter((x) => x.kind === 'api' && x.path?.endsWith('/v1/charges'));
      expect(charges.map((x) => [x.attempt, x.outcome]), scenario).toEqual([[1, 'error'], [2, 'ok']]);
    }
  });

  it('draws checkout’s own request log as the request storefront sent it, not as a call to the provider', () => {
    for (const sample of SAMPLE_TRACES) {
      const trace = traceOf(sample.correlationId);
      const served = trace.exchanges.filter((x) => x.kind === 'served');
      expect(served.map((x) => [x.service, x.method, x.path, x.caller]), sample.scenario).toEqual([['checkout', 'POST', '/api/checkout', 'storefront']]);
      // No arrow to the provider for /api/checkout (checkout answered it); storefront's request and checkout's answer instead.
      expect(trace.sequence, sample.scenario).not.toMatch(/pod->>api: [^\n]*\/api\/checkout/);
      expect(trace.sequence, sample.scenario).toMatch(/caller->>pod: POST \/api\/checkout/);
      expect(trace.sequence, sample.scenario).toMatch(/pod(?:-->>|--x)caller: \d{3}/);
    }
    // The token request failed: checkout never called the provider, and the diagram says so.
    const failed = traceOf(SAMPLE_TRACES.find((t) => t.scenario === 'aadsts70021')!.correlationId);
    expect(failed.exchanges.filter((x) => x.kind === 'api')).toEqual([]);
    expect(failed.sequence).not.toMatch(/pod->>api/);
    expect(failed.sequence).toMatch(/pod--xcaller: 502/);
    expect(failed.sequence).toMatch(/outcome: failed \(last error: AADSTS70021\)/);
  });

  it('quotes a realistic AADSTS70021 answer that ties the failure to the canary SA of the world', () => {
    const id = SAMPLE_TRACES.find((t) => t.scenario === 'aadsts70021')!.correlationId;
    const line = parsed.find((p) => p.correlationIds[0] === id && p.errorDescription?.startsWith('AADSTS70021'))!;
    expect(line.status).toBe(400);
    expect(line.podName).toBe(SAMPLE_CANARY.pod);
    const entra = parseEntraError(line.raw);
    expect(entra.codes).toContain('AADSTS70021');
    expect(entra.parsed).toMatchObject({
      issuer: SAMPLE_ISSUER,
      subject: SAMPLE_CANARY.subject,
      audience: WI.tokenExchangeAudience,
      traceId: expect.any(String),
      correlationId: expect.any(String),
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/),
    });
    expect(traceOf(id).summary.entra).toMatchObject({ code: 'AADSTS70021', subject: SAMPLE_CANARY.subject, podName: SAMPLE_CANARY.pod });
    // The pod and SA the log names exist in the world.
    const { cluster } = sampleWorld();
    expect(cluster.pods.some((p) => p.name === SAMPLE_CANARY.pod && p.serviceAccountName === SAMPLE_CANARY.serviceAccount)).toBe(true);
  });

  it('lists exactly two failed and two recovered traces among the recent ones', () => {
    const recent = summarizeTraces(parsed, 100);
    const byOutcome = (o: string) => recent.filter((t) => t.summary.outcome === o).map((t) => t.correlationId).sort();
    const expected = (o: string) => SAMPLE_TRACES.filter((t) => t.expectedOutcome === o).map((t) => t.correlationId).sort();
    expect(byOutcome('failed')).toEqual(expected('failed'));
    expect(byOutcome('recovered')).toEqual(expected('recovered'));
    expect(byOutcome('success')).toEqual(
      [SAMPLE_TRACES[0]!.correlationId, SAMPLE_PREFIX_SIBLING.correlationId, ...SAMPLE_BACKGROUND_CORRELATION_IDS].sort(),
    );
  });
});
