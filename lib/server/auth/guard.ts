import 'server-only';
import { ConfigError, getConfig } from '@/lib/config';
import { SourceError } from '@/lib/sources/source-error';
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

/**
 * Who the rate limit counts against: a signed-in user (all their sessions together), else the peer
 * address for the sign-in routes (their own budget). Requests refused with 401 and the health probe
 * take nothing from anyone's budget: an anonymous flood behind a shared ingress address must not
 * lock signed-in users out or fail the kubelet's probe.
 */
function clientKey(headers: Headers, principal: Principal | undefined): string {
  if (principal) return principal.via === 'local' ? `local:${peerAddress(headers) ?? 'unknown'}` : `user:${principal.via}:${principal.id}`;
  return `sign-in:${peerAddress(headers) ?? 'unknown'}`;
}

async function guard<P>(request: Request, params: P, handler: Handler<P>, access: 'signed-in' | 'public'): Promise<Response> {
  const requestId = request.headers.get('x-request-id') ?? 'none';
  const log = childLogger({ requestId });
  let response: Response;
  try {
    const auth = await authenticate(request.headers);
    const path = new URL(request.url).pathname;
    const exempt = path === '/api/health' || (!auth.ok && access === 'signed-in');
    const decision = exempt ? undefined : rateLimiter().take(clientKey(request.headers, auth.ok ? auth.principal : undefined), Date.now());
    if (decision && !decision.allowed) {
      response = errorResponse(429, 'rate-limited', `Too many requests; try again in ${decision.retryAfterSeconds} s.`);
      response.headers.set('retry-after', String(decision.retryAfterSeconds));
    } else if (!auth.ok && access === 'signed-in') {
      log.debug('unauthenticated request refused', { path, reason: auth.reason });
      response = errorResponse(401, 'unauthenticated', auth.reason);
    } else {
      const principal = auth.ok ? auth.principal : undefined;
      log.trace('route', { method: request.method, path, user: principal?.id });
      response = await handler(request, { principal: principal!, requestId, log, params });
    }
  } catch (error) {
    // An unreachable or refusing source is expected weather (the answer says what to do); anything
    // else is a bug.
    const expected = error instanceof SourceError || error instanceof ConfigError;
    log[expected ? 'warn' : 'error']('route failed', { path: new URL(request.url).pathname, error });
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
