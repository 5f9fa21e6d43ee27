import 'server-only';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

// The cold scan of big files on every core: worker threads look for the ID in byte ranges of the
// files (1 MiB reads, `Buffer.indexOf`, whole-token check) and hand back the matching lines found
// whole in their read buffer, and the offsets of the other matches, whose lines the main thread
// then reads (a few: those cut by a read window or a range boundary). A range needs no alignment
// with lines: the offsets are of matches, and the line around one is found afterwards.
//
// The worker code is a plain CommonJS string run with `eval: true`, so it needs no separate file
// next to the server bundle (Next.js bundles lib/, a worker file would not be found at run time).
// It repeats the whole-token rule of id-occurrence.ts in a few lines; the integration tests run
// the same fixtures through both paths.

const WORKER_SOURCE = String.raw`
'use strict';
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');

function isToken(c) {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2e || c === 0x5f || c === 0x2d;
}

function hexValue(c) {
  return c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x41 && c <= 0x46 ? c - 0x37 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1;
}

// Bytes read before a range position: the boundary check looks back over a \uXXXX escape.
const BACK = 6;

// An ID right after a JSON escape of a non-token character (\n \t \r \b \f, or \uXXXX of one)
// starts a token: followsJsonEscape in id-occurrence.ts.
function followsJsonEscape(view, f) {
  const c = view[f - 1];
  if (f >= 2 && view[f - 2] === 0x5c && (c === 0x6e || c === 0x74 || c === 0x72 || c === 0x62 || c === 0x66)) return true;
  if (f < 6 || view[f - 6] !== 0x5c || view[f - 5] !== 0x75) return false;
  let cp = 0;
  for (let k = f - 4; k < f; k++) {
    const d = hexValue(view[k]);
    if (d < 0) return false;
    cp = cp * 16 + d;
  }
  return !isToken(cp);
}

// Whole-token occurrences of id in [start, end), at most one per line: after a match the rest of
// its line is skipped. A matching line that lies whole in the buffer (almost all of them: lines are
// short next to a read) comes back as [line start, text], decoded here on the worker's core; the
// others (cut by the read window, longer than maxLineBytes, or the last line of the file without
// its newline) as the offset of the match, for the caller to read. shared[0] counts matches over
// all workers, shared[1] = stop.
function scanRange(fd, start, end, id, shared, limit, chunkBytes, maxLineBytes, buf) {
  const L = id.length;
  const offsets = [];
  const lines = [];
  let pos = start;
  let skipLine = false;
  outer: while (pos < end) {
    if (Atomics.load(shared, 1) !== 0) break;
    const winStart = Math.max(0, pos - BACK); // bytes before pos, for the boundary check
    const stopAt = Math.min(pos + chunkBytes, end); // matches must start before stopAt
    const limitIdx = stopAt - winStart;
    const want = limitIdx + L; // enough for the match and the byte after it
    const n = fs.readSync(fd, buf, 0, want, winStart);
    if (n <= pos - winStart) break; // end of file
    const view = buf.subarray(0, n);
    let i = pos - winStart;
    while (i < limitIdx) {
      if (skipLine) {
        const nl = view.indexOf(10, i);
        if (nl === -1 || nl >= limitIdx) break;
        skipLine = false;
        i = nl + 1;
        continue;
      }
      const f = view.indexOf(id, i);
      if (f === -1 || f >= limitIdx) break;
      const before = winStart + f === 0 || !isToken(view[f - 1]) || followsJsonEscape(view, f);
      const after = f + L >= n || !isToken(view[f + L]); // f + L >= n only at the end of the file
      if (before && after) {
        const nlBefore = f > 0 ? view.lastIndexOf(10, f - 1) : -1; // (lastIndexOf(x, -1) would search from the end)
        const ls = nlBefore !== -1 ? nlBefore + 1 : winStart === 0 ? 0 : -1;
        const le = ls === -1 ? -1 : view.indexOf(10, f + L);
        if (le !== -1 && le - ls <= maxLineBytes) {
          const stop = le > ls && view[le - 1] === 13 ? le - 1 : le;
          lines.push(winStart + ls, view.toString('utf8', ls, stop));
        } else {
          offsets.push(winStart + f);
        }
        if (Atomics.add(shared, 0, 1) + 1 > limit) {
          Atomics.store(shared, 1, 1);
          break outer;
        }
        skipLine = true;
        i = f + L;
      } else {
        i = f + 1;
      }
    }
    pos = stopAt;
  }
  return { offsets, lines };
}

let buffer = Buffer.alloc(0);
parentPort.on('message', (task) => {
  let fd;
  try {
    const need = task.chunkBytes + task.id.length + BACK;
    if (buffer.length < need) buffer = Buffer.allocUnsafe(need);
    fd = fs.openSync(task.path, 'r');
    const id = Buffer.from(task.id);
    const found = scanRange(fd, task.start, task.end, id, new Int32Array(task.shared), task.limit, task.chunkBytes, task.maxLineBytes, buffer);
    parentPort.postMessage(found);
  } catch (error) {
    parentPort.postMessage({ error: { code: error && error.code, message: String(error && error.message) } });
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
});
`;

