import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { SAMPLE_ISSUER } from '@/lib/sample/world';
import { artifactsDir } from '../support/chromium';
import { serverAndBrowser } from '../support/server-and-browser';

/** The /explain page as a user drives it: paste, explain, read the verdict, the candidates and the fix. */
class ExplainPage {
  constructor(readonly page: Page) {}

  async explain(text: string) {
    await this.page.getByLabel('Error text').fill(text);
    await this.page.getByRole('button', { name: 'Explain' }).click();
  }

  verdict() {
    return this.page.getByTestId('verdict').textContent();
  }

  /** Credential names of the candidate table, nearest first. */
  async candidateNames() {
    const names = await this.page.locator('tr[data-candidate]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-candidate')));
    return [...new Set(names.filter((n): n is string => n !== null))];
  }

  candidateRow(name: string) {
    return this.page.locator(`tr[data-candidate="${name}"]`).first();
  }

  fixCommands() {
    return this.page.locator('pre').allTextContents();
  }
}

describe('/explain in Chromium', () => {
  const env = serverAndBrowser();

  it("explains the sample world's AADSTS70021: the FIC issuer lacks the trailing slash", async () => {
    const page = await env.browser.context.newPage();
    await page.goto(`${env.server.url}/explain`);
    await page.getByRole('button', { name: "Try the sample world's error" }).click();
    await expect.poll(() => page.getByTestId('verdict').textContent()).toBe('The issuer differs by a trailing "/"');
    await expect.poll(() => page.getByText('AADSTS70021', { exact: true }).count()).toBeGreaterThan(0);
    const link = page.getByRole('link', { name: 'shop/checkout-canary' });
    expect(await link.getAttribute('href')).toBe(`/map?focus=${encodeURIComponent('sa:sample:shop/checkout-canary')}`);
    expect(await page.locator('tr[data-field="issuer"]').count()).toBeGreaterThan(0);
    expect(await page.locator('pre', { hasText: 'az identity federated-credential' }).count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(artifactsDir, 'explain-sample.png'), fullPage: true });
    await page.close();
  });

  it('never claims a match when the error quotes only the issuer (AADSTS700211)', async () => {
    const page = await env.browser.context.newPage();
    const explain = new ExplainPage(page);
    await page.goto(`${env.server.url}/explain`);
    await explain.explain(
      `AADSTS700211: No matching federated identity record found for presented assertion issuer '${SAMPLE_ISSUER}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion.`,
    );
    await expect.poll(() => explain.verdict()).toBe('The error does not quote the whole assertion');
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).not.toMatch(/matches the assertion exactly|may still be propagating|matches every/);
    expect(text).toContain('names no subject and no audience');
    expect(text).toContain('the issuer of cluster sample');
    expect(await page.locator('tr[data-presented="subject"]').textContent()).toContain('not quoted in the message');
    const names = await explain.candidateNames();
    expect(names.length).toBeGreaterThan(1);
    for (const name of names) expect(await explain.candidateRow(name).textContent()).toContain('subject and audience not quoted, so not compared');
    expect(await page.locator('#main').getByRole('link', { name: 'Tokens' }).getAttribute('href')).toBe('/tokens');
    await page.screenshot({ path: join(artifactsDir, 'explain-issuer-only.png'), fullPage: true });
    await page.close();
  });

  it('ranks shop/checkout nearest to an unknown shop/checkout-v2 and leaves the identity to the user', async () => {
    const page = await env.browser.context.newPage();
    const explain = new ExplainPage(page);
    await page.goto(`${env.server.url}/explain`);
    await explain.explain(
      `AADSTS70021: No matching federated identity record found for presented assertion. Assertion Issuer: '${SAMPLE_ISSUER}'. ` +
        `Assertion Subject: 'system:serviceaccount:shop:checkout-v2'. Assertion Audience: 'api://AzureADTokenExchange'.`,
    );
    await expect.poll(() => explain.verdict()).toBe('The service account name differs');
    expect((await explain.candidateNames())[0]).toBe('aks-sample-shop-checkout');
    expect(await page.locator('main').textContent()).toContain('which idlens does not see in any known cluster');
    const commands = (await explain.fixCommands()).join('\n');
    expect(commands).toContain('az identity federated-credential create --name shop-checkout-v2 --identity-name "$IDENTITY_NAME"');
    expect(commands).not.toContain('id-recommendations');
    await page.screenshot({ path: join(artifactsDir, 'explain-unknown-sa.png'), fullPage: true });
    await page.close();
  });

  it('words the 64 KiB limit for a person, without calling the API', async () => {
    const page = await env.browser.context.newPage();
    const explain = new ExplainPage(page);
    await page.goto(`${env.server.url}/explain`);
    await explain.explain(`AADSTS70021 ${'x'.repeat(70 * 1024)}`);
    await expect.poll(() => page.locator('p[role="alert"]').textContent()).toMatch(/^The pasted text is 70\.\d KiB; paste at most 64 KiB — the line with the AADSTS error is enough\.$/);
    await page.close();
  });

  it('says plainly when the text holds no AADSTS error', async () => {
    const page = await env.browser.context.newPage();
    await page.goto(`${env.server.url}/explain`);
    await page.getByLabel('Error text').fill('connection reset by peer');
    await page.getByRole('button', { name: 'Explain' }).click();
    await expect.poll(() => page.getByTestId('verdict').textContent()).toBe('No AADSTS error found in the text');
    await page.close();
  });
});
