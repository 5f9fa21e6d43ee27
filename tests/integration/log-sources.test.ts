import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LogSourceSpec } from '@/lib/config';
import { FileLogSource, type FileLogSourceOptions } from '@/lib/sources/logs/file-log-source';
import { containsId } from '@/lib/sources/logs/id-occurrence';
import { KubeLogSource } from '@/lib/sources/logs/kube-log-source';
import { LogAnalyticsLogSource, LOG_ANALYTICS_SCOPE } from '@/lib/sources/logs/log-analytics-log-source';
import { logSourcesFromSpecs } from '@/lib/sources/logs/log-sources-from-config';
import type { LogSearchResult } from '@/lib/sources/logs/log-source';
import { LokiLogSource } from '@/lib/sources/logs/loki-log-source';
import { SourceError } from '@/lib/sources/source-error';
import { startKubeLogsStub, type KubeLogsStub, type StubPod } from '../support/kube-logs-stub';
import { startLogAnalyticsStub, type ContainerLogRow } from '../support/log-analytics-stub';
import { startLokiStub, type LokiStream } from '../support/loki-stub';
import type { StubServer } from '../support/stub-server';

// The four log sources against real parts: files written by the test (several formats, rotated
// and gzipped, broken on purpose), and loopback stand-ins speaking the Kubernetes, Log Analytics
// and Loki wire formats. No mocks of the code under test.

const ID = 'abc-1';
const OTHER = 'abc-12'; // shares the prefix: must never come back for ID
const MiB = 1024 * 1024;

const pino = (time: number, msg: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ level: 30, time, pid: 1, hostname: 'consumer-7d9f', msg, ...extra });
const serilog = (t: string, mt: string, extra: Record<string, unknown> = {}) => JSON.stringify({ '@t': t, '@mt': mt, ...extra });

const texts = (r: LogSearchResult) => r.lines.map((l) => l.text);

async function writeLines(path: string, lines: string[]): Promise<void> {
  await writeFile(path, lines.map((l) => `${l}\n`).join(''));
}

/** Writes `bytes` of `fill` as one line, streamed (never held in memory), then `after`. */
async function writeHugeLine(path: string, before: string, fill: string, bytes: number, after: string): Promise<void> {
  const out = createWriteStream(path);
  out.write(before);
  const block = Buffer.alloc(MiB, fill);
  for (let written = 0; written < bytes; written += block.length) {
    if (!out.write(block)) await once(out, 'drain');
  }
  out.end(after);
  await once(out, 'finish');
}

// Both ways through the file source: streamed here, and split into byte ranges scanned by worker
// threads (1 MiB ranges, so range boundaries fall on the same awkward places as read boundaries).
const FILE_MODES: Array<[string, Partial<FileLogSourceOptions>]> = [
  ['streamed', { parallelMinBytes: Number.POSITIVE_INFINITY }],
  ['worker threads', { parallelMinBytes: 0, rangeBytes: MiB }],
];

