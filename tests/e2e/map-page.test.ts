import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IdentityMapData, MapFinding, MapNode } from '@/lib/api/identity-map-queries';
import { unreachableIssuerReason } from '@/lib/domain/oidc-issuer';
import { artifactsDir, type Browser, launchChromium } from '../support/chromium';
import { type RunningServer, startServer } from '../support/next-server';
import { MapPage } from '../support/pages/map-page';

// The identity map in Debian's Chromium against the real server and the built-in sample world.
// Expectations are derived from what /api/identity-map answers, so the test follows the sample.

/** What the search box matches for a node (the spec of NodeInfo.text): ids, names and what users copy from errors. */
function searchTextOf(n: MapNode): string {
  const d = n.data as unknown as Record<string, unknown>;
  const s = (k: string) => (typeof d[k] === 'string' ? (d[k] as string) : '');
  const extra =
    n.kind === 'serviceAccount'
      ? [s('subject'), s('clientId')]
      : n.kind === 'federatedCredential'
        ? [s('subject'), s('issuer'), s('ownerClientId')]
        : n.kind === 'managedIdentity'
          ? [s('clientId'), s('principalId')]
          : n.kind === 'application'
            ? [s('appId'), ...((d.identifierUris as string[] | undefined) ?? [])]
            : [];
  return [n.id, n.label, s('namespace'), ...extra].join('\n').toLowerCase();
}

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
    const expected = map.nodes.filter((n) => searchTextOf(n).includes(term.toLowerCase()));
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
    expect(await m.details().getByRole('link', { name: 'Decode a token' }).getAttribute('href')).toBe('/tokens');
    expect(await m.details().getByRole('heading', { name: 'Its token' }).count()).toBe(0); // a credential has no token of its own
    await m.page.screenshot({ path: join(artifactsDir, 'map-focus-fic.png'), fullPage: true });
    await m.page.close();
  });

  it('a service account that works shows its identity’s credential for the DR cluster as another issuer, not as a mismatch', async () => {
    const sa = map.nodes.find((n) => n.kind === 'serviceAccount' && n.id.endsWith(':shop/checkout'))!;
    const m = await openPage(`?focus=${encodeURIComponent(sa.id)}`);
    await expect.poll(() => m.detailsTitle().textContent()).toBe(sa.label);
    const dr = m.details().getByTestId('fic-comparison').filter({ hasText: 'aks-neu-dr-shop-checkout' });
    await expect.poll(() => dr.count()).toBe(1);
    expect(await dr.locator('.badge').first().textContent()).toBe('another issuer');
    expect(await dr.getByTestId('fic-other-issuer').textContent()).toContain('breaks nothing');
    expect(await m.details().locator('.badge-error', { hasText: 'mismatch' }).count()).toBe(0);
    await m.page.close();
  });

  it('clicking a table row focuses the node and writes ?focus= as a history entry: Back returns to the previous selection', async () => {
    const m = await openPage();
    await m.waitForGraph();
    const historyLength = await m.page.evaluate(() => history.length);
    const first = m.rowNames().first();
    const label = await first.textContent();
    await first.click();
    await expect.poll(() => m.detailsTitle().textContent()).toBe(label);
    const focus = new URL(m.page.url()).searchParams.get('focus');
    expect(map.nodes.find((n) => n.id === focus)?.label).toBe(label);
    expect(await m.page.evaluate(() => history.length)).toBe(historyLength + 1);
    // Another row, then Escape: each a step that Back undoes, back to no selection.
    const second = m.rowNames().nth(1);
    const secondLabel = await second.textContent();
    await second.click();
    await expect.poll(() => m.detailsTitle().textContent()).toBe(secondLabel);
    await m.page.keyboard.press('Escape');
    await expect.poll(() => m.details().count()).toBe(0);
    expect(await m.page.evaluate(() => history.length)).toBe(historyLength + 3);
    await m.page.goBack();
    await expect.poll(() => m.detailsTitle().textContent()).toBe(secondLabel);
    await m.page.goBack();
    await expect.poll(() => m.detailsTitle().textContent()).toBe(label);
    await m.page.goBack();
    await expect.poll(() => m.details().count()).toBe(0);
    expect(new URL(m.page.url()).searchParams.get('focus')).toBeNull();
    await m.page.goForward();
    await expect.poll(() => m.detailsTitle().textContent()).toBe(label);
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
    const jsonButton = m.page.getByRole('button', { name: 'Whole map (JSON)' });
    expect(await jsonButton.getAttribute('title')).toMatch(/whatever the filters/);
    expect(await m.page.getByRole('button', { name: 'Visible graph (SVG)' }).getAttribute('title')).toMatch(/only the nodes the filters show/);
    const json = await m.download('Whole map (JSON)');
    expect(json.suggestedFilename()).toMatch(/^identity-map-.*\.json$/);
    const exported = JSON.parse(readFileSync((await json.path())!, 'utf8')) as IdentityMapData;
    expect(exported.nodes.map((n) => n.id).sort()).toEqual(map.nodes.map((n) => n.id).sort());
    expect(exported.findings.length).toBe(map.findings.length);

    const png = readFileSync((await (await m.download('Visible graph (PNG)')).path())!);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    const svg = readFileSync((await (await m.download('Visible graph (SVG)')).path())!, 'utf8');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    const parsed = await m.page.evaluate((text) => new DOMParser().parseFromString(text, 'image/svg+xml').getElementsByTagName('parsererror').length, svg);
    expect(parsed).toBe(0);
    expect(svg).toContain(`data-id="${map.nodes[0]!.id.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}"`);
    await m.page.close();
  });

  it('a failed Refresh says so beside the map it still has', async () => {
    const m = await openPage();
    await m.waitForGraph();
    await m.page.route('**/api/identity-map?refresh=1', (route) =>
      route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { code: 'unavailable:azure', message: 'Azure did not answer' } }) }),
    );
    await m.page.getByRole('button', { name: 'Refresh' }).click();
    const alert = m.alerts().filter({ hasText: 'Refreshing failed' });
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/Refreshing failed: Azure did not answer\. The map below is the one read at /);
    await expect.poll(() => m.page.getByRole('button', { name: /^Refresh/ }).textContent()).toBe('Refresh');
    // It stays: nothing quietly refetches the cached map over the failure.
    await m.page.waitForTimeout(3500);
    expect(await alert.isVisible()).toBe(true);
    expect(await m.tableCount().textContent()).toBe(String(map.nodes.length));
    await m.page.close();
  });

  it('a finding about a cluster opens the cluster, and follows the filters like any other', async () => {
    const finding = map.findings.find((f) => f.refs.some((r) => r.startsWith('cluster:')));
    expect(finding, 'the sample world has a finding about a cluster').toBeTruthy();
    const clusterRef = finding!.refs.find((r) => r.startsWith('cluster:'))!;
    const name = clusterRef.slice('cluster:'.length);
    const ofCluster = map.nodes.filter((n) => (n.data as { cluster?: string }).cluster === name);
    const m = await openPage();
    await m.findings().locator(`[data-code="${finding!.code}"]`).first().getByRole('link', { name: `cluster ${name}`, exact: true }).click();
    const details = m.page.getByTestId('cluster-details');
    await details.waitFor();
    expect(await m.detailsTitle().textContent()).toBe(name);
    expect(await details.textContent()).toContain(map.clusters.find((c) => c.name === name)!.issuer!);
    expect(await details.getByTestId('issuer-usable').textContent()).toMatch(/^no/);
    // A public https issuer only looks usable: nothing fetches its keys to prove Entra ID can.
    const usable = map.clusters.find((c) => c.issuer !== undefined && !unreachableIssuerReason(c.issuer));
    if (usable) {
      const u = await openPage(`?focus=cluster:${usable.name}`);
      await u.page.getByTestId('cluster-details').waitFor();
      expect(await u.page.getByTestId('issuer-usable').textContent()).toBe('looks usable a public https URL; whether Entra ID can fetch its keys is not checked.');
      await u.page.close();
    }
    expect(await details.getByTestId('cluster-service-accounts').textContent()).toBe(String(ofCluster.filter((n) => n.kind === 'serviceAccount').length));
    expect(await details.getByTestId('cluster-pods').textContent()).toBe(String(ofCluster.filter((n) => n.kind === 'pod').length));
    expect(await details.locator(`[data-code="${finding!.code}"]`).count()).toBe(1);
    expect(new URL(m.page.url()).searchParams.get('focus')).toBe(clusterRef);
    await m.page.screenshot({ path: join(artifactsDir, 'map-focus-cluster.png'), fullPage: true });
    await m.page.close();

    // Filters: hidden when no node of the cluster is in view, shown when one is or the search names it.
    const inCluster = new Set(ofCluster.map((n) => (n.data as { namespace?: string }).namespace));
    const otherNs = map.nodes.map((n) => (n.data as { namespace?: string }).namespace).find((ns) => ns && !inCluster.has(ns))!;
    const ownNs = [...inCluster].find(Boolean)!;
    for (const [query, shown] of [
      ['?q=zzzznothing', false],
      [`?ns=${otherNs}`, false],
      [`?ns=${ownNs}`, true],
      [`?q=${name}&kind=managedIdentity`, true],
    ] as const) {
      const f = await openPage(query);
      await f.findings().waitFor();
      expect(await f.findings().locator(`[data-code="${finding!.code}"]`).count(), query).toBe(shown ? 1 : 0);
      await f.page.close();
    }
  });

  it('the filter controls show the URL\'s state, and an empty result names the filter to clear', async () => {
    const m = await openPage('?ns=doesnotexist');
    const ns = m.page.getByRole('combobox', { name: 'Namespace' });
    await expect.poll(() => ns.evaluate((el) => (el as HTMLSelectElement).selectedOptions[0]?.textContent)).toBe('doesnotexist (not in this map)');
    const empty = m.page.getByTestId('filters-hide-everything');
    await m.page.screenshot({ path: join(artifactsDir, 'map-filters-hide-everything.png'), fullPage: true });
    expect(await empty.textContent()).toContain('The namespace filter doesnotexist (not in this map) hides every node.');
    await empty.getByRole('button', { name: 'Clear the namespace filter' }).click();
    await expect.poll(() => m.tableCount().textContent()).toBe(String(map.nodes.length));
    expect(new URL(m.page.url()).searchParams.get('ns')).toBeNull();
    await m.page.close();

    const s = await openPage('?severity=error,warning&kind=pod');
    const severity = s.page.getByRole('combobox', { name: 'Findings' });
    await expect.poll(() => severity.evaluate((el) => (el as HTMLSelectElement).selectedOptions[0]?.textContent)).toBe('With an error or a warning');
    // The one kind left cannot be unchecked: an empty kind list would mean every kind.
    expect(await s.page.getByRole('checkbox', { name: 'Pod' }).isDisabled()).toBe(true);
    expect(await s.page.getByRole('checkbox', { name: 'Pod' }).isChecked()).toBe(true);
    const broken = map.nodes.filter((n) => n.kind === 'pod' && map.findings.some((f) => f.severity !== 'info' && f.refs.includes(n.id)));
    await expect.poll(() => s.tableCount().textContent()).toBe(`${broken.length} of ${map.nodes.length}`);
    await s.page.close();
  });

  it('Escape and × close the details and give focus back to what opened them', async () => {
    const m = await openPage();
    await m.waitForGraph();
    const row = m.rowNames().first();
    const rowId = await row.locator('xpath=ancestor::tr').getAttribute('data-node-id');
    await row.click();
    await m.details().waitFor();
    await m.page.keyboard.press('Escape');
    await m.details().waitFor({ state: 'detached' });
    expect(new URL(m.page.url()).searchParams.get('focus')).toBeNull();
    await expect.poll(() => m.page.evaluate(() => document.activeElement?.closest('tr')?.getAttribute('data-node-id'))).toBe(rowId);

    const fixable = map.findings.find((f) => map.nodes.some((n) => n.id === f.refs[0]))!;
    const link = m.findings().locator(`[data-code="${fixable.code}"]`).first().getByRole('link').first();
    const linkText = await link.textContent();
    await link.click();
    await m.details().waitFor();
    await m.details().getByRole('button', { name: 'Close details' }).click();
    await m.details().waitFor({ state: 'detached' });
    await expect.poll(() => m.page.evaluate(() => (document.activeElement?.tagName === 'A' && document.activeElement.closest('.map-findings') ? document.activeElement.textContent : null))).toBe(linkText);

    // Opened by the URL: focus lands on the node's row.
    const sa = map.nodes.find((n) => n.kind === 'serviceAccount')!;
    await m.open(`?focus=${sa.id}`);
    await m.details().waitFor();
    await m.page.keyboard.press('Escape');
    await m.details().waitFor({ state: 'detached' });
    await expect.poll(() => m.page.evaluate(() => document.activeElement?.closest('tr')?.getAttribute('data-node-id') ?? document.activeElement?.tagName)).toBe(sa.id);
    await m.page.close();
  });

  it('a focused node the filters hide says so, with a way to show it', async () => {
    const sa = map.nodes.find((n) => n.kind === 'serviceAccount' && (n.data as { namespace: string }).namespace === 'shop') ?? map.nodes.find((n) => n.kind === 'serviceAccount')!;
    const saNs = (sa.data as { namespace: string }).namespace;
    const otherNs = map.nodes.map((n) => (n.data as { namespace?: string }).namespace).find((ns) => ns && ns !== saNs)!;
    const m = await openPage(`?ns=${otherNs}&focus=${sa.id}`);
    await expect.poll(() => m.detailsTitle().textContent()).toBe(sa.label);
    const hidden = m.details().getByTestId('focus-hidden');
    expect(await hidden.textContent()).toContain('The current filters hide this node');
    expect(await m.row(sa.id).count()).toBe(0);
    await hidden.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(() => m.tableCount().textContent()).toBe(String(map.nodes.length));
    expect(await hidden.count()).toBe(0);
    const url = new URL(m.page.url());
    expect([url.searchParams.get('ns'), url.searchParams.get('focus')]).toEqual([null, sa.id]);
    await expect.poll(() => m.row(sa.id).getAttribute('aria-current')).toBe('true');
    await m.page.close();
  });

  it('?focus= without the cluster resolves to the one node it fits, and lists them when several', async () => {
    const unscoped = (id: string) => id.replace(/^(sa|pod):[^:/]+:/, '$1:');
    const groups = new Map<string, string[]>();
    for (const n of map.nodes) if (n.kind === 'serviceAccount') groups.set(unscoped(n.id), [...(groups.get(unscoped(n.id)) ?? []), n.id]);
    const unique = [...groups.values()].find((ids) => ids.length === 1 && unscoped(ids[0]!) !== ids[0])?.[0];
    if (!unique) return; // a single-cluster sample: ids carry no cluster
    const m = await openPage(`?focus=${unscoped(unique)}`);
    await expect.poll(() => m.details().getByTestId('node-id').textContent()).toBe(unique);
    await expect.poll(() => new URL(m.page.url()).searchParams.get('focus')).toBe(unique);
    const several = [...groups.entries()].find(([, ids]) => ids.length > 1);
    if (several) {
      await m.open(`?focus=${several[0]}`);
      const list = m.page.getByTestId('focus-ambiguous');
      await list.waitFor();
      for (const id of several[1]) expect(await list.getByRole('link', { name: id }).count()).toBe(1);
      await list.getByRole('link', { name: several[1][0]! }).click();
      await expect.poll(() => m.details().getByTestId('node-id').textContent()).toBe(several[1][0]);
    }
    await m.page.close();
  });

  it('search finds a service account by the subject users copy from errors', async () => {
    const sa = map.nodes.find((n) => n.kind === 'serviceAccount' && typeof (n.data as { subject?: string }).subject === 'string')!;
    const subject = (sa.data as { subject: string }).subject;
    const m = await openPage(`?q=${encodeURIComponent(subject)}`);
    await expect.poll(() => m.row(sa.id).count()).toBe(1);
    await m.page.close();
  });

  it('no all-clear while a source failed or could not read everything: no findings in what was read, the rest not analysed', async () => {
    const page = await browser.context.newPage();
    const partial: IdentityMapData = { ...map, findings: [], sources: { ...map.sources, azure: { mode: 'live', ok: false, error: { code: 'timeout:azure', message: 'ARM did not answer' } } } };
    await page.route('**/api/identity-map', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(partial) }));
    const m = new MapPage(page, server.url);
    await m.open();
    await m.findings().waitFor();
    expect(await m.findings().textContent()).not.toContain('every workload identity chain idlens can see is consistent');
    expect(await page.getByTestId('findings-partial').textContent()).toMatch(/^No findings in what could be read, but this is not an all-clear: the Azure source failed, so the Azure side of every chain is not analysed/);

    // Nor while a source answered without part of what it reads (a snapshot without FIC files, FIC
    // lists ARM refused): those identities get no FIC findings at all, which is unknown, not none.
    const unread = ['ARM: federated credentials of identity checkout-id (1111) (403 Forbidden)', 'ARM: federated credentials of identity cart-id (2222) (timeout)', 'ARM: federated credentials of identity report-id (3333) (timeout)'];
    const withMissing = (mode: string, missing: string[]): IdentityMapData => ({ ...map, findings: [], sources: { ...map.sources, azure: { mode, ok: true, missing } } });
    await page.unroute('**/api/identity-map');
    await page.route('**/api/identity-map', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(withMissing('live', unread)) }));
    await m.open();
    await m.findings().waitFor();
    expect(await m.findings().textContent()).not.toContain('every workload identity chain idlens can see is consistent');
    expect(await page.getByTestId('findings-partial').textContent()).toBe(
      `No findings in what could be read, but this is not an all-clear: the Azure source could not read 3 items (${unread[0]}; ${unread[1]}; and 1 more), so what they hold is not analysed. Federated credential findings were not computed for identities whose federated credentials could not be read: for those, no finding means unknown, not fine.`,
    );
    // The source's callout says it by mode: live reads are not files of a snapshot.
    const callout = m.sourceCallout('azure');
    expect(await callout.textContent()).toMatch(/^The Azure source \(live\) could not read ARM: /);
    expect(await callout.textContent()).toContain(`${unread.join('; ')}: what those hold is not shown`);
    expect(await callout.textContent()).not.toContain('snapshot');
    expect(await callout.textContent()).toContain('No federated credential findings are drawn for identities whose federated credentials were not read');
    await page.unroute('**/api/identity-map');
    const noFicFile = withMissing('snapshot:/snap', ['federated-credentials/checkout-id.json (az identity federated-credential list -g rg --identity-name checkout-id -o json)']);
    await page.route('**/api/identity-map', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(noFicFile) }));
    await m.open();
    await m.findings().waitFor();
    expect(await callout.textContent()).toMatch(/^The Azure snapshot lacks federated-credentials\/checkout-id\.json \(az identity/);
    expect(await callout.textContent()).toContain('what that file holds is not shown');
    expect(await page.getByTestId('findings-partial').textContent()).toMatch(/not an all-clear: the Azure source could not read federated-credentials\/checkout-id\.json \(az .*\), so what it holds is not analysed\. Federated credential findings were not computed/);

    // The details of an identity whose FICs were not read say so, instead of "nothing wrong".
    await page.unroute('**/api/identity-map');
    const identity = map.nodes.find((n) => n.kind === 'managedIdentity')!;
    const unreadIdentity = { ...noFicFile, nodes: map.nodes.map((n) => (n.id === identity.id ? ({ ...n, data: { ...n.data, ficsUnread: true } } as MapNode) : n)) };
    await page.route('**/api/identity-map', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(unreadIdentity) }));
    await m.open(`?focus=${encodeURIComponent(identity.id)}`);
    await expect.poll(() => m.detailsTitle().textContent()).toBe(identity.label);
    expect(await page.getByTestId('unread-credentials').textContent()).toContain(`The federated credentials of ${identity.label} could not be read`);
    expect(await page.getByTestId('node-details').textContent()).not.toContain('Nothing wrong found');

    // With both sources read, the all-clear stands.
    await page.unroute('**/api/identity-map');
    await page.route('**/api/identity-map', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ ...map, findings: [] }) }));
    await m.open();
    await m.findings().waitFor();
    expect(await m.findings().textContent()).toContain('No findings: every workload identity chain idlens can see is consistent.');
    await page.close();
  });

  /** A cluster named by a finding, and a namespace none of its nodes is in. */
  function clusterBehindFilters() {
    const ref = map.findings.flatMap((f) => f.refs).find((r) => r.startsWith('cluster:'))!;
    const name = ref.slice('cluster:'.length);
    const own = new Set(map.nodes.filter((n) => (n.data as { cluster?: string }).cluster === name).map((n) => (n.data as { namespace?: string }).namespace));
    const otherNs = map.nodes.map((n) => (n.data as { namespace?: string }).namespace).find((ns) => ns && !own.has(ns))!;
    return { ref, name, otherNs };
  }

  it('a focused cluster the filters hide says so, with a way to show it', async () => {
    const { ref, otherNs } = clusterBehindFilters();
    const m = await openPage(`?focus=${ref}&ns=${otherNs}`);
    await m.clusterDetails().waitFor();
    expect(await m.hiddenNote().textContent()).toContain('The current filters hide every node of this cluster');
    await m.hiddenNote().getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(() => m.tableCount().textContent()).toBe(String(map.nodes.length));
    expect(await m.hiddenNote().count()).toBe(0);
    expect(new URL(m.page.url()).searchParams.get('focus')).toBe(ref);
    // The button went away with the note: focus stays in the details rather than falling to <body>.
    expect(await m.focusedId()).toBe('node-details-title');
    // Unfiltered, or filtered to the cluster's own namespace: no note.
    await m.open(`?focus=${ref}`);
    await m.clusterDetails().waitFor();
    expect(await m.hiddenNote().count()).toBe(0);
    await m.page.close();
  });

  it('the cluster panel breaks ids and URLs anywhere but wraps its prose between words', async () => {
    const { ref } = clusterBehindFilters();
    const m = await openPage(`?focus=${ref}`);
    const usable = m.clusterDetails().getByTestId('issuer-usable');
    await usable.waitFor();
    expect(await usable.evaluate((el) => getComputedStyle(el).wordBreak)).not.toBe('break-all');
    const issuer = m.clusterDetails().locator('dd code').nth(1);
    expect(await issuer.evaluate((el) => getComputedStyle(el).wordBreak)).toBe('break-all');
    await m.page.close();
  });

  it('every clear-filters button leaves focus on the search box, not on <body>', async () => {
    const ns = map.nodes.map((n) => (n.data as { namespace?: string }).namespace).find(Boolean)!;
    const m = await openPage(`?ns=${ns}`);
    await m.page.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(() => m.tableCount().textContent()).toBe(String(map.nodes.length));
    expect(await m.focusedId()).toBe('map-q');
    for (const button of ['Clear the namespace filter', 'Clear all filters']) {
      await m.open('?ns=doesnotexist');
      await m.page.getByTestId('filters-hide-everything').getByRole('button', { name: button }).click();
      await expect.poll(() => m.tableCount().textContent()).toBe(String(map.nodes.length));
      expect(await m.focusedId(), button).toBe('map-q');
    }
    await m.page.close();
  });

  it('unknown values in the URL are reported beside the filters, and removed in one click', async () => {
    const m = await openPage('?kind=bogus&severity=critical&ns=shop');
    const ignored = m.ignoredParams();
    await ignored.waitFor();
    const text = await ignored.textContent();
    expect(text).toContain('Ignored kind=bogus: not a node kind (pod, serviceAccount');
    expect(text).toContain('Ignored severity=critical: not a finding severity (error, warning, info).');
    await ignored.getByRole('button', { name: 'Remove them from the URL' }).click();
    await ignored.waitFor({ state: 'detached' });
    const url = new URL(m.page.url());
    expect([url.searchParams.get('kind'), url.searchParams.get('severity'), url.searchParams.get('ns')]).toEqual([null, null, 'shop']);
    expect(await m.focusedId()).toBe('map-q');
    await m.page.close();
  });

  it('Back undoes a filter change and restores the controls; typing adds no history entry', async () => {
    const m = await openPage();
    await m.waitForGraph();
    const all = String(map.nodes.length);
    const ns = map.nodes.map((n) => (n.data as { namespace?: string }).namespace).find(Boolean)!;
    const start = await m.page.evaluate(() => history.length);
    await m.namespaceFilter().selectOption(ns);
    await expect.poll(() => new URL(m.page.url()).searchParams.get('ns')).toBe(ns);
    await m.kindFilter('Pod').uncheck();
    await expect.poll(() => new URL(m.page.url()).searchParams.get('kind')).not.toBeNull();
    await m.search().pressSequentially('zz', { delay: 30 });
    await expect.poll(() => new URL(m.page.url()).searchParams.get('q')).toBe('zz');
    expect(await m.page.evaluate(() => history.length)).toBe(start + 2);

    await m.page.goBack();
    await expect.poll(() => new URL(m.page.url()).searchParams.get('kind')).toBeNull();
    await expect.poll(() => m.kindFilter('Pod').isChecked()).toBe(true);
    expect(await m.search().inputValue()).toBe('');
    expect(await m.namespaceFilter().inputValue()).toBe(ns);
    await m.page.goBack();
    await expect.poll(() => m.namespaceFilter().inputValue()).toBe('');
    await expect.poll(() => m.tableCount().textContent()).toBe(all);
    await m.page.goForward();
    await expect.poll(() => m.namespaceFilter().inputValue()).toBe(ns);
    await expect.poll(() => m.tableCount().textContent()).not.toBe(all);
    await m.page.close();
  });

  it("a service account's details give the command minting its token, with the cluster as --context, and link to the decoder", async () => {
    const m = await openPage('?focus=' + encodeURIComponent('sa:sample:shop/checkout'));
    await m.details().waitFor();
    const section = m.details().locator('section[aria-labelledby="token-title"]');
    expect(await section.locator('pre').textContent()).toContain('kubectl --context sample create token checkout -n shop --audience api://AzureADTokenExchange');
    expect(await section.getByRole('link', { name: 'Tokens' }).getAttribute('href')).toBe('/tokens');
    await m.page.close();
  });

  it("a pod of a cluster with findings of its own says so instead of a bare \"Nothing wrong found\"", async () => {
    const pod = map.nodes.find((n) => n.kind === 'pod' && (n.data as { cluster?: string }).cluster === 'legacy-onprem')!;
    const m = await openPage('?focus=' + encodeURIComponent(pod.id));
    await m.details().waitFor();
    const note = m.details().getByTestId('cluster-findings');
    await expect.poll(() => note.textContent()).toContain('CLUSTER_OIDC_ISSUER_DISABLED');
    expect(await m.details().textContent()).not.toMatch(/Nothing wrong found for this pod\./);
    await m.page.close();
  });

  it('arrow keys through the namespace select are one history entry: Back returns to the view before them', async () => {
    const m = await openPage();
    await m.waitForGraph();
    const start = await m.page.evaluate(() => history.length);
    await m.namespaceFilter().focus();
    const seen: string[] = [];
    for (let step = 0; step < 3; step++) {
      await m.page.keyboard.press('ArrowDown');
      await expect.poll(() => m.namespaceFilter().inputValue()).not.toBe(seen.at(-1) ?? '');
      seen.push(await m.namespaceFilter().inputValue());
    }
    expect(new Set(seen).size).toBe(3); // three namespaces stepped through
    await expect.poll(() => new URL(m.page.url()).searchParams.get('ns')).toBe(seen[2]!);
    expect(await m.page.evaluate(() => history.length)).toBe(start + 1);
    await m.page.goBack();
    await expect.poll(() => m.namespaceFilter().inputValue()).toBe('');
    expect(new URL(m.page.url()).searchParams.get('ns')).toBeNull();
    // A step after Back starts a new entry (it does not rewrite the entry Back returned to).
    await m.page.keyboard.press('ArrowDown');
    await expect.poll(() => new URL(m.page.url()).searchParams.get('ns')).toBe(seen[0]!);
    await m.page.goBack();
    await expect.poll(() => m.namespaceFilter().inputValue()).toBe('');
    // Anything else between two steps ends the run: a selection keeps its own entry.
    await m.namespaceFilter().focus();
    await m.page.keyboard.press('ArrowDown');
    await expect.poll(() => new URL(m.page.url()).searchParams.get('ns')).toBe(seen[0]!);
    await m.rowNames().first().click();
    await expect.poll(() => new URL(m.page.url()).searchParams.get('focus')).not.toBeNull();
    const selected = new URL(m.page.url()).searchParams.get('focus');
    await m.namespaceFilter().focus();
    await m.page.keyboard.press('ArrowDown');
    await expect.poll(() => new URL(m.page.url()).searchParams.get('ns')).toBe(seen[1]!);
    // Back returns to the selection (a step that replaced its entry would skip it).
    await m.page.goBack();
    await expect.poll(() => new URL(m.page.url()).searchParams.get('ns')).toBe(seen[0]!);
    expect(new URL(m.page.url()).searchParams.get('focus')).toBe(selected);
    await m.page.close();
  });

  it('a zero count in the summary is neutral, not in its severity colour; a phone is told the table scrolls sideways', async () => {
    const phone = await launchChromium({ viewport: { width: 390, height: 844 } });
    try {
      const page = await phone.context.newPage();
      // The sample map with its errors only: no warning, no info.
      await page.route('**/api/identity-map**', (route) => route.fulfill({ json: { ...map, findings: map.findings.filter((f) => f.severity === 'error') } }));
      const m = new MapPage(page, server.url);
      await m.open();
      const summary = page.getByTestId('map-summary');
      await expect.poll(() => summary.locator('.badge', { hasText: 'warnings' }).getAttribute('class')).toContain('badge-neutral');
      expect(await summary.locator('.badge', { hasText: 'info' }).getAttribute('class')).toContain('badge-neutral');
      expect(await summary.locator('.badge', { hasText: 'errors' }).getAttribute('class')).toContain('badge-error');
      expect(await page.locator('.map-table-hint').isVisible()).toBe(true);
    } finally {
      await phone.close();
    }
    const wide = await openPage();
    await wide.waitForGraph();
    expect(await wide.page.locator('.map-table-hint').isVisible()).toBe(false);
    await wide.page.close();
  });

  it('the node table fits its box beside the details at 1280 px: no column cut, no sideways scroll', async () => {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 1280, height: 800 });
    const m = new MapPage(page, server.url);
    await m.open();
    await m.waitForGraph();
    const box = page.locator('.map-table-scroll');
    const [client, scroll] = await box.evaluate((el) => [el.clientWidth, el.scrollWidth]);
    expect(scroll).toBeLessThanOrEqual(client);
    expect(await page.locator('.map-table-hint').isVisible()).toBe(false);
    await page.close();
  });

  it('a wide, tall screen gives the map its width and height (text pages keep their 1280 px)', async () => {
    const wide = await launchChromium({ viewport: { width: 1920, height: 1200 } });
    try {
      const page = await wide.context.newPage();
      const m = new MapPage(page, server.url);
      await m.open();
      await m.waitForGraph();
      const canvas = await page.locator('.map-canvas').boundingBox();
      expect(canvas!.width).toBeGreaterThan(1100);
      expect(canvas!.height).toBeGreaterThan(700);
      await page.goto(`${server.url}/explain`);
      expect((await page.locator('.shell-main').boundingBox())!.width).toBeLessThanOrEqual(1280);
    } finally {
      await wide.close();
    }
  });

  it('a narrow window scrolls opened details into view; a wide one does not jump', async () => {
    const sa = map.nodes.find((n) => n.kind === 'serviceAccount')!;
    const phone = await launchChromium({ viewport: { width: 390, height: 844 } });
    try {
      const m = new MapPage(await phone.context.newPage(), server.url);
      await m.open(`?focus=${sa.id}`);
      await m.details().waitFor();
      await expect.poll(() => m.detailsTitleInView()).toBe(true);
      // From the card's top: the kind label and the close button above the heading show too.
      expect(await m.detailsCloseInView()).toBe(true);
      expect(await m.focusedId()).toBe('node-details-title');

      await m.open();
      await m.waitForGraph();
      await m.rowNames().first().click();
      await m.details().waitFor();
      await expect.poll(() => m.detailsTitleInView()).toBe(true);
      expect(await m.focusedId()).toBe('node-details-title');
    } finally {
      await phone.close();
    }

    const wide = await openPage();
    await wide.waitForGraph();
    const row = wide.rowNames().first();
    await row.scrollIntoViewIfNeeded();
    const before = await wide.page.evaluate(() => window.scrollY);
    await row.click();
    await wide.details().waitFor();
    expect(await wide.page.evaluate(() => window.scrollY)).toBe(before);
    expect(await wide.focusedId()).not.toBe('node-details-title');
    await wide.page.close();
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
    // The upstream message ends with a full stop before the callout's own sentence.
    expect(await alert.textContent()).toMatch(/[.!?…] The cluster part of the map is still shown/);
    // No all-clear while one side is unread.
    await m.findings().waitFor();
    expect(await m.findings().textContent()).not.toContain('every workload identity chain idlens can see is consistent');
    if ((await m.findings().locator('li.map-finding').count()) === 0) {
      expect(await m.page.getByTestId('findings-partial').textContent()).toMatch(/No findings in what could be read.*Azure side .*not analysed/);
    }
    await m.waitForGraph();
    await expect.poll(() => m.paintedCanvases()).toBeGreaterThan(0);
    const rows = await m.nodesTable().locator('tbody tr[data-node-id]').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-node-id')));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((id) => id!.startsWith('pod:') || id!.startsWith('sa:'))).toBe(true);
    await page.screenshot({ path: join(artifactsDir, 'map-azure-failed.png'), fullPage: true });
    await page.close();
  });
});

