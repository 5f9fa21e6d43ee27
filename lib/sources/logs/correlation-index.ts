import 'server-only';
import { createHash } from 'node:crypto';
import { type FSWatcher, mkdirSync, watch } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { CORRELATION_INDEX_WORKER_SOURCE, INDEX_SCHEMA_VERSION } from './correlation-index-worker';
import { FileLogSource, type FileLogSourceOptions } from './file-log-source';
import { expandFilePattern, isGzip, serviceHintFor } from './file-patterns';
import { containsId } from './id-occurrence';
import { cutAtCharBoundary, MAX_LINE_BYTES } from './line-scanner';
import type { LogSearchOptions, LogSearchResult, LogSource, RawLogLine } from './log-source';
import { RememberedScans, type RememberedScansOptions } from './remembered-scans';

// The warm path of the file source: correlation ID → (file, byte offset of the line) in SQLite,
// so that a repeated lookup costs a B-tree probe and a few positioned reads whatever the log size.
//
// - Built in the background by one worker thread (correlation-index-worker.ts), started by the
//   first search; the first build stages rows in bulk transactions and sorts them into the index
//   table once at the end (cheaper than keeping a B-tree ordered during the insert).
// - Kept current: fs.watch on the files' directories plus a stat poll (fs.watch misses events on
//   some file systems and volumes) send the current file list to the worker, which indexes what
//   was appended. Rotation: a file is known by (device, inode, birth time), so `app.log` renamed to
//   `app.log.1` keeps its offsets under the new name; a new inode or a shrunk file is indexed from 0.
// - Never trusted blindly: a lookup uses the index only for the part of each file the worker has
//   committed (`indexedTo`) and cold-scans the rest (appended bytes, new files, .gz rotations)
//   through FileLogSource; every line read at an indexed offset is re-checked for the ID, so a
//   hash collision or a file replaced between two polls costs a read, never a wrong line.
//
// Trade-off: only correlation *fields* are indexed (the contract's names, any case and nesting,
// plus IDLENS_CORRELATION_FIELDS; JSON and logfmt). A line that names the ID only in free text is
// found by the cold scan: when the index knows no line at all for an ID, the lookup is the full
// cold scan the first time (so an ID that only appears in text, or not at all, costs what it costs
// without the index) and, repeated, a scan of what was appended since (remembered-scans.ts); when
// the index knows some lines, text-only lines of that ID in the indexed part are not returned.
// Nested `{"correlation":{"id":…}}` is not indexed either (`id` alone is too common a key).
//
// One idlens process per index file: the file is a cache (default `<tmpdir>/idlens-index/<hash of
// the pattern>.sqlite`), rebuilt when it is damaged or from another version.

/** The field names of the log-field contract (lib/traces/parse-line.ts CORRELATION_FIELDS, flat). */
const CONTRACT_FIELDS = ['correlationId', 'correlation_id', 'x-correlation-id', 'CorrelationId', 'correlation.id'];

export interface CorrelationIndexOptions {
  /** The IDLENS_LOGS file entry (file, directory or glob). */
  pattern: string;
  /** Where index files live (default `<os tmpdir>/idlens-index`). */
  cacheDir?: string;
  /** The index file itself (default `<cacheDir>/<hash of the resolved pattern>.sqlite`). */
  indexPath?: string;
  /** Extra correlation field names (IDLENS_CORRELATION_FIELDS). */
  correlationFields?: readonly string[];
  /** Stat poll interval in ms, the fallback when fs.watch says nothing (default 500). */
  pollMs?: number;
  /** Bytes per read in the builder (default 4 MiB). */
  chunkBytes?: number;
  /** Told once when the index is first complete, and on failures (default: console). */
  log?: (message: string) => void;
}

interface IndexedFile {
  fileId: number;
  path: string;
  dev: number;
  ino: number;
  birth: number;
  indexedTo: number;
}

interface FileIdentity {
  path: string;
  dev: number;
  ino: number;
  birth: number;
  size: number;
}

export interface IndexStats {
  /** Lines and bytes indexed so far (this process), and the worker's busy time in ms. */
  lines: number;
  bytes: number;
  rows: number;
  ms: number;
}

type WorkerMessage =
  | { type: 'state'; seq: number; generation: number; files: IndexedFile[]; stats: IndexStats }
  | { type: 'idle'; seq: number }
  | { type: 'error'; message: string; fatal?: boolean };

