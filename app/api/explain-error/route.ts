import { z } from 'zod';
import { EXPLAIN_MAX_BODY_BYTES } from '@/lib/domain/error-explanation';
import { route } from '@/lib/server/auth/guard';
import { explainError } from '@/lib/server/explain-error';
import { jsonResponse, otherMethods, readJsonBody } from '@/lib/server/responses';

// POST { text }: an AADSTS error text or a log line holding one → which field of which FIC differs.
// The text may quote a token's claims, never the token; it is not logged.

// The /explain page checks the same limit first and words it for a person (pastedTextTooLarge).
const MAX_BODY_BYTES = EXPLAIN_MAX_BODY_BYTES;
const body = z.object({ text: z.string().trim().min(1, 'text is empty') });

export const POST = route(async (request) => {
  const read = await readJsonBody(request, MAX_BODY_BYTES, body, '{"text": "<AADSTS error text or log line>"} (only the error message or its log line)');
  if (!read.ok) return read.response;
  return jsonResponse(await explainError(read.data.text));
});

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods(['POST'], route);
