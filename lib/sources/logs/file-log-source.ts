import 'server-only';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { SourceError } from '../source-error';
import { expandFilePattern, isGzip, serviceHintFor } from './file-patterns';
import { cutAtCharBoundary, DEFAULT_CHUNK_BYTES, MatchingLineScanner, MAX_LINE_BYTES, type ScannedLine } from './line-scanner';
import { type RangeResult, scanPool, type ScanPool } from './scan-pool';
import type { LogSearchOptions, LogSearchResult, LogSource, RawLogLine } from './log-source';

/** First read around a match when extracting its line: most log lines fit (longer ones widen). */
const SHORT_READ_BYTES = 4 * 1024;

// Log files on this machine (or a mounted volume): a file, a directory or a glob, rotated files
// and .gz included. Nothing is read whole: big plain files are split into byte ranges that
// worker threads scan on every core (scan-pool.ts: raw-byte search; the workers decode the
// matching lines that lie whole in their reads, the few others are read here afterwards); small files and .gz are streamed here in 1 MiB reads through MatchingLineScanner,
// several at once. Only lines holding the ID are decoded. Memory per file in flight: about 2 MiB
// of buffer + one cut line (1 MiB); per worker, one 1 MiB buffer.
//
// `source` is `file:<path>@<byte offset of the line>` (offset into the decompressed stream for
// .gz): counting line numbers would cost a pass over every byte, offsets are free and are what a
// later index (correlation ID → file offsets) stores anyway.

export interface FileLogSourceOptions {
  /** A file, directory or glob (`*`, `?`, `**`), as written in IDLENS_LOGS. */
  pattern: string;
  /** Bytes per read (default 1 MiB). */
  chunkBytes?: number;
  /** Files scanned at once (default 4). */
  concurrency?: number;
  /** `recent()` reads at most this many bytes back from the end of each file (default 2 MiB: the recent-traces list needs the last few thousand lines, not more). */
  recentBytesPerFile?: number;
  /**
   * Plain files at least this big are scanned by the worker threads of scan-pool.ts, in byte
   * ranges of `rangeBytes` (defaults 8 MiB and 64 MiB); smaller files and .gz are streamed here.
   */
  parallelMinBytes?: number;
  rangeBytes?: number;
}

type FileError = { source: string; message: string };

/** Why a file could not be read, in words (no stack, no internals). */
function describeFileError(path: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return `${path} does not exist (a dangling symlink, or it was rotated away while reading)`;
    case 'EACCES':
    case 'EPERM':
      return `${path} is not readable by the idlens process (permission denied)`;
    case 'EISDIR':
      return `${path} is a directory, not a log file`;
    case 'Z_DATA_ERROR':
    case 'Z_BUF_ERROR':
      return `${path} is not a valid gzip file (${(error as Error).message}); lines before the damage were searched`;
    default:
      return `${path} could not be read: ${(error as Error).message ?? String(error)}`;
  }
}

/** Runs `work` over `items` with at most `limit` in flight. */
async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index]!, index);
    }
  });
  await Promise.all(runners);
}

function rawLine(path: string, serviceHint: string, line: ScannedLine): RawLogLine {
  return { source: `file:${path}@${line.offset}`, text: line.text, serviceHint, ...(line.cut ? { cut: true } : {}) };
}

export class FileLogSource implements LogSource {
  readonly kind = 'file';
  readonly label: string;
  private readonly chunkBytes: number;
  private readonly concurrency: number;
  private readonly recentBytesPerFile: number;
  private readonly parallelMinBytes: number;
  private readonly rangeBytes: number;

  constructor(private readonly options: FileLogSourceOptions) {
    this.label = options.pattern;
    this.chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    this.concurrency = Math.max(1, options.concurrency ?? 4);
    this.recentBytesPerFile = options.recentBytesPerFile ?? 2 * 1024 * 1024;
    this.parallelMinBytes = options.parallelMinBytes ?? 8 * 1024 * 1024;
    this.rangeBytes = Math.max(1, options.rangeBytes ?? 64 * 1024 * 1024);
  }

  private async files(): Promise<string[]> {
    const { files } = await expandFilePattern(this.options.pattern);
    if (files.length === 0) {
      throw new SourceError('not-found:logs', `IDLENS_LOGS pattern "${this.options.pattern}" matches no file`);
    }
    return files;
  }

