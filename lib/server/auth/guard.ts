import 'server-only';
import { getConfig } from '@/lib/config';
import { childLogger } from '@/lib/server/logger.mjs';
import { RateLimiter } from '@/lib/server/rate-limiter';
import { errorResponse, toResponse } from '@/lib/server/responses';
import { authenticate } from './authenticate';
import { peerAddress } from './peer';
import type { Principal } from './principal';

// Every route handler under app/api is wrapped in `route()` (tests/integration/security.test.ts
// enumerates them): the rate limit, the sign-in check, the error shape, `Cache-Control: private,
// no-store` and a log line with the request ID. The check lives here, in the handler itself, not only
// in the proxy.

export interface RouteContext {
  principal: Principal;
  requestId: string;
  log: ReturnType<typeof childLogger>;
}

let limiter: RateLimiter | undefined;
function rateLimiter(): RateLimiter {
  limiter ??= new RateLimiter(getConfig().IDLENS_RATE_LIMIT_PER_MINUTE);
  return limiter;
}

type Handler<P> = (request: Request, context: RouteContext & { params: P }) => Promise<Response> | Response;

/** Who the rate limit counts against: the session, else the proxy's user, else the peer address. */
function clientKey(headers: Headers, principal: Principal | undefined, sessionId: string | undefined): string {
  if (sessionId) return `session:${sessionId}`;
  if (principal && principal.via === 'proxy') return `user:${principal.id}`;
  return `peer:${peerAddress(headers) ?? 'unknown'}`;
}

async function guard<P>(request: Request, params: P, handler: Handler<P>, access: 'signed-in' | 'public'): Promise<Response> {
  const requestId = request.headers.get('x-request-id') ?? 'none';
  const log = childLogger({ requestId });
  let response: Response;
  try {
    const auth = await authenticate(request.headers);
    const decision = rateLimiter().take(clientKey(request.headers, auth.ok ? auth.principal : undefined, auth.ok ? auth.sessionId : undefined), Date.now());
    if (!decision.allowed) {
      response = errorResponse(429, 'rate-limited', `Too many requests; try again in ${decision.retryAfterSeconds} s.`);
      response.headers.set('retry-after', String(decision.retryAfterSeconds));
    } else if (!auth.ok && access === 'signed-in') {
      log.debug('unauthenticated request refused', { path: new URL(request.url).pathname, reason: auth.reason });
      response = errorResponse(401, 'unauthenticated', auth.reason);
    } else {
      const principal = auth.ok ? auth.principal : undefined;
      log.trace('route', { method: request.method, path: new URL(request.url).pathname, user: principal?.id });
      response = await handler(request, { principal: principal!, requestId, log, params });
    }
  } catch (error) {
    log.error('route failed', { path: new URL(request.url).pathname, error });
    response = toResponse(error);
  }
  // Data is per deployment and per user: never stored by a shared or browser cache.
  if (!response.headers.has('cache-control') || access === 'signed-in') response.headers.set('cache-control', 'private, no-store');
  return response;
}

/** A route handler that answers only signed-in users (401 otherwise). */
export function route<P = Record<string, never>>(handler: Handler<P>) {
  return async (request: Request, context?: { params?: Promise<P> }): Promise<Response> =>
    guard(request, ((await context?.params) ?? {}) as P, handler, 'signed-in');
}

/**
 * A route handler that also answers without a session (sign-in itself, the health probe);
 * `context.principal` is undefined then.
 */
export function publicRoute<P = Record<string, never>>(handler: (request: Request, context: Omit<RouteContext, 'principal'> & { principal: Principal | undefined; params: P }) => Promise<Response> | Response) {
  return async (request: Request, context?: { params?: Promise<P> }): Promise<Response> =>
    guard(request, ((await context?.params) ?? {}) as P, handler as Handler<P>, 'public');
}
