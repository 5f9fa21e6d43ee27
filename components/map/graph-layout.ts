// Where the trust graph's nodes go: the band layout (band-layout.ts) computed in a Web Worker, so
// the page stays responsive, and cached per graph for this browser session (a revisit or a refresh
// with the same graph paints at once). A filtered view gets a layout of what it shows (viewLayout),
// cached apart so that filtering never evicts a whole graph's layout.
import { type LayoutEdge, type LayoutInput, type LayoutResult, graphHash } from './band-layout';
import type { MapModel } from './map-model';

export interface LayoutSignal {
  cancelled: boolean;
  cancel?: () => void;
}

/** Stops a layout: marks it cancelled and stops its worker, if one is running. */
export function cancelLayout(signal: LayoutSignal): void {
  signal.cancelled = true;
  signal.cancel?.();
}

/** Layouts computed this session, by graph hash: a revisit (or a refresh with the same graph) paints at once. */
const layoutCache = new Map<string, LayoutResult>();
/** Layouts of filtered views, kept apart so that filtering never evicts a whole graph's layout. */
const partLayoutCache = new Map<string, LayoutResult>();
export const LAYOUT_CACHE_ENTRIES = 4;

/**
 * What the layout needs: ids, kinds and the cluster/namespace band of each node (of the `only`
 * ones, when given), and the shape of the view it is for (layoutAspect).
 */
export function layoutInput(model: MapModel, only?: ReadonlySet<string>, aspect?: number): LayoutInput {
  const kept = (id: string) => !only || only.has(id);
  return {
    ...(aspect !== undefined ? { aspect } : {}),
    nodes: model.infos.filter((i) => kept(i.node.id)).map((i) => ({ id: i.node.id, kind: i.node.kind, ...(i.namespace !== undefined ? { band: `${i.cluster ?? ''}\u0000${i.namespace}` } : {}) })),
    edges: model.data.edges.filter((e) => kept(e.from) && kept(e.to)).map((e) => ({ from: e.from, to: e.to })),
    hints: [
      ...model.data.findings.flatMap((f) => f.refs.slice(1).map((to) => ({ from: f.refs[0]!, to }))).filter((h) => kept(h.from) && kept(h.to)),
      ...(only ? acrossHiddenCredentials(model, only) : []),
    ],
  };
}

/**
 * With federated credentials filtered out, what they joined still belongs together: each hidden
 * credential ties its shown service account to its shown identity or application, so that the
 * identity is laid out beside the service accounts it serves instead of loose.
 */
function acrossHiddenCredentials(model: MapModel, shown: ReadonlySet<string>): LayoutEdge[] {
  const ends = new Map<string, string[]>();
  for (const e of model.data.edges) {
    for (const [hidden, other] of [
      [e.from, e.to],
      [e.to, e.from],
    ] as const) {
      if (shown.has(hidden) || !shown.has(other) || model.byId.get(hidden)?.node.kind !== 'federatedCredential') continue;
      (ends.get(hidden) ?? ends.set(hidden, []).get(hidden)!).push(other);
    }
  }
  const ties: LayoutEdge[] = [];
  for (const list of ends.values()) for (let i = 1; i < list.length; i++) ties.push({ from: list[0]!, to: list[i]! });
  return ties;
}

/**
 * Where the nodes go for what `visible` shows: the whole layout when nothing is filtered out;
 * else the shown nodes laid out on their own (compact: a filter's few nodes are not left scattered
 * over the whole map's area), the hidden ones keeping their place in the whole layout.
 */
export async function viewLayout(model: MapModel, whole: LayoutResult, visible: ReadonlySet<string>, signal: LayoutSignal, aspect?: number): Promise<LayoutResult> {
  // `visible` holds ids of the model's nodes: as many as the model has is all of them.
  if (visible.size === 0 || visible.size === model.infos.length) return whole;
  const part = await computeLayout(layoutInput(model, visible, aspect), signal, partLayoutCache);
  return { positions: { ...whole.positions, ...part.positions }, sections: { ...whole.sections, ...part.sections } };
}

function layoutInWorker(input: LayoutInput): { promise: Promise<LayoutResult>; cancel(): void } {
  let worker: Worker | undefined;
  const promise = new Promise<LayoutResult>((resolve, reject) => {
    try {
      worker = new Worker(new URL('./layout.worker.ts', import.meta.url));
    } catch (error) {
      reject(error);
      return;
    }
    worker.onmessage = (event: MessageEvent<{ result?: LayoutResult; error?: string }>) => {
      worker?.terminate();
      if (event.data.result) resolve(event.data.result);
      else reject(new Error(event.data.error ?? 'The layout worker answered nothing.'));
    };
    worker.onerror = (event) => {
      worker?.terminate();
      reject(new Error(event.message || 'The layout worker failed to start.'));
    };
    worker.postMessage({ requestId: 1, input });
  });
  return { promise, cancel: () => worker?.terminate() };
}

/** The layout of `input`, from the cache when it holds `key` (the input's graphHash; pass it when already known). */
export async function computeLayout(input: LayoutInput, signal: LayoutSignal, cache = layoutCache, key = graphHash(input)): Promise<LayoutResult> {
  const cached = cache.get(key);
  if (cached) return cached;
  performance.mark('idlens:map-layout:start');
  let result: LayoutResult;
  try {
    const job = layoutInWorker(input);
    signal.cancel = job.cancel;
    result = await job.promise;
  } catch (error) {
    if (signal.cancelled) throw error;
    // A browser without module workers still gets a map, laid out on the main thread.
    console.warn('idlens: layout worker unavailable, laying out on the main thread:', error);
    const { bandLayout } = await import('./band-layout');
    result = bandLayout(input);
  }
  performance.measure('idlens:map-layout', 'idlens:map-layout:start');
  cache.set(key, result);
  if (cache.size > LAYOUT_CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
  return result;
}
