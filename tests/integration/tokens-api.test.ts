import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../support/next-server';
import { sendJson, startStubServer, type StubServer } from '../support/stub-server';

interface SampleToken { id: string; token: string }

const OTHER_TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';

describe('token routes against the real server', () => {
  let server: RunningServer;
  let entra: StubServer;
  let tokens: Record<string, string>;
  let entraKey: CryptoKey;
  let entraJwk: Record<string, unknown>;

  beforeAll(async () => {
    // A loopback Entra ID speaking the discovery keys endpoint for another tenant.
    const pair = await generateKeyPair('RS256', { extractable: true });
    entraKey = pair.privateKey;
    entraJwk = { ...(await exportJWK(pair.publicKey)), kid: 'entra-stub-1', use: 'sig', alg: 'RS256' };
    entra = await startStubServer((req, res) => {
      if (req.url === `/${OTHER_TENANT}/discovery/v2.0/keys`) return sendJson(res, 200, { keys: [entraJwk] });
      sendJson(res, 400, { error: 'invalid_tenant', error_description: 'AADSTS90002: Tenant not found.' });
    });
    server = await startServer({ AZURE_AUTHORITY_HOST: `${entra.url}/` });
    const body = (await (await fetch(`${server.url}/api/sample/tokens`)).json()) as { tokens: SampleToken[] };
    tokens = Object.fromEntries(body.tokens.map((t) => [t.id, t.token]));
  });
  afterAll(async () => {
    await server.stop();
    await entra.close();
  });

  const verify = (body: unknown, init: RequestInit = {}) =>
    fetch(`${server.url}/api/tokens/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), ...init });

  it('mints the five sample tokens', () => {
    expect(Object.keys(tokens).sort()).toEqual(['cluster', 'entra-v1', 'entra-v2', 'expired', 'tampered']);
  });

  it('verifies a fresh sample cluster token against the cluster JWKS', async () => {
    const result = await (await verify({ token: tokens.cluster })).json();
    expect(result.valid).toBe(true);
    expect(result.type).toBe('Kubernetes service account token');
    expect(result.issuer).toMatch(/^https:\/\/westeurope\.oic\.prod-aks\.azure\.com\//);
    expect(result.kid).toBeTruthy();
    expect(result.checks.find((c: { name: string }) => c.name === 'signature').ok).toBe(true);
  });

  it('verifies the sample Entra v1 and v2 access tokens', async () => {
    const v1 = await (await verify({ token: tokens['entra-v1'] })).json();
    expect(v1).toMatchObject({ valid: true, type: 'Entra ID access token (v1)' });
    const v2 = await (await verify({ token: tokens['entra-v2'] })).json();
    expect(v2).toMatchObject({ valid: true, type: 'Entra ID access token (v2)' });
  });

  it('rejects the tampered token on its signature and the expired one on its expiry', async () => {
    const tampered = await (await verify({ token: tokens.tampered })).json();
    expect(tampered.valid).toBe(false);
    expect(tampered.checks.find((c: { name: string }) => c.name === 'signature').ok).toBe(false);
    const expired = await (await verify({ token: tokens.expired })).json();
    expect(expired.valid).toBe(false);
    expect(expired.checks.find((c: { name: string }) => c.name === 'signature').ok).toBe(true);
    expect(expired.checks.find((c: { name: string }) => c.name === 'expiry').ok).toBe(false);
  });

  it('verifies against a JWKS passed in the body', async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: 'mine' };
    const token = await new SignJWT({ sub: 'x' }).setProtectedHeader({ alg: 'RS256', kid: 'mine' }).setIssuer('https://example.test/').setIssuedAt().setExpirationTime('1h').sign(privateKey);
    expect((await (await verify({ token, jwks: { keys: [jwk] } })).json()).valid).toBe(true);
    // Without keys the issuer is unknown: the signature is reported unchecked, not valid.
    const unknown = await (await verify({ token })).json();
    expect(unknown.valid).toBe(false);
  });

  it('fetches Entra ID keys of another tenant from the authority host', async () => {
    const token = await new SignJWT({ ver: '2.0', azp: 'c', roles: ['r'], tid: OTHER_TENANT })
      .setProtectedHeader({ alg: 'RS256', kid: 'entra-stub-1', typ: 'JWT' })
      .setIssuer(`https://login.microsoftonline.com/${OTHER_TENANT}/v2.0`)
      .setAudience('api://x')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(entraKey);
    const result = await (await verify({ token })).json();
    expect(result).toMatchObject({ valid: true, type: 'Entra ID access token (v2)' });
    expect(entra.requests.some((r) => r.url === `/${OTHER_TENANT}/discovery/v2.0/keys`)).toBe(true);
  });

  it('a tenant Entra ID does not know is a 404 with an explanation, and verification says why', async () => {
    const unknownTenant = '0b0b0b0b-0000-4000-8000-000000000000';
    const response = await fetch(`${server.url}/api/jwks?issuer=${encodeURIComponent(`https://login.microsoftonline.com/${unknownTenant}/v2.0`)}`);
    expect(response.status).toBe(404);
    expect((await response.json()).error.message).toContain(`Entra ID knows no tenant ${unknownTenant}`);
  });

  it('refuses bodies over 64 KiB with 413', async () => {
    const response = await verify({ token: 'a'.repeat(70 * 1024) });
    expect(response.status).toBe(413);
    expect((await response.json()).error.code).toBe('payload-too-large');
  });

  it('answers bad bodies with a specific 400', async () => {
    const notJson = await fetch(`${server.url}/api/tokens/verify`, { method: 'POST', body: '{oops' });
    expect(notJson.status).toBe(400);
    expect((await notJson.json()).error.message).toContain('not JSON');
    const noToken = await verify({ jwks: { keys: [] } });
    expect(noToken.status).toBe(400);
    expect((await noToken.json()).error.message).toContain('token');
  });

  it('explains garbage instead of failing', async () => {
    const response = await verify({ token: 'definitely not a jwt' });
    expect(response.status).toBe(200);
    const result = await response.json();
    expect(result.valid).toBe(false);
    expect(result.type).toBe('Unknown JWT');
    expect(result.checks[0]).toMatchObject({ name: 'format', ok: false });
  });

  it('never echoes the token in an error', async () => {
    const response = await verify({ token: tokens.cluster, jwks: 'nope' });
    const text = await response.text();
    expect(response.status).toBe(400);
    expect(text).not.toContain(tokens.cluster!.split('.')[2]);
  });
});

