// Web Worker: lays the graph out off the main thread (see band-layout.ts for the algorithm).
// Loaded by map-graph.tsx with `new Worker(new URL('./layout.worker.ts', import.meta.url))`,
// which Turbopack and webpack bundle as a separate worker chunk.
import { bandLayout, type LayoutInput, type LayoutResult } from './band-layout';

interface WorkerScope {
  onmessage: ((event: MessageEvent<{ requestId: number; input: LayoutInput }>) => void) | null;
  postMessage(message: { requestId: number; result?: LayoutResult; error?: string }): void;
}

const scope = self as unknown as WorkerScope;

scope.onmessage = (event) => {
  const { requestId, input } = event.data;
  try {
    const started = performance.now();
    const result = bandLayout(input);
    scope.postMessage({ requestId, result: { ...result, durationMs: performance.now() - started } });
  } catch (error) {
    scope.postMessage({ requestId, error: (error as Error).message });
  }
};
