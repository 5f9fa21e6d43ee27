import 'server-only';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { parseListPage, type ListKind, type ParsedListPage } from './list-page';
import type { ParseReply, ParseRequest } from './list-page-worker';

// Parses Kubernetes list pages off the main thread. For 30,000 pods the pages are ~170 MB of JSON:
// cutting them to the schemas' members, JSON.parse and the zod edge cost ~0.8 s of CPU (~1.1 s
// parsing them whole), which on the main thread would also hold up the Azure reads, the other
// routes and the response. Worker threads do it on the other
// cores; the bytes are transferred (not copied) and only the slim items come back.
//
// The worker is bundled by Next (Turbopack bundles `new Worker(new URL(…, import.meta.url))`).
// Where it cannot start (a test runner that imports the TypeScript sources directly, no loader
// in the worker), pages are parsed in-thread with the same function, and the answer is the same.

/** An idle worker is stopped after this long (its heap is ~20 MB); the next list starts a new one. */
const IDLE_MS = 30_000;
/**
 * Young generation of the worker, in MB (V8: 3 × the semi-space). A 2.7 MB page parsed whole makes ~15 MB
 * of short-lived objects; with the default ~16 MB semi-spaces they survive scavenges and get copied
 * and promoted. 96 (32 MB semi-spaces) parsed the benchmark's 30,000 pods in ~1.15 s instead of
 * 1.35-2.0 s (same machine, `node --max-semi-space-size=32` vs default, 5 runs each).
 */
const YOUNG_GENERATION_MB = 96;

interface Pending {
  resolve: (page: ParsedListPage) => void;
  reject: (error: Error) => void;
}

class ParseWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private readonly reserved = new Set<number>();
  private nextId = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  /** Resolves true once the worker runs, false when it cannot start. */
  readonly started: Promise<boolean>;

  constructor(private readonly onGone: (w: ParseWorker) => void) {
    this.worker = new Worker(new URL('./list-page-worker.ts', import.meta.url), { resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
    this.worker.unref(); // never keeps the server process alive
    this.started = new Promise<boolean>((resolve) => {
      this.worker.on('message', (reply: ParseReply) => {
        if ('ready' in reply) return resolve(true);
        const job = this.pending.get(reply.id);
        if (!job) return;
        this.pending.delete(reply.id);
        if ('error' in reply) job.reject(new Error(reply.error));
        else job.resolve(reply.page);
        this.armIdle();
      });
      const gone = (error: Error) => {
        resolve(false);
        this.onGone(this);
        for (const job of this.pending.values()) job.reject(error);
        this.pending.clear();
      };
      this.worker.on('error', gone);
      this.worker.on('exit', (code) => gone(new Error(`the list parsing worker exited (${code})`)));
    });
  }

  /** Jobs sent or reserved and not answered yet. */
  get pendingCount(): number {
    return this.pending.size + this.reserved.size;
  }

  /** Counts a job against this worker before its bytes are sent (see parseListPageBytes). */
  reserve(): number {
    clearTimeout(this.idleTimer);
    const id = this.nextId++;
    this.reserved.add(id);
    return id;
  }

  release(id: number | undefined): void {
    if (id !== undefined) this.reserved.delete(id);
  }

  parse(kind: ListKind, cluster: string, bytes: Uint8Array, reserved?: number): Promise<ParsedListPage> {
    clearTimeout(this.idleTimer);
    const id = reserved ?? this.nextId++;
    this.reserved.delete(id);
    return new Promise<ParsedListPage>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // Transfer the bytes when they own their ArrayBuffer whole (node-fetch's large bodies do); copy otherwise.
      const owned = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
      const sent = owned ? bytes : new Uint8Array(bytes);
      this.worker.postMessage({ id, kind, cluster, bytes: sent } satisfies ParseRequest, [sent.buffer as ArrayBuffer]);
    });
  }

  private armIdle() {
    if (this.pendingCount) return;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => void this.worker.terminate(), IDLE_MS);
    this.idleTimer.unref();
  }
}

/**
 * A page parses in ~14 ms and downloads in ~5-10 ms, so one worker is the critical path of a big
 * list; a second one helps where a core is left for it. One core stays with the main thread (it
 * reads Azure, receives the pages, and answers other requests meanwhile): two workers on this
 * 2-core machine were no faster under load and raised next-server's peak memory (946 MB vs ~720-880).
 */
const POOL_SIZE = Math.max(1, Math.min(2, availableParallelism() - 1));

const pool: ParseWorker[] = [];
/** Set once a worker failed to start: this process parses in-thread from then on. */
let unavailable = false;

function leastBusy(): ParseWorker | undefined {
  if (pool.length < POOL_SIZE) {
    try {
      const worker: ParseWorker = new ParseWorker((w) => {
        const i = pool.indexOf(w);
        if (i !== -1) pool.splice(i, 1);
      });
      pool.push(worker);
      return worker;
    } catch {
      return undefined; // the worker file cannot be loaded here: parse in-thread
    }
  }
  return pool.reduce((a, b) => (b.pendingCount < a.pendingCount ? b : a));
}

/** One list page's bytes → its slim items and `continue` token, parsed in a worker when there is one. */
export async function parseListPageBytes<K extends ListKind>(kind: K, cluster: string, bytes: Uint8Array): Promise<ParsedListPage<K>> {
  if (!unavailable) {
    const worker = leastBusy();
    // Reserve the slot before waiting for the start, so pages spread over the pool.
    const job = worker?.reserve();
    if (worker && (await worker.started)) return (await worker.parse(kind, cluster, bytes, job)) as ParsedListPage<K>;
    worker?.release(job);
    unavailable = true;
  }
  return parseListPage(kind, cluster, bytes);
}
