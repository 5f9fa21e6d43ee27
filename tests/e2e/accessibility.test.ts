import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { Page, Route } from 'playwright-core';
import { serverAndBrowser } from '../support/server-and-browser';

// Every page, in light and dark, checked by axe-core (the rules of WCAG 2.x A/AA and best
// practice that a machine can decide) in Chromium: loaded, while its data is still on the way
// (the loading placeholders), and with what opens on it opened (node details, the mermaid
// source, the analysis on /explain, a decoded token). Plus one contrast axe cannot decide: text
// on the SVG boxes of mermaid's sequence diagrams.

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const SAMPLE_TRACE = 'c0ffee00-0000-4000-8000-000000000005';

/** axe's violations on the page as it is now, one line each: rule (impact): the offending nodes. */
async function violationsOf(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol, not a <script>: the page's CSP would refuse one.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    type Axe = { run(context: Document, options: object): Promise<{ violations: Array<{ id: string; impact: string; nodes: Array<{ target: unknown[] }> }> }> };
    const { violations } = await (window as unknown as { axe: Axe }).axe.run(document, { resultTypes: ['violations'] });
    return violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
  });
}

/** Holds back the page's API requests until `release()`, so its loading placeholders stay on screen. */
async function holdApi(page: Page): Promise<{ release: () => Promise<void> }> {
  const held: Route[] = [];
  let holding = true;
  const handler = (route: Route) => (holding ? void held.push(route) : void route.continue());
  await page.route('**/api/**', handler);
  return {
    release: async () => {
      holding = false;
      await Promise.all(held.splice(0).map((r) => r.continue().catch(() => undefined)));
      await page.unroute('**/api/**', handler);
    },
  };
}