describe.each(FILE_MODES)('FileLogSource (%s)', (_mode, tuning) => {
  const source = (pattern: string, more: Partial<FileLogSourceOptions> = {}) => new FileLogSource({ pattern, ...tuning, ...more });
  let root: string;
  let logs: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'idlens-logs-'));
    logs = join(root, 'logs');
    await mkdir(logs);
    await writeLines(join(logs, 'consumer.log'), [
      pino(1730000000000, 'acquiring token', { correlationId: ID }),
      pino(1730000000100, 'other request', { correlationId: OTHER }),
      pino(1730000000200, 'GET /orders -> 401 token_expired', { correlationId: ID, status: 401 }),
      'Error: unexpected EOF while reading',
      `    at retry (/app/client.js:12:5) correlation=${ID}`,
      pino(1730000000300, 'retry ok', { correlationId: ID, status: 200 }),
    ]);
    await writeLines(join(logs, 'consumer.log.1'), [pino(1729999990000, 'rotated line', { correlationId: ID }), pino(1729999990001, 'rotated other', { correlationId: OTHER })]);
    await writeFile(join(logs, 'consumer.log.2.gz'), gzipSync(`${pino(1729999980000, 'gzipped line', { correlationId: ID })}\n${pino(1729999980001, 'gzipped other', { correlationId: OTHER })}\n`));
    await writeLines(join(logs, 'provider.json'), [
      serilog('2024-10-27T03:33:20.5000000Z', 'Validated token for {ClientId}', { ClientId: 'c1', CorrelationId: ID }),
      serilog('2024-10-27T03:33:20.6000000Z', 'Request {RequestPath} failed', { '@l': 'Error', RequestPath: '/orders', CorrelationId: OTHER }),
    ]);
    await writeLines(join(logs, 'gateway.log'), [`time=2024-10-27T03:33:20Z level=info msg="proxy" correlation_id=${ID} status=200`, `time=2024-10-27T03:33:21Z level=info msg="proxy" correlation_id=${OTHER}`]);
    await writeLines(join(logs, 'plain.txt'), [`2024-10-27 03:33:20 INFO request ${ID} started`, `2024-10-27 03:33:21 INFO request x${ID} is another id`, '', '   ']);
    // Noise and binary garbage: NULs, invalid UTF-8, a lone CR, and the ID between garbage bytes.
    await writeFile(
      join(logs, 'noise.log'),
      Buffer.concat([
        Buffer.from('GC pause 12ms\n\n\n'),
        Buffer.from([0x00, 0xff, 0xfe, 0xc3, 0x28, 0x0a, 0x80, 0x81, 0x0d]),
        Buffer.from(`\xff ${ID}\x00\n`, 'latin1'),
        Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)),
      ]),
    );
    // Unreadable entries: a directory named like a log file, and a dangling symlink.
    await mkdir(join(logs, 'broken.log'));
    await symlink(join(root, 'nowhere.log'), join(logs, 'dangling.log'));
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('finds the ID across formats, rotations and .gz in a directory, never a prefix-sharing ID', async () => {
    const result = await source(logs).search(ID, { maxLines: 100 });
    expect(result.truncated).toBe(false);
    const found = texts(result);
    expect(found).toHaveLength(10);
    expect(found.some((t) => t.includes(OTHER))).toBe(false);
    expect(found.some((t) => t.includes('x' + ID))).toBe(false);
    expect(found).toEqual(
      expect.arrayContaining([
        pino(1730000000000, 'acquiring token', { correlationId: ID }),
        `    at retry (/app/client.js:12:5) correlation=${ID}`,
        pino(1729999990000, 'rotated line', { correlationId: ID }),
        pino(1729999980000, 'gzipped line', { correlationId: ID }),
        serilog('2024-10-27T03:33:20.5000000Z', 'Validated token for {ClientId}', { ClientId: 'c1', CorrelationId: ID }),
        `time=2024-10-27T03:33:20Z level=info msg="proxy" correlation_id=${ID} status=200`,
        `2024-10-27 03:33:20 INFO request ${ID} started`,
        `\uFFFD\uFFFD\r\uFFFD ${ID}\u0000`, // invalid UTF-8 replaced, a lone CR kept, the NUL kept
      ]),
    );
    // Sources carry the path and the byte offset; service hints drop extension and rotation suffix.
    const gz = result.lines.find((l) => l.text.includes('gzipped line'))!;
    expect(gz).toMatchObject({ source: `file:${join(logs, 'consumer.log.2.gz')}@0`, serviceHint: 'consumer' });
    const third = result.lines.find((l) => l.text.includes('token_expired'))!;
    const consumerLines = (await import('node:fs/promises')).readFile(join(logs, 'consumer.log'), 'utf8');
    expect(third.source).toBe(`file:${join(logs, 'consumer.log')}@${(await consumerLines).indexOf('{"level":30,"time":1730000000200')}`);
    expect(result.lines.find((l) => l.text.includes('Validated'))!.serviceHint).toBe('provider');
    // The dangling symlink is reported, the other files still answered; the subdirectory is not a file of the directory.
    expect(result.errors).toEqual([{ source: `file:${join(logs, 'dangling.log')}`, message: expect.stringContaining('does not exist') }]);
  });

  it('expands a glob (with the rotated siblings of each match) and reports unreadable matches per file', async () => {
    const result = await source(join(logs, '*.log')).search(ID, { maxLines: 100 });
    const sources = new Set(result.lines.map((l) => l.source.replace(/@\d+$/, '')));
    expect([...sources].sort()).toEqual([`file:${join(logs, 'consumer.log')}`, `file:${join(logs, 'consumer.log.1')}`, `file:${join(logs, 'consumer.log.2.gz')}`, `file:${join(logs, 'gateway.log')}`, `file:${join(logs, 'noise.log')}`]);
    expect(result.errors?.map((e) => e.source).sort()).toEqual([`file:${join(logs, 'broken.log')}`, `file:${join(logs, 'dangling.log')}`]);
    expect(result.errors?.find((e) => e.source.endsWith('broken.log'))?.message).toMatch(/is a directory/);

    const deep = await source(join(root, '**', 'prov?der.json')).search(ID, { maxLines: 100 });
    expect(deep.lines).toHaveLength(1);
    expect(deep.errors).toBeUndefined();
  });

  it('says so when a glob matches no file', async () => {
    const pattern = join(root, 'missing', '*.log');
    const error = await new FileLogSource({ pattern }).search(ID, { maxLines: 10 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect(error).toMatchObject({ code: 'not-found:logs', message: `IDLENS_LOGS pattern "${pattern}" matches no file` });
    await expect(source(join(root, 'no-such-file.log')).recent({ maxLines: 10 })).rejects.toMatchObject({ code: 'not-found:logs' });
  });

  it('stops after maxLines matches and says the result is truncated', async () => {
    const dir = join(root, 'many');
    await mkdir(dir);
    await writeLines(join(dir, 'app.log'), Array.from({ length: 50 }, (_, i) => pino(i, `line ${i}`, { correlationId: ID })));
    const capped = await source(dir).search(ID, { maxLines: 20 });
    expect(capped.lines).toHaveLength(20);
    expect(capped.truncated).toBe(true);
    expect(capped.lines[0]!.text).toContain('"line 0"');
    const exact = await source(dir).search(ID, { maxLines: 50 });
    expect(exact.lines).toHaveLength(50);
    expect(exact.truncated).toBe(false);
    await expect(source(dir).search(ID, { maxLines: 50, signal: AbortSignal.abort() })).rejects.toThrow();
  });

  it('cuts a 50 MB line at 1 MiB without reading it into memory, and keeps scanning after it', async () => {
    const dir = join(root, 'huge');
    await mkdir(dir);
    const path = join(dir, 'huge.log');
    await writeHugeLine(path, `{"correlationId":"${ID}","msg":"`, 'x', 50 * MiB, `"}\n${pino(1, 'after the huge line', { correlationId: ID })}\n`);
    const before = process.memoryUsage().rss;
    const started = performance.now();
    const result = await source(path).search(ID, { maxLines: 10 });
    const ms = performance.now() - started;
    expect(result.lines).toHaveLength(2);
    const [huge, after] = result.lines;
    expect(huge!.cut).toBe(true);
    expect(Buffer.byteLength(huge!.text)).toBe(MiB);
    expect(huge!.text.startsWith(`{"correlationId":"${ID}","msg":"xxx`)).toBe(true);
    expect(huge!.source).toBe(`file:${path}@0`);
    expect(after!.text).toBe(pino(1, 'after the huge line', { correlationId: ID }));
    expect(after!.cut).toBeUndefined();
    expect(process.memoryUsage().rss - before).toBeLessThan(40 * MiB);
    expect(ms).toBeLessThan(5000);

    // The ID only far beyond the cut: the line is still reported (cut), not dropped; and once
    // only, though the ID occurs in several read chunks / scan ranges of it.
    const tailPath = join(dir, 'tail.log');
    await writeHugeLine(tailPath, 'first line\n', 'y', 3 * MiB, ` ${ID} y ${ID}\nnext line\n`);
    const tail = await source(tailPath).search(ID, { maxLines: 10 });
    expect(tail.lines).toHaveLength(1);
    expect(tail.lines[0]).toMatchObject({ cut: true, source: `file:${tailPath}@11` });
    const twice = join(dir, 'twice.log');
    await writeHugeLine(twice, `${ID} `, 'z', 3 * MiB, ` ${ID}\n`);
    expect((await source(twice).search(ID, { maxLines: 10 })).lines.map((l) => l.source)).toEqual([`file:${twice}@0`]);
  });

  it('finds lines, IDs and multibyte characters that straddle the 1 MiB read boundary', async () => {
    const dir = join(root, 'boundary');
    await mkdir(dir);
    const filler = (n: number) => `${'f'.repeat(n - 1)}\n`;
    // 1) A matching line that starts before the boundary and ends after it, with a multibyte
    //    character split across the boundary.
    const prefix = '{"msg":"€€€€ ';
    const lineA = `${prefix}${ID} ünïcødé → 😀"}`;
    const euroOffset = Buffer.byteLength('{"msg":"€'); // the 2nd '€' starts here
    const startA = MiB - euroOffset - 1; // so that byte MiB falls inside the second '€'
    // 2) An ID split across the second boundary (the scanner's buffer then holds carry + next read).
    const fileA = Buffer.concat([Buffer.from(filler(startA)), Buffer.from(`${lineA}\n`)]);
    await writeFile(join(dir, 'a.log'), fileA);
    const resultA = await source(join(dir, 'a.log')).search(ID, { maxLines: 10 });
    expect(texts(resultA)).toEqual([lineA]);
    expect(resultA.lines[0]!.source).toBe(`file:${join(dir, 'a.log')}@${startA}`);

    const idStart = MiB - 2; // 'ab' before the boundary, 'c-1' after it
    const lineB = `pre ${ID} post`;
    const startB = idStart - 4;
    await writeFile(join(dir, 'b.log'), Buffer.concat([Buffer.from(filler(startB)), Buffer.from(`${lineB}\nnot ${OTHER} here\n`)]));
    expect(texts(await source(join(dir, 'b.log')).search(ID, { maxLines: 10 }))).toEqual([lineB]);

    // 3) `abc-1` ending exactly at the boundary, followed by `2` after it: that is abc-12, not a match.
    const startC = MiB - 5 - 4;
    await writeFile(join(dir, 'c.log'), Buffer.concat([Buffer.from(filler(startC)), Buffer.from(`pre ${OTHER} post\nlast ${ID}`)]));
    expect(texts(await source(join(dir, 'c.log')).search(ID, { maxLines: 10 }))).toEqual([`last ${ID}`]);
  });

  it('finds exactly the lines a split-and-test finds in random content, with tiny reads and ranges', async () => {
    const dir = join(root, 'random');
    await mkdir(dir);
    const pieces = [ID, OTHER, `x${ID}`, ' ', '\n', '\n', '\r\n', 'é', '😀', '-', '.', '\u0000', 'zz', 'noise '];
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let round = 0; round < 30; round++) {
      const parts: Buffer[] = [];
      for (let i = 0; i < 300; i++) parts.push(rand() < 0.05 ? Buffer.from([Math.floor(rand() * 256)]) : Buffer.from(pieces[Math.floor(rand() * pieces.length)]!));
      const data = Buffer.concat(parts);
      const path = join(dir, `r${round}.log`);
      await writeFile(path, data);
      const want: string[] = [];
      let at = 0;
      for (const line of data.toString('latin1').split('\n')) {
        const bytes = data.subarray(at, at + line.length);
        const text = bytes.at(-1) === 0x0d ? bytes.subarray(0, -1) : bytes; // CRLF: the CR is not part of the line
        if (containsId(bytes, ID)) want.push(`file:${path}@${at}|${text.toString('utf8')}`);
        at += line.length + 1;
      }
      const tiny = { chunkBytes: 1 + (round % 9), rangeBytes: 3 + (round % 17) };
      const result = await source(path, tiny).search(ID, { maxLines: 1000 });
      expect(result.lines.map((l) => `${l.source}|${l.text}`), `round ${round}`).toEqual(want);
      // Reads that hold most lines whole (the scan workers decode those themselves), ranges cutting some.
      const medium = { chunkBytes: 40 + 13 * round, rangeBytes: 100 + 37 * round };
      const wider = await source(path, medium).search(ID, { maxLines: 1000 });
      expect(wider.lines.map((l) => `${l.source}|${l.text}`), `round ${round}, medium reads`).toEqual(want);
    }
  });

  it('reads the newest lines of each file for recent(), cheaply from the end', async () => {
    const dir = join(root, 'recent');
    await mkdir(dir);
    await writeLines(join(dir, 'a.log'), Array.from({ length: 10_000 }, (_, i) => pino(i, `a ${i}`)));
    await writeFile(join(dir, 'b.log'), 'b 1\r\nb 2\r\nb 3 without newline');
    await writeFile(join(dir, 'c.log.1.gz'), gzipSync('old\n'));
    const result = await source(dir).recent({ maxLines: 6 });
    expect(texts(result)).toEqual([pino(9997, 'a 9997'), pino(9998, 'a 9998'), pino(9999, 'a 9999'), 'b 1', 'b 2', 'b 3 without newline']);
    expect(result.lines[3]).toMatchObject({ source: `file:${join(dir, 'b.log')}@0`, serviceHint: 'b' });
  });
});

