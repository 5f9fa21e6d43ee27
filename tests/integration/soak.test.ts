import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_TRACES } from '@/lib/sample/logs';
import type { SampleToken } from '@/lib/sample/tokens';
import { decodeToken } from '@/lib/tokens/decode';
import { type RunningServer, startServer } from '../support/next-server';

// Soak: 10,000 requests over loopback, 8 at a time, in the mix the dashboard really sends (health,
// map, trace list and details, token verification, JWKS, an unknown API, pages), against the real
// built server on the sample environment. Every answer must have its expected status, and the
// server's memory must settle afterwards: a leak per request (a cache without a bound, listeners
// piling up on a shared signal) shows up as RSS that keeps the growth of the run.

const TOTAL_REQUESTS = 10_000;
const CONCURRENCY = 8;
/**
 * RSS after the run may exceed RSS before it (a warmed-up server: every route loaded once) by at
 * most this much. Measured on the 2-core machine (Node 20, Next 16): ~165 MB before, ~360 MB after
 * 10,000 requests (+195 MB, peak ~395 MB). That growth is V8 enlarging its heap under 8 concurrent
 * requests, not memory kept per request: a 40,000-request run levels off at ~400 MB from request
 * ~10,000 on (+235 MB, and dips back to ~340 MB in between), and even 4,000 requests of a trivial
 * route (/api/nope, /api/health) alone take RSS from ~157 MB to ~290 MB. 300 MB is that plateau plus
 * room for GC timing; a leak of 30 KB or more per request (300 MB over the run) fails the test.
 */
const MAX_RSS_GROWTH_MB = 300;

interface Probe {
  name: string;
  weight: number;
  request: () => { path: string; init?: RequestInit };
  status: number;
}

/** Resident memory (VmRSS) and its high-water mark (VmHWM) of one process, in MB. */
function memoryOf(pid: number): { rssMB: number; hwmMB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rssMB: Math.round(kb('VmRSS') / 102.4) / 10, hwmMB: Math.round(kb('VmHWM') / 102.4) / 10 };
}