/** WCAG relative luminance contrast of two `rgb(…)` colours. */
function contrast(a: string, b: string): number {
  const luminance = (css: string) => {
    const [r, g, bl] = (css.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map((v) => {
      const c = Number(v) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

describe.each(['light', 'dark'] as const)('accessibility in the %s theme (axe-core in Chromium)', (scheme) => {
  const env = serverAndBrowser();

  async function newPage(): Promise<Page> {
    const page = await env.browser.context.newPage();
    await page.emulateMedia({ colorScheme: scheme });
    return page;
  }

  it('no violation on any page once it has loaded, nor with its details, analysis or decoded token open', async () => {
    const page = await newPage();
    const found: Record<string, string[]> = {};
    const check = async (state: string) => {
      const violations = await violationsOf(page);
      if (violations.length) found[state] = violations;
    };
    const map = (await (await fetch(`${env.server.url}/api/identity-map`)).json()) as { nodes: Array<{ id: string; kind: string; data: { clientId?: string; issuer?: string } }> };
    const sa = map.nodes.find((n) => n.kind === 'serviceAccount' && n.data.clientId && n.data.issuer)!;

    await page.goto(`${env.server.url}/`);
    await page.getByRole('heading', { name: 'Overview', exact: true }).waitFor();
    await page.locator('[aria-busy="true"]').first().waitFor({ state: 'detached' });
    await check('/');

    await page.goto(`${env.server.url}/map?focus=${encodeURIComponent(sa.id)}`);
    await page.locator('[data-testid="map-canvas"][data-state="ready"]').waitFor({ timeout: 30_000 });
    await page.getByTestId('node-details').waitFor();
    await check('/map with a service account’s details');

    await page.goto(`${env.server.url}/explain`);
    await page.getByRole('button', { name: "Try the sample world's error" }).click();
    await page.getByTestId('verdict').waitFor();
    await check('/explain with the sample error analysed');

    await page.goto(`${env.server.url}/tokens`);
    await page.getByRole('group', { name: 'Sample tokens' }).getByRole('button', { name: 'Kubernetes service account token', exact: true }).click();
    await page.getByTestId('token-type').waitFor();
    await page.locator('[aria-busy="true"]').first().waitFor({ state: 'detached' });
    await check('/tokens with a service-account token decoded');

    await page.goto(`${env.server.url}/traces`);
    await page.locator('table.traces-table tbody tr').first().waitFor();
    await check('/traces');

    await page.goto(`${env.server.url}/traces/${SAMPLE_TRACE}`);
    await page.locator('.sequence-svg svg').waitFor({ timeout: 30_000 });
    await page.getByText('Mermaid source', { exact: true }).click();
    await check('/traces/<id> with the mermaid source open');

    await page.goto(`${env.server.url}/flow?sa=${encodeURIComponent(sa.id)}`);
    await page.locator('.sequence-svg svg').waitFor({ timeout: 30_000 });
    await check('/flow?sa=');

    await page.goto(`${env.server.url}/no-such-page`);
    await page.getByRole('heading').first().waitFor();
    await check('404');

    expect(found).toEqual({});
    await page.close();
  });

  it('no violation while a page waits for its data: the loading placeholders are named statuses, and the page keeps a level-one heading', async () => {
    const page = await newPage();
    const found: Record<string, string[]> = {};
    const pages: Array<[string, string]> = [
      ['/', 'Checking sources'],
      ['/map', 'Loading the identity map'],
      ['/flow', 'Loading the identity map'],
      ['/traces', 'Loading recent traces'],
      [`/traces/${SAMPLE_TRACE}`, 'Loading the trace'],
    ];
    for (const [path, placeholder] of pages) {
      const held = await holdApi(page);
      await page.goto(`${env.server.url}${path}`);
      await page.getByRole('status', { name: placeholder }).waitFor();
      const violations = await violationsOf(page);
      if (violations.length) found[path] = violations;
      await held.release();
    }
    // A decoded token while the credentials it is compared with are on their way.
    const { tokens } = (await (await fetch(`${env.server.url}/api/sample/tokens`)).json()) as { tokens: Array<{ label: string; token: string }> };
    const held = await holdApi(page);
    await page.goto(`${env.server.url}/tokens`);
    await page.getByLabel('Token', { exact: true }).fill(tokens.find((t) => t.label === 'Kubernetes service account token')!.token);
    await page.getByRole('status', { name: 'Loading federated credentials' }).waitFor();
    const violations = await violationsOf(page);
    if (violations.length) found['/tokens (credentials loading)'] = violations;
    await held.release();
    expect(found).toEqual({});
    await page.close();
  });

  it('the sequence diagram’s text is at least 4.5:1 against the box it sits on (axe cannot tell in SVG)', async () => {
    const page = await newPage();
    await page.goto(`${env.server.url}/traces/${SAMPLE_TRACE}`);
    await page.locator('.sequence-svg svg').waitFor({ timeout: 30_000 });
    const pairs = await page.evaluate(() => {
      const fill = (el: Element | null) => (el ? getComputedStyle(el).fill : '');
      const svg = document.querySelector('.sequence-svg svg')!;
      const pairs: Array<{ what: string; text: string; box: string }> = [];
      // Notes: text.noteText drawn over the rect.note just before it.
      // What carries the characters: a text's tspans where it has them (the text element's own fill
      // may be its box's, from a shared class), else the text itself.
      const glyphs = (t: Element) => (t.querySelector('tspan') ? [...t.querySelectorAll('tspan')] : [t]);
      svg.querySelectorAll('text.noteText').forEach((t) => {
        for (const g of glyphs(t)) pairs.push({ what: 'note', text: fill(g), box: fill(t.parentElement?.querySelector('rect.note') ?? null) });
      });
      svg.querySelectorAll('text.actor').forEach((t) => {
        const rect = t.closest('g')?.querySelector('rect.actor');
        if (rect) for (const g of glyphs(t)) pairs.push({ what: 'actor', text: fill(g), box: fill(rect) });
      });
      return pairs;
    });
    expect(pairs.filter((p) => p.what === 'note').length).toBeGreaterThan(0);
    expect(pairs.filter((p) => p.what === 'actor').length).toBeGreaterThan(0);
    const ratios = pairs.map((p) => ({ ...p, ratio: Math.round(contrast(p.text, p.box) * 100) / 100 }));
    // A colour that is not rgb() (none, a gradient) gives no ratio: that fails too.
    expect(ratios.filter((p) => !Number.isFinite(p.ratio))).toEqual([]);
    const low = ratios.filter((p) => p.ratio < 4.5);
    expect(low).toEqual([]);
    await page.close();
  });
});
