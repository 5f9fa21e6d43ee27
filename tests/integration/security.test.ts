import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { SignJWT, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EntraSignInStub, entraServerEnv, STUB_CLIENT_ID as CLIENT, startEntraSignInStub } from '../support/entra-signin-stub';
import { repoRoot, type RunningServer, startServer, startServerExpectingFailure } from '../support/next-server';
import { signInWithFetch } from '../support/sign-in';
import { startKubeStub, type KubeStub } from '../support/kube-api-stub';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { startStubServer, type StubServer } from '../support/stub-server';

// What broke comparable dashboards, each as a test against the real server in server mode.

const TENANT = '72f988bf-0000-4000-8000-0000000000aa';
const SECRET = 'another-test-session-secret-long-enough-0123456789';
const SAMPLE_TRACE = 'c0ffee00-0000-4000-8000-000000000005';
// Strings that only appear in data of the sample world (a namespace, a service account, an issuer).
const DATA_MARKERS = ['checkout-canary', 'payments-api', 'oic.prod-aks.azure.com', 'system:serviceaccount'];

function files(dir: string, name: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return files(path, name);
    return entry === name ? [path] : [];
  });
}

/** Every route handler under app/api: its URL (dynamic segments filled in) and its source. */
function apiRoutes(): Array<{ file: string; url: string; source: string }> {
  return files(join(repoRoot, 'app', 'api'), 'route.ts').map((file) => {
    const segments = relative(join(repoRoot, 'app'), file).split('/').slice(0, -1);
    const url = `/${segments
      .map((s) => (s.startsWith('[...') ? 'no/such/thing' : s === '[correlationId]' ? SAMPLE_TRACE : s.startsWith('[') ? 'x' : s))
      .join('/')}`;
    return { file: relative(repoRoot, file), url, source: readFileSync(file, 'utf8') };
  });
}

function pages(): string[] {
  return files(join(repoRoot, 'app'), 'page.tsx')
    .map((file) => `/${relative(join(repoRoot, 'app'), file).split('/').slice(0, -1).join('/')}`.replace(/\[correlationId\]/, SAMPLE_TRACE))
    .filter((path) => path !== '/signin');
}

// Public by necessity, each asserted separately below.
const PUBLIC_ROUTES = new Set(['/api/auth/signin', '/api/auth/callback', '/api/auth/signout', '/api/health']);
const SUBREQUEST_HEADERS: Array<Record<string, string>> = [
  { 'x-middleware-subrequest': 'middleware' },
  { 'x-middleware-subrequest': 'src/middleware:src/middleware:src/middleware:src/middleware:src/middleware' },
  { 'x-middleware-subrequest': 'proxy:proxy:proxy:proxy:proxy' },
  { 'x-middleware-subrequest': 'middleware:middleware:middleware:middleware:middleware' },
];

const entraEnv = (entra: EntraSignInStub, extra: Record<string, string> = {}) => entraServerEnv(entra, SECRET, extra);

describe('server mode without a sign-in configuration', () => {
  it.each([
    [{ IDLENS_MODE: 'server' }, /IDLENS_MODE=server needs IDLENS_AUTH/],
    [{ IDLENS_MODE: 'server', IDLENS_AUTH: 'entra', AZURE_TENANT_ID: TENANT, AZURE_CLIENT_ID: CLIENT, IDLENS_AUTH_CLIENT_SECRET: 's', IDLENS_PUBLIC_URL: 'https://idlens.example' }, /IDLENS_SESSION_SECRET/],
    [{ IDLENS_MODE: 'server', IDLENS_AUTH: 'entra', IDLENS_SESSION_SECRET: SECRET, IDLENS_PUBLIC_URL: 'https://idlens.example', IDLENS_AUTH_CLIENT_SECRET: 's' }, /IDLENS_AUTH_TENANT_ID/],
    [{ IDLENS_MODE: 'server', IDLENS_AUTH: 'proxy' }, /IDLENS_AUTH_PROXY_ADDRESSES/],
    [{ IDLENS_MODE: 'server', IDLENS_AUTH: 'none' }, /IDLENS_AUTH must be entra/],
  ])('refuses to start: %o', async (env, message) => {
    const result = await startServerExpectingFailure(env);
    expect(result.code).toBe(78);
    expect(result.output).toMatch(message);
  });
});

