import { getIdentityMap } from '@/lib/server/identity-map';
import { jsonResponse, toResponse } from '@/lib/server/responses';

export async function GET(request: Request): Promise<Response> {
  const refresh = new URL(request.url).searchParams.get('refresh') === '1';
  try {
    return jsonResponse(await getIdentityMap({ refresh }));
  } catch (error) {
    return toResponse(error);
  }
}
