import { checkSources } from '@/lib/server/health';
import { jsonResponse, toResponse } from '@/lib/server/responses';

export async function GET(): Promise<Response> {
  try {
    return jsonResponse(await checkSources());
  } catch (error) {
    return toResponse(error);
  }
}
