import { route } from '@/lib/server/auth/guard';
import { getIdentityMap } from '@/lib/server/identity-map';
import { otherMethods, serverTiming, streamJsonResponse } from '@/lib/server/responses';

export const GET = route(async (request, { log }) => {
  const refresh = new URL(request.url).searchParams.get('refresh') === '1';
  const { map, timings, reused } = await getIdentityMap({ refresh });
  // Where the time of the computation went (cluster and Azure read in parallel, then the
  // analysis); `cache;desc=hit` when this answer reused an earlier computation, `cache;desc=joined`
  // when it waited for the one under way.
  const timing = serverTiming({ ...timings }) + (reused ? `, cache;desc=${reused}` : '');
  // A large map (50,000 nodes) is written in pieces, never held as one string.
  return streamJsonResponse({ ...map }, { 'server-timing': timing }, (error) => log.error('writing the identity map failed', { error }));
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(['GET'], route);
