import { appendFileSync, existsSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { IndexedFileLogSource } from '@/lib/sources/logs/correlation-index';
import { FileLogSource } from '@/lib/sources/logs/file-log-source';
import type { LogSearchResult } from '@/lib/sources/logs/log-source';

// The correlation index against real files written here: what it answers must be what the cold
// scan answers (it re-checks every line), while it is built, after appends, rotation, truncation
// and a damaged index file. Waiting for the follower polls with a deadline: a behaviour check.

const MAX = { maxLines: 10_000 };
const sorted = (r: LogSearchResult) => r.lines.map((l) => `${l.source} ${l.text}`).sort();

const pino = (i: number, fields: Record<string, unknown>) => JSON.stringify({ level: 30, time: 1730000000000 + i, msg: `step ${i}`, ...fields });
const provider = (i: number, fields: Record<string, unknown>) => JSON.stringify({ timestamp: new Date(1730000000000 + i).toISOString(), level: 'info', message: `handled ${i}`, ...fields });

/** IDs with prefix siblings (`abc-1` vs `abc-12`, `abc-1.retry`) spread over consumer and provider lines. */
const IDS = Array.from({ length: 40 }, (_, i) => `abc-${i}`);
const TEXT_ONLY = 'txt-only-7f3a';

function writeLogs(dir: string, lines = 4000): void {
  const consumer: string[] = [];
  const prov: string[] = [];
  for (let i = 0; i < lines; i++) {
    const id = IDS[i % IDS.length]!;
    consumer.push(pino(i, { correlationId: id, headers: { 'X-Correlation-ID': id } }));
    prov.push(provider(i, { correlation_id: id, response_headers: { 'x-correlation-id': id } }));
    if (i % 97 === 0) consumer.push(`ts=${i} level=info correlation_id=${id} msg="logfmt line"`);
    if (i % 50 === 0) prov.push(provider(i, { message: 'health check' })); // no ID
  }
  consumer.push(`Error: socket hang up while handling ${TEXT_ONLY}`);
  writeFileSync(join(dir, 'consumer.log'), `${consumer.join('\n')}\n`);
  writeFileSync(join(dir, 'provider.log'), `${prov.join('\n')}\n`);
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, deadlineMs = 1000): Promise<{ value: T; ms: number }> {
  const start = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return { value, ms: Date.now() - start };
    if (Date.now() - start > deadlineMs) throw new Error(`${what}: not within ${deadlineMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('IndexedFileLogSource', () => {
  let root: string;
  const open: IndexedFileLogSource[] = [];
  const indexed = (dir: string, cache = join(root, 'cache', dir.split('/').at(-1)!)) => {
    const s = new IndexedFileLogSource({ pattern: dir, parallelMinBytes: 64 * 1024, rangeBytes: 64 * 1024, index: { cacheDir: cache, pollMs: 100, log: () => {} } });
    open.push(s);
    return s;
  };
  const dirFor = async (name: string) => {
    const dir = join(root, name);
    await mkdir(dir, { recursive: true });
    return dir;
  };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'idlens-index-'));
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.index.close()));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('answers like the cold scan for many IDs, prefix siblings and text-only IDs included', async () => {
    const dir = await dirFor('equal');
    writeLogs(dir);
    const cold = new FileLogSource({ pattern: dir });
    const source = indexed(dir);
    await source.search(IDS[0]!, MAX); // starts the build
    await source.index.caughtUp();
    expect(source.index.usable).toBe(true);
    expect(source.index.stats.rows).toBeGreaterThan(8000);
    for (const id of [...IDS, TEXT_ONLY, 'abc-1000', 'nothing-here']) {
      const want = await cold.search(id, MAX);
      const got = await source.search(id, MAX);
      expect(sorted(got), id).toEqual(sorted(want));
    }
    // abc-1 must not bring abc-10..abc-19 (the index stores exact values, the re-check whole tokens).
    const one = await source.search('abc-1', MAX);
    expect(one.lines.length).toBeGreaterThan(0);
    expect(one.lines.every((l) => /"abc-1"|=abc-1 /.test(l.text))).toBe(true);
  });

  it('answers correctly while the index is being built (concurrent lookups)', async () => {
    const dir = await dirFor('during');
    writeLogs(dir, 30_000);
    const cold = new FileLogSource({ pattern: dir });
    const want = new Map<string, string[]>();
    for (const id of IDS.slice(0, 6)) want.set(id, sorted(await cold.search(id, MAX)));
    const source = indexed(dir);
    const rounds = await Promise.all(Array.from({ length: 3 }, async () => Promise.all(IDS.slice(0, 6).map(async (id) => [id, sorted(await source.search(id, MAX))] as const))));
    for (const round of rounds) for (const [id, got] of round) expect(got, id).toEqual(want.get(id));
    await source.index.caughtUp();
    for (const id of IDS.slice(0, 6)) expect(sorted(await source.search(id, MAX)), id).toEqual(want.get(id));
  });

  it('finds an appended line within 1 s, and indexes it', async () => {
    const dir = await dirFor('append');
    writeLogs(dir, 500);
    const source = indexed(dir);
    await source.search('abc-1', MAX);
    await source.index.caughtUp();
    appendFileSync(join(dir, 'provider.log'), `${provider(9999, { correlation_id: 'abc-1', message: 'appended' })}\n${provider(10000, { correlation_id: 'new-7' })}\n`);
    const { value } = await until('appended line findable', async () => {
      const r = await source.search('new-7', MAX);
      return r.lines.length === 1 ? r : undefined;
    });
    expect(value.lines[0]!.text).toContain('new-7');
    await until('appended line indexed', async () => {
      await source.index.caughtUp();
      const before = source.index.stats.rows;
      return before > 0 && (await source.search('abc-1', MAX)).lines.some((l) => l.text.includes('appended')) ? true : undefined;
    });
  });

  it('follows rotation (rename + new file) and truncation', async () => {
    const dir = await dirFor('rotate');
    writeFileSync(join(dir, 'app.log'), `${pino(1, { correlationId: 'rot-1' })}\n${pino(2, { correlationId: 'rot-2' })}\n`);
    const source = indexed(dir);
    await source.search('rot-1', MAX);
    await source.index.caughtUp();
    // logrotate's default: rename, then the service writes a new file under the old name.
    renameSync(join(dir, 'app.log'), join(dir, 'app.log.1'));
    writeFileSync(join(dir, 'app.log'), `${pino(3, { correlationId: 'rot-1', msg: 'after rotation' })}\n`);
    await until('rotated and new lines', async () => {
      const r = await source.search('rot-1', MAX);
      return r.lines.length === 2 ? r : undefined;
    });
    await source.index.caughtUp();
    const rotated = await source.search('rot-1', MAX);
    expect(rotated.lines.map((l) => l.source).sort()).toEqual([`file:${join(dir, 'app.log')}@0`, `file:${join(dir, 'app.log.1')}@0`].sort());

    // copytruncate: the same inode shrinks to 0, then new lines arrive at the old offsets.
    truncateSync(join(dir, 'app.log'), 0);
    appendFileSync(join(dir, 'app.log'), `${pino(4, { correlationId: 'rot-9' })}\n`);
    await until('truncated file re-read', async () => {
      const r = await source.search('rot-9', MAX);
      const stale = await source.search('rot-1', MAX);
      return r.lines.length === 1 && stale.lines.length === 1 ? true : undefined;
    });
    await source.index.caughtUp();
    expect((await source.search('rot-1', MAX)).lines.map((l) => l.source)).toEqual([`file:${join(dir, 'app.log.1')}@0`]);
    expect((await source.search('rot-9', MAX)).lines.map((l) => l.text)).toEqual([pino(4, { correlationId: 'rot-9' })]);
  });

  it('rebuilds a corrupt index file', async () => {
    const dir = await dirFor('corrupt');
    writeLogs(dir, 300);
    const first = indexed(dir);
    await first.search('abc-3', MAX);
    await first.index.caughtUp();
    const path = first.index.indexPath;
    await first.index.close();
    expect(existsSync(path)).toBe(true);
    for (const suffix of ['-wal', '-shm']) await rm(path + suffix, { force: true });
    writeFileSync(path, Buffer.alloc(64 * 1024, 'this is not a database '));

    const cold = new FileLogSource({ pattern: dir });
    const second = indexed(dir);
    await second.search('abc-3', MAX);
    await second.index.caughtUp();
    expect(second.index.usable).toBe(true);
    expect(second.index.stats.rows).toBeGreaterThan(0);
    expect(sorted(await second.search('abc-3', MAX))).toEqual(sorted(await cold.search('abc-3', MAX)));
  });

  it('reuses an index left by an earlier process and indexes only what was added since', async () => {
    const dir = await dirFor('reuse');
    writeLogs(dir, 300);
    const first = indexed(dir);
    await first.search('abc-3', MAX);
    await first.index.caughtUp();
    const rowsBefore = first.index.stats.rows;
    await first.index.close();
    appendFileSync(join(dir, 'consumer.log'), `${pino(5000, { correlationId: 'abc-3', msg: 'later' })}\n`);
    const second = indexed(dir);
    await second.search('abc-3', MAX);
    await second.index.caughtUp();
    expect(second.index.stats.rows).toBeLessThan(rowsBefore); // only the appended line was indexed
    expect((await second.search('abc-3', MAX)).lines.some((l) => l.text.includes('later'))).toBe(true);
  });
});
