import { jsonChunks } from '@/lib/api/json-chunks';
import { route } from '@/lib/server/auth/guard';
import { getIdentityMap } from '@/lib/server/identity-map';
import { NO_STORE, serverTiming } from '@/lib/server/responses';

export const GET = route(async (request) => {
  const refresh = new URL(request.url).searchParams.get('refresh') === '1';
  const { map, timings } = await getIdentityMap({ refresh });
  // Streamed in pieces (lib/api/json-chunks.ts): a large map is never one 45 MB string plus its
  // bytes in memory, and its first bytes leave while the rest is written. Each pull writes one piece.
  const pieces = jsonChunks(map as unknown as Record<string, unknown>);
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = pieces.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
  });
  // Where the time went (cluster and Azure read in parallel, then the analysis): DevTools' Timing tab shows it.
  return new Response(body, { headers: { 'content-type': 'application/json', ...NO_STORE, 'server-timing': serverTiming({ ...timings }) } });
});
