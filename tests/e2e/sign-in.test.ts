import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactsDir, type Browser, launchChromium } from '../support/chromium';
import { type EntraSignInStub, entraServerEnv, startEntraSignInStub } from '../support/entra-signin-stub';
import { type RunningServer, startServer } from '../support/next-server';

// Server mode with sign-in through a loopback Entra ID (authorization code + PKCE), in Chromium,
// at log level `trace`: afterwards no token, cookie or Authorization value is in the server's log.

const TENANT = '72f988bf-0000-4000-8000-0000000000aa';
const SECRET = 'a-test-session-secret-that-is-long-enough-0123456789';

describe('sign-in with Entra ID in Chromium', () => {
  let entra: EntraSignInStub;
  let server: RunningServer;
  let browser: Browser;
  let dir: string;
  const tokenFile = () => join(dir, 'azure-identity-token');
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'idlens-signin-'));
    writeFileSync(tokenFile(), 'projected-sa-token-v1');
    entra = await startEntraSignInStub(TENANT);
    server = await startServer(entraServerEnv(entra, SECRET, { AZURE_FEDERATED_TOKEN_FILE: tokenFile(), IDLENS_LOG_LEVEL: 'trace' }));
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await entra?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends a visitor to sign-in, back to the page asked for, and keeps only an encrypted HttpOnly cookie', async () => {
    const page = await browser.context.newPage();
    await page.addInitScript(() => {
      const list: string[] = [];
      (window as unknown as { __csp: string[] }).__csp = list;
      document.addEventListener('securitypolicyviolation', (e) => list.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    const violations = () => page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);
    await page.goto(`${server.url}/map?kind=serviceAccount`);
    expect(new URL(page.url()).pathname).toBe('/signin');
    expect(new URL(page.url()).searchParams.get('returnTo')).toBe('/map?kind=serviceAccount');
    expect(await violations()).toEqual([]);
    await page.getByRole('link', { name: 'Sign in with Microsoft Entra ID' }).click();
    await page.waitForURL(`${server.url}/map?kind=serviceAccount`);
    expect(await page.getByTestId('signed-in-user').textContent()).toBe('Alice Admin');
    await page.locator('[data-testid="map-canvas"] canvas').first().waitFor({ timeout: 30_000 });
    expect(await violations()).toEqual([]);

    // The token request: authorization code with the PKCE verifier, the client proved by the
    // current content of the projected token file (workload identity).
    const [request] = entra.tokenRequests();
    expect(request!.get('grant_type')).toBe('authorization_code');
    expect(request!.get('code_verifier')).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
    expect(request!.get('client_assertion')).toBe('projected-sa-token-v1');
    expect(request!.get('client_assertion_type')).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    expect(request!.get('redirect_uri')).toBe(`${server.url}/api/auth/callback`);

    const cookies = await browser.context.cookies(server.url);
    const session = cookies.find((c) => c.name === '__Host-idlens-session');
    expect(session).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax', path: '/' });
    expect(session!.value.split('.')).toHaveLength(5); // JWE compact: encrypted, not a readable JWT
    expect(cookies.find((c) => c.name === '__Host-idlens-signin')).toBeUndefined();
    const storage = await page.evaluate(() => ({
      cookie: document.cookie,
      local: JSON.stringify({ ...localStorage }),
      session: JSON.stringify({ ...sessionStorage }),
    }));
    expect(storage.cookie).not.toContain('idlens-session');
    for (const value of Object.values(storage)) expect(value).not.toMatch(/eyJ|stub-user-access-token|id_token/);

    // Data answers with the session, and is never cached.
    const api = await page.evaluate(async () => {
      const r = await fetch('/api/identity-map');
      return { status: r.status, cacheControl: r.headers.get('cache-control') };
    });
    expect(api).toEqual({ status: 200, cacheControl: 'private, no-store' });
    await page.screenshot({ path: join(artifactsDir, 'signed-in-map.png') });
    await page.close();
  });

  it('re-reads the rotated token file at the next sign-in', async () => {
    writeFileSync(tokenFile(), 'projected-sa-token-v2');
    const context = await browser.context.browser()?.newContext();
    const page = context ? await context.newPage() : await browser.context.newPage();
    await browser.context.clearCookies();
    await page.goto(`${server.url}/tokens`);
    await page.getByRole('link', { name: 'Sign in with Microsoft Entra ID' }).click();
    await page.waitForURL(`${server.url}/tokens`);
    expect(entra.tokenRequests().at(-1)!.get('client_assertion')).toBe('projected-sa-token-v2');
    // Use the decoder and the verify API with a real token: neither may end up in the log.
    await page.getByRole('group', { name: 'Sample tokens' }).getByRole('button').first().click();
    await page.getByTestId('token-type').waitFor();
    const verified = await page.evaluate(async () => {
      const tokens = (await (await fetch('/api/sample/tokens')).json()) as { tokens: Array<{ token: string }> };
      const r = await fetch('/api/tokens/verify', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.tokens[0]!.token}` }, body: JSON.stringify({ token: tokens.tokens[0]!.token }) });
      return r.status;
    });
    expect(verified).toBe(200);
    await page.close();
  });

  it('keeps two users apart: each browser sees its own session', async () => {
    await browser.context.clearCookies();
    const alice = await browser.context.newPage();
    await alice.goto(`${server.url}/`);
    entra.signInAs({ oid: '00000000-0000-4000-8000-00000000a11c', name: 'Alice Admin', preferred_username: 'alice@contoso.example' });
    await alice.getByRole('link', { name: 'Sign in with Microsoft Entra ID' }).click();
    await alice.waitForURL(`${server.url}/`);
    const other = await launchChromium();
    try {
      entra.signInAs({ oid: '00000000-0000-4000-8000-0000000000b0', name: 'Bob Builder', preferred_username: 'bob@contoso.example' });
      const bob = await other.context.newPage();
      await bob.goto(`${server.url}/`);
      await bob.getByRole('link', { name: 'Sign in with Microsoft Entra ID' }).click();
      await bob.waitForURL(`${server.url}/`);
      expect(await bob.getByTestId('signed-in-user').textContent()).toBe('Bob Builder');
      await alice.reload();
      expect(await alice.getByTestId('signed-in-user').textContent()).toBe('Alice Admin');
      const who = async (p: typeof alice) => p.evaluate(async () => ((await (await fetch('/api/auth/session')).json()) as { user: { name: string } }).user.name);
      expect(await who(bob)).toBe('Bob Builder');
      expect(await who(alice)).toBe('Alice Admin');
    } finally {
      await other.close();
    }
    await alice.close();
  });

  it('signs out: the cookie is gone, Entra ID is told, pages need sign-in again', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${server.url}/`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/signin\?signed-out=1$/);
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('You are signed out');
    expect(entra.requests.some((r) => r.url.includes('/oauth2/v2.0/logout'))).toBe(true);
    expect((await browser.context.cookies(server.url)).find((c) => c.name === '__Host-idlens-session')).toBeUndefined();
    await page.goto(`${server.url}/traces`);
    expect(new URL(page.url()).pathname).toBe('/signin');
    await page.close();
  });

  it('refuses an account of another tenant, and an Entra ID error, with the reason on the sign-in page', async () => {
    await browser.context.clearCookies();
    const page = await browser.context.newPage();
    entra.signInAs({ oid: '00000000-0000-4000-8000-0000000000e1', name: 'Eve Outsider', preferred_username: 'eve@fabrikam.example', tid: '11111111-0000-4000-8000-000000000000' });
    await page.goto(`${server.url}/map`);
    await page.getByRole('link', { name: 'Sign in with Microsoft Entra ID' }).click();
    await page.waitForURL(/\/signin\?error=tenant-not-allowed/);
    expect(await page.locator('.callout-error[role=alert]').textContent()).toContain(`it admits tenant ${TENANT} only`);
    expect((await browser.context.cookies(server.url)).find((c) => c.name === '__Host-idlens-session')).toBeUndefined();

    entra.failNextAuthorize({ error: 'access_denied', description: 'AADSTS65004: User declined to consent to access the app.' });
    await page.getByRole('link', { name: 'Sign in with Microsoft Entra ID' }).click();
    await page.waitForURL(/\/signin\?error=entra-error/);
    expect(await page.locator('.callout-error[role=alert]').textContent()).toContain('AADSTS65004');
    await page.screenshot({ path: join(artifactsDir, 'signin-refused.png') });
    await page.close();
  });

  it('wrote structured JSON logs with request IDs, and no token, cookie or Authorization value in them', () => {
    const lines = server.output().split('\n').filter(Boolean);
    const records = lines.map((line) => {
      try {
        return JSON.parse(line) as { level?: string; requestId?: string; msg?: string };
      } catch {
        return undefined;
      }
    });
    // Every line is JSON (Next.js's own messages included).
    expect(lines.filter((_, i) => !records[i])).toEqual([]);
    expect(records.filter((r) => r?.msg === 'request' && r.requestId).length).toBeGreaterThan(20);
    expect(records.some((r) => r?.level === 'trace' || r?.level === 'debug')).toBe(true);
    const all = lines.join('\n');
    expect(all).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
    expect(all).not.toMatch(/Bearer\s+(?!\[REDACTED\])\S/);
    expect(all).not.toContain('projected-sa-token');
    expect(all).not.toContain('stub-user-access-token');
    expect(all).not.toContain(SECRET);
  });
});
