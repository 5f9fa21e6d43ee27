import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SAMPLE_ISSUER } from '@/lib/sample/world';
import { artifactsDir } from '../support/chromium';
import { ExplainPage } from '../support/pages/explain-page';
import { serverAndBrowser } from '../support/server-and-browser';

describe('/explain in Chromium', () => {
  const env = serverAndBrowser();

  /** A fresh tab on /explain, ready for a paste. */
  async function openExplain(): Promise<ExplainPage> {
    const explain = new ExplainPage(await env.browser.context.newPage(), env.server.url);
    await explain.open();
    return explain;
  }

  it("explains the sample world's AADSTS70021: the FIC issuer lacks the trailing slash", async () => {
    const explain = await openExplain();
    const { page } = explain;
    await explain.trySample();
    await expect.poll(() => explain.verdict()).toBe('The issuer differs by a trailing "/"');
    await expect.poll(() => page.getByText('AADSTS70021', { exact: true }).count()).toBeGreaterThan(0);
    const links = page.getByRole('link', { name: 'shop/checkout-canary' });
    // The service account the error names, and the one the credential was meant for (its issuer lacks the '/', so it trusts none).
    expect(await links.evaluateAll((all) => all.map((a) => a.getAttribute('href')))).toEqual(Array(2).fill(`/map?focus=${encodeURIComponent('sa:sample:shop/checkout-canary')}`));
    const candidates = page.getByRole('region', { name: 'Candidate federated credentials' });
    await expect.poll(() => candidates.innerText()).toMatch(/meant for shop\/checkout-canary in cluster sample, but its issuer is not written exactly as that cluster’s/);
    expect(await page.locator('tr[data-field="issuer"]').count()).toBeGreaterThan(0);
    expect(await page.locator('pre', { hasText: 'az identity federated-credential' }).count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(artifactsDir, 'explain-sample.png'), fullPage: true });
    await page.close();
  });

  it('never claims a match when the error quotes only the issuer (AADSTS700211)', async () => {
    const explain = await openExplain();
    const { page } = explain;
    await explain.explain(
      `AADSTS700211: No matching federated identity record found for presented assertion issuer '${SAMPLE_ISSUER}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion.`,
    );
    // The identities holding a credential with exactly this issuer were not the one used: the
    // canary's, whose only credential lacks the trailing '/', is.
    await expect.poll(() => explain.verdict()).toBe('The issuer differs by a trailing "/"');
    const text = await explain.text();
    expect(text).not.toMatch(/matches the assertion exactly|may still be propagating|matches every/);
    expect(text).toContain('names no subject and no audience');
    expect(text).toContain('the issuer of cluster sample');
    expect(text).toContain('were not it');
    expect(await explain.presentedRow('subject').textContent()).toContain('not quoted in the message');
    const names = await explain.candidateNames();
    expect(names[0]).toBe('aks-sample-shop-checkout-canary');
    expect(names.length).toBeGreaterThan(1);
    for (const name of names) expect(await explain.candidateRow(name).textContent()).toContain('subject and audience not quoted, so not compared');
    expect(await explain.candidateRow(names[0]!).textContent()).not.toContain('ruled out');
    for (const name of names.slice(1)) expect(await explain.candidateRow(name).textContent()).toContain('ruled out');
    expect(await explain.fixCommands()).toContainEqual(expect.stringContaining('az identity federated-credential update --name aks-sample-shop-checkout-canary'));
    await page.screenshot({ path: join(artifactsDir, 'explain-issuer-only.png'), fullPage: true });
    // Only the nearest are listed: the rest are one link away, on the map (its search matches issuers).
    const all = page.getByRole('link', { name: 'All credentials of this issuer on the map' });
    expect(await all.getAttribute('href')).toBe(`/map?q=${SAMPLE_ISSUER.replace(/\/$/, '')}&kind=federatedCredential`);
    await all.click();
    await expect.poll(() => page.locator('.map-table').textContent(), { timeout: 15_000 }).toContain('aks-sample-shop-checkout-canary');
    expect(await page.locator('.map-table').textContent()).toContain('aks-sample-shop-checkout');
    await page.close();
  });

  it('points an AADSTS700212 quoting the expected audience at the credential that lacks it', async () => {
    const explain = await openExplain();
    await explain.explain("AADSTS700212: No matching federated identity record found for presented assertion audience 'api://AzureADTokenExchange'. Trace ID: abc Correlation ID: def");
    await expect.poll(() => explain.verdict()).toBe('The audience differs');
    const text = await explain.text();
    expect(text).toContain('the pod presented the right kind of token');
    expect(text).not.toContain('for this service account');
    expect(await explain.candidateNames()).toEqual(['aks-sample-catalog-catalog-sync']);
    expect(await explain.fixCommands()).toContainEqual(expect.stringMatching(/^az identity federated-credential update --name aks-sample-catalog-catalog-sync .*--audiences api:\/\/AzureADTokenExchange$/));
    await explain.page.close();
  });

  it('says an issuer taken from the service account\'s cluster is not quoted (AADSTS700213), and reads the token where the pod mounts it', async () => {
    const explain = await openExplain();
    await explain.explain(
      `AADSTS700213: No matching federated identity record found for presented assertion subject 'system:serviceaccount:payments:payments-api'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion.`,
    );
    await expect.poll(() => explain.verdict()).toBe('The error does not quote the whole assertion');
    const text = await explain.text();
    expect(text).not.toContain('quoted issuer');
    expect(await explain.presentedRow('issuer').textContent()).toContain('the issuer of cluster sample (not quoted)');
    expect(await explain.candidateRow('aks-sample-payments-payments-api').textContent()).toContain(
      'matches the quoted subject and the issuer of cluster sample (not quoted); audience not quoted, so not compared',
    );
    const commands = await explain.fixCommands();
    expect(commands).toContainEqual(expect.stringMatching(/^kubectl --context sample exec -n payments payments-api-\S+ -- cat \/var\/run\/secrets\/azure\//));
    expect(commands).toContain('kubectl --context sample create token payments-api -n payments --audience api://AzureADTokenExchange');
    await explain.page.close();
  });

  it('ranks shop/checkout nearest to an unknown shop/checkout-v2 and leaves the identity to the user', async () => {
    const explain = await openExplain();
    const { page } = explain;
    await explain.explain(
      `AADSTS70021: No matching federated identity record found for presented assertion. Assertion Issuer: '${SAMPLE_ISSUER}'. ` +
        `Assertion Subject: 'system:serviceaccount:shop:checkout-v2'. Assertion Audience: 'api://AzureADTokenExchange'.`,
    );
    await expect.poll(() => explain.verdict()).toBe('The service account name differs');
    expect((await explain.candidateNames())[0]).toBe('aks-sample-shop-checkout');
    expect(await explain.text()).toContain('which idlens does not see in any known cluster');
    const commands = (await explain.fixCommands()).join('\n');
    expect(commands).toContain('az identity federated-credential create --name shop-checkout-v2 --identity-name "$IDENTITY_NAME"');
    expect(commands).not.toContain('id-recommendations');
    await page.screenshot({ path: join(artifactsDir, 'explain-unknown-sa.png'), fullPage: true });
    await page.close();
  });

  it('words the 64 KiB limit for a person, without calling the API', async () => {
    const explain = await openExplain();
    await explain.explain(`AADSTS70021 ${'x'.repeat(70 * 1024)}`);
    await expect.poll(() => explain.alert().textContent()).toMatch(/^The pasted text is 70\.\d KiB; paste at most 64 KiB — the line with the AADSTS error is enough\.$/);
    await explain.page.close();
  });

  it('says plainly when the text holds no AADSTS error', async () => {
    const explain = await openExplain();
    await explain.explain('connection reset by peer');
    await expect.poll(() => explain.verdict()).toBe('No AADSTS error found in the text');
    await explain.page.close();
  });

  it('fits a phone-width viewport: no horizontal page scroll, long values wrap', async () => {
    const explain = await openExplain();
    const { page } = explain;
    await page.setViewportSize({ width: 390, height: 844 });
    await explain.trySample();
    await expect.poll(() => explain.verdict()).toBe('The issuer differs by a trailing "/"');
    expect(await page.locator('tr[data-field="issuer"]').count()).toBeGreaterThan(0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    // The candidate table scrolls in its own named, keyboard-reachable box instead.
    const candidates = page.getByRole('region', { name: 'Candidate federated credentials' });
    expect(await candidates.getAttribute('tabindex')).toBe('0');
    expect(await candidates.evaluate((box) => box.scrollWidth > box.clientWidth && getComputedStyle(box).overflowX === 'auto')).toBe(true);
    await page.screenshot({ path: join(artifactsDir, 'explain-phone.png'), fullPage: true });
    await page.close();
  });

  it('keeps the text and the result for Back from a candidate link, in this tab only, until Clear', async () => {
    const explain = await openExplain();
    const { page } = explain;
    await explain.trySample();
    await expect.poll(() => explain.verdict()).toBe('The issuer differs by a trailing "/"');
    const text = await explain.errorText().inputValue();
    await page.getByRole('link', { name: 'shop/checkout-canary' }).first().click();
    await page.waitForURL(/\/map\?focus=/);
    await page.goBack();
    await page.waitForURL(/\/explain$/);
    await expect.poll(() => explain.errorText().inputValue()).toBe(text);
    await expect.poll(() => explain.verdict()).toBe('The issuer differs by a trailing "/"');
    // Kept in the tab's session only: nothing in localStorage or cookies holds it.
    expect(await page.evaluate(() => JSON.stringify(Object.values(localStorage)))).not.toContain('AADSTS70021');
    expect(JSON.stringify(await page.context().cookies())).not.toContain('AADSTS70021');

    await explain.clear();
    expect(await explain.errorText().inputValue()).toBe('');
    expect(await page.getByTestId('verdict').count()).toBe(0);
    await page.reload();
    await explain.errorText().waitFor();
    // Give a restore (were there one) the chance to happen before checking it did not.
    await page.waitForTimeout(300);
    expect(await explain.errorText().inputValue()).toBe('');
    expect(await page.getByTestId('verdict').count()).toBe(0);

    // A pasted line that also holds a token is explained but never kept, not even for the tab.
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6c2hvcDpjaGVja291dCJ9.c2lnbmF0dXJl';
    await explain.explain(`${text} assertion=${jwt}`);
    await expect.poll(() => explain.verdict()).toBe('The issuer differs by a trailing "/"');
    expect(await page.evaluate(() => JSON.stringify(Object.values(sessionStorage)))).not.toContain('eyJhbGci');
    await page.close();
  });

  it('keeps keyboard focus on the Explain button and announces the result', async () => {
    const explain = await openExplain();
    const { page } = explain;
    await explain.explainByKeyboard(`AADSTS70021: No matching federated identity record found for presented assertion. Assertion Issuer: '${SAMPLE_ISSUER}'. Assertion Subject: 'system:serviceaccount:shop:checkout-v2'. Assertion Audience: 'api://AzureADTokenExchange'.`);
    await expect.poll(() => explain.verdict()).toBe('The service account name differs');
    // Not <body> (where a button disabled while explaining drops it).
    expect(await page.evaluate(() => (document.activeElement === document.body ? '<body>' : document.activeElement?.textContent))).toBe('Explain');
    expect(await explain.status().getAttribute('role')).toBe('status');
    await expect.poll(() => explain.status().textContent()).toContain('The service account name differs');
    await page.close();
  });

  it('heads an unknown code with the code, keeping "No AADSTS error found" for text without one', async () => {
    const explain = await openExplain();
    await explain.explain('AADSTS50173: The provided grant has expired due to it being revoked, a fresh auth token is needed.');
    await expect.poll(() => explain.verdict()).toBe('AADSTS50173: not a code idlens knows');
    await explain.page.close();
  });

  it('submits with Ctrl+Enter and Cmd+Enter, and reads a lower-case code', async () => {
    const explain = await openExplain();
    await explain.explainWithShortcut('aadsts50173: the provided grant has expired');
    await expect.poll(() => explain.verdict()).toBe('AADSTS50173: not a code idlens knows');
    await explain.explainWithShortcut(
      `aadsts70021: No matching federated identity record found for presented assertion. Assertion Issuer: '${SAMPLE_ISSUER}'. Assertion Subject: 'system:serviceaccount:shop:checkout-v2'. Assertion Audience: 'api://AzureADTokenExchange'.`,
      'Meta',
    );
    await expect.poll(() => explain.verdict()).toBe('The service account name differs');
    await explain.page.close();
  });

  it('highlights only the part of the subject that differs', async () => {
    const explain = await openExplain();
    await explain.explain(
      `AADSTS70021: No matching federated identity record found for presented assertion. Assertion Issuer: '${SAMPLE_ISSUER}'. ` +
        `Assertion Subject: 'system:serviceaccount:shop:checkout-v2'. Assertion Audience: 'api://AzureADTokenExchange'.`,
    );
    await expect.poll(() => explain.verdict()).toBe('The service account name differs');
    expect(await explain.highlights('aks-sample-shop-checkout', 'subject')).toEqual({ presented: ['-v2'], configured: [] });
    await explain.page.close();
  });
});
