import { z } from 'zod';
import { route } from '@/lib/server/auth/guard';
import { resolveJwks } from '@/lib/server/jwks-resolver';
import { jsonResponse, otherMethods, readJsonBody } from '@/lib/server/responses';
import { decodeToken } from '@/lib/tokens/decode';
import { verifyToken } from '@/lib/tokens/verify';
import type { JsonWebKeySet } from '@/lib/domain/model';

// For scripts and CI: the same checks as the /tokens page. The token is never logged or stored;
// errors below never echo it.

const MAX_BODY_BYTES = 64 * 1024;
const body = z.object({
  token: z.string().min(1, 'token is empty'),
  jwks: z.object({ keys: z.array(z.looseObject({ kty: z.string() })) }).optional(),
});

export const POST = route(async (request) => {
  const read = await readJsonBody(request, MAX_BODY_BYTES, body, '{"token": "<jwt>", "jwks"?: {"keys": [...]}}');
  if (!read.ok) return read.response;
  const { token } = read.data;
  let jwks = read.data.jwks as JsonWebKeySet | undefined;
  if (!jwks) {
    const decoded = decodeToken(token);
    const issuer = decoded.kind === 'jws' && typeof decoded.payload?.iss === 'string' ? decoded.payload.iss : undefined;
    if (issuer) {
      // Keys that cannot be had make the signature "not verified", not the whole answer a 5xx.
      const resolution = await resolveJwks(issuer).catch(() => undefined);
      if (resolution?.found) jwks = resolution.jwks;
    }
  }
  return jsonResponse(await verifyToken(token, { jwks, now: new Date() }));
});

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods(['POST'], route);
