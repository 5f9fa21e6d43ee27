import { describe, expect, it } from 'vitest';
import { containsId } from '@/lib/sources/logs/id-occurrence';
import { MatchingLineScanner, type ScannedLine } from '@/lib/sources/logs/line-scanner';

// The streaming scanner against the obvious implementation (split everything into lines, test
// each), over many random inputs and tiny chunk sizes so that IDs, lines and multibyte
// characters straddle chunk boundaries in every possible way.

function scan(data: Buffer, id: string, chunkBytes: number, maxLineBytes: number, viaFeed = false): ScannedLine[] {
  const lines: ScannedLine[] = [];
  const scanner = new MatchingLineScanner(id, (l) => (lines.push(l), true), { chunkBytes, maxLineBytes });
  let at = 0;
  while (at < data.length) {
    if (viaFeed) {
      const n = Math.min(chunkBytes, data.length - at);
      scanner.feed(data.subarray(at, at + n));
      at += n;
    } else {
      const { buffer, offset, length } = scanner.target();
      const n = Math.min(length, chunkBytes, data.length - at);
      data.copy(buffer, offset, at, at + n);
      at += n;
      scanner.commit(n);
    }
  }
  scanner.end();
  return lines;
}

function expected(data: Buffer, id: string, maxLineBytes: number): ScannedLine[] {
  const out: ScannedLine[] = [];
  let start = 0;
  while (start <= data.length) {
    let end = data.indexOf(0x0a, start);
    if (end === -1) end = data.length;
    const line = data.subarray(start, end);
    if (containsId(line, id)) {
      let stop = line.length;
      const cut = stop > maxLineBytes;
      if (cut) {
        stop = maxLineBytes;
        while (stop > 0 && (line[stop]! & 0xc0) === 0x80) stop--;
      }
      out.push({ offset: start, text: line.toString('utf8', 0, stop), cut });
    }
    if (end === data.length) break;
    start = end + 1;
  }
  return out;
}

// A small deterministic PRNG (mulberry32) so that a failure is reproducible.
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = ['abc-1', 'abc-12', 'xabc-1', ' ', '\n', '\n', 'é', '€', '😀', '{"id":"abc-1"}', 'noise ', '-', '.', '\u0000', 'zz'];

function randomData(rand: () => number, length: number): Buffer {
  const parts: Buffer[] = [];
  let size = 0;
  while (size < length) {
    const r = rand();
    const part = r < 0.05 ? Buffer.from([Math.floor(rand() * 256)]) : r < 0.1 ? Buffer.alloc(Math.floor(rand() * 40), 'y') : Buffer.from(PIECES[Math.floor(rand() * PIECES.length)]!, 'utf8');
    parts.push(part);
    size += part.length;
  }
  return Buffer.concat(parts);
}

describe('MatchingLineScanner', () => {
  it('finds exactly the lines the obvious split-and-test finds, whatever the chunking', () => {
    const rand = random(42);
    for (let round = 0; round < 400; round++) {
      const data = randomData(rand, 20 + Math.floor(rand() * 400));
      const chunkBytes = 1 + Math.floor(rand() * 16);
      const maxLineBytes = 8 + Math.floor(rand() * 40);
      const want = expected(data, 'abc-1', maxLineBytes);
      const context = `round ${round}, chunk ${chunkBytes}, max ${maxLineBytes}, data ${JSON.stringify(data.toString('latin1'))}`;
      expect(scan(data, 'abc-1', chunkBytes, maxLineBytes), context).toEqual(want);
      expect(scan(data, 'abc-1', chunkBytes, maxLineBytes, true), context).toEqual(want);
    }
  });

  it('cuts a long matching line at the cap without splitting a character, wherever the ID sits in it', () => {
    const head = '€'.repeat(10); // 30 bytes
    for (const where of ['start', 'end']) {
      const line = where === 'start' ? `abc-1 ${head}${'x'.repeat(200)}` : `${head}${'x'.repeat(200)} abc-1`;
      const data = Buffer.from(`before\n${line}\nafter abc-1\n`);
      const lines = scan(data, 'abc-1', 7, 32);
      expect(lines).toHaveLength(2);
      expect(lines[0]!.cut).toBe(true);
      expect(lines[0]!.offset).toBe(7);
      expect(Buffer.byteLength(lines[0]!.text)).toBeLessThanOrEqual(32);
      expect(lines[0]!.text).not.toContain('\uFFFD');
      expect(lines[1]).toEqual({ offset: 7 + Buffer.byteLength(line) + 1, text: 'after abc-1', cut: false });
    }
  });

  it('strips CR of CRLF lines and decodes invalid UTF-8 with replacement characters', () => {
    const data = Buffer.concat([Buffer.from('a abc-1 \xff'.replace('\xff', ''), 'utf8'), Buffer.from([0xff, 0xfe]), Buffer.from('\r\nabc-1\r\n')]);
    expect(scan(data, 'abc-1', 4, 100)).toEqual([
      { offset: 0, text: 'a abc-1 \uFFFD\uFFFD', cut: false },
      { offset: 12, text: 'abc-1', cut: false },
    ]);
  });

  it('stops when the callback says so', () => {
    const data = Buffer.from('abc-1 one\nabc-1 two\nabc-1 three\n');
    const seen: string[] = [];
    const scanner = new MatchingLineScanner('abc-1', (l) => (seen.push(l.text), seen.length < 2), { chunkBytes: 5, maxLineBytes: 100 });
    scanner.feed(data);
    scanner.end();
    expect(seen).toEqual(['abc-1 one', 'abc-1 two']);
    expect(scanner.stopped).toBe(true);
  });
});
