// The measuring side of log-search.bench.ts, run in its own process with
// `--conditions=react-server` (so that lib/sources' `import 'server-only'` loads) and so that
// `maxRSS` is the peak memory of the log search alone, index builder thread included.
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, rmSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { IndexedFileLogSource } from '@/lib/sources/logs/correlation-index';
import { FileLogSource } from '@/lib/sources/logs/file-log-source';
import type { LogSearchData } from './log-search-data';

const MAX_LINES = 5000;
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;

function grepTool(): { cmd: string; args: string[]; name: string } {
  const rg = ['/usr/bin/rg', 'rg'].find((c) => spawnSync(c, ['--version']).status === 0);
  return rg ? { cmd: rg, args: ['-F', '-c', '--no-mmap'], name: 'rg -F -c --no-mmap' } : { cmd: 'grep', args: ['-F', '-c'], name: 'grep -F -c (ripgrep not installed)' };
}

/** Peak and current memory after each phase: what holds the memory (maxRSS only grows). */
const memory: Array<{ phase: string; maxRssMB: number; rssMB: number; heapMB: number; externalMB: number; arrayBuffersMB: number }> = [];
function mark(phase: string): void {
  const m = process.memoryUsage();
  const mb = (n: number) => Math.round(n / 1048576);
  memory.push({ phase, maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024), rssMB: mb(m.rss), heapMB: mb(m.heapUsed), externalMB: mb(m.external), arrayBuffersMB: mb(m.arrayBuffers) });
}

async function main() {
  mark('start (node + tsx + modules)');
  const data = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as LogSearchData;
  const indexDir = process.argv[3]!;
  const ids = { common: data.common, rare: data.rare, absent: data.absent };
  const out: Record<string, unknown> = { tool: '' };

  // 1. The peer: ripgrep over the same files, page cache warm (one untimed run first).
  const tool = grepTool();
  out.tool = tool.name;
  const grepMs: Record<string, number> = {};
  const grepCount: Record<string, number> = {};
  for (const [name, id] of Object.entries(ids)) {
    const times: number[] = [];
    for (let i = 0; i < 4; i++) {
      const t = performance.now();
      const r = spawnSync(tool.cmd, [...tool.args, id, ...data.files], { encoding: 'utf8' });
      if (i > 0) times.push(performance.now() - t);
      grepCount[name] = r.stdout.split('\n').filter(Boolean).reduce((n, l) => n + Number(l.split(':').pop()), 0);
    }
    grepMs[name] = median(times);
  }

  mark('rg runs');

  // 2. Cold: FileLogSource, nothing prepared (first lookup, then the median of 3).
  const cold = new FileLogSource({ pattern: data.dir });
  const coldFirstMs: Record<string, number> = {};
  const coldMs: Record<string, number> = {};
  const coldCount: Record<string, number> = {};
  for (const [name, id] of Object.entries(ids)) {
    const times: number[] = [];
    for (let i = 0; i < 4; i++) {
      const t = performance.now();
      const r = await cold.search(id, { maxLines: MAX_LINES });
      times.push(performance.now() - t);
      coldCount[name] = r.lines.length;
    }
    coldFirstMs[name] = times[0]!;
    coldMs[name] = median(times.slice(1));
  }

  mark('cold lookups');

  // 3. The index, built from nothing in the background.
  const indexPath = join(indexDir, 'bench.sqlite');
  for (const s of ['', '-wal', '-shm']) rmSync(indexPath + s, { force: true });
  const source = new IndexedFileLogSource({ pattern: data.dir, index: { indexPath, log: () => {} } });
  const buildStart = performance.now();
  const during = performance.now();
  const duringResult = await source.search(data.rare, { maxLines: MAX_LINES }); // starts the build; answered cold
  const duringMs = performance.now() - during;
  await source.index.caughtUp();
  await source.index.caughtUp();
  const buildMs = performance.now() - buildStart;
  mark('index build');
  const indexBytes = ['', '-wal'].reduce((n, s) => n + (existsSync(indexPath + s) ? statSync(indexPath + s).size : 0), 0);

  // 4. Warm: the same lookups through the index.
  // An ID the index has no row for (absent, or in free text only) costs the full cold scan the
  // first time (warmFirstMs); repeated lookups scan only what was appended since (the median).
  const warmMs: Record<string, number> = {};
  const warmFirstMs: Record<string, number> = {};
  const warmCount: Record<string, number> = {};
  for (const [name, id] of Object.entries(ids)) {
    const times: number[] = [];
    for (let i = 0; i < 50; i++) {
      const t = performance.now();
      const r = await source.search(id, { maxLines: MAX_LINES });
      times.push(performance.now() - t);
      warmCount[name] = r.lines.length;
    }
    warmFirstMs[name] = times[0]!;
    warmMs[name] = median(times.slice(1));
  }

  mark('warm lookups');

  // 5. Follow: an appended line, findable how soon (search polled every 5 ms), and indexed how soon.
  const appendTo = data.files.at(-1)!;
  const sizeBefore = statSync(appendTo).size;
  const fresh = 'f0110000-0000-4000-8000-0000000a99e0';
  appendFileSync(appendTo, `${JSON.stringify({ timestamp: new Date().toISOString(), level: 'info', service: 'payments-api', message: 'appended', correlation_id: fresh })}\n`);
  const t0 = performance.now();
  let findableMs = NaN;
  while (performance.now() - t0 < 5000) {
    if ((await source.search(fresh, { maxLines: 10 })).lines.length > 0) {
      findableMs = performance.now() - t0;
      break;
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  await source.index.caughtUp();
  const indexedMs = performance.now() - t0;
  const tailLookup = performance.now();
  const tailCount = (await source.search(fresh, { maxLines: 10 })).lines.length;
  const tailLookupMs = performance.now() - tailLookup;
  // The absent ID (looked up above), now named in free text of an appended line: the repeated
  // lookup scans the appended bytes only, and must find it.
  appendFileSync(appendTo, `${new Date().toISOString()} WARN payments-api upstream timeout for ${data.absent}\n`);
  const absentAgain = performance.now();
  const absentAfterAppend = (await source.search(data.absent, { maxLines: MAX_LINES })).lines.length;
  const absentAfterAppendMs = performance.now() - absentAgain;
  await source.index.close();
  truncateSync(appendTo, sizeBefore); // the cached data stays as generated
  mark('follow');

  Object.assign(out, { grepMs, grepCount, coldFirstMs, coldMs, coldCount, warmMs, warmFirstMs, warmCount, absentAfterAppend, absentAfterAppendMs, duringMs, duringCount: duringResult.lines.length, buildMs, indexBytes, stats: source.index.stats, findableMs, indexedMs, tailLookupMs, tailCount, maxRssKB: process.resourceUsage().maxRSS, memory });
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