describe('KubeLogSource against a loopback Kubernetes API', () => {
  let stub: KubeLogsStub | undefined;
  afterEach(async () => {
    await stub?.close();
    stub = undefined;
  });

  const t = (s: number) => `2024-10-27T03:33:${String(s).padStart(2, '0')}.000000000Z`;
  const pods: StubPod[] = [
    {
      name: 'consumer-7d9f',
      labels: { app: 'consumer', tier: 'web' },
      initContainers: [{ name: 'init-token', lines: [[t(0), `waiting for token correlation=${ID}`]] }],
      containers: [
        { name: 'app', lines: [[t(1), pino(1, 'calling provider', { correlationId: ID })], [t(2), pino(2, 'other', { correlationId: OTHER })]] },
        { name: 'istio-proxy', lines: [[t(3), `[2024-10-27T03:33:03Z] "GET /orders" 401 x-correlation-id=${ID}`]] },
      ],
    },
    { name: 'provider-5c4b', labels: { 'app.kubernetes.io/name': 'provider', tier: 'api' }, containers: [{ name: 'api', lines: [[t(4), pino(4, 'token invalid', { correlationId: ID, status: 401 })]] }] },
    { name: 'pending-1', labels: { tier: 'web' }, phase: 'Pending', containers: [{ name: 'app', lines: [] }] },
  ];

  it('reads every container of every selected pod with the time window and byte cap on the wire', async () => {
    stub = await startKubeLogsStub({ namespace: 'shop', pods });
    const source = new KubeLogSource({ kubeconfigText: stub.kubeconfig(), namespace: 'shop', sinceSeconds: 3600, limitBytes: 4096 });
    expect(source.label).toBe('kube:shop');
    const result = await source.search(ID, { maxLines: 100 });
    expect(result).toMatchObject({ truncated: false });
    expect(result.errors).toBeUndefined();
    expect(result.lines).toEqual([
      { source: 'kube:shop/consumer-7d9f/init-token', serviceHint: 'consumer', text: `${t(0)} waiting for token correlation=${ID}` },
      { source: 'kube:shop/consumer-7d9f/app', serviceHint: 'consumer', text: `${t(1)} ${pino(1, 'calling provider', { correlationId: ID })}` },
      { source: 'kube:shop/consumer-7d9f/istio-proxy', serviceHint: 'consumer', text: `${t(3)} [2024-10-27T03:33:03Z] "GET /orders" 401 x-correlation-id=${ID}` },
      { source: 'kube:shop/provider-5c4b/api', serviceHint: 'provider', text: `${t(4)} ${pino(4, 'token invalid', { correlationId: ID, status: 401 })}` },
    ]);
    const logReads = stub.requests.filter((r) => r.url.includes('/log?'));
    expect(logReads.map((r) => new URL(r.url, 'http://x').searchParams.get('container')).sort()).toEqual(['api', 'app', 'init-token', 'istio-proxy']);
    for (const r of logReads) {
      const q = new URL(r.url, 'http://x').searchParams;
      expect(q.get('sinceSeconds')).toBe('3600');
      expect(q.get('limitBytes')).toBe('4096');
      expect(q.get('timestamps')).toBe('true');
      expect(r.headers.authorization).toBe('Bearer stub-token');
    }
    expect(stub.requests.some((r) => r.url.includes('pending-1'))).toBe(false);
  });

  it('passes the label selector, defaults to 24 h and 10 MiB, and reports a hit on the byte cap as truncated', async () => {
    stub = await startKubeLogsStub({ namespace: 'shop', pods });
    const result = await new KubeLogSource({ kubeconfigText: stub.kubeconfig(), namespace: 'shop', labelSelector: 'tier=api' }).search(ID, { maxLines: 100 });
    expect(result.lines.map((l) => l.source)).toEqual(['kube:shop/provider-5c4b/api']);
    expect(new URL(stub.requests[0]!.url, 'http://x').searchParams.get('labelSelector')).toBe('tier=api');
    const q = new URL(stub.requests.find((r) => r.url.includes('/log?'))!.url, 'http://x').searchParams;
    expect([q.get('sinceSeconds'), q.get('limitBytes')]).toEqual([String(24 * 3600), String(10 * MiB)]);

    // 60 bytes cut the consumer's app log after its first line.
    const capped = await new KubeLogSource({ kubeconfigText: stub.kubeconfig(), namespace: 'shop', labelSelector: 'app=consumer', limitBytes: 60 }).search(ID, { maxLines: 100 });
    expect(capped.truncated).toBe(true);
  });

  it('names the RBAC permission on 403, for listing pods and for reading logs', async () => {
    stub = await startKubeLogsStub({ namespace: 'shop', pods, failLogsWith: 403 });
    const error = await new KubeLogSource({ kubeconfigText: stub.kubeconfig(), namespace: 'shop' }).search(ID, { maxLines: 10 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect(error).toMatchObject({ code: 'forbidden:logs', message: expect.stringContaining('"get" on "pods/log"') });
    await stub.close();

    stub = await startKubeLogsStub({ namespace: 'shop', pods, failListWith: 403 });
    await expect(new KubeLogSource({ kubeconfigText: stub.kubeconfig(), namespace: 'shop' }).search(ID, { maxLines: 10 })).rejects.toMatchObject({
      code: 'forbidden:logs',
      message: expect.stringContaining('"list" on "pods"'),
    });
    await stub.close();

    stub = await startKubeLogsStub({ namespace: 'shop', pods, failListWith: 401 });
    await expect(new KubeLogSource({ kubeconfigText: stub.kubeconfig(), namespace: 'shop' }).recent({ maxLines: 10 })).rejects.toMatchObject({ code: 'unauthorized:logs' });
  });

  it('keeps the other containers when one log cannot be read, and reads tails for recent()', async () => {
    stub = await startKubeLogsStub({ namespace: 'shop', pods, badRequestFor: { pod: 'consumer-7d9f', container: 'istio-proxy' } });
    const source = new KubeLogSource({ kubeconfigText: stub.kubeconfig(), namespace: 'shop' });
    const result = await source.search(ID, { maxLines: 100 });
    expect(result.lines).toHaveLength(3);
    expect(result.errors).toEqual([{ source: 'kube:shop/consumer-7d9f/istio-proxy', message: expect.stringContaining('waiting to start') }]);

    const recent = await source.recent({ maxLines: 8 });
    expect(recent.lines.filter((l) => l.source === 'kube:shop/consumer-7d9f/app').map((l) => l.text)).toEqual([`${t(1)} ${pino(1, 'calling provider', { correlationId: ID })}`, `${t(2)} ${pino(2, 'other', { correlationId: OTHER })}`]);
    expect(stub.requests.filter((r) => r.url.includes('/log?')).slice(-4).every((r) => new URL(r.url, 'http://x').searchParams.get('tailLines') === '2')).toBe(true);
  });

  it('reports an unreachable API server and an unloadable kubeconfig', async () => {
    stub = await startKubeLogsStub({ namespace: 'shop', pods });
    const kubeconfig = stub.kubeconfig();
    await stub.close();
    stub = undefined;
    await expect(new KubeLogSource({ kubeconfigText: kubeconfig, namespace: 'shop' }).search(ID, { maxLines: 10 })).rejects.toMatchObject({ code: 'unreachable:logs' });
    await expect(new KubeLogSource({ kubeconfigText: 'clusters: [oops', namespace: 'shop' }).search(ID, { maxLines: 10 })).rejects.toMatchObject({ code: 'config:logs' });
  });
});

describe('LogAnalyticsLogSource against a loopback query API', () => {
  const WORKSPACE = '11111111-2222-3333-4444-555555555555';
  let stub: StubServer | undefined;
  afterEach(async () => {
    await stub?.close();
    stub = undefined;
  });
  const scopes: string[] = [];
  const tokenProvider = {
    async getToken(scope: string) {
      scopes.push(scope);
      return 'la-token-123';
    },
  };
  const rows: ContainerLogRow[] = [
    { TimeGenerated: '2024-10-27T03:33:21Z', PodNamespace: 'shop', PodName: 'provider-5c4b', ContainerName: 'api', LogMessage: { msg: 'token invalid', correlationId: ID, status: 401 } },
    { TimeGenerated: '2024-10-27T03:33:20Z', PodNamespace: 'shop', PodName: 'consumer-7d9f', ContainerName: 'app', LogMessage: `calling provider correlation=${ID}` },
    { TimeGenerated: '2024-10-27T03:33:22Z', PodNamespace: 'shop', PodName: 'consumer-7d9f', ContainerName: 'app', LogMessage: 'unrelated' },
  ];

  it('queries ContainerLogV2 with a bearer token and turns rows into JSON lines', async () => {
    stub = await startLogAnalyticsStub({ rows });
    const source = new LogAnalyticsLogSource({ workspaceId: WORKSPACE, baseUrl: `${stub.url}/`, tokenProvider });
    const result = await source.search(ID, { maxLines: 10 });
    expect(result.truncated).toBe(false);
    expect(result.lines).toEqual([
      {
        source: `loganalytics:${WORKSPACE}/consumer-7d9f/app`,
        serviceHint: 'consumer-7d9f',
        text: JSON.stringify({ TimeGenerated: '2024-10-27T03:33:20Z', PodNamespace: 'shop', PodName: 'consumer-7d9f', ContainerName: 'app', LogMessage: `calling provider correlation=${ID}` }),
      },
      {
        source: `loganalytics:${WORKSPACE}/provider-5c4b/api`,
        serviceHint: 'provider-5c4b',
        text: JSON.stringify({ TimeGenerated: '2024-10-27T03:33:21Z', PodNamespace: 'shop', PodName: 'provider-5c4b', ContainerName: 'api', LogMessage: { msg: 'token invalid', correlationId: ID, status: 401 } }),
      },
    ]);
    const request = stub.requests[0]!;
    expect(request.method).toBe('POST');
    expect(request.url).toBe(`/v1/workspaces/${WORKSPACE}/query`);
    expect(request.headers.authorization).toBe('Bearer la-token-123');
    expect(scopes).toContain(LOG_ANALYTICS_SCOPE);
    const body = JSON.parse(request.body) as { query: string; timespan: string };
    expect(body.timespan).toBe('PT24H');
    expect(body.query).toBe(
      [
        'ContainerLogV2',
        '| where TimeGenerated > ago(24h)',
        `| where LogMessage has @'${ID}'`,
        '| project TimeGenerated, PodNamespace, PodName, ContainerName, LogMessage',
        '| order by TimeGenerated asc',
        '| take 11',
      ].join('\n'),
    );
  });

  it('never lets the ID out of its KQL string literal', async () => {
    stub = await startLogAnalyticsStub({ rows });
    const source = new LogAnalyticsLogSource({ workspaceId: WORKSPACE, baseUrl: stub.url, tokenProvider });
    for (const attack of ["x' or 1 eq 1", '"} |~ ".*', "a'' | take 100000 | where '' == '", "x\\' | union *"]) {
      const result = await source.search(attack, { maxLines: 10 });
      expect(result.lines).toEqual([]); // the stand-in read the literal as data: nothing matches it
      const query = (JSON.parse(stub.requests.at(-1)!.body) as { query: string }).query;
      const filterLine = query.split('\n').find((l) => l.includes('LogMessage has'))!;
      expect(filterLine).toBe(`| where LogMessage has @'${attack.replaceAll("'", "''")}'`);
      expect(query.split('\n')).toHaveLength(6);
    }
    await expect(source.search('x\n| take 1', { maxLines: 10 })).rejects.toMatchObject({ code: 'config:logs' });
  });

  it('stops at maxLines and says truncated', async () => {
    stub = await startLogAnalyticsStub({ rows: Array.from({ length: 5 }, (_, i) => ({ ...rows[0]!, TimeGenerated: `2024-10-27T03:33:2${i}Z` })) });
    const result = await new LogAnalyticsLogSource({ workspaceId: WORKSPACE, baseUrl: stub.url, tokenProvider }).search(ID, { maxLines: 3 });
    expect(result.lines).toHaveLength(3);
    expect(result.truncated).toBe(true);
  });

  it.each([
    [400, 'BadArgumentError', 'failed:logs', /rejected the query \(400\): BadArgumentErrorInner: Query is invalid/],
    [403, 'InsufficientAccessError', 'forbidden:logs', /Log Analytics Reader/],
    [429, 'ThrottledError', 'throttled:logs', /retry after 17 s/],
  ])('turns a %i error answer into a specific SourceError', async (status, code, sourceCode, message) => {
    stub = await startLogAnalyticsStub({ rows, failWith: { status, code, message: status === 400 ? 'Query is invalid' : 'nope', headers: status === 429 ? { 'retry-after': '17' } : {} } });
    const error = await new LogAnalyticsLogSource({ workspaceId: WORKSPACE, baseUrl: stub.url, tokenProvider }).search(ID, { maxLines: 10 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).code).toBe(sourceCode);
    expect((error as SourceError).message).toMatch(message);
    expect((error as SourceError).message).not.toContain('la-token-123');
  });
});

describe('LokiLogSource against a loopback Loki', () => {
  let stub: StubServer | undefined;
  afterEach(async () => {
    await stub?.close();
    stub = undefined;
  });
  const now = () => new Date('2024-10-27T04:00:00.000Z');
  const ns = (iso: string, extra = '000000') => `${Date.parse(iso)}${extra}`;
  const streams: LokiStream[] = [
    { stream: { app: 'provider', namespace: 'shop', pod: 'provider-5c4b' }, values: [[ns('2024-10-27T03:33:21Z', '000123'), pino(2, 'token invalid', { correlationId: ID })] as [string, string]] },
    {
      stream: { container: 'app', namespace: 'shop', pod: 'consumer-7d9f' },
      values: [[ns('2024-10-27T03:33:20Z'), `level=info msg="calling provider" correlation_id=${ID}`] as [string, string], [ns('2024-10-27T03:33:22Z'), `level=info correlation_id=${OTHER}`] as [string, string]],
    },
  ];

  it('sends a query_range with a LogQL line filter and merges streams in time order', async () => {
    stub = await startLokiStub({ streams });
    const source = new LokiLogSource({ baseUrl: stub.url, now });
    const result = await source.search(ID, { maxLines: 10 });
    const q = new URL(stub.requests[0]!.url, 'http://x');
    expect(q.pathname).toBe('/loki/api/v1/query_range');
    expect(q.searchParams.get('query')).toBe(`{job=~".+"} |= "${ID}"`);
    expect(q.searchParams.get('direction')).toBe('forward');
    expect(q.searchParams.get('limit')).toBe('11');
    expect(q.searchParams.get('end')).toBe(`${Date.parse('2024-10-27T04:00:00.000Z')}000000`);
    expect(BigInt(q.searchParams.get('end')!) - BigInt(q.searchParams.get('start')!)).toBe(24n * 3600n * 1_000_000_000n);
    // The stand-in applies the filter like Loki: OTHER contains ID as a substring; callers re-check whole tokens.
    expect(result.lines.slice(0, 2)).toEqual([
      { source: 'loki:{container="app",namespace="shop",pod="consumer-7d9f"}', serviceHint: 'app', text: `2024-10-27T03:33:20.000000000Z level=info msg="calling provider" correlation_id=${ID}` },
      { source: 'loki:{app="provider",namespace="shop",pod="provider-5c4b"}', serviceHint: 'provider', text: `2024-10-27T03:33:21.000000123Z ${pino(2, 'token invalid', { correlationId: ID })}` },
    ]);
    expect(result.truncated).toBe(false);
  });

  it('quotes the ID as a LogQL string so that it cannot change the query', async () => {
    stub = await startLokiStub({ streams });
    const source = new LokiLogSource({ baseUrl: stub.url, now, selector: '{namespace="shop"}' });
    for (const attack of ['"} |~ ".*', "x' or 1 eq 1", 'a\\"b', '`raw`']) {
      const result = await source.search(attack, { maxLines: 10 });
      expect(result.lines).toEqual([]); // read back as one literal by the stand-in: no line holds it
      const query = new URL(stub.requests.at(-1)!.url, 'http://x').searchParams.get('query')!;
      expect(query).toBe(`{namespace="shop"} |= ${JSON.stringify(attack)}`);
    }
    expect(new URL(stub.requests[0]!.url, 'http://x').searchParams.get('query')).toBe('{namespace="shop"} |= "\\"} |~ \\".*"');
  });

  it('says truncated when the limit is reached, and reads the newest lines for recent()', async () => {
    stub = await startLokiStub({ streams });
    const source = new LokiLogSource({ baseUrl: stub.url, now });
    const capped = await source.search(ID, { maxLines: 1 });
    expect(capped.lines).toHaveLength(1);
    expect(capped.truncated).toBe(true);
    const recent = await source.recent({ maxLines: 10 });
    const q = new URL(stub.requests.at(-1)!.url, 'http://x').searchParams;
    expect([q.get('query'), q.get('direction')]).toEqual(['{job=~".+"}', 'backward']);
    expect(recent.lines).toHaveLength(3);
  });

  it("turns a 400 into a SourceError carrying Loki's message", async () => {
    stub = await startLokiStub({ streams, failWith: { status: 400, body: 'parse error at line 1, col 7: syntax error: unexpected IDENTIFIER\n' } });
    const error = await new LokiLogSource({ baseUrl: stub.url, now }).search(ID, { maxLines: 10 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect(error).toMatchObject({ code: 'failed:logs', message: `loki:${stub.url}: Loki rejected the query (400): parse error at line 1, col 7: syntax error: unexpected IDENTIFIER` });
  });
});

describe('logSourcesFromSpecs', () => {
  it('builds one source per IDLENS_LOGS entry, without I/O', async () => {
    const specs: LogSourceSpec[] = [
      { kind: 'file', pattern: '/var/log/app/*.log' },
      { kind: 'kube', namespace: 'shop', labelSelector: 'app=consumer' },
      { kind: 'loganalytics', workspaceId: '11111111-2222-3333-4444-555555555555' },
      { kind: 'loki', baseUrl: 'http://loki:3100' },
    ];
    const sources = logSourcesFromSpecs(specs, { logAnalyticsUrl: 'https://api.loganalytics.io/', kubeconfigText: '{}' });
    expect(sources.map((s) => [s.kind, s.label])).toEqual([
      ['file', '/var/log/app/*.log'],
      ['kube', 'kube:shop/app=consumer'],
      ['loganalytics', 'loganalytics:11111111-2222-3333-4444-555555555555'],
      ['loki', 'loki:http://loki:3100'],
    ]);
    // Without an Azure credential, the Log Analytics source explains what to configure.
    await expect(sources[2]!.search(ID, { maxLines: 1 })).rejects.toMatchObject({ code: 'config:logs', message: expect.stringContaining('IDLENS_AZURE=live') });
  });
});