/** 48-bit hash of an ID's bytes; the same function as hashId in correlation-index-worker.ts. */
export function idHash48(id: string): number {
  const bytes = Buffer.from(id, 'utf8');
  let h1 = 0x811c9dc5 | 0;
  let h2 = 0x2f6b1d3a | 0;
  for (const c of bytes) {
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  return (h1 >>> 0) * 65536 + ((h2 >>> 16) & 0xffff);
}

/** What the builder looks for: anchors found by Buffer.indexOf, and the lower-cased key names. */
function extraction(extra: readonly string[]): { anchors: string[]; fieldNames: string[] } {
  const names = [...CONTRACT_FIELDS, ...extra];
  const anchors = new Set(['orrelation', 'ORRELATION']);
  for (const name of extra) {
    if (/orrelation/i.test(name)) continue;
    anchors.add(name);
    anchors.add(name.toLowerCase());
  }
  return { anchors: [...anchors], fieldNames: [...new Set(names.map((n) => n.toLowerCase()))] };
}

const keyOf = (f: { dev: number; ino: number; birth: number }) => `${f.dev}:${f.ino}:${f.birth}`;

/** Heap bounds of the builder thread (MB): generous for its live set, small next to the default. */
const WORKER_HEAP_LIMITS = { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 64 };

/** The builder thread exits after this long without anything to index (a new append starts it again). */
const WORKER_IDLE_MS = 3000;

function sqliteModulePath(): string | undefined {
  try {
    return createRequire(import.meta.url).resolve('better-sqlite3');
  } catch {
    return undefined;
  }
}

export function defaultIndexPath(pattern: string, cacheDir = join(tmpdir(), 'idlens-index')): string {
  const hash = createHash('sha256').update(resolve(pattern)).digest('hex').slice(0, 16);
  return join(cacheDir, `${hash}.sqlite`);
}

export class CorrelationIndex {
  readonly indexPath: string;
  private worker: Worker | undefined;
  private reader: Database.Database | undefined;
  private readerGeneration = '';
  /** Which state of the index file `files` describes: `disk`, or the worker run and its generation. */
  private generation = '';
  private workerRuns = 0;
  private signature = '';
  private loaded = false;
  /** The file list (paths and sizes) of the last sync the builder answered: unchanged, no builder needed. */
  private lastSynced: string | undefined;
  private pendingLists = new Map<number, string>();
  private idleTimer: NodeJS.Timeout | undefined;
  private started = false;
  private files = new Map<string, IndexedFile>();
  private broken: string | undefined;
  private seq = 0;
  private answered = 0;
  private waiters: Array<{ seq: number; resolve: () => void }> = [];
  private watchers = new Map<string, FSWatcher>();
  private poll: NodeJS.Timeout | undefined;
  private syncQueued = false;
  private syncing = false;
  private announced = false;
  private readonly log: (message: string) => void;
  stats: IndexStats = { lines: 0, bytes: 0, rows: 0, ms: 0 };

  constructor(private readonly options: CorrelationIndexOptions) {
    this.indexPath = options.indexPath ?? defaultIndexPath(options.pattern, options.cacheDir);
    this.log = options.log ?? ((m) => console.info(`idlens: ${m}`));
  }

  /**
   * Starts following the files (idempotent; does nothing after close or a fatal error). The
   * builder thread runs only while there is something to index: an index already complete on disk
   * is read as it is, and the thread exits after WORKER_IDLE_MS without new bytes.
   */
  start(): void {
    if (this.started || this.broken) return;
    this.started = true;
    this.poll = setInterval(() => this.requestSync(), this.options.pollMs ?? 500);
    this.poll.unref();
    this.requestSync();
  }

  /** The index file's state as the last builder left it, when it is of this version. */
  private loadFromDisk(): void {
    if (this.loaded) return;
    this.loaded = true;
    let db: Database.Database | undefined;
    try {
      db = new Database(this.indexPath, { readonly: true, fileMustExist: true });
      const version = db.prepare("SELECT value FROM meta WHERE key = 'signature'").pluck().get();
      if (version !== this.workerSignature().signature) {
        db.close();
        return;
      }
      db.prepare('SELECT h FROM occ LIMIT 1').get();
      const files = db.prepare('SELECT file_id AS fileId, path, dev, ino, birth, indexed_to AS indexedTo FROM files').all() as IndexedFile[];
      this.generation = 'disk';
      this.files = new Map(files.map((f) => [keyOf(f), f]));
      this.reader?.close();
      this.reader = db;
      this.readerGeneration = this.generation;
    } catch {
      db?.close(); // missing, damaged or from another version: the builder starts over
    }
  }

  private workerSignature(): { anchors: string[]; fieldNames: string[]; signature: string } {
    const { anchors, fieldNames } = extraction(this.options.correlationFields ?? []);
    this.signature ||= JSON.stringify({ v: INDEX_SCHEMA_VERSION, anchors, fieldNames });
    return { anchors, fieldNames, signature: this.signature };
  }

  /** Starts the builder thread when it is not running. */
  private ensureWorker(): Worker | undefined {
    if (this.worker || this.broken) return this.worker;
    const { anchors, fieldNames, signature } = this.workerSignature();
    try {
      mkdirSync(dirname(this.indexPath), { recursive: true });
      this.worker = new Worker(CORRELATION_INDEX_WORKER_SOURCE, {
        eval: true,
        // The builder's live set is small (one read buffer outside the heap, a few thousand
        // pending rows); without limits V8 lets the heap of a busy thread grow by 100+ MB of
        // garbage before collecting it, which showed as the peak RSS of the whole process.
        resourceLimits: WORKER_HEAP_LIMITS,
        workerData: { dbPath: this.indexPath, anchors, fieldNames, signature, chunkBytes: this.options.chunkBytes, sqliteModule: sqliteModulePath() },
      });
    } catch (error) {
      this.fail(`correlation index disabled for ${this.options.pattern}: ${(error as Error).message}`);
      return;
    }
    const worker = this.worker;
    const run = ++this.workerRuns;
    worker.on('message', (message: WorkerMessage) => {
      if (this.worker === worker) this.onMessage(message, run);
    });
    worker.on('error', (error) => {
      if (this.worker === worker) this.fail(`correlation index worker failed: ${error.message}`);
    });
    worker.on('exit', (code) => {
      if (this.worker === worker) this.fail(`correlation index worker exited (${code})`);
    });
    worker.unref(); // never keeps the process alive
    return worker;
  }

  /** Ends an idle builder thread: its heap and SQLite's caches are only needed while indexing. */
  private scheduleIdleExit(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    if (!this.worker || this.answered < this.seq || this.waiters.length > 0) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      const worker = this.worker;
      if (!worker || this.answered < this.seq || this.waiters.length > 0) return;
      this.worker = undefined;
      void worker.terminate();
    }, WORKER_IDLE_MS);
    this.idleTimer.unref();
  }

  /** True when lookups can use the index for some files. */
  get usable(): boolean {
    return !this.broken && this.files.size > 0;
  }

  /** Resolves once the builder has caught up with the files as they are now (tests, bench). */
  async caughtUp(): Promise<void> {
    await this.syncNow();
    const seq = this.seq;
    if (this.broken || this.answered >= seq) return;
    // Someone waits for the builder: it keeps the process alive meanwhile.
    this.worker?.ref();
    await new Promise<void>((resolve) => this.waiters.push({ seq, resolve }));
  }

  async close(): Promise<void> {
    clearInterval(this.poll);
    clearTimeout(this.idleTimer);
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
    const worker = this.worker;
    this.worker = undefined;
    this.broken ??= 'closed';
    this.reader?.close();
    this.reader = undefined;
    for (const w of this.waiters.splice(0)) w.resolve();
    if (worker) await worker.terminate();
  }

  /** The indexed prefix of a file as it is now, or undefined when the index does not cover it. */
  coverage(identity: FileIdentity): IndexedFile | undefined {
    const known = this.files.get(keyOf(identity));
    if (!known || known.indexedTo > identity.size || known.indexedTo === 0) return undefined;
    return known;
  }

  /** Line offsets per file id for the ID's hash, within each file's indexed prefix. */
  offsets(id: string): Map<number, number[]> | undefined {
    const reader = this.openReader();
    if (!reader) return undefined;
    try {
      const rows = reader.prepare('SELECT file_id AS fileId, off FROM occ WHERE h = ? ORDER BY file_id, off').all(idHash48(id)) as Array<{ fileId: number; off: number }>;
      const byFile = new Map<number, number[]>();
      for (const row of rows) {
        let list = byFile.get(row.fileId);
        if (!list) byFile.set(row.fileId, (list = []));
        list.push(row.off);
      }
      return byFile;
    } catch (error) {
      // A damaged file: answer from the cold scan, and have the builder start over.
      this.log(`correlation index unreadable (${(error as Error).message}); rebuilding it`);
      this.reader?.close();
      this.reader = undefined;
      this.files.clear();
      this.lastSynced = undefined;
      this.ensureWorker()?.postMessage({ type: 'rebuild' });
      this.requestSync();
      return undefined;
    }
  }

  private openReader(): Database.Database | undefined {
    if (this.broken || this.files.size === 0) return undefined;
    if (this.reader && this.readerGeneration === this.generation) return this.reader;
    this.reader?.close();
    try {
      this.reader = new Database(this.indexPath, { readonly: true, fileMustExist: true });
      this.readerGeneration = this.generation;
      return this.reader;
    } catch (error) {
      this.reader = undefined;
      this.log(`correlation index not readable: ${(error as Error).message}`);
      return undefined;
    }
  }

  private onMessage(message: WorkerMessage, run: number): void {
    if (message.type === 'error') {
      if (message.fatal) this.fail(`correlation index disabled: ${message.message}`);
      else this.log(`correlation index: ${message.message}`);
      return;
    }
    if (message.type === 'state') {
      this.generation = `${run}:${message.generation}`;
      this.files = new Map(message.files.map((f) => [keyOf(f), f]));
      this.stats = message.stats;
      if (!this.announced && this.files.size > 0) {
        this.announced = true;
        this.log(
          `correlation index for ${this.options.pattern} ready: ${message.stats.lines} lines, ${(message.stats.bytes / 1e6).toFixed(0)} MB in ${(message.stats.ms / 1000).toFixed(1)} s (${this.indexPath})`,
        );
      }
    }
    if (message.seq >= 0) {
      this.answered = Math.max(this.answered, message.seq);
      const list = this.pendingLists.get(message.seq);
      if (list !== undefined) this.lastSynced = list;
      for (const seq of this.pendingLists.keys()) if (seq <= message.seq) this.pendingLists.delete(seq);
    }
    this.waiters = this.waiters.filter((w) => {
      if (w.seq > this.answered) return true;
      w.resolve();
      return false;
    });
    if (this.waiters.length === 0) this.worker?.unref();
    this.scheduleIdleExit();
  }

  private fail(message: string): void {
    if (this.broken) return;
    this.broken = message;
    this.log(message);
    void this.close();
  }

  private requestSync(): void {
    if (this.syncing) {
      this.syncQueued = true;
      return;
    }
    void this.syncNow();
  }

  /** Stats the files of the pattern and sends them to the builder. */
  private async syncNow(): Promise<void> {
    if (!this.started || this.broken) return;
    this.syncing = true;
    try {
      const { files } = await expandFilePattern(this.options.pattern);
      const identities: FileIdentity[] = [];
      const dirs = new Set<string>();
      for (const path of files) {
        dirs.add(dirname(path));
        if (isGzip(path)) continue; // no positioned reads into a gzip stream: always cold-scanned
        const info = await stat(path).catch(() => undefined);
        if (!info?.isFile()) continue;
        identities.push({ path, dev: info.dev, ino: info.ino, birth: Math.trunc(info.birthtimeMs), size: info.size });
      }
      if (this.broken) return;
      this.watch(dirs);
      this.loadFromDisk();
      const list = JSON.stringify(identities);
      if (list === this.lastSynced || (this.lastSynced === undefined && this.complete(identities))) {
        this.lastSynced = list; // nothing new to index
        return;
      }
      const worker = this.ensureWorker();
      if (!worker) return;
      clearTimeout(this.idleTimer);
      this.idleTimer = undefined;
      const seq = ++this.seq;
      this.pendingLists.set(seq, list);
      worker.postMessage({ type: 'sync', seq, files: identities });
    } catch (error) {
      this.log(`correlation index: listing ${this.options.pattern} failed: ${(error as Error).message}`);
    } finally {
      this.syncing = false;
      if (this.syncQueued) {
        this.syncQueued = false;
        queueMicrotask(() => this.requestSync());
      }
    }
  }

  /** True when the index (as loaded from disk) covers exactly these files, up to their ends. */
  private complete(identities: FileIdentity[]): boolean {
    if (this.generation !== 'disk' || this.files.size !== identities.length) return false;
    return identities.every((f) => {
      const known = this.files.get(keyOf(f));
      return known !== undefined && known.path === f.path && known.indexedTo === f.size;
    });
  }

  /** fs.watch on the directories of the files: appends and renames are seen at once. */
  private watch(dirs: Set<string>): void {
    for (const dir of dirs) {
      if (this.watchers.has(dir)) continue;
      try {
        const watcher = watch(dir, { persistent: false }, () => this.requestSync());
        watcher.on('error', () => {
          watcher.close();
          this.watchers.delete(dir); // the poll still runs; the next sync tries to watch again
        });
        this.watchers.set(dir, watcher);
      } catch {
        // No inotify here (or too many watches): the stat poll covers it.
      }
    }
  }
}

