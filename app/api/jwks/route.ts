import { z } from 'zod';
import { route } from '@/lib/server/auth/guard';
import { resolveJwks } from '@/lib/server/jwks-resolver';
import { errorResponse, jsonResponse, otherMethods } from '@/lib/server/responses';

const query = z.object({ issuer: z.string().trim().min(1).max(2048) });

export const GET = route(async (request) => {
  const parsed = query.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) {
    return errorResponse(400, 'bad-request', 'Pass the token issuer as ?issuer=<url> (at most 2048 characters).');
  }
  const resolution = await resolveJwks(parsed.data.issuer);
  if (!resolution.found) return errorResponse(404, 'unknown-issuer', resolution.reason);
  return jsonResponse({ issuer: parsed.data.issuer, origin: resolution.origin, jwks: resolution.jwks });
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(['GET'], route);
