import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { artifactsDir } from '../support/chromium';
import { serverAndBrowser } from '../support/server-and-browser';

// The Content-Security-Policy is enforced (no report-only) and every page works under it: no
// `securitypolicyviolation` in Chromium on any page, including the ones that load the graph
// renderer (cytoscape + its layout worker) and mermaid.

const SAMPLE_TRACE = 'c0ffee00-0000-4000-8000-000000000005';

async function watchViolations(page: Page): Promise<() => Promise<string[]>> {
  await page.addInitScript(() => {
    const list: string[] = [];
    (window as unknown as { __cspViolations: string[] }).__cspViolations = list;
    document.addEventListener('securitypolicyviolation', (event) => {
      list.push(`${event.violatedDirective} blocked ${event.blockedURI || 'inline'} at ${event.sourceFile}:${event.lineNumber} ${event.sample}`);
    });
  });
  const consoleRefusals: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) consoleRefusals.push(message.text());
  });
  return async () => [...(await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations ?? [])), ...consoleRefusals.splice(0)];
}

describe('Content-Security-Policy in Chromium', () => {
  const env = serverAndBrowser();

  it('has a fresh nonce per request and no unsafe-inline / unsafe-eval', async () => {
    const policies = await Promise.all([1, 2, 3].map(async () => (await fetch(`${env.server.url}/tokens`)).headers.get('content-security-policy') ?? ''));
    const nonces = policies.map((p) => /'nonce-([^']+)'/.exec(p)?.[1]);
    expect(nonces.every(Boolean)).toBe(true);
    expect(new Set(nonces).size).toBe(3);
    for (const policy of policies) {
      expect(policy).not.toMatch(/unsafe-inline|unsafe-eval|unsafe-hashes/);
      expect(policy).toMatch(/frame-ancestors 'none'/);
      expect(policy).toMatch(/object-src 'none'/);
    }
    const html = await (await fetch(`${env.server.url}/tokens`)).text();
    const scriptTags = html.match(/<script\b[^>]*>/g) ?? [];
    expect(scriptTags.length).toBeGreaterThan(0);
    expect(scriptTags.every((tag) => /\bnonce="[^"]+"/.test(tag))).toBe(true);
  });

  it('no page, nor the map, the decoder or a mermaid sequence, violates the policy', async () => {
    const page = await env.browser.context.newPage();
    const violations = await watchViolations(page);
    const seen: Record<string, string[]> = {};
    const visit = async (path: string, ready: () => Promise<unknown>) => {
      await page.goto(`${env.server.url}${path}`);
      await ready();
      seen[path] = await violations();
    };
    await visit('/', () => page.getByRole('heading', { name: 'Overview', exact: true }).waitFor());
    await visit('/map', () => page.locator('[data-testid="map-canvas"] canvas').first().waitFor({ timeout: 30_000 }));
    await visit('/explain', async () => {
      await page.getByRole('button', { name: "Try the sample world's error" }).click();
      await page.getByTestId('verdict').waitFor();
    });
    await visit('/tokens', async () => {
      await page.getByRole('heading', { name: 'Token decoder' }).waitFor();
    });
    await visit('/traces', () => page.getByRole('heading', { name: 'Traces', exact: true }).waitFor());
    await visit(`/traces/${SAMPLE_TRACE}`, () => page.locator('.sequence-svg svg').waitFor({ timeout: 30_000 }));
    // mermaid's stylesheet made it in (nonce'd): its actor boxes are filled, not black defaults.
    const actorFill = await page.locator('.sequence-svg svg rect.actor').first().evaluate((el) => getComputedStyle(el).fill);
    expect(actorFill).not.toBe('rgb(0, 0, 0)');
    await page.locator('.sequence-svg').screenshot({ path: join(artifactsDir, 'csp-sequence.png') });
    await visit('/flow', () => page.getByRole('heading', { name: 'Token exchange flow' }).waitFor());
    const map = (await (await fetch(`${env.server.url}/api/identity-map`)).json()) as { nodes: Array<{ id: string; kind: string; data: { clientId?: string; issuer?: string } }> };
    const sa = map.nodes.find((n) => n.kind === 'serviceAccount' && n.data.clientId && n.data.issuer)!;
    await visit(`/flow?sa=${encodeURIComponent(sa.id)}`, () => page.locator('.sequence-svg svg').waitFor({ timeout: 30_000 }));
    await visit('/no-such-page', () => page.getByRole('heading').first().waitFor());
    const all = Object.entries(seen).filter(([, v]) => v.length);
    expect(all, JSON.stringify(all, null, 2)).toEqual([]);
    await page.close();
  });
});