// ---- the source ------------------------------------------------------------------------------

export interface IndexedFileLogSourceOptions extends FileLogSourceOptions {
  index?: Omit<CorrelationIndexOptions, 'pattern'>;
  /** The memory of full cold scans (remembered-scans.ts): IDs the index has no row for. */
  remembered?: RememberedScansOptions;
}

const lineSource = (path: string, offset: number) => `file:${path}@${offset}`;

function offsetOf(line: RawLogLine): number {
  return Number(line.source.slice(line.source.lastIndexOf('@') + 1));
}

/** Line reads of an indexed lookup in flight at once. */
const READS_IN_FLIGHT = 8;

/** Read buffers of a lookup: 16 KiB for the usual short line, the 1 MiB one only for a long line. */
interface LineBuffers {
  short: Buffer;
  long?: Buffer;
}

/** The line starting at `offset` (at most MAX_LINE_BYTES of it), or undefined when `offset` is not a line start. */
async function lineAt(handle: Awaited<ReturnType<typeof open>>, offset: number, buffers: LineBuffers): Promise<{ text: string; cut: boolean } | undefined> {
  // Most lines are short: one read of 16 KiB from the byte before the line (which must be a
  // newline, or the offset is stale), up to the cap only when the line goes on.
  let buffer = buffers.short;
  if (offset > 0) {
    const { bytesRead } = await handle.read(buffer, 0, 16 * 1024, offset - 1);
    if (bytesRead === 0 || buffer[0] !== 0x0a) return undefined;
    const nl = buffer.subarray(1, bytesRead).indexOf(0x0a);
    if (nl !== -1) {
      const end = nl > 0 && buffer[nl] === 0x0d ? nl : nl + 1;
      return { text: buffer.toString('utf8', 1, end), cut: false };
    }
  }
  let { bytesRead } = await handle.read(buffer, 0, 16 * 1024, offset);
  let nl = buffer.subarray(0, bytesRead).indexOf(0x0a);
  if (nl === -1 && bytesRead === 16 * 1024) {
    buffer = buffers.long ??= Buffer.allocUnsafe(MAX_LINE_BYTES + 1);
    ({ bytesRead } = await handle.read(buffer, 0, MAX_LINE_BYTES + 1, offset));
    nl = buffer.subarray(0, bytesRead).indexOf(0x0a);
  }
  if (nl === -1 && bytesRead > MAX_LINE_BYTES) return { text: buffer.toString('utf8', 0, cutAtCharBoundary(buffer, 0, MAX_LINE_BYTES)), cut: true };
  let end = nl === -1 ? bytesRead : nl;
  if (end > 0 && buffer[end - 1] === 0x0d) end--;
  return { text: buffer.toString('utf8', 0, end), cut: false };
}

