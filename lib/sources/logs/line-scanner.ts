import 'server-only';
import { findIdOccurrence } from './id-occurrence';

// The hot loop of the file source: raw bytes go in chunk by chunk (1 MiB reads of a file, or the
// output of a gunzip stream), `Buffer.indexOf` looks for the ID, and only a line that holds it is
// cut out and decoded. Nothing else is parsed, split or decoded, so the scan runs at memchr speed.
//
// The scanner owns one buffer of `maxLineBytes + chunkBytes` (+ a few bytes): the unfinished last
// line of the previous chunk is moved to its front, the next chunk is read right behind it, so a
// line (or a multibyte character) straddling a chunk boundary is contiguous when it is decoded.
// A line longer than `maxLineBytes` never grows the buffer: its first `maxLineBytes` are kept
// aside (that is what a cut line shows), and only the last `id.length + 6` bytes travel on, enough
// to find an ID split across the boundary and check what precedes it (a character, or an escape).

export const MAX_LINE_BYTES = 1024 * 1024;
export const DEFAULT_CHUNK_BYTES = 1024 * 1024;

/** Bytes kept before a possible ID in a long line: the boundary check looks back over a `\uXXXX` escape (id-occurrence.ts). */
const LOOK_BACK = 6;
const NL = 0x0a;
const CR = 0x0d;

export interface ScannedLine {
  /** Byte offset of the line's first byte in the (decompressed) stream. */
  offset: number;
  /** The line without its end-of-line, at most `maxLineBytes` bytes of UTF-8, decoded with U+FFFD for invalid bytes. */
  text: string;
  cut: boolean;
}

export interface LineScannerOptions {
  chunkBytes?: number;
  maxLineBytes?: number;
}

/** Bytes `[start, end)` of `bytes`, shortened so that a cut never splits a UTF-8 sequence. */
export function cutAtCharBoundary(bytes: Buffer, start: number, end: number): number {
  let cutEnd = end;
  // A continuation byte (10xxxxxx) at the cut means a character started before it: drop that character's head.
  for (let i = 0; i < 3 && cutEnd > start && cutEnd < bytes.length && (bytes[cutEnd]! & 0xc0) === 0x80; i++) cutEnd--;
  if (cutEnd < bytes.length && (bytes[cutEnd]! & 0xc0) === 0x80) return end; // not UTF-8 anyway: cut where asked
  return cutEnd;
}

export class MatchingLineScanner {
  private readonly id: Buffer;
  private readonly maxLineBytes: number;
  private readonly buf: Buffer;
  /** Valid bytes in `buf`. */
  private dataLen = 0;
  /** Stream offset of `buf[0]`. */
  private bufOffset = 0;
  /** Where the next look (for the ID, or for the end of a matched line) starts. */
  private scanFrom = 0;
  /** Index in `buf` of the start of a matching line whose end has not been read yet, or -1. */
  private pendingStart = -1;
  /**
   * Set while `buf[0]` is in the middle of a line longer than `maxLineBytes` that started before
   * the buffer: its stream offset and first bytes, and whether it was already reported.
   */
  private longLine: { offset: number; head: Buffer; reported: boolean } | undefined;
  private stoppedByCallback = false;

  /**
   * @param onLine receives each matching line once, in stream order; returning false stops the scan.
   */
  constructor(
    id: string | Buffer,
    private readonly onLine: (line: ScannedLine) => boolean,
    options: LineScannerOptions = {},
  ) {
    this.id = typeof id === 'string' ? Buffer.from(id, 'utf8') : id;
    this.maxLineBytes = options.maxLineBytes ?? MAX_LINE_BYTES;
    const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    this.buf = Buffer.allocUnsafe(this.maxLineBytes + chunkBytes + this.id.length + 8);
    // An ID that spans lines can never be inside one line.
    if (this.id.length === 0 || this.id.includes(NL) || this.id.includes(CR)) this.stoppedByCallback = true;
  }

  get stopped(): boolean {
    return this.stoppedByCallback;
  }

  /** Where to put the next bytes (read them there, then call `commit`). `length` is at least `chunkBytes`. */
  target(): { buffer: Buffer; offset: number; length: number } {
    return { buffer: this.buf, offset: this.dataLen, length: this.buf.length - this.dataLen };
  }

  /** `bytes` more bytes were written at `target().offset`. */
  commit(bytes: number): void {
    if (this.stoppedByCallback || bytes <= 0) return;
    this.dataLen += bytes;
    this.process(false);
    if (!this.stoppedByCallback) this.compact();
  }