describe('without a session (server mode, Entra sign-in)', () => {
  let entra: EntraSignInStub;
  let server: RunningServer;
  let noProxyRedirect: RunningServer;
  let cookie: string;
  beforeAll(async () => {
    entra = await startEntraSignInStub(TENANT);
    [server, noProxyRedirect] = await Promise.all([startServer(entraEnv(entra)), startServer(entraEnv(entra, { IDLENS_TEST_SKIP_PROXY_REDIRECT: '1' }))]);
    cookie = (await signInWithFetch(server.url, entra)).cookie!;
  });
  afterAll(async () => {
    await Promise.all([server?.stop(), noProxyRedirect?.stop()]);
    await entra?.close();
  });

  it('finds the route handlers it guards', () => {
    const urls = apiRoutes().map((r) => r.url);
    for (const known of ['/api/identity-map', '/api/traces', `/api/traces/${SAMPLE_TRACE}`, '/api/tokens/verify', '/api/explain-error', '/api/jwks', '/api/health', '/api/auth/session']) {
      expect(urls).toContain(known);
    }
  });

  it('every route handler under app/api answers 401 and no data, whatever the method, also with x-middleware-subrequest replayed', async () => {
    const checked: string[] = [];
    for (const { url } of apiRoutes()) {
      if (PUBLIC_ROUTES.has(url)) continue;
      // Every method, not only what the file serves: the 405 and OPTIONS answers are guarded too.
      for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
        for (const extra of [{}, ...SUBREQUEST_HEADERS, { cookie: '__Host-idlens-session=forged.value.that.is.bogus' }] as Array<Record<string, string>>) {
          const response = await fetch(`${server.url}${url}`, {
            method,
            headers: { 'content-type': 'application/json', ...extra },
            body: method === 'GET' ? undefined : JSON.stringify({ token: 'x', text: 'AADSTS70021' }),
            redirect: 'manual',
          });
          const body = await response.text();
          expect(response.status, `${method} ${url} ${JSON.stringify(extra)}`).toBe(401);
          expect(JSON.parse(body).error.code).toBe('unauthenticated');
          expect(response.headers.get('cache-control')).toBe('private, no-store');
          for (const marker of DATA_MARKERS) expect(body).not.toContain(marker);
        }
        checked.push(`${method} ${url}`);
      }
    }
    expect(checked.length).toBeGreaterThanOrEqual(60);
  });

  it('a private route never builds its other-method answers with the public guard', () => {
    for (const { file, url, source } of apiRoutes()) {
      if (PUBLIC_ROUTES.has(url)) continue;
      expect(source, file).not.toMatch(/publicRoute/);
    }
  });

  it('the health probe says only that the server is up', async () => {
    const response = await fetch(`${server.url}/api/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
    const signedIn = (await (await fetch(`${server.url}/api/health`, { headers: { cookie } })).json()) as { sources: object };
    expect(Object.keys(signedIn.sources).sort()).toEqual(['azure', 'cluster', 'logs']);
  });

  it('the sign-in routes only start or finish a sign-in', async () => {
    const start = await fetch(`${server.url}/api/auth/signin?returnTo=/map`, { redirect: 'manual' });
    expect(start.status).toBe(303);
    expect(start.headers.get('location')).toMatch(new RegExp(`^${entra.url}/${TENANT}/oauth2/v2.0/authorize\\?`));
    expect(start.headers.get('location')).toContain('code_challenge_method=S256');
    const callback = await fetch(`${server.url}/api/auth/callback?code=stolen&state=guess`, { redirect: 'manual' });
    expect(callback.status).toBe(303);
    expect(callback.headers.get('location')).toBe(`${server.url}/signin?error=sign-in-expired`);
    expect(callback.headers.getSetCookie().some((c) => c.startsWith('__Host-idlens-session=') && !/Max-Age=0/.test(c))).toBe(false);
  });

  it('sign-out revokes the session (a copied cookie is worthless afterwards) and only from idlens itself', async () => {
    const { cookie: mine } = await signInWithFetch(server.url, entra);
    for (const headers of [{ origin: 'https://evil.example' }, { origin: 'null', 'sec-fetch-site': 'cross-site' }] as Array<Record<string, string>>) {
      const crossSite = await fetch(`${server.url}/api/auth/signout`, { method: 'POST', headers: { cookie: mine!, ...headers }, redirect: 'manual' });
      expect(crossSite.status, JSON.stringify(headers)).toBe(403);
    }
    expect((await fetch(`${server.url}/api/auth/session`, { headers: { cookie: mine! } })).status).toBe(200);
    const signOut = await fetch(`${server.url}/api/auth/signout`, { method: 'POST', headers: { cookie: mine!, origin: server.url, 'sec-fetch-site': 'same-origin' }, redirect: 'manual' });
    expect(signOut.status).toBe(303);
    expect(signOut.headers.getSetCookie().some((c) => c.startsWith('__Host-idlens-session=;') && /Max-Age=0/.test(c))).toBe(true);
    expect((await fetch(`${server.url}/api/auth/session`, { headers: { cookie: mine! } })).status).toBe(401);
    // The other session is untouched.
    expect((await fetch(`${server.url}/api/auth/session`, { headers: { cookie } })).status).toBe(200);
  });

  it('never sends the browser off-site after sign-in, whatever returnTo says', async () => {
    for (const returnTo of ['/%09/evil.example/x', '//evil.example', '/\\evil.example', 'https://evil.example/', '/\t/evil.example']) {
      const start = await fetch(`${server.url}/api/auth/signin?returnTo=${encodeURIComponent(returnTo)}`, { redirect: 'manual' });
      let url = start.headers.get('location')!;
      const cookieJar = start.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
      const atEntra = await fetch(url, { redirect: 'manual' });
      url = atEntra.headers.get('location')!;
      const back = await fetch(url, { headers: { cookie: cookieJar }, redirect: 'manual' });
      const location = new URL(back.headers.get('location')!, server.url);
      expect(location.origin, returnTo).toBe(server.url);
    }
  });

  it('every page redirects to sign-in, with or without the proxy, for documents and ?_rsc= requests alike', async () => {
    const list = pages();
    expect(list).toEqual(expect.arrayContaining(['/', '/map', '/tokens', '/traces', '/explain', '/flow', `/traces/${SAMPLE_TRACE}`]));
    for (const target of [server, noProxyRedirect]) {
      for (const path of list) {
        for (const [suffix, headers] of [
          ['', {}],
          ['?_rsc=1a2b3', { rsc: '1' }],
          ['', SUBREQUEST_HEADERS[2]!],
        ] as const) {
          let response = await fetch(`${target.url}${path}${suffix}`, { headers, redirect: 'manual' });
          // Next.js answers an ?_rsc= value that does not fit the request's router headers with a
          // redirect to the same path (its cache-busting check): follow that one.
          for (let hop = 0; hop < 2 && response.status === 307 && (response.headers.get('location') ?? '').startsWith(`${path}?_rsc`); hop++) {
            response = await fetch(new URL(response.headers.get('location')!, target.url), { headers, redirect: 'manual' });
          }
          const body = await response.text();
          const where = `${target === server ? 'proxy' : 'no proxy'} ${path}${suffix} ${JSON.stringify(headers)}`;
          if (response.status === 200) {
            // Without the proxy's early redirect, the page's own check runs inside the streamed
            // response (a loading.tsx already sent the 200): the redirect is in the stream.
            expect(target, where).toBe(noProxyRedirect);
            expect(body, where).toMatch(/\/signin\?returnTo=/);
          } else {
            expect([303, 307], where).toContain(response.status);
            expect(response.headers.get('location') ?? '', where).toMatch(/\/signin\?returnTo=/);
          }
          for (const marker of DATA_MARKERS) expect(body, where).not.toContain(marker);
        }
      }
    }
  });

  it('the pages router data path and the image optimiser serve nothing', async () => {
    const listener = await startStubServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'image/png' });
      res.end('not really a png');
    });
    try {
      const buildId = readFileSync(join(repoRoot, '.next', 'BUILD_ID'), 'utf8').trim();
      // There is no pages router: without a session these are redirects, with one they are the
      // page shell (data is only ever fetched from the API by the browser).
      for (const path of [`/_next/data/${buildId}/index.json`, `/_next/data/${buildId}/map.json`, `/_next/data/${buildId}/traces/${SAMPLE_TRACE}.json`]) {
        const anonymous = await fetch(`${server.url}${path}`, { redirect: 'manual' });
        expect(anonymous.status, path).not.toBe(200);
        const anonymousBody = await anonymous.text();
        const signedInBody = await (await fetch(`${server.url}${path}`, { headers: { cookie } })).text();
        for (const marker of DATA_MARKERS) {
          expect(anonymousBody, path).not.toContain(marker);
          expect(signedInBody, path).not.toContain(marker);
        }
      }
      for (const url of [`${listener.url}/x.png`, 'http://169.254.169.254/latest/meta-data/', '/icon.svg']) {
        const response = await fetch(`${server.url}/_next/image?url=${encodeURIComponent(url)}&w=64&q=75`, { headers: { cookie } });
        expect(response.status, url).not.toBe(200);
      }
      expect(listener.requests).toHaveLength(0);
    } finally {
      await listener.close();
    }
  });

  it('a token whose jku / x5u / iss point elsewhere makes no outbound request', async () => {
    const listener: StubServer = await startStubServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"keys":[]}');
    });
    try {
      const { privateKey } = await generateKeyPair('RS256');
      for (const target of [listener.url, 'http://169.254.169.254']) {
        const token = await new SignJWT({ iss: `${target}/`, sub: 'system:serviceaccount:x:y', aud: 'api://AzureADTokenExchange' })
          .setProtectedHeader({ alg: 'RS256', kid: 'k1', jku: `${target}/jwks.json`, x5u: `${target}/cert.pem` })
          .setIssuedAt()
          .setExpirationTime('1h')
          .sign(privateKey);
        const verify = await fetch(`${server.url}/api/tokens/verify`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
        expect(verify.status).toBe(200);
        expect(((await verify.json()) as { verified?: boolean }).verified).not.toBe(true);
        const jwks = await fetch(`${server.url}/api/jwks?issuer=${encodeURIComponent(`${target}/`)}`, { headers: { cookie } });
        expect(jwks.status).toBe(404);
      }
      expect(listener.requests).toHaveLength(0);
    } finally {
      await listener.close();
    }
  });

  it('path traversal in every dynamic segment is a 404', async () => {
    for (const path of [
      '/api/traces/..%2f..%2f..%2fetc%2fpasswd',
      '/api/traces/..%2F..%2Fetc%2Fpasswd',
      '/api/traces/..%5c..%5cwindows',
      '/traces/..%2f..%2f..%2fetc%2fpasswd',
      '/traces/..%2F..%2F.env',
      '/api/no%2f..%2f..%2fetc%2fpasswd',
      '/api/..%2f..%2fetc%2fpasswd',
      '/api/identity-map/..%2f..%2f.env',
    ]) {
      const response = await fetch(`${server.url}${path}`, { headers: { cookie }, redirect: 'manual' });
      expect(response.status, path).toBe(404);
      const body = await response.text();
      expect(body, path).not.toMatch(/root:x:0:0|IDLENS_SESSION_SECRET/);
    }
  });

  it('data responses with a session are private and never stored', async () => {
    for (const url of ['/api/identity-map', '/api/traces', `/api/traces/${SAMPLE_TRACE}`, '/api/federated-credentials', '/api/health', '/api/auth/session', '/api/sample/tokens']) {
      const response = await fetch(`${server.url}${url}`, { headers: { cookie } });
      expect(response.status, url).toBe(200);
      expect(response.headers.get('cache-control'), url).toBe('private, no-store');
      expect(response.headers.get('x-content-type-options'), url).toBe('nosniff');
    }
    for (const odd of ['/screenshots/nope', '/favicon.ico/x', '/_next/image/x', '/no-such-page']) {
      const response = await fetch(`${server.url}${odd}`, { headers: { cookie, 'x-nonce': 'ATTACKER' } });
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp, odd).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
      expect(csp, odd).not.toContain('ATTACKER');
      expect(await response.text(), odd).not.toContain('nonce="ATTACKER"');
    }
    const page = await fetch(`${server.url}/map`, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
  });

  it('refuses request bodies over the limits', async () => {
    const big = await fetch(`${server.url}/api/tokens/verify`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ token: 'x'.repeat(2 * 1024 * 1024) }) });
    expect(big.status).toBe(413);
    const over = await fetch(`${server.url}/api/explain-error`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ text: 'AADSTS70021 '.repeat(7000) }) });
    expect(over.status).toBe(413);
    expect(((await over.json()) as { error: { message: string } }).error.message).toMatch(/over 64 KiB/);
  });
});

describe('required group', () => {
  let entra: EntraSignInStub;
  let server: RunningServer;
  beforeAll(async () => {
    entra = await startEntraSignInStub(TENANT);
    server = await startServer(entraEnv(entra, { IDLENS_AUTH_REQUIRED_GROUP: 'a0a0a0a0-0000-4000-8000-00000000000a', IDLENS_AUTH_REQUIRED_ROLE: 'idlens.reader' }));
  });
  afterAll(async () => {
    await server?.stop();
    await entra?.close();
  });

  it('admits members with the app role only', async () => {
    const base = { oid: '00000000-0000-4000-8000-000000000c01', name: 'Carol', preferred_username: 'carol@contoso.example' };
    const outsider = await signInWithFetch(server.url, entra, { ...base, groups: ['ffffffff-0000-4000-8000-000000000000'], roles: ['idlens.reader'] });
    expect(outsider.cookie).toBeUndefined();
    expect(outsider.landedOn).toBe(`${server.url}/signin?error=missing-group`);
    const noRole = await signInWithFetch(server.url, entra, { ...base, groups: ['a0a0a0a0-0000-4000-8000-00000000000a'] });
    expect(noRole.landedOn).toBe(`${server.url}/signin?error=missing-role`);
    const member = await signInWithFetch(server.url, entra, { ...base, groups: ['a0a0a0a0-0000-4000-8000-00000000000a'], roles: ['idlens.reader'] });
    expect(member.cookie).toBeDefined();
    expect((await fetch(`${server.url}/api/auth/session`, { headers: { cookie: member.cookie! } })).status).toBe(200);
  });
});

describe('behind a trusted auth proxy', () => {
  let trusted: RunningServer;
  let untrusted: RunningServer;
  beforeAll(async () => {
    const env = (addresses: string) => ({ IDLENS_MODE: 'server', IDLENS_AUTH: 'proxy', IDLENS_AUTH_PROXY_ADDRESSES: addresses });
    [trusted, untrusted] = await Promise.all([startServer(env('127.0.0.1,::1')), startServer(env('10.20.0.0/16'))]);
  });
  afterAll(async () => {
    await Promise.all([trusted?.stop(), untrusted?.stop()]);
  });

  it('takes the user from the header when the connection comes from the proxy', async () => {
    const response = await fetch(`${trusted.url}/api/auth/session`, { headers: { 'x-auth-request-email': 'dana@contoso.example' } });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { user: { name: string } }).user.name).toBe('dana@contoso.example');
    expect((await fetch(`${trusted.url}/api/identity-map`)).status).toBe(401);
    // Two values of the header (Node joins them with ", ") name nobody.
    const twice = new Headers();
    twice.append('x-auth-request-email', 'admin@contoso.example');
    twice.append('x-auth-request-email', 'dana@contoso.example');
    expect((await fetch(`${trusted.url}/api/auth/session`, { headers: twice })).status).toBe(401);
  });

  it('ignores the header from anywhere else, whatever forwarding headers claim', async () => {
    for (const headers of [
      { 'x-auth-request-email': 'mallory@evil.example' } as Record<string, string>,
      { 'x-auth-request-email': 'mallory@evil.example', 'x-forwarded-for': '10.20.1.1', 'x-real-ip': '10.20.1.1' },
      { 'x-auth-request-email': 'mallory@evil.example', 'x-idlens-peer': 'guess 10.20.1.1' },
    ]) {
      const response = await fetch(`${untrusted.url}/api/identity-map`, { headers });
      expect(response.status, JSON.stringify(headers)).toBe(401);
    }
  });
});

describe('rate limits', () => {
  let server: RunningServer;
  let entra: EntraSignInStub;
  let signedIn: RunningServer;
  beforeAll(async () => {
    entra = await startEntraSignInStub(TENANT);
    [server, signedIn] = await Promise.all([
      startServer({ IDLENS_RATE_LIMIT_PER_MINUTE: '5' }),
      startServer(entraEnv(entra, { IDLENS_RATE_LIMIT_PER_MINUTE: '3' })),
    ]);
  });
  afterAll(async () => {
    await Promise.all([server?.stop(), signedIn?.stop()]);
    await entra?.close();
  });

  it('answers 429 with Retry-After once a client is over its budget', async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 6; i++) {
      const response = await fetch(`${server.url}/api/traces?limit=1`);
      statuses.push(response.status);
      if (response.status === 429) retryAfter = response.headers.get('retry-after');
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  });

  it('an anonymous flood locks out neither the health probe nor signed-in users', async () => {
    for (let i = 0; i < 10; i++) expect((await fetch(`${signedIn.url}/api/identity-map`)).status).toBe(401);
    for (let i = 0; i < 10; i++) expect((await fetch(`${signedIn.url}/api/health`)).status).toBe(200);
    const { cookie } = await signInWithFetch(signedIn.url, entra);
    expect(cookie).toBeDefined();
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await fetch(`${signedIn.url}/api/auth/session`, { headers: { cookie: cookie! } })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });
});

describe('signed-in users and the data sources', () => {
  let entra: EntraSignInStub;
  let kube: KubeStub;
  let server: RunningServer;
  beforeAll(async () => {
    entra = await startEntraSignInStub(TENANT);
    kube = await startKubeStub({
      serviceAccounts: [{ metadata: { name: 'checkout', namespace: 'shop', annotations: { 'azure.workload.identity/client-id': '11111111-0000-4000-8000-000000000001' } } }],
      pods: [],
      issuer: 'https://oidc.example/cluster/',
      jwks: { keys: [] },
    });
    const kubeconfig = join(mkdtempSync(join(tmpdir(), 'idlens-kube-')), 'config');
    writeFileSync(kubeconfig, kube.kubeconfig());
    server = await startServer(entraEnv(entra, { IDLENS_CLUSTER: 'kubeconfig', KUBECONFIG: kubeconfig }));
  });
  afterAll(async () => {
    await server?.stop();
    await Promise.all([entra?.close(), kube?.close()]);
  });

  it('reads Kubernetes with idlens’s own credential for every user, never with anything of theirs', async () => {
    const users = [
      { oid: '00000000-0000-4000-8000-00000000a11c', name: 'Alice', preferred_username: 'alice@contoso.example' },
      { oid: '00000000-0000-4000-8000-0000000000b0', name: 'Bob', preferred_username: 'bob@contoso.example' },
    ];
    const cookies: string[] = [];
    for (const user of users) {
      const { cookie } = await signInWithFetch(server.url, entra, user);
      cookies.push(cookie!);
      const map = await fetch(`${server.url}/api/identity-map?refresh=1`, { headers: { cookie: cookie! } });
      expect(map.status).toBe(200);
      expect(((await map.json()) as { nodes: Array<{ id: string }> }).nodes.map((n) => n.id)).toContain('sa:shop/checkout');
    }
    expect(kube.requests.length).toBeGreaterThanOrEqual(4);
    for (const request of kube.requests) {
      expect(request.headers.authorization).toBe('Bearer stub-token');
      const all = JSON.stringify(request.headers);
      for (const cookie of cookies) expect(all).not.toContain(cookie.split('=')[1]!.slice(0, 40));
      expect(all).not.toMatch(/stub-user-access-token|idlens-session/);
    }
    // Each sign-in redeemed its own code; no token of one user was ever refreshed or reused for another.
    const grants = entra.tokenRequests().map((form) => form.get('grant_type'));
    expect(grants).toEqual(['authorization_code', 'authorization_code']);
    expect(new Set(entra.tokenRequests().map((form) => form.get('code'))).size).toBe(2);
  });
});

describe('local mode', () => {
  it('listens on 127.0.0.1 only, whatever IDLENS_LISTEN_HOST says', async () => {
    const server = await startServer({ IDLENS_LISTEN_HOST: '0.0.0.0' });
    try {
      expect(server.output()).toMatch(/idlens listening on http:\/\/127\.0\.0\.1:\d+/);
      const port = new URL(server.url).port;
      const external = Object.values(networkInterfaces())
        .flat()
        .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
      // This machine has a non-loopback address; the same port there must refuse the connection.
      expect(external, 'a non-loopback IPv4 address to probe').toBeDefined();
      await expect(fetch(`http://${external}:${port}/api/health`)).rejects.toThrow();
      expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
      // DNS rebinding: a page of another site whose name now points at 127.0.0.1 gets nothing.
      const { request } = await import('node:http');
      const status = await new Promise<number>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: Number(port), path: '/api/identity-map', headers: { host: `rebind.evil.example:${port}` } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
      expect(status).toBe(421);
    } finally {
      await server.stop();
    }
  });
});
