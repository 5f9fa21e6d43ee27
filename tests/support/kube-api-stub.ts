import { stubKubeconfig } from './stub-kubeconfig';
import { HeldResponses } from './hanging-stub';
import { sendJson, startStubServer, type StubServer } from './stub-server';

// A loopback Kubernetes API server speaking the documented list shapes: `limit` + `continue`
// paging (an opaque token in metadata.continue), the two service-account issuer discovery
// endpoints, and 401/403 Status answers.

export interface KubeStubOptions {
  serviceAccounts: unknown[];
  pods: unknown[];
  issuer?: string;
  jwks?: unknown;
  /** Answer every request with this status (401/403) as a Status object. */
  failWith?: number;
  /** Answer this status to the two OIDC endpoints only (the lists still answer). */
  failOidcWith?: 403 | 404;
  /** Serialise each list page once and answer repeats from that text (benchmarks: keeps the stub's own JSON.stringify out of the timings). */
  cachePages?: boolean;
  /** Accept every request and never answer (a hung API server). */
  hang?: boolean;
  /** Answer each request this many ms late (a slow API server: reads that overlap). */
  delayMs?: number;
  /** Serve HTTPS with this key and certificate (as a real API server does; in-cluster mode verifies it). */
  tls?: { key: string; cert: string };
}

export interface KubeStub extends StubServer {
  kubeconfig(contexts?: string[]): string;
}

function status(code: number, reason: string, message: string) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

export async function startKubeStub(options: KubeStubOptions): Promise<KubeStub> {
  const pageCache = new Map<string, Buffer>();
  const held = new HeldResponses();
  const server = await startStubServer(async (req, res) => {
    if (options.hang) return held.hold(res);
    if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
    const url = new URL(req.url, 'http://stub');
    if (options.failWith === 401) return sendJson(res, 401, status(401, 'Unauthorized', 'Unauthorized'));
    if (options.failWith === 403) {
      return sendJson(res, 403, status(403, 'Forbidden', 'serviceaccounts is forbidden: User "idlens" cannot list resource "serviceaccounts" in API group "" at the cluster scope'));
    }
    const page = (kind: string, items: unknown[]) => {
      const limit = Number(url.searchParams.get('limit') ?? items.length) || items.length;
      const start = Number(url.searchParams.get('continue') ?? '0');
      const slice = items.slice(start, start + limit);
      const next = start + limit < items.length ? String(start + limit) : undefined;
      const body = () => ({ kind, apiVersion: 'v1', metadata: { resourceVersion: '1', ...(next ? { continue: next } : {}) }, items: slice });
      if (!options.cachePages) return sendJson(res, 200, body());
      const key = `${kind}:${start}:${limit}`;
      let bytes = pageCache.get(key);
      if (bytes === undefined) pageCache.set(key, (bytes = Buffer.from(JSON.stringify(body()))));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(bytes);
    };
    if (options.failOidcWith && (url.pathname === '/.well-known/openid-configuration' || url.pathname === '/openid/v1/jwks')) {
      const forbidden = options.failOidcWith === 403;
      return sendJson(res, options.failOidcWith, forbidden ? status(403, 'Forbidden', `forbidden: User "idlens" cannot get path "${url.pathname}"`) : status(404, 'NotFound', 'the server could not find the requested resource'));
    }
    if (url.pathname === '/api/v1/serviceaccounts') return page('ServiceAccountList', options.serviceAccounts);
    if (url.pathname === '/api/v1/pods') return page('PodList', options.pods);
    if (url.pathname === '/.well-known/openid-configuration' && options.issuer) {
      return sendJson(res, 200, {
        issuer: options.issuer,
        jwks_uri: `${options.issuer}openid/v1/jwks`,
        response_types_supported: ['id_token'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
      });
    }
    if (url.pathname === '/openid/v1/jwks' && options.jwks) return sendJson(res, 200, options.jwks);
    sendJson(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
  }, { tls: options.tls });
  return {
    ...held.closing(server),
    kubeconfig: (contexts = ['stub']) => stubKubeconfig(server.url, { contexts }),
  };
}
