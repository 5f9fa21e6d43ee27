import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { logSearchData } from './log-search-data';

// Issue #4 goals, against ripgrep in the same run over the same ~1 GB of JSON lines (page cache
// warm for all): cold lookup through the file source ≤ 2× rg; warm lookup through the correlation
// index faster than rg; peak memory of the searching process under 300 MB. The logs are generated
// once into <tmpdir>/idlens-bench and reused. The measuring runs in a child process
// (log-search-child.ts) with the react-server condition, so `maxRSS` is the search's own.

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

interface ChildResult {
  tool: string;
  grepMs: Record<string, number>;
  grepCount: Record<string, number>;
  coldFirstMs: Record<string, number>;
  coldMs: Record<string, number>;
  coldCount: Record<string, number>;
  warmMs: Record<string, number>;
  warmFirstMs: Record<string, number>;
  warmCount: Record<string, number>;
  absentAfterAppend: number;
  absentAfterAppendMs: number;
  duringMs: number;
  duringCount: number;
  buildMs: number;
  indexBytes: number;
  stats: { lines: number; bytes: number; rows: number; ms: number };
  findableMs: number;
  indexedMs: number;
  tailLookupMs: number;
  tailCount: number;
  maxRssKB: number;
  memory: Array<{ phase: string; maxRssMB: number; rssMB: number; heapMB: number; externalMB: number; arrayBuffersMB: number }>;
}

/** Peak RSS of an idle child started the same way (node + tsx loader): the floor of the number above. */
function idleBaselineMB(): number {
  const r = spawnSync(process.execPath, ['--conditions=react-server', '--import', 'tsx', '-e', 'console.log(process.resourceUsage().maxRSS)'], { encoding: 'utf8' });
  return r.status === 0 ? Number(r.stdout.trim()) / 1024 : NaN;
}

export async function benchLogSearch(): Promise<Record<string, number>> {
  const cacheDir = join(tmpdir(), 'idlens-bench');
  mkdirSync(join(cacheDir, 'index'), { recursive: true });
  const genStart = performance.now();
  const data = await logSearchData(cacheDir);
  const genMs = performance.now() - genStart;
  const mb = data.bytes / 1e6;
  console.log(`logs: ${data.files.length} files, ${round(mb / 1000, 2)} GB, ${(data.lines / 1e6).toFixed(2)} M lines in ${data.dir} (${genMs > 1000 ? `generated in ${round(genMs / 1000)} s` : 'reused'})`);

  const child = spawnSync(
    process.execPath,
    ['--conditions=react-server', '--import', 'tsx', fileURLToPath(new URL('./log-search-child.ts', import.meta.url)), join(cacheDir, 'logs-v2.manifest.json'), join(cacheDir, 'index')],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 16 * 1024 * 1024 },
  );
  if (child.status !== 0) throw new Error(`log search bench child failed (${child.status})`);
  const r = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as ChildResult;

  const rate = (ms: number) => `${String(Math.round(mb / (ms / 1000))).padStart(6)} MB/s ${String(round(data.lines / (ms / 1000) / 1e6, 1)).padStart(5)} M lines/s`;
  console.log(`peer: ${r.tool}${r.tool.startsWith('grep') ? '  ← ripgrep missing: comparing with grep instead' : ''}`);
  for (const name of ['common', 'rare', 'absent']) {
    const g = r.grepMs[name]!;
    const c = r.coldMs[name]!;
    const w = r.warmMs[name]!;
    console.log(`${name.padEnd(6)} (lines found: rg ${r.grepCount[name]}, cold ${r.coldCount[name]}, warm ${r.warmCount[name]})`);
    console.log(`  rg    ${round(g).toString().padStart(8)} ms  ${rate(g)}`);
    console.log(`  cold  ${round(c).toString().padStart(8)} ms  ${rate(c)}  ${round(c / g, 2)}× rg (goal ≤ 2×)  first lookup ${round(r.coldFirstMs[name]!)} ms`);
    const note =
      name === 'absent' ? `  (not in the index: an ID may be in free text only → the first lookup is the full cold scan, ${round(r.warmFirstMs[name]!)} ms; repeated ones scan what was appended since)` : '';
    console.log(`  warm  ${round(w, 2).toString().padStart(8)} ms  ${round(g / w, 1)}× faster than rg (goal > 1×)${note}`);
  }
  const buildS = r.buildMs / 1000;
  console.log(
    `index: built in ${round(buildS, 1)} s in the background: ${Math.round(r.stats.lines / buildS / 1000)} k lines/s, ${Math.round(mb / buildS)} MB/s; ${r.stats.rows} rows, ${round(r.indexBytes / 1e6)} MB on disk (${round((100 * r.indexBytes) / data.bytes)}% of the logs)`,
  );
  console.log(`  a lookup while the build ran (answered cold): ${round(r.duringMs)} ms, ${r.duringCount} lines`);
  console.log(`follow: appended line findable after ${round(r.findableMs)} ms (a new ID, in no index yet: the full cold scan), in the index after ${round(r.indexedMs)} ms; its lookup ${round(r.tailLookupMs, 2)} ms (${r.tailCount} line)`);
  const idleMB = idleBaselineMB();
  console.log(`  the absent ID, then named in an appended free-text line: repeated lookup ${round(r.absentAfterAppendMs, 2)} ms (${r.absentAfterAppend} line)`);
  console.log(`memory: peak RSS of the searching process ${round(r.maxRssKB / 1024)} MB (goal < 300 MB); an idle node + tsx child: ${round(idleMB)} MB`);
  for (const m of r.memory) {
    console.log(`  after ${m.phase.padEnd(30)} peak ${String(m.maxRssMB).padStart(4)} MB  rss ${String(m.rssMB).padStart(4)}  heap ${String(m.heapMB).padStart(3)}  external ${String(m.externalMB).padStart(3)}  array buffers ${String(m.arrayBuffersMB).padStart(3)}`);
  }

  return {
    'logs.gb': round(mb / 1000, 2),
    'logs.lines': data.lines,
    'logs.rgRareMs': round(r.grepMs.rare!),
    'logs.coldRareMs': round(r.coldMs.rare!),
    'logs.coldOverRg': round(r.coldMs.rare! / r.grepMs.rare!, 2),
    'logs.warmRareMs': round(r.warmMs.rare!, 2),
    'logs.warmCommonMs': round(r.warmMs.common!, 2),
    'logs.warmAbsentMs': round(r.warmMs.absent!, 2),
    'logs.rgOverWarm': round(r.grepMs.rare! / r.warmMs.rare!, 1),
    'logs.indexBuildS': round(buildS, 1),
    'logs.indexBuildLinesPerS': Math.round(r.stats.lines / buildS),
    'logs.indexMB': round(r.indexBytes / 1e6),
    'logs.appendFindableMs': round(r.findableMs),
    'logs.appendIndexedMs': round(r.indexedMs),
    'logs.peakRssMB': round(r.maxRssKB / 1024),
    'logs.idleTsxRssMB': round(idleMB),
  };
}
