import { appendFileSync, existsSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
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
  describe('IDs the index has no row for (absent, or in free text only): remembered cold scans', () => {
    /** The parts the cold scan is asked for during `run` (file name → start offset). */
    const scannedParts = async (run: () => Promise<unknown>) => {
      const spy = vi.spyOn(FileLogSource.prototype, 'searchParts');
      try {
        await run();
        return spy.mock.calls.flatMap(([, , parts]) => parts.map((p) => [p.path.split('/').at(-1)!, p.start] as const));
      } finally {
        spy.mockRestore();
      }
    };

    it('answers a repeated lookup like the cold scan, scanning only what was appended since', async () => {
      const dir = await dirFor('absent-append');
      writeLogs(dir, 2000);
      const cold = new FileLogSource({ pattern: dir });
      const source = indexed(dir);
      await source.search(IDS[0]!, MAX);
      await source.index.caughtUp();
      for (const id of [TEXT_ONLY, 'gone-42']) expect(sorted(await source.search(id, MAX)), id).toEqual(sorted(await cold.search(id, MAX)));
      expect(source.remembered.size).toBe(3); // with IDS[0]: looked up while the index was being built

      // Repeated, nothing changed: no byte is scanned again.
      expect(await scannedParts(() => source.search('gone-42', MAX))).toEqual([]);
      expect((await source.search(TEXT_ONLY, MAX)).lines).toHaveLength(1);

      // Appended after the first lookup, in free text and in a field: found, and only the appended bytes are scanned.
      const providerSize = (await stat(join(dir, 'provider.log'))).size;
      appendFileSync(join(dir, 'provider.log'), `retrying after gone-42 failed\n${provider(7000, { message: `also ${TEXT_ONLY}` })}\n`);
      const parts = await scannedParts(async () => {
        const got = await source.search('gone-42', MAX);
        expect(got.lines.map((l) => l.source)).toEqual([`file:${join(dir, 'provider.log')}@${providerSize}`]);
      });
      expect(parts).toEqual([['provider.log', providerSize]]);
      for (const id of [TEXT_ONLY, 'gone-42']) expect(sorted(await source.search(id, MAX)), id).toEqual(sorted(await cold.search(id, MAX)));
      // The prefix rule holds on the incremental path too.
      appendFileSync(join(dir, 'provider.log'), 'gone-420 and xgone-42 are other IDs\n');
      expect((await source.search('gone-42', MAX)).lines).toHaveLength(1);
    });

    it('finds an absent ID appended later within 1 s, a line completed after the lookup included', async () => {
      const dir = await dirFor('absent-partial');
      writeLogs(dir, 300);
      const source = indexed(dir);
      await source.search(IDS[0]!, MAX);
      await source.index.caughtUp();
      // A line being written during the first lookup: its end (with the ID) arrives afterwards.
      const consumerSize = (await stat(join(dir, 'consumer.log'))).size;
      appendFileSync(join(dir, 'consumer.log'), 'Error: upstream reset for request ');
      expect((await source.search('late-5', MAX)).lines).toHaveLength(0);
      appendFileSync(join(dir, 'consumer.log'), 'late-5\n');
      const { value } = await until('completed line findable', async () => {
        const r = await source.search('late-5', MAX);
        return r.lines.length === 1 ? r : undefined;
      });
      expect(value.lines[0]).toMatchObject({ source: `file:${join(dir, 'consumer.log')}@${consumerSize}`, text: 'Error: upstream reset for request late-5' });
      // And once more, now remembered.
      expect((await source.search('late-5', MAX)).lines).toEqual(value.lines);
    });

    it('follows rotation, copytruncate and replaced .gz files between repeated lookups', async () => {
      const dir = await dirFor('absent-rotate');
      const text = (n: number, id: string) => `${new Date(1730000000000 + n).toISOString()} WARN retry ${n} for ${id}`;
      writeFileSync(join(dir, 'app.log'), `${text(1, 'tx-1')}\n${pino(2, { correlationId: 'rot-2' })}\n`);
      writeFileSync(join(dir, 'old.log.gz'), gzipSync(`${text(0, 'tx-1')}\n`));
      const cold = new FileLogSource({ pattern: dir });
      const source = indexed(dir);
      await source.search('rot-2', MAX);
      await source.index.caughtUp();
      expect((await source.search('tx-1', MAX)).lines).toHaveLength(2);

      // logrotate: rename, new file under the old name. The renamed file keeps what was scanned of it.
      renameSync(join(dir, 'app.log'), join(dir, 'app.log.1'));
      writeFileSync(join(dir, 'app.log'), `${text(3, 'tx-1')}\n`);
      let afterRotation: LogSearchResult | undefined;
      const parts = await scannedParts(async () => (afterRotation = await source.search('tx-1', MAX)));
      expect(parts).toEqual([['app.log', 0]]);
      expect(sorted(afterRotation!)).toEqual(sorted(await cold.search('tx-1', MAX)));
      expect((await source.search('tx-1', MAX)).lines.map((l) => l.source).sort()).toEqual(
        [`file:${join(dir, 'app.log')}@0`, `file:${join(dir, 'app.log.1')}@0`, `file:${join(dir, 'old.log.gz')}@0`].sort(),
      );

      // copytruncate, then more lines than before: the old line is gone, the new ones are found.
      truncateSync(join(dir, 'app.log'), 0);
      appendFileSync(join(dir, 'app.log'), `${text(4, 'tx-9')} and a longer line than the one before it\n${text(5, 'tx-1')}\n`);
      expect(sorted(await source.search('tx-1', MAX))).toEqual(sorted(await cold.search('tx-1', MAX)));
      expect(sorted(await source.search('tx-9', MAX))).toEqual(sorted(await cold.search('tx-9', MAX)));
      // Rewritten in place to a size at least the old one (truncated and refilled between two lookups).
      const old = (await stat(join(dir, 'app.log'))).size;
      writeFileSync(join(dir, 'app.log'), `${text(6, 'tx-7')}${' '.repeat(old)}\n`);
      expect((await source.search('tx-1', MAX)).lines.map((l) => l.source)).not.toContain(`file:${join(dir, 'app.log')}@0`);
      expect(sorted(await source.search('tx-1', MAX))).toEqual(sorted(await cold.search('tx-1', MAX)));

      // A .gz replaced by another: scanned again.
      writeFileSync(join(dir, 'old.log.gz'), gzipSync(`${text(0, 'tx-2')}\n${text(1, 'tx-1')}\n${text(2, 'tx-1')}\n`));
      expect(sorted(await source.search('tx-1', MAX))).toEqual(sorted(await cold.search('tx-1', MAX)));
      expect((await source.search('tx-1', MAX)).lines.filter((l) => l.source.includes('old.log.gz'))).toHaveLength(2);
    });

    it('bounds what it remembers (LRU of IDs, bytes) and keeps nothing from a cut-short scan', async () => {
      const dir = await dirFor('absent-bounds');
      writeLogs(dir, 200);
      for (let i = 0; i < 30; i++) appendFileSync(join(dir, 'consumer.log'), `note: many-1 seen ${i}\n`);
      const s = new IndexedFileLogSource({ pattern: dir, index: { cacheDir: join(root, 'cache', 'absent-bounds'), log: () => {} }, remembered: { maxIds: 3, maxBytesPerId: 4096 } });
      open.push(s);
      await s.search(IDS[0]!, MAX);
      await s.index.caughtUp();
      for (const id of ['n-1', 'n-2', 'n-3', 'n-4']) await s.search(id, MAX);
      expect(s.remembered.size).toBe(3);
      expect(['n-1', 'n-2', 'n-3', 'n-4'].map((id) => s.remembered.has(id))).toEqual([false, true, true, true]);
      await s.search('n-2', MAX); // used again: the most recent now
      const cut = await s.search('many-1', { maxLines: 5 });
      expect(cut).toMatchObject({ truncated: true });
      expect(cut.lines).toHaveLength(5);
      expect(s.remembered.has('many-1')).toBe(false);
      const all = await s.search('many-1', MAX);
      expect(all.lines).toHaveLength(30);
      expect(s.remembered.has('many-1')).toBe(true);
      expect(['n-2', 'n-3', 'n-4'].map((id) => s.remembered.has(id))).toEqual([true, false, true]);
      expect(await s.search('many-1', { maxLines: 29 })).toMatchObject({ truncated: true });
      expect((await s.search('many-1', { maxLines: 29 })).lines).toEqual(all.lines.slice(0, 29));
      // Too big to keep (more than maxBytesPerId of line text): answered, not remembered.
      for (let i = 0; i < 40; i++) appendFileSync(join(dir, 'provider.log'), `note: big-1 ${'x'.repeat(100)} ${i}\n`);
      expect((await s.search('big-1', MAX)).lines).toHaveLength(40);
      expect(s.remembered.has('big-1')).toBe(false);
    });
  });
});
