import 'server-only';
import { open, stat } from 'node:fs/promises';
import type { FileLogSource } from './file-log-source';
import { expandFilePattern, isGzip, serviceHintFor } from './file-patterns';
import type { LogSearchOptions, LogSearchResult, RawLogLine } from './log-source';

// Repeated full cold scans, made incremental. The correlation index (correlation-index.ts) only
// knows correlation *fields*; an ID it has no row for may still be named in free text, so such a
// lookup has to scan every byte. Here the outcome of that scan is remembered per ID (bounded LRU):
// the matching lines of each file and how far the file was scanned, the file known by (device,
// inode, birth time). A repeated lookup of the same ID then scans only what was appended since and
// merges it with the remembered lines:
//
// - a file is resumed at the end of its last complete line scanned (a line start): a line being
//   written during the first scan is scanned again, whole, the next time;
// - a file whose identity changed (a new inode under the same name), that shrank, or whose last
//   remembered bytes differ (rewritten in place, e.g. copytruncate followed by more writes) is
//   scanned again from its start; a renamed one (`app.log` → `app.log.1`) keeps its state;
// - .gz files are remembered whole and rescanned when their size or mtime changes;
// - nothing is remembered from a scan that was cut short (maxLines, abort) or for a file that
//   failed or changed identity while it was read; results bigger than `maxBytesPerId` are not kept.
//
// Memory: at most `maxIds` IDs and `maxBytes` of remembered line text over all of them.

/** Bytes before the resume point that must be unchanged for the remembered part to be trusted. */
const TAIL_BYTES = 64;

interface ScannedFile {
  dev: number;
  ino: number;
  birth: number;
  /** Plain files: the end of the last complete line scanned. .gz: the compressed size scanned. */
  scannedTo: number;
  mtimeMs: number;
  /** Up to TAIL_BYTES bytes before `scannedTo` (plain files). */
  tail: Buffer;
  lines: Array<{ offset: number; text: string; cut?: boolean }>;
}

interface Remembered {
  files: Map<string, ScannedFile>;
  bytes: number;
}

export interface RememberedScansOptions {
  /** IDs remembered (default 1000), least recently used first out. */
  maxIds?: number;
  /** Line text remembered over all IDs, in bytes (default 16 MiB). */
  maxBytes?: number;
  /** A result bigger than this (bytes of line text) is not remembered (default 256 KiB). */
  maxBytesPerId?: number;
}

type Stats = import('node:fs').Stats;
const identityKey = (s: { dev: number; ino: number; birth: number }) => `${s.dev}:${s.ino}:${s.birth}`;
const identityOf = (s: Stats) => ({ dev: s.dev, ino: s.ino, birth: Math.trunc(s.birthtimeMs) });
const lineBytes = (l: { text: string }) => 64 + 2 * l.text.length;

function offsetOf(line: RawLogLine): number {
  return Number(line.source.slice(line.source.lastIndexOf('@') + 1));
}

/**
 * The end of the last complete line in [from, size) of a plain file (`from` when there is none),
 * and the bytes just before it.
 */
async function lastLineEnd(path: string, from: number, size: number): Promise<{ end: number; tail: Buffer }> {
  const handle = await open(path, 'r');
  try {
    let end = from;
    let stop = size;
    let step = 4 * 1024; // lines are short: one small read, widened up to 256 KiB for a long one
    while (stop > from) {
      const start = Math.max(from, stop - step);
      const buffer = Buffer.allocUnsafe(stop - start);
      const { bytesRead } = await handle.read(buffer, 0, stop - start, start);
      const nl = buffer.subarray(0, bytesRead).lastIndexOf(0x0a);
      if (nl !== -1) {
        end = start + nl + 1;
        break;
      }
      stop = start;
      step = Math.min(256 * 1024, step * 4);
    }
    const tailStart = Math.max(0, end - TAIL_BYTES);
    const tail = Buffer.alloc(end - tailStart);
    if (tail.length > 0) await handle.read(tail, 0, tail.length, tailStart);
    return { end, tail };
  } finally {
    await handle.close();
  }
}

/** True when the bytes before `scannedTo` are still the remembered ones. */
async function tailUnchanged(path: string, file: ScannedFile): Promise<boolean> {
  if (file.tail.length === 0) return true;
  const handle = await open(path, 'r');
  try {
    const now = Buffer.alloc(file.tail.length);
    const { bytesRead } = await handle.read(now, 0, now.length, file.scannedTo - file.tail.length);
    return bytesRead === now.length && now.equals(file.tail);
  } finally {
    await handle.close();
  }
}

export class RememberedScans {
  private readonly byId = new Map<string, Remembered>();
  private bytes = 0;
  private readonly maxIds: number;
  private readonly maxBytes: number;
  private readonly maxBytesPerId: number;

  constructor(
    private readonly pattern: string,
    private readonly cold: FileLogSource,
    options: RememberedScansOptions = {},
  ) {
    this.maxIds = Math.max(0, options.maxIds ?? 1000);
    this.maxBytes = Math.max(0, options.maxBytes ?? 16 * 1024 * 1024);
    this.maxBytesPerId = Math.max(0, options.maxBytesPerId ?? 256 * 1024);
  }

