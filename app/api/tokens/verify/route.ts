import { z } from 'zod';
import { resolveJwks } from '@/lib/server/jwks-resolver';
import { BodyTooLargeError, errorResponse, jsonResponse, readBodyText, toResponse } from '@/lib/server/responses';
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

export async function POST(request: Request): Promise<Response> {
  let text: string;
  try {
    text = await readBodyText(request, MAX_BODY_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLargeError) return errorResponse(413, 'payload-too-large', `The request body is over ${MAX_BODY_BYTES / 1024} KiB.`);
    return errorResponse(400, 'bad-request', 'The request body could not be read.');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return errorResponse(400, 'bad-request', 'The body is not JSON. Send {"token": "<jwt>", "jwks"?: {"keys": [...]}}.');
  }
  const parsed = body.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return errorResponse(400, 'bad-request', `Invalid body at ${issue.path.join('.') || '$'}: ${issue.message}. Send {"token": "<jwt>", "jwks"?: {"keys": [...]}}.`);
  }
  try {
    let jwks = parsed.data.jwks as JsonWebKeySet | undefined;
    if (!jwks) {
      const decoded = decodeToken(parsed.data.token);
      const issuer = decoded.kind === 'jws' && typeof decoded.payload?.iss === 'string' ? decoded.payload.iss : undefined;
      if (issuer) {
        // Keys that cannot be had make the signature "not verified", not the whole answer a 5xx.
        const resolution = await resolveJwks(issuer).catch(() => undefined);
        if (resolution?.found) jwks = resolution.jwks;
      }
    }
    return jsonResponse(await verifyToken(parsed.data.token, { jwks, now: new Date() }));
  } catch (error) {
    return toResponse(error);
  }
}
