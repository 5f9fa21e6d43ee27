import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { artifactsDir } from '../support/chromium';
import { serverAndBrowser } from '../support/server-and-browser';

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

  it('says plainly when the text holds no AADSTS error', async () => {
    const page = await env.browser.context.newPage();
    await page.goto(`${env.server.url}/explain`);
    await page.getByLabel('Error text').fill('connection reset by peer');
    await page.getByRole('button', { name: 'Explain' }).click();
    await expect.poll(() => page.getByTestId('verdict').textContent()).toBe('No AADSTS error found in the text');
    await page.close();
  });
});