  /** Copies a chunk in (for streams that hand out their own buffers, like gunzip). */
  feed(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length && !this.stoppedByCallback) {
      const { offset, length } = this.target();
      const n = Math.min(length, chunk.length - at);
      chunk.copy(this.buf, offset, at, at + n);
      at += n;
      this.commit(n);
    }
  }

  /** End of stream: the last line (without a final newline) is complete now. */
  end(): void {
    if (!this.stoppedByCallback) this.process(true);
  }

  private emit(offset: number, text: string, cut: boolean): void {
    if (this.stoppedByCallback) return;
    if (!this.onLine({ offset, text, cut })) this.stoppedByCallback = true;
  }

  /** Emits `buf[start, end)` as a line (without a trailing CR), cut to `maxLineBytes`. */
  private emitRange(start: number, end: number): void {
    let stop = end;
    if (stop > start && this.buf[stop - 1] === CR) stop--;
    let cut = false;
    if (stop - start > this.maxLineBytes) {
      stop = cutAtCharBoundary(this.buf, start, start + this.maxLineBytes);
      cut = true;
    }
    this.emit(this.bufOffset + start, this.buf.toString('utf8', start, stop), cut);
  }

  private process(eof: boolean): void {
    const view = this.buf.subarray(0, this.dataLen);
    const idLength = this.id.length;
    let pos = this.scanFrom;

    if (this.longLine) {
      // buf[0] is inside a long line: everything up to the next newline belongs to it.
      const nl = view.indexOf(NL, pos);
      const lineEnd = nl === -1 ? this.dataLen : nl;
      if (!this.longLine.reported) {
        const found = findIdOccurrence(view, this.id, { from: pos, end: lineEnd, startIsBoundary: false, endIsBoundary: eof });
        if (found !== -1) {
          this.longLine.reported = true;
          this.emit(this.longLine.offset, this.longLine.head.toString('utf8'), true);
          if (this.stoppedByCallback) return;
        }
      }
      if (nl === -1) {
        this.scanFrom = this.longLine.reported ? this.dataLen : Math.max(pos, this.dataLen - idLength);
        return;
      }
      this.longLine = undefined;
      pos = nl + 1;
    }

    for (;;) {
      if (this.pendingStart >= 0) {
        const nl = view.indexOf(NL, pos);
        if (nl === -1) {
          if (eof) {
            this.emitRange(this.pendingStart, this.dataLen);
            this.pendingStart = -1;
          }
          this.scanFrom = this.dataLen;
          return;
        }
        this.emitRange(this.pendingStart, nl);
        this.pendingStart = -1;
        if (this.stoppedByCallback) return;
        pos = nl + 1;
        continue;
      }
      // buf[0] starts a line here (the long-line case above always leaves pos after a newline).
      const found = findIdOccurrence(view, this.id, { from: pos, startIsBoundary: true, endIsBoundary: eof });
      if (found === -1) {
        this.scanFrom = Math.max(pos, this.dataLen - idLength);
        return;
      }
      this.pendingStart = found > 0 ? view.lastIndexOf(NL, found - 1) + 1 : 0;
      pos = found + idLength;
    }
  }

  /** Keeps what the next chunk still needs at the front of the buffer. */
  private compact(): void {
    const idLength = this.id.length;
    let keepFrom: number;
    if (this.longLine) {
      keepFrom = this.longLine.reported ? this.dataLen : Math.max(0, this.dataLen - idLength - LOOK_BACK);
    } else if (this.pendingStart >= 0) {
      if (this.dataLen - this.pendingStart > this.maxLineBytes) {
        // A matching line longer than the cap: report its head now, skip the rest of it.
        const start = this.pendingStart;
        const stop = cutAtCharBoundary(this.buf, start, start + this.maxLineBytes);
        this.pendingStart = -1;
        this.longLine = { offset: this.bufOffset + start, head: Buffer.alloc(0), reported: true };
        this.emit(this.bufOffset + start, this.buf.toString('utf8', start, stop), true);
        keepFrom = this.dataLen;
        this.scanFrom = this.dataLen;
      } else {
        keepFrom = this.pendingStart;
      }
    } else {
      const lineStart = this.dataLen > 0 ? this.buf.lastIndexOf(NL, this.dataLen - 1) + 1 : 0;
      if (this.dataLen - lineStart > this.maxLineBytes) {
        // The unfinished line outgrew the cap: keep its head aside and carry only its tail.
        const stop = cutAtCharBoundary(this.buf, lineStart, lineStart + this.maxLineBytes);
        this.longLine = { offset: this.bufOffset + lineStart, head: Buffer.from(this.buf.subarray(lineStart, stop)), reported: false };
        keepFrom = Math.max(lineStart, this.dataLen - idLength - LOOK_BACK);
      } else {
        keepFrom = lineStart;
      }
    }
    if (keepFrom > 0) {
      this.buf.copy(this.buf, 0, keepFrom, this.dataLen);
      this.dataLen -= keepFrom;
      this.bufOffset += keepFrom;
      this.scanFrom = Math.max(0, this.scanFrom - keepFrom);
      if (this.pendingStart >= 0) this.pendingStart -= keepFrom;
    }
  }
}
