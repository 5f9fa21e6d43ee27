import { route } from '@/lib/server/auth/guard';
import { getIdentityMap } from '@/lib/server/identity-map';
import { jsonResponse } from '@/lib/server/responses';

export const GET = route(async (request) => {
  const refresh = new URL(request.url).searchParams.get('refresh') === '1';
  return jsonResponse(await getIdentityMap({ refresh }));
});
