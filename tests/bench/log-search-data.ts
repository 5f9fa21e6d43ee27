import { once } from 'node:events';
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// The logs of the `logs` benchmark: about 1 GB of JSON lines in four files (consumer and provider,
// each with a rotation), in the shapes of lib/sample/logs.ts: checkout writes pino lines with
// `correlationId` and outgoing headers (`x-correlation-id`), payments-api writes `correlation_id`
// and `response_headers`, and health checks and GC noise carry no ID. Deterministic (seeded), streamed to disk
// in 4 MiB batches, generated once into the cache directory and reused while its manifest matches.

export interface LogSearchData {
  dir: string;
  files: string[];
  bytes: number;
  lines: number;
  /** A hot ID (a client stuck in a retry loop): many lines in all four files. */
  common: string;
  commonLines: number;
  /** An ordinary request's ID: a handful of lines. */
  rare: string;
  rareLines: number;
  /** A well-formed ID that is in no file. */
  absent: string;
}

const VERSION = 2;
const REQUESTS = 600_000;
const HOT_EVERY = 1_500;
const RARE_REQUEST = 424_242;
const FILES = ['checkout.log.1', 'payments-api.log.1', 'checkout.log', 'payments-api.log'];

/** mulberry32: small, seeded, good enough for log noise. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hex = (n: number, width: number) => (n >>> 0).toString(16).padStart(width, '0').slice(-width);

function guid(random: () => number): string {
  const r = () => Math.floor(random() * 0x100000000);
  return `${hex(r(), 8)}-${hex(r(), 4)}-4${hex(r(), 3)}-${hex(0x8000 | (r() & 0x3fff), 4)}-${hex(r(), 4)}${hex(r(), 8)}`;
}

export async function logSearchData(cacheDir: string): Promise<LogSearchData> {
  const dir = join(cacheDir, `logs-v${VERSION}`);
  const manifestPath = join(cacheDir, `logs-v${VERSION}.manifest.json`); // beside the logs, not among them
  if (existsSync(manifestPath)) {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as LogSearchData;
    if (manifest.files.every((f) => existsSync(f))) return manifest;
  }
  mkdirSync(dir, { recursive: true });
  const random = rng(42);
  const common = 'c0ffee00-dead-4bee-8f00-00000000c0de';
  const absent = 'a65e4700-0000-4000-8000-00000000abse'.replace('abse', 'abce');
  let rare = '';
  let commonLines = 0;
  let rareLines = 0;
  const paths = FILES.map((f) => join(dir, f));
  const outs = paths.map((p) => createWriteStream(`${p}.partial`));
  const pending: string[][] = FILES.map(() => []);
  const pendingBytes = FILES.map(() => 0);
  let lines = 0;
  let bytes = 0;
  const push = async (file: number, line: string) => {
    pending[file]!.push(line);
    pendingBytes[file]! += line.length + 1;
    lines++;
    bytes += line.length + 1;
    if (pendingBytes[file]! >= 4 * 1024 * 1024) {
      const chunk = `${pending[file]!.join('\n')}\n`;
      pending[file] = [];
      pendingBytes[file] = 0;
      if (!outs[file]!.write(chunk)) await once(outs[file]!, 'drain');
    }
  };
  const t0 = Date.UTC(2026, 10, 2, 8, 0, 0);
  for (let i = 0; i < REQUESTS; i++) {
    const rotated = i < REQUESTS / 2 ? 0 : 2; // first half in the .1 rotations
    const consumer = rotated;
    const provider = rotated + 1;
    const hot = i % HOT_EVERY === 0;
    const id = hot ? common : guid(random);
    if (i === RARE_REQUEST) rare = id;
    const requestId = `req-${hex(Math.floor(random() * 0xffffffff), 8)}`;
    const at = t0 + i * 25;
    const pod = `checkout-7d9f${hex(i % 7, 2)}-x${hex(i % 13, 3)}`;
    const status = random() < 0.02 ? 401 : random() < 0.01 ? 429 : 200;
    const duration = 5 + Math.floor(random() * 80);
    const ids = { correlation_id: id, request_id: requestId };
    const before = lines;
    await push(consumer, JSON.stringify({ level: 30, time: at, service: 'checkout', pod, namespace: 'shop', method: 'POST', url: 'http://payments-api.payments.svc/v1/charges', headers: { 'x-correlation-id': id, 'x-request-id': requestId, 'x-caller-chain': 'storefront,checkout' }, msg: 'calling payments-api' }));
    await push(provider, JSON.stringify({ timestamp: new Date(at + 4).toISOString(), level: 'info', service: 'payments-api', pod: 'payments-api-5c8b-qz2lp', message: 'request received', method: 'POST', path: '/v1/charges', headers: { 'x-correlation-id': id, 'x-request-id': requestId }, remote_addr: '10.244.1.37' }));
    if (status === 401) {
      await push(provider, JSON.stringify({ timestamp: new Date(at + 6).toISOString(), level: 'warning', service: 'payments-api', message: '401 token_expired: The token is expired', ...ids, status, error: 'token_expired' }));
    } else if (status === 429) {
      await push(provider, JSON.stringify({ timestamp: new Date(at + 5).toISOString(), level: 'warning', service: 'payments-api', message: '429 rate limit exceeded', ...ids, status, error: 'rate_limited', 'Retry-After': '2' }));
    } else {
      await push(provider, JSON.stringify({ timestamp: new Date(at + 6).toISOString(), level: 'debug', service: 'payments-api', message: 'access token accepted', ...ids, appid: '6f1c9a52-1d7e-4b8a-9c3f-2e5d8a7b4c10', roles: ['Charges.Write'], token_version: '1.0' }));
    }
    await push(provider, JSON.stringify({ timestamp: new Date(at + 4 + duration).toISOString(), level: 'info', service: 'payments-api', message: 'request completed', ...ids, method: 'POST', path: '/v1/charges', status, duration_ms: duration, response_headers: { 'x-correlation-id': id, 'x-request-duration': String(duration) } }));
    await push(consumer, JSON.stringify({ level: status === 200 ? 30 : 40, time: at + duration + 9, service: 'checkout', pod, namespace: 'shop', correlationId: id, requestId, status, durationMs: duration + 9, msg: 'payments-api responded' }));
    if (random() < 0.5) await push(consumer, JSON.stringify({ level: 20, time: at + 11, service: 'checkout', pod, msg: 'GET /healthz 200', req: { method: 'GET', url: '/healthz' }, responseTime: 1 }));
    if (random() < 0.3) await push(provider, JSON.stringify({ timestamp: new Date(at + 13).toISOString(), level: 'debug', service: 'payments-api', message: `gc pause ${Math.floor(random() * 9)} ms, heap ${Math.floor(random() * 400)} MB` }));
    if (hot) commonLines += lines - before;
    if (i === RARE_REQUEST) rareLines = lines - before;
  }
  for (const [file, out] of outs.entries()) {
    if (pending[file]!.length) out.write(`${pending[file]!.join('\n')}\n`);
    out.end();
    await once(out, 'finish');
  }
  paths.forEach((p) => renameSync(`${p}.partial`, p));
  const manifest: LogSearchData = { dir, files: paths, bytes, lines, common, commonLines, rare, rareLines, absent };
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
  return manifest;
}
