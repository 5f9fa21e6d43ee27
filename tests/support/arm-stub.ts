import type { ServerResponse } from 'node:http';
import { HeldResponses } from './hanging-stub';
import { sendJson, startStubServer, type StubServer } from './stub-server';

// A loopback Azure Resource Manager speaking the documented list shapes: `{ value, nextLink }` with
// an absolute `nextLink` (carrying `$skiptoken`), subscriptions, user-assigned identities per
// subscription and federated identity credentials per identity; 429 with `Retry-After`, and 403
// `AuthorizationFailed` answers.

export interface ArmStubOptions {
  subscriptions: string[];
  /** Raw ARM identity objects per subscription id. */
  identities: Record<string, unknown[]>;
  /** Raw ARM FIC objects per identity resource id. */
  federatedCredentials: Record<string, unknown[]>;
  pageSize?: number;
  /** The first request whose path starts with this answers 429 with `Retry-After: <seconds>`. */
  throttleOnce?: { pathPrefix: string; retryAfterSeconds: number };
  /** Subscriptions the credential has no role on (403 AuthorizationFailed). */
  forbiddenSubscriptions?: string[];
  /** Delay of each FIC list answer in ms, so concurrent calls overlap. */
  ficDelayMs?: number;
  /** Replace the answer of a path (to simulate a changed upstream). */
  override?: (pathname: string) => unknown;
  /** Accept every request and never answer (a hung ARM). */
  hang?: boolean;
}

export interface ArmStub extends StubServer {
  /** Most FIC list calls that were in flight at once. */
  maxFicCallsInFlight(): number;
  /** Arrival times (ms since epoch) of the requests, parallel to `requests`. */
  arrivals: number[];
}

const API_VERSION = { subscriptions: '2022-12-01', identity: '2023-01-31' };

export async function startArmStub(options: ArmStubOptions): Promise<ArmStub> {
  const pageSize = options.pageSize ?? 100;
  const throttled = new Set<string>();
  const arrivals: number[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let base = '';

  const page = (res: ServerResponse, url: URL, items: unknown[]) => {
    const start = Number(url.searchParams.get('$skiptoken') ?? '0');
    const next = start + pageSize < items.length ? new URL(url.pathname, base) : undefined;
    if (next) {
      next.searchParams.set('api-version', url.searchParams.get('api-version') ?? '');
      next.searchParams.set('$skiptoken', String(start + pageSize));
    }
    sendJson(res, 200, { value: items.slice(start, start + pageSize), ...(next ? { nextLink: next.href } : {}) });
  };

  const held = new HeldResponses();
  const server = await startStubServer(async (req, res) => {
    arrivals.push(Date.now());
    if (options.hang) return held.hold(res);
    const url = new URL(req.url, 'http://stub');
    const path = url.pathname;
    const version = url.searchParams.get('api-version');
    if (!req.headers.authorization?.startsWith('Bearer ')) {
      return sendJson(res, 401, { error: { code: 'AuthenticationFailed', message: 'Authentication failed. The Authorization header is missing.' } });
    }
    const throttle = options.throttleOnce;
    if (throttle && path.startsWith(throttle.pathPrefix) && !throttled.has(throttle.pathPrefix)) {
      throttled.add(throttle.pathPrefix);
      return sendJson(
        res,
        429,
        { error: { code: 'TooManyRequests', message: 'The request is being throttled as the limit has been reached for operation type - Read_ObservationWindow_00:05:00.' } },
        { 'retry-after': String(throttle.retryAfterSeconds) },
      );
    }
    const overridden = options.override?.(path);
    if (overridden !== undefined) return sendJson(res, 200, overridden);

    if (path === '/subscriptions' && version === API_VERSION.subscriptions) {
      return page(
        res,
        url,
        options.subscriptions.map((id) => ({ id: `/subscriptions/${id}`, subscriptionId: id, displayName: `sub ${id.slice(0, 4)}`, state: 'Enabled', tenantId: 't' })),
      );
    }
    const identities = /^\/subscriptions\/([^/]+)\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities$/.exec(path);
    if (identities && version === API_VERSION.identity) {
      const subscription = identities[1]!;
      if (options.forbiddenSubscriptions?.includes(subscription)) {
        return sendJson(res, 403, {
          error: {
            code: 'AuthorizationFailed',
            message: `The client 'idlens' does not have authorization to perform action 'Microsoft.ManagedIdentity/userAssignedIdentities/read' over scope '/subscriptions/${subscription}' or the scope is invalid.`,
          },
        });
      }
      return page(res, url, options.identities[subscription] ?? []);
    }
    const fics = /^(\/subscriptions\/.+\/userAssignedIdentities\/[^/]+)\/federatedIdentityCredentials$/.exec(path);
    if (fics && version === API_VERSION.identity) {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        if (options.ficDelayMs) await new Promise((resolve) => setTimeout(resolve, options.ficDelayMs));
        const items = options.federatedCredentials[decodeURIComponent(fics[1]!)];
        if (!items) return sendJson(res, 404, { error: { code: 'ResourceNotFound', message: `The Resource '${fics[1]}' was not found.` } });
        return page(res, url, items);
      } finally {
        inFlight -= 1;
      }
    }
    sendJson(res, 404, { error: { code: 'InvalidResourceType', message: `stub: no route for ${path}?api-version=${version}` } });
  });
  base = server.url;
  return { ...held.closing(server), arrivals, maxFicCallsInFlight: () => maxInFlight };
}