describe('soak: 10,000 requests against the sample environment', () => {
  let server: RunningServer;
  beforeAll(async () => {
    // The rate limiter is off at 0: one client sending 10,000 requests is the point here.
    server = await startServer({ IDLENS_RATE_LIMIT_PER_MINUTE: '0' });
  });
  afterAll(() => server?.stop());

  it(
    'answers every request with its expected status and keeps memory bounded',
    async () => {
      // lib/server/main.mjs serves in the process startServer spawned.
      const pid = server.pid!;
      const get = (path: string) => fetch(`${server.url}${path}`);

      const tokens = ((await (await get('/api/sample/tokens')).json()) as { tokens: SampleToken[] }).tokens;
      const clusterToken = tokens.find((t) => t.id === 'cluster')!.token;
      const entraToken = tokens.find((t) => t.id === 'entra-v2')!.token;
      const decoded = decodeToken(clusterToken);
      const clusterIssuer = decoded.kind === 'jws' ? String(decoded.payload?.iss) : '';
      const verify = (token: string) => ({
        path: '/api/tokens/verify',
        init: { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) },
      });
      let n = 0;
      const traceId = () => SAMPLE_TRACES[n++ % SAMPLE_TRACES.length]!.correlationId;

      const probes: Probe[] = [
        { name: 'health', weight: 10, request: () => ({ path: '/api/health' }), status: 200 },
        { name: 'identity map', weight: 10, request: () => ({ path: '/api/identity-map' }), status: 200 },
        { name: 'trace list', weight: 8, request: () => ({ path: '/api/traces?limit=20' }), status: 200 },
        { name: 'failed traces', weight: 4, request: () => ({ path: '/api/traces?outcome=failed&limit=5' }), status: 200 },
        { name: 'trace detail', weight: 20, request: () => ({ path: `/api/traces/${traceId()}` }), status: 200 },
        { name: 'unknown trace', weight: 4, request: () => ({ path: '/api/traces/no-such-trace-0001' }), status: 404 },
        { name: 'bad trace id', weight: 2, request: () => ({ path: `/api/traces/${encodeURIComponent('a b')}` }), status: 400 },
        { name: 'verify cluster token', weight: 10, request: () => verify(clusterToken), status: 200 },
        { name: 'verify entra token', weight: 5, request: () => verify(entraToken), status: 200 },
        { name: 'jwks of the cluster', weight: 8, request: () => ({ path: `/api/jwks?issuer=${encodeURIComponent(clusterIssuer)}` }), status: 200 },
        { name: 'jwks of an unknown issuer', weight: 3, request: () => ({ path: '/api/jwks?issuer=https%3A%2F%2Fexample.com%2F' }), status: 404 },
        { name: 'unknown API', weight: 4, request: () => ({ path: '/api/nope' }), status: 404 },
        { name: 'overview page', weight: 4, request: () => ({ path: '/' }), status: 200 },
        { name: 'map page', weight: 4, request: () => ({ path: '/map' }), status: 200 },
        { name: 'traces page', weight: 2, request: () => ({ path: '/traces' }), status: 200 },
        { name: 'tokens page', weight: 2, request: () => ({ path: '/tokens' }), status: 200 },
      ];
      // A fixed, interleaved schedule: request i is probe schedule[i % schedule.length].
      const schedule = probes.flatMap((p) => Array.from({ length: p.weight }, () => p));
      for (let i = schedule.length - 1; i > 0; i--) {
        const j = (i * 7919) % (i + 1); // deterministic shuffle
        [schedule[i], schedule[j]] = [schedule[j]!, schedule[i]!];
      }

      // Warm-up: every route once, so that "before" is a server that has loaded all its code.
      for (const probe of probes) {
        const { path, init } = probe.request();
        const response = await fetch(`${server.url}${path}`, init);
        await response.arrayBuffer();
        expect(response.status, `warm-up ${probe.name}`).toBe(probe.status);
      }
      const before = memoryOf(pid);

      let peakRssMB = before.rssMB;
      const sampler = setInterval(() => (peakRssMB = Math.max(peakRssMB, memoryOf(pid).rssMB)), 200);
      const unexpected: string[] = [];
      const counts = new Map<string, number>();
      let next = 0;
      const started = performance.now();
      try {
        await Promise.all(
          Array.from({ length: CONCURRENCY }, async () => {
            while (next < TOTAL_REQUESTS) {
              const probe = schedule[next++ % schedule.length]!;
              const { path, init } = probe.request();
              const response = await fetch(`${server.url}${path}`, init);
              await response.arrayBuffer();
              counts.set(probe.name, (counts.get(probe.name) ?? 0) + 1);
              if (response.status !== probe.status && unexpected.length < 20) unexpected.push(`${probe.name} ${path}: ${response.status}`);
            }
          }),
        );
      } finally {
        clearInterval(sampler);
      }
      const seconds = (performance.now() - started) / 1000;
      // Let the server finish what it deferred (GC, cache expiry timers) before the "after" reading.
      await new Promise((r) => setTimeout(r, 2000));
      const after = memoryOf(pid);
      peakRssMB = Math.max(peakRssMB, after.rssMB);

      console.log(
        `soak: ${TOTAL_REQUESTS} requests, concurrency ${CONCURRENCY}, ${seconds.toFixed(1)} s, ${Math.round(TOTAL_REQUESTS / seconds)} req/s; ` +
          `server (pid ${pid}) RSS before ${before.rssMB} MB, after ${after.rssMB} MB, ` +
          `peak ${peakRssMB} MB (sampled every 200 ms; VmHWM ${after.hwmMB} MB); mix ${JSON.stringify(Object.fromEntries(counts))}`,
      );
      expect(unexpected).toEqual([]);
      expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(TOTAL_REQUESTS);
      expect(after.rssMB - before.rssMB).toBeLessThanOrEqual(MAX_RSS_GROWTH_MB);
    },
    10 * 60_000,
  );
});
