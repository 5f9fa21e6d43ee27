import { listFederatedCredentials } from '@/lib/server/federated-credentials';
import { jsonResponse, toResponse } from '@/lib/server/responses';

export async function GET(): Promise<Response> {
  try {
    return jsonResponse(await listFederatedCredentials());
  } catch (error) {
    return toResponse(error);
  }
}