  /** IDs remembered now (tests). */
  get size(): number {
    return this.byId.size;
  }

  /** True when a lookup of `id` is remembered (tests). */
  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** What `cold.search()` answers, scanning only what changed since the last lookup of this ID. */
  async search(correlationId: string, options: LogSearchOptions): Promise<LogSearchResult> {
    if (this.maxIds === 0) return this.cold.search(correlationId, options);
    options.signal?.throwIfAborted();
    const { files } = await expandFilePattern(this.pattern);
    if (files.length === 0) return this.cold.search(correlationId, options); // its "matches no file" error
    const limit = Math.max(0, options.maxLines);
    const before = this.byId.get(correlationId);

    // Per file: what is known, what must be scanned (from where), and its identity before the scan.
    const plan = await Promise.all(
      files.map(async (path) => {
        const info = await stat(path).catch(() => undefined);
        if (!info?.isFile()) return { path, info: undefined, known: undefined, start: 0 };
        const prev = before?.files.get(identityKey(identityOf(info)));
        if (prev) {
          if (isGzip(path)) {
            if (prev.scannedTo === info.size && prev.mtimeMs === info.mtimeMs) return { path, info, known: prev, start: info.size };
          } else if (info.size >= prev.scannedTo && (await tailUnchanged(path, prev).catch(() => false))) {
            return { path, info, known: prev, start: prev.scannedTo };
          }
        }
        return { path, info, known: undefined, start: 0 };
      }),
    );

    // Unknown or unreadable files are scanned whole (the scan reports the errors), known ones from where they were left.
    const parts = plan.flatMap((p, index) => (!p.info || !p.known || p.start < p.info.size ? [{ path: p.path, start: p.start, index }] : []));
    const scanned: RawLogLine[][] = files.map(() => []);
    let rest: LogSearchResult = { lines: [], truncated: false };
    if (parts.length > 0) {
      rest = await this.cold.searchParts(correlationId, { ...options, maxLines: limit }, parts);
      const at = new Map(parts.map((p) => [p.path, p.index]));
      for (const line of rest.lines) {
        const path = line.source.slice('file:'.length, line.source.lastIndexOf('@'));
        scanned[at.get(path) ?? 0]!.push(line);
      }
    }

    const perFile = plan.map((p, index) => {
      const serviceHint = serviceHintFor(p.path);
      const known = (p.known?.lines ?? []).map((l): RawLogLine => ({ source: `file:${p.path}@${l.offset}`, text: l.text, serviceHint, ...(l.cut ? { cut: true } : {}) }));
      return known.concat(scanned[index]!);
    });
    let lines = perFile.flat();
    let truncated = rest.truncated;
    if (lines.length > limit) {
      lines = lines.slice(0, limit);
      truncated = true;
    }
    const result: LogSearchResult = { lines, truncated, ...(rest.errors?.length ? { errors: rest.errors } : {}) };

    // Remember only what a complete scan established.
    if (!rest.truncated && !options.signal?.aborted) await this.remember(correlationId, plan, perFile, new Set((rest.errors ?? []).map((e) => e.source)));
    return result;
  }

  private async remember(
    id: string,
    plan: Array<{ path: string; info: Stats | undefined; known: ScannedFile | undefined; start: number }>,
    perFile: RawLogLine[][],
    failed: Set<string>,
  ): Promise<void> {
    const files = new Map<string, ScannedFile>();
    let bytes = 0;
    await Promise.all(
      plan.map(async (p, index) => {
        if (!p.info || failed.has(`file:${p.path}`)) return;
        const identity = identityOf(p.info);
        if (p.known && p.start >= p.info.size) {
          files.set(identityKey(identity), p.known); // nothing new in this file
          return;
        }
        try {
          // Changed while it was read (replaced, rotated away, truncated): forget it, scan it whole next time.
          const after = await stat(p.path);
          if (identityKey(identityOf(after)) !== identityKey(identity) || after.size < p.info.size) return;
          let end = p.info.size;
          let tail: Buffer = Buffer.alloc(0);
          if (!isGzip(p.path)) ({ end, tail } = await lastLineEnd(p.path, p.start, p.info.size));
          const lines = perFile[index]!.filter((l) => isGzip(p.path) || offsetOf(l) < end).map((l) => ({ offset: offsetOf(l), text: l.text, ...(l.cut ? { cut: true } : {}) }));
          files.set(identityKey(identity), { ...identity, scannedTo: end, mtimeMs: p.info.mtimeMs, tail, lines });
        } catch {
          // Unreadable now: not remembered.
        }
      }),
    );
    for (const file of files.values()) for (const l of file.lines) bytes += lineBytes(l);
    this.forget(id);
    if (files.size === 0 || bytes > this.maxBytesPerId) return;
    this.byId.set(id, { files, bytes });
    this.bytes += bytes;
    for (const [oldest, entry] of this.byId) {
      if (this.byId.size <= this.maxIds && this.bytes <= this.maxBytes) break;
      this.byId.delete(oldest);
      this.bytes -= entry.bytes;
    }
  }

  private forget(id: string): void {
    const entry = this.byId.get(id);
    if (!entry) return;
    this.byId.delete(id);
    this.bytes -= entry.bytes;
  }
}
