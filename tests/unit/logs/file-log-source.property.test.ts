import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileLogSource } from '@/lib/sources/logs/file-log-source';
import { containsId } from '@/lib/sources/logs/id-occurrence';
import { MatchingLineScanner, type ScannedLine } from '@/lib/sources/logs/line-scanner';
import { lineMatches } from '@/lib/traces/correlate';
import { parseLogLine } from '@/lib/traces/parse-line';

// The file source reads in byte chunks (streamed here, or byte ranges on worker threads), so a
// line, a multibyte character or the ID itself can straddle a chunk boundary. With chunks of a
// few bytes every line of arbitrary text (emoji, CJK, CRLF, the ID inserted in some lines) falls
// across boundaries in every way; the answer must equal the one from the whole buffer.

const ID = 'abc-1';

const textUnit = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
  { weight: 3, arbitrary: fc.constantFrom('😀', '👩‍👩‍👧', '日', '本語', '한', 'é', '€', '\u0000', ' ', '-', '.', '"', '{', '}', '\r', 'abc-12', 'xabc-1') },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
);
const lineText = fc.string({ unit: textUnit, maxLength: 40 }).map((s) => s.replace(/\n/g, ' '));

/** A line, with the ID inserted somewhere in about half of them (maybe glued to a token character). */
const logLine = fc.tuple(lineText, fc.boolean(), fc.nat(), fc.constantFrom('', ' ', '"', '=', 'x', '-', '日')).map(([text, withId, at, glue]) => {
  if (!withId) return text;
  const chars = [...text];
  const i = at % (chars.length + 1);
  return `${chars.slice(0, i).join('')}${glue}${ID}${glue}${chars.slice(i).join('')}`;
});
/** JSON.stringify as ASCII-only writers do it (Python's json.dumps): every non-ASCII character as \uXXXX. */
const asciiJson = (value: unknown) => JSON.stringify(value).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
/** A JSON line whose message holds the ID, maybe right after a character JSON escapes (\n, \t, é as \u00e9). */
const jsonLogLine = fc
  .tuple(lineText, fc.constantFrom('', ' ', '\n', '\t', '\r', 'é', '日', '\\', 'x'), fc.boolean(), fc.boolean())
  .map(([text, before, withId, ascii]) => (ascii ? asciiJson : JSON.stringify)({ level: 30, msg: `${text}${before}${withId ? ID : ''}` }));

const logFile = fc.tuple(fc.array(fc.oneof({ weight: 3, arbitrary: logLine }, { weight: 1, arbitrary: jsonLogLine }), { minLength: 1, maxLength: 25 }), fc.constantFrom('\n', '\r\n'), fc.boolean()).map(([lines, eol, finalEol]) => {
  const text = lines.join(eol) + (finalEol ? eol : '');
  return Buffer.from(text, 'utf8');
});

/** The whole-buffer answer: split on \n, drop a CR before it, keep lines holding the ID as a whole token. */
function wholeBufferLines(data: Buffer): ScannedLine[] {
  const out: ScannedLine[] = [];
  let start = 0;
  for (;;) {
    const nl = data.indexOf(0x0a, start);
    const end = nl === -1 ? data.length : nl;
    const line = data.subarray(start, end);
    if (containsId(line, ID)) out.push({ offset: start, text: line.subarray(0, line.at(-1) === 0x0d ? -1 : undefined).toString('utf8'), cut: false });
    if (nl === -1) return out;
    start = nl + 1;
  }
}

let dir: string;
let fileCount = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'idlens-fuzz-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** `app.log` (or `app.log.gz`) alone in a directory of its own: the source also reads rotated siblings. */
async function writeLog(data: Buffer, gzip = false): Promise<string> {
  const own = join(dir, String(fileCount++));
  await mkdir(own);
  const path = join(own, gzip ? 'app.log.gz' : 'app.log');
  await writeFile(path, gzip ? gzipSync(data) : data);
  return path;
}

describe('MatchingLineScanner with tiny chunks', () => {
  it('finds the lines the whole buffer holds, whatever the chunk size', () => {
    fc.assert(
      fc.property(logFile, fc.integer({ min: 1, max: 16 }), (data, chunkBytes) => {
        const found: ScannedLine[] = [];
        const scanner = new MatchingLineScanner(ID, (line) => (found.push(line), true), { chunkBytes });
        for (let at = 0; at < data.length; at += chunkBytes) scanner.feed(data.subarray(at, at + chunkBytes));
        scanner.end();
        expect(found).toEqual(wholeBufferLines(data));
      }),
      { numRuns: 300 },
    );
  });
});

describe('FileLogSource with tiny chunks', () => {
  const asSearched = (path: string, lines: ScannedLine[]) => lines.map((l) => ({ source: `file:${path}@${l.offset}`, text: l.text, serviceHint: 'app' }));

  it('streamed, on worker threads and gzipped: the same lines as the whole buffer, each parsed and matched as a whole line', async () => {
    await fc.assert(
      fc.asyncProperty(logFile, fc.constantFrom(1, 2, 3, 7, 13), fc.integer({ min: 3, max: 64 }), async (data, chunkBytes, rangeBytes) => {
        const want = wholeBufferLines(data);
        const path = await writeLog(data);
        const streamed = await new FileLogSource({ pattern: path, chunkBytes, parallelMinBytes: Number.POSITIVE_INFINITY }).search(ID, { maxLines: 1000 });
        expect(streamed).toEqual({ lines: asSearched(path, want), truncated: false });
        const ranged = await new FileLogSource({ pattern: path, chunkBytes, parallelMinBytes: 0, rangeBytes }).search(ID, { maxLines: 1000 });
        expect(ranged).toEqual({ lines: asSearched(path, want), truncated: false });
        const gzPath = await writeLog(data, true);
        const gzipped = await new FileLogSource({ pattern: gzPath, chunkBytes }).search(ID, { maxLines: 1000 });
        expect(gzipped.lines.map((l) => l.text)).toEqual(want.map((l) => l.text));

        // The byte scan is a pre-filter the parser re-checks: it never misses a line the parser
        // matches, and without backslashes in a line it finds exactly those. (After a backslash
        // it may let one too many through, e.g. a literal `\n` before the ID in plain text; and
        // an ID whose own characters are written as `\u0061…` is beyond any byte search.)
        const foundAt = new Set(want.map((l) => l.offset));
        let offset = 0;
        for (const raw of data.toString('utf8').split('\n')) {
          const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
          const matches = lineMatches(parseLogLine({ source: 't', text }), ID);
          if (matches) expect(foundAt.has(offset), `missed: ${text}`).toBe(true);
          if (!text.includes('\\')) expect(matches, text).toBe(foundAt.has(offset));
          offset += Buffer.byteLength(raw) + 1;
        }
      }),
      { numRuns: 60 },
    );
  });
});
