import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactsDir, type Browser, launchChromium } from '../support/chromium';
import { TokenPage } from '../support/pages/token-page';
import { type RunningServer, startServer } from '../support/next-server';
import { serverAndBrowser } from '../support/server-and-browser';

// The token page in Debian's Chromium against the real server and the built-in sample world.

describe('/tokens in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  let samples: Record<string, string>;

  beforeAll(async () => {
    mkdirSync(artifactsDir, { recursive: true });
    server = await startServer();
    browser = await launchChromium();
    const body = (await (await fetch(`${server.url}/api/sample/tokens`)).json()) as { tokens: Array<{ id: string; token: string }> };
    samples = Object.fromEntries(body.tokens.map((t) => [t.id, t.token]));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function openPage() {
    const page = await browser.context.newPage();
    const tokenPage = new TokenPage(page, server.url);
    await tokenPage.open();
    return tokenPage;
  }

  const signatureOf = (token: string) => token.split('.')[2]!;

  it('decodes and verifies each sample token, and no request carries it', async () => {
    const t = await openPage();
    const expectations: Array<[string, string, RegExp, string]> = [
      ['Kubernetes service account token', 'Kubernetes service account token', /^Signature verified/, 'cluster'],
      ['Entra ID access token (v1)', 'Entra ID access token (v1)', /^Signature verified/, 'entra-v1'],
      ['Entra ID access token (v2)', 'Entra ID access token (v2)', /^Signature verified/, 'entra-v2'],
      ['Expired service account token', 'Kubernetes service account token', /^Signature verified/, 'expired'],
      ['Tampered service account token', 'Kubernetes service account token', /^Signature not verified: /, 'tampered'],
    ];
    const seen: string[] = [];
    for (const [button, type, signature, id] of expectations) {
      await t.pickSample(button);
      await expect.poll(() => t.type().textContent()).toBe(type);
      await expect.poll(() => t.signature().textContent(), { timeout: 10_000 }).toMatch(signature);
      const token = await t.tokenBox().inputValue();
      seen.push(token);
      if (id === 'expired') {
        await expect.poll(() => t.page.getByTestId('token-validity').textContent()).toMatch(/^expired \d+ h ago$/);
        await expect.poll(() => t.page.locator('[data-warning="expired"]').textContent()).toContain('expired');
        // Its claims match a credential, but Entra refuses an expired assertion: never "would accept".
        await expect.poll(() => t.page.getByTestId('fic-time-refused').textContent()).toContain('AADSTS700024');
        expect(await t.page.getByTestId('fic-accepting').textContent()).not.toContain('Entra ID would accept this token');
      }
      if (id === 'cluster') {
        await expect.poll(() => t.page.getByTestId('fic-accepting').textContent()).toContain('Entra ID would accept this token');
      }
      if (id === 'tampered') {
        // Checked and failed: not the amber "UNVERIFIED" of a token nobody could check.
        await expect.poll(() => t.page.getByText('INVALID SIGNATURE', { exact: true }).isVisible()).toBe(true);
        expect(await t.page.getByText('UNVERIFIED', { exact: true }).count()).toBe(0);
        await expect.poll(() => t.page.getByText('The signature does not verify, so Entra ID would refuse this token').isVisible()).toBe(true);
        // Its claims match a credential, but no green "would accept" under a failed signature.
        await expect.poll(() => t.page.getByTestId('fic-signature-refused').textContent()).toContain('Entra ID refuses it');
        expect(await t.page.getByTestId('fic-accepting').textContent()).not.toContain('Entra ID would accept this token');
      } else {
        await expect.poll(() => t.page.getByText('UNVERIFIED', { exact: true }).count()).toBe(0);
      }
      await t.page.screenshot({ path: join(artifactsDir, `tokens-${id}.png`), fullPage: true });
    }
    for (const token of seen) {
      expect(t.requestsCarrying(signatureOf(token))).toEqual([]);
      expect(t.requestsCarrying(token.split('.')[1]!)).toEqual([]);
    }
    // Nothing is stored in the browser.
    const stored = await t.page.evaluate(() => [localStorage.length, sessionStorage.length, document.cookie]);
    expect(stored).toEqual([0, 0, '']);
    await t.page.close();
  });

  it('pasting works with a Bearer prefix and line breaks', async () => {
    const t = await openPage();
    const token = samples.cluster!;
    await t.paste(`Bearer ${token.slice(0, 40)}\n${token.slice(40)}\n`);
    await expect.poll(() => t.type().textContent()).toBe('Kubernetes service account token');
    await expect.poll(() => t.signature().textContent(), { timeout: 10_000 }).toMatch(/^Signature verified/);
    await t.page.close();
  });

  it('says an alg "none" token is not signed, and a header that is not JSON only once', async () => {
    const t = await openPage();
    const [, payload] = samples.cluster!.split('.');
    const b64 = (text: string) => Buffer.from(text).toString('base64url');
    await t.paste(`${b64('{"alg":"none","typ":"JWT"}')}.${payload}.`);
    await expect.poll(() => t.signature().textContent(), { timeout: 10_000 }).toMatch(/^Not signed \(alg "none"\)/);
    // A header cut inside its JSON: the decode problem names it; no "no alg" warning, no empty times table.
    await t.paste(`${b64('{"alg":"RS256",')}.${b64('{"sub":"x"}')}.c2ln`);
    await expect.poll(() => t.page.getByRole('alert').first().textContent()).toContain('header (part 1) decodes but is not JSON');
    expect(await t.page.locator('[data-warning="alg-missing"]').count()).toBe(0);
    expect(await t.page.locator('th', { hasText: /^Local$/ }).count()).toBe(0);
    await t.page.close();
  });

  it('shows a specific alert for garbage and a truncated token', async () => {
    const t = await openPage();
    await t.paste('hello world');
    await expect.poll(() => t.alert().textContent()).toMatch(/not a decodable JWT/);
    await t.page.screenshot({ path: join(artifactsDir, 'tokens-garbage.png'), fullPage: true });

    const parts = samples.cluster!.split('.');
    await t.paste(`${parts[0]}.${parts[1]!.slice(0, 30)}`);
    await expect.poll(() => t.alert().textContent()).toMatch(/2 parts/);
    await t.page.close();
  });

  it('a stale verification result never overwrites a newer token', async () => {
    const t = await openPage();
    // Type the tampered token, then immediately the valid one: the final state must be the valid one.
    await t.paste(samples.tampered!);
    await t.paste(samples.cluster!);
    await expect.poll(() => t.signature().textContent(), { timeout: 10_000 }).toMatch(/^Signature verified/);
    await new Promise((r) => setTimeout(r, 300));
    expect(await t.signature().textContent()).toMatch(/^Signature verified/);
    await t.page.close();
  });

  it('decodes a token from the URL fragment, then removes it from the address bar', async () => {
    const page = await browser.context.newPage();
    const t = new TokenPage(page, server.url);
    await t.open(`#access_token=${samples['entra-v2']}&token_type=Bearer`);
    await expect.poll(() => t.type().textContent()).toBe('Entra ID access token (v2)');
    expect(new URL(page.url()).hash).toBe('');
    expect(t.requestsCarrying(signatureOf(samples['entra-v2']!))).toEqual([]);
    await page.close();
  });

  it('verifies against a pasted JWKS and explains one without the token\'s kid', async () => {
    const t = await openPage();
    await t.paste(samples.cluster!);
    await expect.poll(() => t.signature().textContent(), { timeout: 10_000 }).toMatch(/^Signature verified/);
    await t.page.getByRole('button', { name: 'Paste a JWKS…' }).click();
    await t.page.getByLabel('JWKS (optional)').fill('{"keys":[{"kty":"RSA","kid":"other","n":"AQAB","e":"AQAB"}]}');
    await expect.poll(() => t.signature().textContent()).toMatch(/^Signature not verified: .*kid/);
    await t.page.getByLabel('JWKS (optional)').fill('this is not json');
    await expect.poll(() => t.signature().textContent()).toMatch(/^Signature not verified: The pasted JWKS cannot be used/);
    await t.page.close();
  });

  it('the overview shows each source and the dark theme follows the system', async () => {
    const dark = await launchChromium({ colorScheme: 'dark', viewport: { width: 820, height: 1000 } });
    try {
      const page = await dark.context.newPage();
      await page.goto(`${server.url}/`);
      await expect.poll(() => page.getByLabel('Cluster source').textContent()).toContain('healthy');
      const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      expect(background).toBe('rgb(15, 18, 22)');
      await page.screenshot({ path: join(artifactsDir, 'overview-dark-tablet.png'), fullPage: true });
      // Keyboard: the first Tab reaches the skip link, then the navigation.
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    } finally {
      await dark.close();
    }
  });
});

describe('/tokens explains why no federated credential accepts a token', () => {
  const env = serverAndBrowser();

  it('shows the nearest credential with the differing field marked (the AADSTS70021 question)', async () => {
    const body = (await (await fetch(`${env.server.url}/api/sample/tokens`)).json()) as { tokens: Array<{ id: string; token: string }> };
    const sample = body.tokens.find((t) => t.id === 'cluster')!.token;
    const claims = JSON.parse(Buffer.from(sample.split('.')[1]!, 'base64url').toString());
    // Same issuer and audience as the sample cluster token, a namespace that no FIC names.
    const { privateKey } = await generateKeyPair('RS256');
    const token = await new SignJWT({ ...claims, sub: 'system:serviceaccount:shop-staging:checkout' })
      .setProtectedHeader({ alg: 'RS256', kid: 'test' })
      .sign(privateKey);
    const page = await env.browser.context.newPage();
    const t = new TokenPage(page, env.server.url);
    await t.open();
    await t.paste(token);
    await expect.poll(() => page.getByTestId('fic-none').textContent()).toContain('AADSTS70021');
    const subjectRow = page.locator('[data-testid="fic-none"] tr[data-field="subject"]');
    await expect.poll(() => subjectRow.textContent()).toContain('system:serviceaccount:shop-staging:checkout');
    // The nearest credential serves another service account: never advised to be rewritten.
    expect(await subjectRow.textContent()).toContain('do not rewrite it');
    expect(await page.locator('[data-testid="fic-none"] tr[data-field="issuer"]').count()).toBe(0);
    await page.screenshot({ path: join(artifactsDir, 'tokens-nearest-fic.png'), fullPage: true });
    expect(t.requestsCarrying(token.split('.')[2]!)).toEqual([]);
    await page.close();
  });

  it('names one nearest credential: the table shows the one the advice below names, where they are equally near', async () => {
    const body = (await (await fetch(`${env.server.url}/api/sample/tokens`)).json()) as { tokens: Array<{ id: string; token: string }> };
    const claims = JSON.parse(Buffer.from(body.tokens.find((t) => t.id === 'cluster')!.token.split('.')[1]!, 'base64url').toString());
    // An issuer no cluster has: id-checkout's two credentials for shop/checkout each differ only in issuer.
    const { privateKey } = await generateKeyPair('RS256');
    const token = await new SignJWT({ ...claims, iss: 'https://oidc.sample.example/', sub: 'system:serviceaccount:shop:checkout' }).setProtectedHeader({ alg: 'RS256', kid: 'test' }).sign(privateKey);
    const page = await env.browser.context.newPage();
    const t = new TokenPage(page, env.server.url);
    await t.open();
    await t.paste(token);
    const advice = page.getByTestId('token-fix-advice');
    await expect.poll(() => advice.getByTestId('token-fix-verdict').textContent()).not.toBe('');
    const summary = (await advice.locator('p').filter({ has: page.getByTestId('token-fix-verdict') }).textContent()) ?? '';
    const named = /the nearest, (\S+) of /.exec(summary)?.[1];
    expect(named).toBeDefined();
    await expect.poll(() => page.getByTestId('fic-nearest').locator('strong').textContent()).toBe(named!);
    // No credential has this issuer: Entra answers AADSTS700211, as "Why it differs" says too.
    expect(await page.getByTestId('fic-none-code').textContent()).toContain('AADSTS700211');
    await page.close();
  });

  it("says what to do from the map: the credential to create on the identity the token's service account names", async () => {
    const body = (await (await fetch(`${env.server.url}/api/sample/tokens`)).json()) as { tokens: Array<{ id: string; token: string }> };
    const claims = JSON.parse(Buffer.from(body.tokens.find((t) => t.id === 'cluster')!.token.split('.')[1]!, 'base64url').toString());
    // shop/cart is annotated with id-cart, whose only credential is for GitHub Actions.
    const { privateKey } = await generateKeyPair('RS256');
    const token = await new SignJWT({ ...claims, sub: 'system:serviceaccount:shop:cart' }).setProtectedHeader({ alg: 'RS256', kid: 'test' }).sign(privateKey);
    const page = await env.browser.context.newPage();
    const t = new TokenPage(page, env.server.url);
    await t.open();
    await t.paste(token);
    const advice = page.getByTestId('token-fix-advice');
    await expect.poll(() => advice.getByTestId('token-fix-verdict').textContent()).toBe('No federated credential exists for this service account.');
    const commands = await advice.locator('pre').allTextContents();
    expect(commands.some((c) => c.includes('az identity federated-credential create') && c.includes('--identity-name id-cart') && c.includes(`--issuer ${claims.iss}`) && c.includes('--subject system:serviceaccount:shop:cart'))).toBe(true);
    expect(await advice.getByRole('link', { name: 'shop/cart' }).getAttribute('href')).toBe(`/map?focus=${encodeURIComponent('sa:sample:shop/cart')}`);
    // Only the claims went to the server: no request carries the token's payload or signature.
    expect(t.requestsCarrying(token.split('.')[1]!)).toEqual([]);
    expect(t.requestsCarrying(token.split('.')[2]!)).toEqual([]);
    await page.screenshot({ path: join(artifactsDir, 'tokens-fix-advice.png'), fullPage: true });
    // The same analysis, with every candidate, on /explain.
    await advice.getByRole('link', { name: 'All candidate credentials in Explain an error' }).click();
    await page.waitForURL(/\/explain$/);
    await expect.poll(() => page.getByTestId('verdict').textContent()).toBe('No federated credential exists for this service account');
    expect(await page.locator('textarea').inputValue()).toContain("Assertion Subject: 'system:serviceaccount:shop:cart'");

    // An SA annotated with a client ID no identity has: AADSTS700016 comes first, the fix is the annotation.
    const sign = (claims: Record<string, unknown>) => new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'test' }).sign(privateKey);
    await t.open();
    await t.paste(await sign({ ...claims, sub: 'system:serviceaccount:catalog:price-feed' }));
    await expect.poll(() => advice.getByTestId('token-fix-verdict').textContent()).toBe('The client ID names no application in the tenant.');
    expect((await advice.locator('pre').allTextContents()).join('\n')).toMatch(/^kubectl --context sample annotate serviceaccount -n catalog price-feed azure\.workload\.identity\/client-id="\$CLIENT_ID" --overwrite/);

    // The wrong token (the API server's audience): read the right one; never a command that changes a credential's audience.
    await t.open();
    await t.paste(await sign({ ...claims, aud: ['https://kubernetes.default.svc'] }));
    await expect.poll(() => advice.getByTestId('token-fix-verdict').textContent()).toBe('The audience differs.');
    expect((await advice.locator('pre').allTextContents()).join('\n')).not.toContain('federated-credential');

    // Expired as well as unmatched: the advice says the token itself is refused too.
    await t.open();
    await t.paste(await sign({ ...claims, sub: 'system:serviceaccount:shop:cart', iat: claims.iat - 7200, nbf: claims.nbf - 7200, exp: claims.iat - 3600 }));
    await expect.poll(() => page.getByTestId('fic-none-time').textContent()).toMatch(/^The token also .*Entra ID refuses this one with AADSTS700024/);
    await page.close();
  });
});

describe('/tokens without the sample cluster', () => {
  // A cluster source that fails (no kubeconfig there): not the sample world, the page still works.
  const env = serverAndBrowser({ IDLENS_CLUSTER: 'kubeconfig', KUBECONFIG: '/nonexistent/idlens-kubeconfig' });

  it('offers no sample tokens (and asks for none), and says how to get a real token instead', async () => {
    const page = await env.browser.context.newPage();
    const asked: string[] = [];
    const consoleErrors: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/sample/tokens')) asked.push(r.url());
    });
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    const t = new TokenPage(page, env.server.url);
    await t.open();
    await expect.poll(() => page.locator('.callout-info').first().textContent()).toContain('kubectl create token <service-account> -n <namespace> --audience api://AzureADTokenExchange');
    expect(await page.locator('.callout-info').first().textContent()).not.toContain('pick a sample');
    expect(await page.getByRole('group', { name: 'Sample tokens' }).count()).toBe(0);
    expect(asked).toEqual([]);
    expect(consoleErrors).toEqual([]);
    await page.close();
  });
});