/**
 * FileLogSource with the correlation index in front: `search()` answers from the index for the
 * indexed part of each file and cold-scans the rest; `recent()` is the file source's.
 */
export class IndexedFileLogSource implements LogSource {
  readonly kind = 'file';
  readonly label: string;
  readonly index: CorrelationIndex;
  private readonly cold: FileLogSource;
  /** Full cold scans, remembered per ID: a repeated lookup scans only what was appended since. */
  readonly remembered: RememberedScans;

  constructor(options: IndexedFileLogSourceOptions) {
    const { index, remembered, ...fileOptions } = options;
    this.label = options.pattern;
    this.cold = new FileLogSource(fileOptions);
    this.index = new CorrelationIndex({ ...index, pattern: options.pattern });
    this.remembered = new RememberedScans(options.pattern, this.cold, remembered);
  }

  recent(options: LogSearchOptions): Promise<LogSearchResult> {
    this.index.start();
    return this.cold.recent(options);
  }

  async search(correlationId: string, options: LogSearchOptions): Promise<LogSearchResult> {
    this.index.start();
    if (!this.index.usable) return this.remembered.search(correlationId, options);
    options.signal?.throwIfAborted();
    const { files } = await expandFilePattern(this.label);
    const offsets = files.length > 0 ? this.index.offsets(correlationId) : undefined;
    // Nothing indexed for this ID: it is absent or only in free text; the cold scan decides (the
    // full scan the first time, then only what was appended since).
    if (!offsets || offsets.size === 0) return this.remembered.search(correlationId, options);

    const limit = Math.max(0, options.maxLines);
    const errors: Array<{ source: string; message: string }> = [];
    const indexed: RawLogLine[][] = files.map(() => []);
    const coldParts: Array<{ path: string; start: number; index: number }> = [];
    // A few positioned reads in flight (libuv runs them on its thread pool): a hot ID's thousands
    // of lines cost a fraction of one read after the other.
    const slots: LineBuffers[] = Array.from({ length: READS_IN_FLIGHT }, () => ({ short: Buffer.allocUnsafe(16 * 1024) }));
    let found = 0;
    for (const [index, path] of files.entries()) {
      const info = isGzip(path) ? undefined : await stat(path).catch(() => undefined);
      const covered = info?.isFile() ? this.index.coverage({ path, dev: info.dev, ino: info.ino, birth: Math.trunc(info.birthtimeMs), size: info.size }) : undefined;
      if (!covered || !info) {
        coldParts.push({ path, start: 0, index });
        continue;
      }
      if (info.size > covered.indexedTo) coldParts.push({ path, start: covered.indexedTo, index });
      const wanted = (offsets.get(covered.fileId) ?? []).filter((o) => o < covered.indexedTo);
      if (wanted.length === 0 || found > limit) continue;
      try {
        const handle = await open(path, 'r');
        try {
          const serviceHint = serviceHintFor(path);
          batches: for (let at = 0; at < wanted.length; at += READS_IN_FLIGHT) {
            const batch = wanted.slice(at, at + READS_IN_FLIGHT);
            const lines = await Promise.all(batch.map((offset, k) => lineAt(handle, offset, slots[k]!)));
            for (const [k, line] of lines.entries()) {
              // Re-check: a hash collision, or a file rewritten since it was indexed.
              if (!line || !containsId(line.text, correlationId)) continue;
              indexed[index]!.push({ source: lineSource(path, batch[k]!), text: line.text, serviceHint, ...(line.cut ? { cut: true } : {}) });
              if (++found > limit) break batches;
            }
          }
        } finally {
          await handle.close();
        }
      } catch (error) {
        errors.push({ source: `file:${path}`, message: `${path} could not be read: ${(error as Error).message}` });
      }
    }
    if (found === 0 && errors.length === 0) return this.remembered.search(correlationId, options);

    const perFile = indexed;
    let truncated = false;
    if (coldParts.length > 0 && found <= limit) {
      const rest = await this.cold.searchParts(correlationId, { ...options, maxLines: limit - found }, coldParts);
      truncated = rest.truncated;
      if (rest.errors) errors.push(...rest.errors);
      const at = new Map(coldParts.map((p) => [p.path, p.index]));
      for (const line of rest.lines) {
        const path = line.source.slice('file:'.length, line.source.lastIndexOf('@'));
        perFile[at.get(path) ?? 0]!.push(line);
      }
      for (const lines of perFile) lines.sort((a, b) => offsetOf(a) - offsetOf(b));
    }
    let lines = perFile.flat();
    if (lines.length > limit) {
      lines = lines.slice(0, limit);
      truncated = true;
    }
    return { lines, truncated, ...(errors.length ? { errors } : {}) };
  }
}
