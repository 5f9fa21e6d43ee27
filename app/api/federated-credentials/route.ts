import { route } from '@/lib/server/auth/guard';
import { listFederatedCredentials } from '@/lib/server/federated-credentials';
import { jsonResponse, otherMethods } from '@/lib/server/responses';

export const GET = route(async () => jsonResponse(await listFederatedCredentials()));

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(['GET'], route);
