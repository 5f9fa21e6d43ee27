import { z } from 'zod';
import { explainError } from '@/lib/server/explain-error';
import { BodyTooLargeError, errorResponse, jsonResponse, readBodyText, toResponse } from '@/lib/server/responses';

// POST { text }: an AADSTS error text or a log line holding one → which field of which FIC differs.
// The text may quote a token's claims, never the token; it is not logged.

const MAX_BODY_BYTES = 64 * 1024;
const body = z.object({ text: z.string().trim().min(1, 'text is empty') });

export async function POST(request: Request): Promise<Response> {
  let raw: string;
  try {
    raw = await readBodyText(request, MAX_BODY_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLargeError) return errorResponse(413, 'payload-too-large', `The request body is over ${MAX_BODY_BYTES / 1024} KiB: paste only the error message or its log line.`);
    return errorResponse(400, 'bad-request', 'The request body could not be read.');
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return errorResponse(400, 'bad-request', 'The body is not JSON. Send {"text": "<AADSTS error text or log line>"}.');
  }
  const parsed = body.safeParse(json);
  if (!parsed.success) return errorResponse(400, 'bad-request', `Invalid body: ${parsed.error.issues[0]!.message}. Send {"text": "<AADSTS error text>"}.`);
  try {
    return jsonResponse(await explainError(parsed.data.text));
  } catch (error) {
    return toResponse(error);
  }
}