  async search(correlationId: string, options: LogSearchOptions): Promise<LogSearchResult> {
    options.signal?.throwIfAborted();
    const files = await this.files();
    return this.searchParts(correlationId, options, files.map((path) => ({ path, start: 0 })));
  }

  /**
   * The cold scan of given files from given byte offsets on (each `start` at a line start, 0 for
   * .gz): what correlation-index.ts asks for the parts of the files its index does not cover yet.
   * Lines come back in the order of `parts`, each file's in offset order.
   */
  async searchParts(correlationId: string, options: LogSearchOptions, parts: ReadonlyArray<{ path: string; start: number }>): Promise<LogSearchResult> {
    options.signal?.throwIfAborted();
    const files = parts.map((p) => p.path);
    const id = Buffer.from(correlationId, 'utf8');
    // An ID that is empty or spans lines is in no line.
    if (id.length === 0 || id.includes(0x0a) || id.includes(0x0d)) return { lines: [], truncated: false };
    const perFile: RawLogLine[][] = files.map(() => []);
    const errors: FileError[] = [];
    const limit = Math.max(0, options.maxLines);
    // [matches so far, stop flag], shared with the scan workers. One match more than asked tells
    // "there is more" from "exactly maxLines"; the flag stops every scan (also on abort).
    const shared = new SharedArrayBuffer(8);
    const counter = new Int32Array(shared);
    const stop = () => Atomics.store(counter, 1, 1);
    const stopped = () => Atomics.load(counter, 1) !== 0;
    options.signal?.addEventListener('abort', stop, { once: true });
    let workersUnavailable = false;

    try {
      await forEachLimited(files, this.concurrency, async (path, index) => {
        if (stopped()) return;
        const serviceHint = serviceHintFor(path);
        const start = isGzip(path) ? 0 : Math.max(0, parts[index]!.start);
        try {
          // stat first: opening a FIFO would block, and a directory is better named than read.
          const info = await stat(path);
          if (info.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
          if (!info.isFile()) throw new Error('not a regular file (device, socket or FIFO)');
          if (!isGzip(path) && info.size - start >= this.parallelMinBytes && !workersUnavailable) {
            try {
              const found = await this.scanRanges(scanPool(), path, start, info.size, id, shared, limit);
              options.signal?.throwIfAborted();
              perFile[index] = await this.mergeFound(path, found, serviceHint);
              return;
            } catch (error) {
              if (!(error as { workerUnavailable?: boolean }).workerUnavailable) throw error;
              workersUnavailable = true; // scan this file (and the next ones) here instead
            }
          }
          const scanner = new MatchingLineScanner(
            id,
            (line) => {
              if (stopped()) return false;
              if (Atomics.add(counter, 0, 1) + 1 > limit) {
                stop();
                return false;
              }
              perFile[index]!.push(rawLine(path, serviceHint, start === 0 ? line : { ...line, offset: line.offset + start }));
              return true;
            },
            { chunkBytes: this.chunkBytes, maxLineBytes: MAX_LINE_BYTES },
          );
          await (isGzip(path) ? this.scanGzip(path, scanner, options.signal) : this.scanPlain(path, scanner, options.signal, start));
        } catch (error) {
          if (options.signal?.aborted) throw error;
          errors.push({ source: `file:${path}`, message: describeFileError(path, error) });
        }
      });
    } finally {
      options.signal?.removeEventListener('abort', stop);
    }
    options.signal?.throwIfAborted();
    let lines = perFile.flat();
    const truncated = stopped() || lines.length > limit;
    if (lines.length > limit) lines = lines.slice(0, limit);
    return { lines, truncated, ...(errors.length ? { errors } : {}) };
  }

  /** The matches of a big file, its byte ranges scanned on all cores, in offset order. */
  private async scanRanges(pool: ScanPool, path: string, from: number, size: number, id: Buffer, shared: SharedArrayBuffer, limit: number): Promise<RangeResult[]> {
    const tasks: Array<Promise<RangeResult>> = [];
    for (let start = from; start < size; start += this.rangeBytes) {
      tasks.push(pool.scan({ path, start, end: Math.min(size, start + this.rangeBytes), id: new Uint8Array(id), shared, limit, chunkBytes: this.chunkBytes, maxLineBytes: MAX_LINE_BYTES }));
    }
    return Promise.all(tasks);
  }

  /**
   * The lines of the range scans: those the workers decoded, plus the lines of the other matches
   * read here; a line found twice (matches on both sides of a range boundary) once, in offset order.
   */
  private async mergeFound(path: string, found: RangeResult[], serviceHint: string): Promise<RawLogLine[]> {
    const byStart = new Map<number, RawLogLine>();
    for (const { lines } of found) {
      for (let i = 0; i < lines.length; i += 2) {
        const offset = lines[i] as number;
        byStart.set(offset, rawLine(path, serviceHint, { offset, text: lines[i + 1] as string, cut: false }));
      }
    }
    const offsets = found.flatMap((f) => f.offsets);
    if (offsets.length === 0) return [...byStart.values()]; // ranges are in order, each in offset order
    for (const line of await this.linesAt(path, offsets, serviceHint)) {
      const offset = Number(line.source.slice(line.source.lastIndexOf('@') + 1));
      if (!byStart.has(offset)) byStart.set(offset, line);
    }
    return [...byStart.entries()].sort((a, b) => a[0] - b[0]).map(([, line]) => line);
  }

  /**
   * The lines holding the given match offsets (sorted), read with positioned reads: back to the
   * line's start, then at most 1 MiB forward. A line seen twice (a match on both sides of a range
   * boundary) is returned once.
   */
  private async linesAt(path: string, offsets: number[], serviceHint: string): Promise<RawLogLine[]> {
    const lines: RawLogLine[] = [];
    if (offsets.length === 0) return lines;
    const handle = await open(path, 'r');
    try {
      const back = Buffer.allocUnsafe(1024 * 1024);
      const head = Buffer.allocUnsafe(MAX_LINE_BYTES + 1);
      let lastStart = -1;
      let lastEnd = -1; // exclusive end of the last line read, when known
      for (const offset of offsets) {
        if (offset < lastEnd) continue;
        let start = offset;
        // Log lines are short: look back 4 KiB first and widen only when no newline is found, so
        // thousands of matches do not each cost megabytes of reads.
        let step = SHORT_READ_BYTES;
        while (start > 0) {
          const from = Math.max(0, start - step);
          const { bytesRead } = await handle.read(back, 0, start - from, from);
          const nl = back.subarray(0, bytesRead).lastIndexOf(0x0a);
          if (nl !== -1) {
            start = from + nl + 1;
            break;
          }
          start = from;
          step = Math.min(back.length, step * 4);
        }
        if (start === lastStart) continue;
        let { bytesRead } = await handle.read(head, 0, SHORT_READ_BYTES, start);
        if (bytesRead === SHORT_READ_BYTES && head.subarray(0, bytesRead).indexOf(0x0a) === -1) {
          ({ bytesRead } = await handle.read(head, 0, head.length, start));
        }
        const view = head.subarray(0, bytesRead);
        const nl = view.indexOf(0x0a);
        let stop: number;
        let cut = false;
        if (nl !== -1 || bytesRead < head.length) {
          stop = nl !== -1 ? nl : bytesRead;
          lastEnd = start + stop;
          if (stop > 0 && view[stop - 1] === 0x0d) stop--;
        } else {
          stop = cutAtCharBoundary(head, 0, MAX_LINE_BYTES);
          cut = true;
          lastEnd = -1;
        }
        lastStart = start;
        lines.push(rawLine(path, serviceHint, { offset: start, text: head.toString('utf8', 0, stop), cut }));
      }
    } finally {
      await handle.close();
    }
    return lines;
  }

  private async scanPlain(path: string, scanner: MatchingLineScanner, signal: AbortSignal | undefined, from = 0): Promise<void> {
    const handle = await open(path, 'r');
    try {
      let position = from;
      while (!scanner.stopped) {
        signal?.throwIfAborted();
        const { buffer, offset, length } = scanner.target();
        const { bytesRead } = await handle.read(buffer, offset, length, position);
        if (bytesRead === 0) break;
        position += bytesRead;
        scanner.commit(bytesRead);
      }
      scanner.end();
    } finally {
      await handle.close();
    }
  }

  private async scanGzip(path: string, scanner: MatchingLineScanner, signal: AbortSignal | undefined): Promise<void> {
    const file = createReadStream(path, { highWaterMark: this.chunkBytes });
    const gunzip = createGunzip({ chunkSize: 256 * 1024 });
    file.on('error', (error) => gunzip.destroy(error));
    file.pipe(gunzip);
    try {
      for await (const chunk of gunzip) {
        signal?.throwIfAborted();
        scanner.feed(chunk as Buffer);
        if (scanner.stopped) break;
      }
      scanner.end();
    } finally {
      file.destroy();
      gunzip.destroy();
    }
  }

  async recent(options: LogSearchOptions): Promise<LogSearchResult> {
    // Compressed rotations are older than the files beside them and cannot be read backwards.
    const files = (await this.files()).filter((f) => !isGzip(f));
    const perFile: RawLogLine[][] = files.map(() => []);
    const errors: FileError[] = [];
    let truncated = false;
    const share = Math.ceil(Math.max(0, options.maxLines) / Math.max(1, files.length));
    await forEachLimited(files, this.concurrency, async (path, index) => {
      try {
        const tail = await this.tail(path, share, options.signal);
        if (tail.truncated) truncated = true;
        const serviceHint = serviceHintFor(path);
        perFile[index] = tail.lines.map((l) => rawLine(path, serviceHint, l));
      } catch (error) {
        if (options.signal?.aborted) throw error;
        errors.push({ source: `file:${path}`, message: describeFileError(path, error) });
      }
    });
    options.signal?.throwIfAborted();
    return { lines: perFile.flat(), truncated, ...(errors.length ? { errors } : {}) };
  }

  /** The last `count` lines of a file, read backwards from its end in 256 KiB steps. */
  private async tail(path: string, count: number, signal: AbortSignal | undefined): Promise<{ lines: Array<{ offset: number; text: string; cut: boolean }>; truncated: boolean }> {
    const info = await stat(path);
    if (info.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    if (!info.isFile()) throw new Error('not a regular file (device, socket or FIFO)');
    if (count === 0) return { lines: [], truncated: info.size > 0 };
    const handle = await open(path, 'r');
    try {
      const size = info.size;
      const step = 256 * 1024;
      const chunks: Buffer[] = [];
      let start = size;
      let newlines = 0;
      // count + 1 newlines bound `count` complete lines (the last line may lack its newline).
      while (start > 0 && newlines <= count && size - start < this.recentBytesPerFile) {
        signal?.throwIfAborted();
        const from = Math.max(0, start - step);
        const chunk = Buffer.allocUnsafe(start - from);
        const { bytesRead } = await handle.read(chunk, 0, chunk.length, from);
        const got = chunk.subarray(0, bytesRead);
        for (let i = got.indexOf(0x0a); i !== -1; i = got.indexOf(0x0a, i + 1)) newlines++;
        chunks.unshift(got);
        start = from;
      }
      const region = Buffer.concat(chunks);
      const lines: Array<{ offset: number; text: string; cut: boolean }> = [];
      let lineStart = 0;
      // Unless the region starts the file, its first piece is the end of an earlier line: skip it.
      if (start > 0) {
        const first = region.indexOf(0x0a);
        lineStart = first === -1 ? region.length : first + 1;
      }
      while (lineStart < region.length) {
        const nl = region.indexOf(0x0a, lineStart);
        const lineEnd = nl === -1 ? region.length : nl;
        let stop = lineEnd > lineStart && region[lineEnd - 1] === 0x0d ? lineEnd - 1 : lineEnd;
        const cut = stop - lineStart > MAX_LINE_BYTES;
        if (cut) stop = cutAtCharBoundary(region, lineStart, lineStart + MAX_LINE_BYTES);
        lines.push({ offset: start + lineStart, text: region.toString('utf8', lineStart, stop), cut });
        lineStart = lineEnd + 1;
      }
      const kept = lines.slice(-count);
      // Truncated = the byte budget ran out before `count` lines were found (older lines exist anyway).
      return { lines: kept, truncated: start > 0 && lines.length < count };
    } finally {
      await handle.close();
    }
  }
}
