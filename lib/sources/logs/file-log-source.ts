import 'server-only';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { SourceError } from '../source-error';
import { expandFilePattern, isGzip, serviceHintFor } from './file-patterns';
import { cutAtCharBoundary, DEFAULT_CHUNK_BYTES, MatchingLineScanner, MAX_LINE_BYTES } from './line-scanner';
import type { LogSearchOptions, LogSearchResult, LogSource, RawLogLine } from './log-source';

// Log files on this machine (or a mounted volume): a file, a directory or a glob, rotated files
// and .gz included. Files are streamed in 1 MiB reads through MatchingLineScanner (raw-byte
// search, only matching lines decoded), several files at once so that reading one overlaps
// scanning another. Memory per file in flight: about 2 MiB of buffer + one cut line (1 MiB).
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
  /** `recent()` reads at most this many bytes back from the end of each file (default 8 MiB). */
  recentBytesPerFile?: number;
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

export class FileLogSource implements LogSource {
  readonly kind = 'file';
  readonly label: string;
  private readonly chunkBytes: number;
  private readonly concurrency: number;
  private readonly recentBytesPerFile: number;

  constructor(private readonly options: FileLogSourceOptions) {
    this.label = options.pattern;
    this.chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    this.concurrency = Math.max(1, options.concurrency ?? 4);
    this.recentBytesPerFile = options.recentBytesPerFile ?? 8 * 1024 * 1024;
  }

  private async files(): Promise<string[]> {
    const { files } = await expandFilePattern(this.options.pattern);
    if (files.length === 0) {
      throw new SourceError('not-found:logs', `IDLENS_LOGS pattern "${this.options.pattern}" matches no file`);
    }
    return files;
  }

  async search(correlationId: string, options: LogSearchOptions): Promise<LogSearchResult> {
    const files = await this.files();
    const id = Buffer.from(correlationId, 'utf8');
    const perFile: RawLogLine[][] = files.map(() => []);
    const errors: FileError[] = [];
    // One more match than asked tells "there is more" from "exactly maxLines".
    const state = { found: 0, truncated: false };
    const limit = Math.max(0, options.maxLines);

    await forEachLimited(files, this.concurrency, async (path, index) => {
      if (state.truncated) return;
      const serviceHint = serviceHintFor(path);
      const scanner = new MatchingLineScanner(
        id,
        (line) => {
          if (state.truncated) return false;
          if (state.found >= limit) {
            state.truncated = true;
            return false;
          }
          state.found++;
          perFile[index]!.push({ source: `file:${path}@${line.offset}`, text: line.text, serviceHint, ...(line.cut ? { cut: true } : {}) });
          return true;
        },
        { chunkBytes: this.chunkBytes, maxLineBytes: MAX_LINE_BYTES },
      );
      try {
        await (isGzip(path) ? this.scanGzip(path, scanner, options.signal) : this.scanPlain(path, scanner, options.signal));
      } catch (error) {
        if (options.signal?.aborted) throw error;
        errors.push({ source: `file:${path}`, message: describeFileError(path, error) });
      }
    });
    options.signal?.throwIfAborted();
    return { lines: perFile.flat(), truncated: state.truncated, ...(errors.length ? { errors } : {}) };
  }

  private async scanPlain(path: string, scanner: MatchingLineScanner, signal: AbortSignal | undefined): Promise<void> {
    // stat first: opening a FIFO would block, and a directory is better named than read.
    const info = await stat(path);
    if (info.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    if (!info.isFile()) throw new Error('not a regular file (device, socket or FIFO)');
    const handle = await open(path, 'r');
    try {
      let position = 0;
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
    const info = await stat(path);
    if (info.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
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
        perFile[index] = tail.lines.map((l) => ({ source: `file:${path}@${l.offset}`, text: l.text, serviceHint, ...(l.cut ? { cut: true } : {}) }));
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
