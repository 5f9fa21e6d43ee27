import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IdentityMapData, MapFinding } from '@/lib/api/identity-map-queries';
import { artifactsDir, type Browser, launchChromium } from '../support/chromium';
import { type RunningServer, startServer } from '../support/next-server';
import { MapPage } from '../support/pages/map-page';

// The identity map in Debian's Chromium against the real server and the built-in sample world.
// Expectations are derived from what /api/identity-map answers, so the test follows the sample.

describe('/map in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  let map: IdentityMapData;

  beforeAll(async () => {
    mkdirSync(artifactsDir, { recursive: true });
    server = await startServer();
    browser = await launchChromium();
    map = (await (await fetch(`${server.url}/api/identity-map`)).json()) as IdentityMapData;
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function openPage(query = '') {
    const page = await browser.context.newPage();
    const mapPage = new MapPage(page, server.url);
    await mapPage.open(query);
    return mapPage;
  }

  const withFix = (f: MapFinding) => Boolean(f.fix?.commands.length);

  it('draws the sample world on a canvas and lists every node in the table', async () => {
    expect(map.nodes.length).toBeGreaterThan(5);
    const m = await openPage();
    await m.waitForGraph();
    expect(await m.graph().getAttribute('aria-label')).toContain(`${map.nodes.length} nodes`);
    await expect.poll(() => m.paintedCanvases()).toBeGreaterThan(0);
    expect(await m.tableCount().textContent()).toBe(String(map.nodes.length));
    const shown = await m.rowNames().allTextContents();
    expect(shown.length).toBeGreaterThan(3);
    const labels = new Set(map.nodes.map((n) => n.label));
    for (const label of shown) expect(labels.has(label)).toBe(true);
    const painted = await m.measures('idlens:map-first-paint');
    console.log(`first paint after data: ${painted.map((d) => d.toFixed(0)).join(', ')} ms; layout: ${(await m.measures('idlens:map-layout')).map((d) => d.toFixed(0)).join(', ')} ms`);
    await m.page.screenshot({ path: join(artifactsDir, 'map-light.png'), fullPage: true });
    await m.page.close();
  });

  it('typing in the search box filters the table and the graph, and writes ?q=', async () => {
    const sa = map.nodes.find((n) => n.kind === 'serviceAccount')!;
    const term = (sa.data as { name: string }).name;
    const expected = map.nodes.filter((n) => `${n.id}\n${n.label}\n${'namespace' in n.data ? n.data.namespace : ''}`.toLowerCase().includes(term.toLowerCase()));
    const m = await openPage();
    await m.waitForGraph();
    await m.search().pressSequentially(term, { delay: 30 });
    await expect.poll(() => m.tableCount().textContent()).toBe(`${expected.length} of ${map.nodes.length}`);
    const shown = await m.rowNames().allTextContents();
    expect(shown.sort()).toEqual(expected.map((n) => n.label).sort());
    expect(new URL(m.page.url()).searchParams.get('q')).toBe(term);
    const filterMs = await m.measures('idlens:map-filter');
    console.log(`filter per keystroke: ${filterMs.map((d) => d.toFixed(1)).join(', ')} ms`);
    expect(filterMs.length).toBeGreaterThanOrEqual(term.length);
    expect(Math.max(...filterMs)).toBeLessThan(250);
    // The view survives a reload: the URL owns it.
    await m.page.reload();
    await expect.poll(() => m.tableCount().textContent()).toBe(`${expected.length} of ${map.nodes.length}`);
    expect(await m.search().inputValue()).toBe(term);
    await m.page.close();
  });

  it('?focus=<id> selects the node and shows its details, with the credential beside its service account', async () => {
    const finding = map.findings.find((f) => f.refs[0]?.startsWith('fic:') && f.severity === 'error') ?? map.findings.find((f) => f.refs[0]?.startsWith('fic:'));
    const fic = map.nodes.find((n) => n.id === (finding?.refs[0] ?? map.nodes.find((x) => x.kind === 'federatedCredential')?.id))!;
    const m = await openPage(`?focus=${encodeURIComponent(fic.id)}`);
    await m.waitForGraph();
    await expect.poll(() => m.detailsTitle().textContent()).toBe(fic.label);
    expect(await m.details().getByTestId('node-id').textContent()).toBe(fic.id);
    await expect.poll(() => m.row(fic.id).getAttribute('aria-current')).toBe('true');
    const comparison = m.details().getByTestId('fic-comparison').first();
    expect(await comparison.locator('tr[data-field="Issuer"]').count()).toBe(1);
    if (finding) {
      expect(await m.details().locator(`[data-code="${finding.code}"]`).count()).toBeGreaterThan(0);
      if (finding.code === 'FIC_ISSUER_MISMATCH' || finding.code === 'FIC_SUBJECT_CASE_MISMATCH' || finding.code === 'FIC_AUDIENCE_INVALID') {
        expect(await comparison.locator('code.diff').count()).toBeGreaterThan(0);
      }
    }
    expect(await m.details().getByRole('link', { name: 'Decode a sample token' }).getAttribute('href')).toBe('/tokens');
    await m.page.screenshot({ path: join(artifactsDir, 'map-focus-fic.png'), fullPage: true });
    await m.page.close();
  });

  it('clicking a table row focuses the node and writes ?focus= without a new history entry', async () => {
    const m = await openPage();
    await m.waitForGraph();
    const historyLength = await m.page.evaluate(() => history.length);
    const first = m.rowNames().first();
    const label = await first.textContent();
    await first.click();
    await expect.poll(() => m.detailsTitle().textContent()).toBe(label);
    const focus = new URL(m.page.url()).searchParams.get('focus');
    expect(map.nodes.find((n) => n.id === focus)?.label).toBe(label);
    expect(await m.page.evaluate(() => history.length)).toBe(historyLength);
    // Keyboard: arrow keys move along the rows, Enter focuses that node.
    await first.focus();
    await m.page.keyboard.press('ArrowDown');
    // The row moves focus after React re-renders: wait for it rather than read it at once.
    await expect.poll(() => m.page.evaluate(() => document.activeElement?.textContent)).not.toBe(label);
    const next = await m.page.evaluate(() => document.activeElement?.textContent);
    await m.page.keyboard.press('Enter');
    await expect.poll(() => m.detailsTitle().textContent()).toBe(next);
    await m.page.close();
  });

  it('lists the findings grouped by severity, with fix commands to copy', async () => {
    const m = await openPage();
    await m.grantClipboard();
    const titles = { error: 'Errors', warning: 'Warnings', info: 'Info' } as const;
    for (const severity of ['error', 'warning', 'info'] as const) {
      const count = map.findings.filter((f) => f.severity === severity).length;
      if (count === 0) continue;
      await expect.poll(() => m.findingsGroup(titles[severity]).locator('li.map-finding').count()).toBe(Math.min(count, 100));
    }
    const fixable = map.findings.find(withFix)!;
    expect(fixable, 'the sample world has a finding with a fix command').toBeTruthy();
    const command = fixable.fix!.commands[0]!;
    const pre = m.findings().locator('pre', { hasText: command.split('\n')[0]! }).first();
    expect(await pre.isVisible()).toBe(true);
    expect(await pre.textContent()).toBe(command);
    await pre.locator('xpath=..').getByRole('button', { name: /^Copy/ }).click();
    await expect.poll(() => m.page.evaluate(() => navigator.clipboard.readText())).toBe(command);
    // Every finding code the sample world produces appears in the list.
    const codes = new Set(map.findings.map((f) => f.code));
    for (const code of codes) expect(await m.findings().locator(`[data-code="${code}"]`).count()).toBeGreaterThan(0);
    // A finding's reference focuses its node.
    const ref = fixable.refs[0]!;
    const refLabel = map.nodes.find((n) => n.id === ref)?.label;
    if (refLabel) {
      await m.findings().locator(`[data-code="${fixable.code}"]`).first().getByRole('link', { name: refLabel, exact: true }).first().click();
      await expect.poll(() => m.detailsTitle().textContent()).toBe(refLabel);
      expect(new URL(m.page.url()).searchParams.get('focus')).toBe(ref);
    }
    await m.page.close();
  });

  it('exports the map as JSON (valid, the same map), PNG and SVG', async () => {
    const m = await openPage();
    await m.waitForGraph();
    const json = await m.download('Export JSON');
    expect(json.suggestedFilename()).toMatch(/^identity-map-.*\.json$/);
    const exported = JSON.parse(readFileSync((await json.path())!, 'utf8')) as IdentityMapData;
    expect(exported.nodes.map((n) => n.id).sort()).toEqual(map.nodes.map((n) => n.id).sort());
    expect(exported.findings.length).toBe(map.findings.length);

    const png = readFileSync((await (await m.download('Export PNG')).path())!);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    const svg = readFileSync((await (await m.download('Export SVG')).path())!, 'utf8');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    const parsed = await m.page.evaluate((text) => new DOMParser().parseFromString(text, 'image/svg+xml').getElementsByTagName('parsererror').length, svg);
    expect(parsed).toBe(0);
    expect(svg).toContain(`data-id="${map.nodes[0]!.id.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}"`);
    await m.page.close();
  });

  it('dark mode and a narrow window keep the map readable', async () => {
    const dark = await launchChromium({ colorScheme: 'dark', viewport: { width: 900, height: 1000 } });
    try {
      const page = await dark.context.newPage();
      const m = new MapPage(page, server.url);
      const fic = map.nodes.find((n) => n.kind === 'serviceAccount')!;
      await m.open(`?focus=${encodeURIComponent(fic.id)}`);
      await m.waitForGraph();
      await expect.poll(() => m.detailsTitle().textContent()).toBe(fic.label);
      const background = await page.evaluate(() => getComputedStyle(document.querySelector('[data-testid="map-canvas"]')!).backgroundColor);
      expect(background).toBe('rgb(23, 27, 33)');
      await page.screenshot({ path: join(artifactsDir, 'map-dark-narrow.png'), fullPage: true });
    } finally {
      await dark.close();
    }
  });
});

describe('/map when the Azure source fails', () => {
  let server: RunningServer;
  let browser: Browser;
  let snapshot: string;

  beforeAll(async () => {
    snapshot = mkdtempSync(join(tmpdir(), 'idlens-broken-azure-'));
    writeFileSync(join(snapshot, 'identities.json'), '{ this is not JSON');
    server = await startServer({ IDLENS_AZURE: snapshot });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(snapshot, { recursive: true, force: true });
  });

  it('shows the Azure error in a callout while the cluster part still renders', async () => {
    const page = await browser.context.newPage();
    const m = new MapPage(page, server.url);
    await m.open();
    const alert = m.alerts().filter({ hasText: 'The Azure source failed' });
    await alert.waitFor();
    expect(await alert.textContent()).toContain('identities.json');
    await m.waitForGraph();
    await expect.poll(() => m.paintedCanvases()).toBeGreaterThan(0);
    const rows = await m.nodesTable().locator('tbody tr[data-node-id]').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-node-id')));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((id) => id!.startsWith('pod:') || id!.startsWith('sa:'))).toBe(true);
    await page.screenshot({ path: join(artifactsDir, 'map-azure-failed.png'), fullPage: true });
    await page.close();
  });
});