describe('GET /api/jwks', () => {
  let server: RunningServer;
  let listener: StubServer;
  let brokenEntra: StubServer;
  beforeAll(async () => {
    // Counts any request made to an issuer-controlled address: there must be none.
    listener = await startStubServer((_req, res) => sendJson(res, 200, { keys: [] }));
    // An "Entra ID" whose answer is not a JWKS.
    brokenEntra = await startStubServer((_req, res) => sendJson(res, 200, { hello: 'world' }));
    server = await startServer({ AZURE_AUTHORITY_HOST: `${brokenEntra.url}/` });
  });
  afterAll(async () => {
    await server.stop();
    await listener.close();
    await brokenEntra.close();
  });

  it('serves the sample cluster and sample Entra tenant keys without private members', async () => {
    const tokens = (await (await fetch(`${server.url}/api/sample/tokens`)).json()).tokens as SampleToken[];
    for (const t of tokens.filter((t) => t.id !== 'tampered')) {
      const iss = JSON.parse(Buffer.from(t.token.split('.')[1]!, 'base64url').toString()).iss as string;
      const response = await fetch(`${server.url}/api/jwks?issuer=${encodeURIComponent(iss)}`);
      expect(response.status, iss).toBe(200);
      const { jwks } = await response.json();
      expect(jwks.keys.length).toBeGreaterThan(0);
      for (const key of jwks.keys) for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(key).not.toHaveProperty(secret);
    }
  });

  it('refuses an unknown issuer with an explanation and makes no outbound request', async () => {
    for (const issuer of [`${listener.url}/`, 'http://169.254.169.254/metadata/', 'https://evil.example/']) {
      const response = await fetch(`${server.url}/api/jwks?issuer=${encodeURIComponent(issuer)}`);
      expect(response.status).toBe(404);
      const body = await response.json();
      expect(body.error.code).toBe('unknown-issuer');
      expect(body.error.message).toContain('never fetches keys from arbitrary URLs');
    }
    expect(listener.requests).toHaveLength(0);
  });

  it('explains the in-cluster default issuer', async () => {
    const response = await fetch(`${server.url}/api/jwks?issuer=${encodeURIComponent('https://kubernetes.default.svc.cluster.local')}`);
    expect(response.status).toBe(404);
    expect((await response.json()).error.message).toContain('OIDC issuer is not enabled');
  });

  it('asks for the issuer when it is missing', async () => {
    const response = await fetch(`${server.url}/api/jwks`);
    expect(response.status).toBe(400);
    expect((await response.json()).error.message).toContain('?issuer=');
  });

  it('reports an Entra ID answer that is not a JWKS as a 502 naming the URL', async () => {
    const response = await fetch(`${server.url}/api/jwks?issuer=${encodeURIComponent(`https://login.microsoftonline.com/${OTHER_TENANT}/v2.0`)}`);
    expect(response.status).toBe(502);
    const body = await response.json();
    expect(body.error.code).toMatch(/:azure$/);
    expect(body.error.message).toContain(`${OTHER_TENANT}/discovery/v2.0/keys`);
  });
});
