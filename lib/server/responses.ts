import 'server-only';
import type { z } from 'zod';
import { ConfigError } from '@/lib/config';
import { SourceError } from '@/lib/sources/source-error';
import { jsonChunks } from './json-chunks';

// One way to answer errors: the contract's `{ error: { code, message } }` with a 4xx/5xx status.
// Upstream detail goes to the server log (the route guard logs it with the request ID; never a
// token), the client gets a safe message.

/** Data responses are per-deployment and may be sensitive: never cache them in shared caches. */
export const NO_STORE = { 'cache-control': 'private, no-store' } as const;

export function jsonResponse(body: unknown, init?: { status?: number; headers?: Record<string, string> }): Response {
  return Response.json(body, { status: init?.status ?? 200, headers: { ...NO_STORE, ...init?.headers } });
}

export function errorResponse(status: number, code: string, message: string): Response {
  return jsonResponse({ error: { code, message } }, { status });
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type RouteHandler = (request: Request, context?: { params?: Promise<never> }) => Promise<Response>;

/**
 * Handlers for the methods a route does not serve: 405 in the contract's shape with an `Allow`
 * header (Next.js alone answers an empty 405), and OPTIONS naming only the real methods (Next.js
 * would list these 405 handlers too). `wrap` is the route's guard, so a visitor without a session
 * learns no more than from any other answer.
 */
export function otherMethods(allowed: readonly Method[], wrap: (handler: (request: Request) => Response) => RouteHandler): Record<Method | 'OPTIONS', RouteHandler> {
  const allow = [...allowed, ...(allowed.includes('GET') ? ['HEAD'] : []), 'OPTIONS'].join(', ');
  const notAllowed = wrap((request) => {
    const path = new URL(request.url).pathname;
    const response = errorResponse(405, 'method-not-allowed', `${path} does not answer ${request.method}: use ${allowed.join(' or ')}. See README.md, "HTTP API".`);
    response.headers.set('allow', allow);
    return response;
  });
  const options = wrap(() => new Response(null, { status: 204, headers: { allow, ...NO_STORE } }));
  return { GET: notAllowed, POST: notAllowed, PUT: notAllowed, PATCH: notAllowed, DELETE: notAllowed, OPTIONS: options };
}

const STATUS_BY_KIND: Record<string, number> = {
  config: 500,
  unreachable: 502,
  timeout: 504,
  unauthorized: 502,
  forbidden: 502,
  throttled: 503,
  'invalid-response': 502,
  'not-found': 404,
  failed: 502,
};

export function toResponse(error: unknown): Response {
  if (error instanceof SourceError) {
    const kind = error.code.split(':')[0] ?? 'failed';
    return errorResponse(STATUS_BY_KIND[kind] ?? 502, error.code, error.message);
  }
  if (error instanceof ConfigError) {
    return errorResponse(500, 'config', error.message);
  }
  return errorResponse(500, 'internal', 'Unexpected server error; see the server log for details.');
}

export class BodyTooLargeError extends Error {}

/**
 * Reads a request body up to `maxBytes`, streaming, so an oversized body is refused without being
 * buffered whole. Throws BodyTooLargeError past the limit.
 */
export async function readBodyText(request: Request, maxBytes: number): Promise<string> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > maxBytes) throw new BodyTooLargeError();
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new BodyTooLargeError();
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

/**
 * Reads a JSON body of at most `maxBytes` and validates it: the data, or the 413/400 response that
 * says what was wrong and what to send (`expected`, e.g. `{"token": "<jwt>"}`).
 */
export async function readJsonBody<T>(request: Request, maxBytes: number, schema: z.ZodType<T>, expected: string): Promise<{ ok: true; data: T } | { ok: false; response: Response }> {
  let text: string;
  try {
    text = await readBodyText(request, maxBytes);
  } catch (error) {
    if (error instanceof BodyTooLargeError) return { ok: false, response: errorResponse(413, 'payload-too-large', `The request body is over ${maxBytes / 1024} KiB. Send ${expected}.`) };
    return { ok: false, response: errorResponse(400, 'bad-request', 'The request body could not be read.') };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, response: errorResponse(400, 'bad-request', `The body is not JSON. Send ${expected}.`) };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, response: errorResponse(400, 'bad-request', `Invalid body at ${issue.path.join('.') || '$'}: ${issue.message}. Send ${expected}.`) };
  }
  return { ok: true, data: parsed.data };
}

/** A `Server-Timing` header value from named durations in ms (`cluster;dur=812.4, domain;dur=160.2`). */
export function serverTiming(durations: Record<string, number>): string {
  return Object.entries(durations)
    .map(([name, ms]) => `${name};dur=${Math.round(ms * 10) / 10}`)
    .join(', ');
}

/**
 * A JSON response written in pieces (json-chunks.ts), one per pull of the stream: a large body is
 * never held whole. The status is sent before the body, so a failure while writing cannot change
 * it: it is reported to `onError` (the route's log, with the request ID) and the stream is cut off.
 */
export function streamJsonResponse(body: Record<string, unknown>, headers: Record<string, string>, onError: (error: unknown) => void): Response {
  const pieces = jsonChunks(body);
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      try {
        const next = pieces.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      } catch (error) {
        onError(error);
        controller.error(error);
      }
    },
    cancel() {
      pieces.return(undefined); // the client went away: write nothing more
    },
  });
  return new Response(stream, { headers: { 'content-type': 'application/json', ...NO_STORE, ...headers } });
}
