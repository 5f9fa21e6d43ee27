import { route } from '@/lib/server/auth/guard';
import { getIdentityMap } from '@/lib/server/identity-map';
import { NO_STORE, serverTiming } from '@/lib/server/responses';

export const GET = route(async (request) => {
  const refresh = new URL(request.url).searchParams.get('refresh') === '1';
  const { map, timings } = await getIdentityMap({ refresh });
  const t0 = performance.now();
  const body = JSON.stringify(map);
  const serialize = performance.now() - t0;
  // Where the time went (cluster and Azure read in parallel, then the analysis): DevTools' Timing tab shows it.
  return new Response(body, { headers: { 'content-type': 'application/json', ...NO_STORE, 'server-timing': serverTiming({ ...timings, serialize }) } });
});
