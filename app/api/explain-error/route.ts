import { z } from 'zod';
import { route } from '@/lib/server/auth/guard';
import { explainError } from '@/lib/server/explain-error';
import { jsonResponse, readJsonBody } from '@/lib/server/responses';

// POST { text }: an AADSTS error text or a log line holding one → which field of which FIC differs.
// The text may quote a token's claims, never the token; it is not logged.

const MAX_BODY_BYTES = 64 * 1024;
const body = z.object({ text: z.string().trim().min(1, 'text is empty') });

export const POST = route(async (request) => {
  const read = await readJsonBody(request, MAX_BODY_BYTES, body, '{"text": "<AADSTS error text or log line>"} (only the error message or its log line)');
  if (!read.ok) return read.response;
  return jsonResponse(await explainError(read.data.text));
});