export interface RangeTask {
  path: string;
  start: number;
  end: number;
  id: Uint8Array;
  /** Int32Array(2) over a SharedArrayBuffer: [matches so far, stop flag]. */
  shared: SharedArrayBuffer;
  limit: number;
  chunkBytes: number;
  /** Lines longer than this are not decoded by the worker (the caller cuts them). */
  maxLineBytes: number;
}

/** What a range scan found, in offset order: whole matching lines, and matches whose line the caller must read. */
export interface RangeResult {
  /** Flat pairs: byte offset of a matching line's start, its text (without the newline and a CR before it). */
  lines: Array<number | string>;
  /** Offsets of matches whose line did not lie whole in the worker's read window. */
  offsets: number[];
}

interface Pending {
  task: RangeTask;
  resolve: (found: RangeResult) => void;
  reject: (error: Error) => void;
}

const SCAN_WORKER_HEAP_LIMITS = { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 128 };

class ScanWorker {
  private readonly worker: Worker;
  current: Pending | undefined;

  constructor(private readonly onIdle: (w: ScanWorker) => void, onDead: (w: ScanWorker) => void) {
    // Small heap bounds: a worker's live set is one read buffer (outside the heap) and the lines of
    // one range; V8's default young generation alone would let each thread grow by tens of MB.
    this.worker = new Worker(WORKER_SOURCE, { eval: true, resourceLimits: SCAN_WORKER_HEAP_LIMITS });
    this.worker.on('message', (message: Partial<RangeResult> & { error?: { code?: string; message: string } }) => {
      const pending = this.current;
      this.current = undefined;
      this.worker.unref();
      if (pending) {
        if (message.error) pending.reject(Object.assign(new Error(message.error.message), { code: message.error.code }));
        else pending.resolve({ lines: message.lines ?? [], offsets: message.offsets ?? [] });
      }
      this.onIdle(this);
    });
    const die = (error: Error) => {
      this.current?.reject(error);
      this.current = undefined;
      onDead(this);
    };
    this.worker.on('error', die);
    this.worker.on('exit', (code) => die(new Error(`scan worker exited with code ${code}`)));
    // An idle worker never keeps the process alive; a busy one does (its caller awaits it). After
    // the listeners: adding a 'message' listener refs the port again.
    this.worker.unref();
  }

  run(pending: Pending): void {
    this.current = pending;
    this.worker.ref();
    this.worker.postMessage(pending.task);
  }
}

export class ScanPool {
  private readonly idle: ScanWorker[] = [];
  private readonly all = new Set<ScanWorker>();
  private readonly queue: Pending[] = [];

  constructor(private readonly size: number) {}

  /** The matches in `task`'s range (one per line, sorted). */
  scan(task: RangeTask): Promise<RangeResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ task, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let worker = this.idle.pop();
      if (!worker && this.all.size < this.size) {
        try {
          worker = this.start();
        } catch (error) {
          // No threads here (a restricted runtime): the caller falls back to scanning itself.
          if (this.all.size > 0) return;
          const unavailable = Object.assign(new Error(`scan workers cannot start: ${(error as Error).message}`), { workerUnavailable: true });
          for (const pending of this.queue.splice(0)) pending.reject(unavailable);
          return;
        }
      }
      if (!worker) return;
      worker.run(this.queue.shift()!);
    }
  }

  private start(): ScanWorker {
    const worker = new ScanWorker(
      (w) => {
        this.idle.push(w);
        this.dispatch();
      },
      (w) => {
        this.all.delete(w);
        const at = this.idle.indexOf(w);
        if (at !== -1) this.idle.splice(at, 1);
        this.dispatch();
      },
    );
    this.all.add(worker);
    return worker;
  }
}

let shared: ScanPool | undefined;

/** One pool per process, one worker per core (at most 4: the scan is bound by memory bandwidth). */
export function scanPool(): ScanPool {
  shared ??= new ScanPool(Math.max(1, Math.min(4, availableParallelism())));
  return shared;
}