describe('/map when both sources fail', () => {
  let server: RunningServer;
  let browser: Browser;
  let snapshot: string;

  beforeAll(async () => {
    snapshot = mkdtempSync(join(tmpdir(), 'idlens-broken-both-'));
    writeFileSync(join(snapshot, 'kubernetes.json'), '{ "kind": "List", "items": [');
    writeFileSync(join(snapshot, 'identities.json'), '{ this is not JSON');
    server = await startServer({ IDLENS_CLUSTER: snapshot, IDLENS_AZURE: snapshot });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(snapshot, { recursive: true, force: true });
  });

  it('says each failed, without claiming the other part is shown, and why the map is empty', async () => {
    const page = await browser.context.newPage();
    const m = new MapPage(page, server.url);
    await m.open();
    const cluster = m.alerts().and(page.locator('[data-source="cluster"]'));
    const azure = m.alerts().and(page.locator('[data-source="azure"]'));
    await cluster.waitFor();
    await azure.waitFor();
    expect(await cluster.textContent()).toContain('kubernetes.json');
    expect(await cluster.textContent()).toContain('The Azure source failed too (below), so the map has nothing to show.');
    expect(await azure.textContent()).toContain('The cluster source failed too (above), so the map has nothing to show.');
    expect(await page.locator('main').textContent()).not.toContain('part of the map is still shown');
    const empty = page.getByRole('status').filter({ hasText: 'The map is empty' });
    expect(await empty.textContent()).toContain('because both sources failed: fix what the messages above say, then press Refresh.');
    expect(await empty.textContent()).not.toContain('Point them at a cluster');
    await page.screenshot({ path: join(artifactsDir, 'map-both-failed.png'), fullPage: true });
    await page.close();
  });
});
