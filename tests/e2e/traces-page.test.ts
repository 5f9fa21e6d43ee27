import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Response as PwResponse } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactsDir, type Browser, launchChromium } from '../support/chromium';
import { type RunningServer, startServer } from '../support/next-server';
import { TracePage } from '../support/pages/trace-page';
import { parseLogLine } from '@/lib/traces/parse-line';
import { buildTrace } from '@/lib/traces/trace';
import type { TraceListItem } from '@/lib/traces/trace';

// The trace pages in Debian's Chromium against the real server: the built-in sample logs (five
// traces, one per scenario of the seed's flow) and a log file written here with hostile lines.

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** A JWT-shaped token (not signed by anything the server knows): what an app might log. */
const LOGGED_JWT = `${b64url({ alg: 'RS256', typ: 'JWT', kid: 'logged-key' })}.${b64url({
  iss: 'https://oidc.example.test/cluster-1',
  sub: 'system:serviceaccount:shop:consumer',
  aud: ['api://AzureADTokenExchange'],
  exp: 1_900_000_000,
})}.${Buffer.from('not-a-real-signature-but-long-enough').toString('base64url')}`;
const JWT_SIGNATURE = LOGGED_JWT.split('.')[2]!;
const JWT_PAYLOAD = LOGGED_JWT.split('.')[1]!;

const HOSTILE_ID = 'hostile-lines-1';
const HOSTILE_LINES = [
  JSON.stringify({
    time: '2025-03-04T10:00:00.000Z',
    level: 'info',
    service: 'consumer',
    msg: 'calling provider <img src=x onerror=alert(1)> </script><script>alert(2)</script>',
    correlationId: HOSTILE_ID,
    headers: { Authorization: `Bearer ${LOGGED_JWT}` },
  }),
  JSON.stringify({
    time: '2025-03-04T10:00:00.040Z',
    level: 'error',
    service: 'provider',
    msg: 'rejected\r\nFAKE 200 OK \u001b[31mred\u001b[0m',
    correlationId: HOSTILE_ID,
    status: 401,
    error: 'invalid_token',
    error_description: 'Signature validation failed',
  }),
];

describe('/traces in Chromium', () => {
  let server: RunningServer;
  let hostileServer: RunningServer | undefined;
  let browser: Browser;
  let samples: TraceListItem[];
  let tmp: string;

  beforeAll(async () => {
    mkdirSync(artifactsDir, { recursive: true });
    tmp = mkdtempSync(join(tmpdir(), 'idlens-traces-'));
    writeFileSync(join(tmp, 'app.log'), `${HOSTILE_LINES.join('\n')}\n`);
    server = await startServer();
    browser = await launchChromium();
    const body = (await (await fetch(`${server.url}/api/traces?limit=500`)).json()) as { traces: TraceListItem[] };
    samples = body.traces;
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await hostileServer?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  async function openPage() {
    const page = await browser.context.newPage();
    return new TracePage(page, server.url);
  }

  const sample = (predicate: (t: TraceListItem) => boolean, what: string) => {
    const found = samples.find(predicate);
    if (!found) throw new Error(`no sample trace ${what} among ${JSON.stringify(samples.map((s) => [s.correlationId, s.summary.outcome]))}`);
    return found;
  };
  const hasError = (code: string) => (t: TraceListItem) => t.summary.errors.some((e) => e.code === code);

  it('lists every sample outcome, and the outcome filter is a link the URL keeps', async () => {
    const t = await openPage();
    await t.openList();
    await expect.poll(async () => (await t.listedOutcomes()).length, { timeout: 15_000 }).toBeGreaterThanOrEqual(5);
    const listed = await t.listedOutcomes();
    expect(new Set(listed.map((r) => r.outcome))).toEqual(new Set(['success', 'recovered', 'failed']));
    for (const code of ['token_expired', 'invalid_token', 'rate_limited', 'AADSTS70021']) {
      expect(listed.map((r) => r.id)).toContain(sample(hasError(code), code).correlationId);
    }
    await t.page.screenshot({ path: join(artifactsDir, 'traces-list.png'), fullPage: true });

    await t.filterByOutcome('Failed');
    await expect.poll(() => new URL(t.page.url()).search).toBe('?outcome=failed');
    await expect.poll(async () => (await t.listedOutcomes()).map((r) => r.outcome)).toEqual(samples.filter((s) => s.summary.outcome === 'failed').map(() => 'failed'));
    await t.page.reload();
    const failedCount = samples.filter((s) => s.summary.outcome === 'failed').length;
    await expect.poll(async () => (await t.listedOutcomes()).map((r) => r.outcome)).toEqual(Array(failedCount).fill('failed'));
    await t.page.screenshot({ path: join(artifactsDir, 'traces-list-failed.png'), fullPage: true });

    await t.filterByOutcome('Recovered');
    const recoveredCount = samples.filter((s) => s.summary.outcome === 'recovered').length;
    await expect.poll(async () => (await t.listedOutcomes()).map((r) => r.outcome)).toEqual(Array(recoveredCount).fill('recovered'));
    await t.filterByOutcome('All');
    await expect.poll(async () => (await t.listedOutcomes()).length).toBe(listed.length);

    // Services link to ?service=, which keeps only the traces that service logged in.
    // The service in the fewest traces makes the narrowest filter.
    const services = [...new Set(samples.flatMap((s) => s.summary.services))];
    const inTraces = (service: string) => samples.filter((s) => s.summary.services.includes(service)).map((s) => s.correlationId);
    const service = services.sort((a, b) => inTraces(a).length - inTraces(b).length)[0]!;
    await t.page.locator('table.traces-table').getByRole('link', { name: service, exact: true }).first().click();
    await expect.poll(() => new URL(t.page.url()).searchParams.get('service')).toBe(service);
    await expect.poll(async () => (await t.listedOutcomes()).map((r) => r.id).sort()).toEqual(inTraces(service).sort());
    await t.page.close();
  });

  it('searching a sample ID opens its trace: summary, timeline, events, sequence diagram; a reload keeps it', async () => {
    const t = await openPage();
    const aadsts = sample(hasError('AADSTS70021'), 'with AADSTS70021');
    await t.openList();
    await t.search(aadsts.correlationId);
    await expect.poll(() => new URL(t.page.url()).pathname).toBe(`/traces/${aadsts.correlationId}`);
    const detail = (await (await fetch(`${server.url}/api/traces/${aadsts.correlationId}`)).json()) as { sequence: string; events: unknown[]; summary: { services: string[] } };
    for (const pass of ['first', 'reload']) {
      await expect.poll(() => t.outcomeBadge().textContent(), { timeout: 15_000 }).toBe('failed');
      await expect.poll(() => t.page.locator('[data-error-code="AADSTS70021"]').textContent()).toMatch(/Meaning:.*Usual fix for AADSTS70021:.*analysis below says what differs/s);
      expect(await t.timelineLanes().count()).toBe(detail.summary.services.length);
      expect(await t.eventRows().count()).toBe(detail.events.length);
      await t.sequenceSvg().waitFor({ timeout: 30_000 });
      expect(await t.sequenceSvg().locator('text').count()).toBeGreaterThan(5);
      const mapLink = t.page.getByTestId('entra-map-link');
      expect(await mapLink.getAttribute('href')).toMatch(/^\/map\?focus=sa:[^&]+\/[^&]+$/);
      if (pass === 'first') {
        await t.page.screenshot({ path: join(artifactsDir, 'trace-aadsts70021.png'), fullPage: true });
        await t.page.reload();
      }
    }
    // Expanding a row shows its raw line; so does choosing a timeline marker.
    await t.eventRows().first().getByRole('button', { name: 'Raw line' }).click();
    await expect.poll(() => t.page.getByLabel('Raw line of event 1').textContent()).toMatch(/\S/);
    await t.timelineLanes().first().getByRole('button').last().click();
    await expect.poll(() => t.page.locator('tr.event-raw-row').count()).toBe(2);
    expect(await t.page.locator('tr.event-raw-row').last().textContent()).toMatch(/\S/);

    // The diagram downloads as SVG and its source copies to the clipboard.
    const svgDownload = t.page.waitForEvent('download');
    await t.page.getByRole('button', { name: 'Download SVG' }).click();
    const svgPath = join(tmp, (await svgDownload).suggestedFilename());
    await (await svgDownload).saveAs(svgPath);
    expect(svgPath).toMatch(new RegExp(`idlens-trace-${aadsts.correlationId}\\.svg$`));
    expect(readFileSync(svgPath, 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>$/);
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    await t.page.getByRole('button', { name: 'Copy mermaid source' }).click();
    await expect.poll(() => t.page.getByText('Mermaid source copied.').count()).toBe(1);
    expect(await t.page.evaluate(() => navigator.clipboard.readText())).toBe(detail.sequence);
    await t.page.close();
  });

  it('draws every sample trace', async () => {
    const t = await openPage();
    const cases: Array<[string, (x: TraceListItem) => boolean, string]> = [
      ['success', (x) => x.summary.outcome === 'success', 'success'],
      ['token-expired', hasError('token_expired'), 'recovered'],
      ['invalid-token', hasError('invalid_token'), 'failed'],
      ['rate-limited', hasError('rate_limited'), 'recovered'],
    ];
    for (const [name, predicate, outcome] of cases) {
      const item = sample(predicate, name);
      await t.openTrace(item.correlationId);
      await expect.poll(() => t.outcomeBadge().textContent(), { timeout: 15_000 }).toBe(outcome);
      await t.sequenceSvg().waitFor({ timeout: 30_000 });
      expect(await t.alerts().count()).toBe(0);
      await t.page.screenshot({ path: join(artifactsDir, `trace-${name}.png`), fullPage: true });
    }
    await t.page.close();
  });

  it('explains a bad ID before any request, and on a deep link', async () => {
    const t = await openPage();
    await t.openList();
    await t.search('abc def');
    await expect.poll(() => t.alert().textContent()).toMatch(/contains a space \(U\+0020\) at position 4/);
    expect(new URL(t.page.url()).pathname).toBe('/traces');
    expect(t.requests.filter((r) => r.url.includes('/api/traces/'))).toEqual([]);
    await t.search(`x${'a'.repeat(10_000)}`);
    await expect.poll(() => t.alert().textContent()).toMatch(/10001 characters long; at most 128/);
    await t.page.screenshot({ path: join(artifactsDir, 'traces-bad-id.png') });

    await t.openTrace("x'%20or%201%20eq%201");
    await expect.poll(() => t.page.getByTestId('bad-correlation-id').textContent()).toMatch(/not a valid correlation ID.*'''/s);
    await t.page.close();
  });

  it('says which sources were searched for an unknown ID', async () => {
    const t = await openPage();
    await t.openTrace('no-such-trace-42');
    await expect.poll(() => t.page.getByTestId('trace-not-found').textContent(), { timeout: 15_000 }).toContain('No log line carries the correlation ID no-such-trace-42');
    await expect.poll(() => t.page.getByRole('list', { name: 'Sources searched' }).textContent()).toMatch(/answered/);
    await t.page.screenshot({ path: join(artifactsDir, 'trace-not-found.png'), fullPage: true });
    await t.page.close();
  });

  it('renders hostile log text as text, masks a logged JWT, and "decode" opens it without any request carrying it', async () => {
    // Through the file log source when this build has it; otherwise through an opened export file,
    // which renders in the same trace view.
    let viaFileSource = false;
    try {
      hostileServer = await startServer({ IDLENS_LOGS: join(tmp, 'app.log') });
      viaFileSource = (await fetch(`${hostileServer.url}/api/traces/${HOSTILE_ID}`)).status === 200;
    } catch {
      viaFileSource = false;
    }
    const dialogs: string[] = [];
    const contextRequests: string[] = [];
    const onRequest = (r: { url(): string; headers(): Record<string, string>; postData(): string | null }) =>
      contextRequests.push(`${r.url()} ${JSON.stringify(r.headers())} ${r.postData() ?? ''}`);
    browser.context.on('request', onRequest);
    const page = await browser.context.newPage();
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const t = new TracePage(page, viaFileSource ? hostileServer!.url : server.url);
    if (viaFileSource) {
      await t.openTrace(HOSTILE_ID);
    } else {
      console.warn('traces-page.test: the file log source is not wired into this build; hostile lines are tested through an opened export file.');
      const trace = buildTrace(HOSTILE_ID, HOSTILE_LINES.map((text, i) => parseLogLine({ source: `test:app.log:${i + 1}`, text })), { maxEvents: 100 });
      const file = join(tmp, 'hostile-export.json');
      writeFileSync(file, JSON.stringify({ kind: 'idlens-trace-export', version: 1, redacted: true, exportedAt: new Date().toISOString(), trace }));
      await t.openList();
      await t.importFile(file);
    }
    await expect.poll(() => t.eventRows().count(), { timeout: 15_000 }).toBe(2);
    const table = page.locator('table.events-table');
    await expect.poll(() => table.textContent()).toContain('<img src=x onerror=alert(1)> </script><script>alert(2)</script>');
    expect(await table.textContent()).toContain('rejected\\r\\nFAKE 200 OK \\x1b[31mred\\x1b[0m');
    expect(await page.locator('img[src="x"], main script').count()).toBe(0);

    // The JWT is masked in the raw line by default, shown on request.
    await t.eventRows().first().getByRole('button', { name: 'Raw line' }).click();
    const raw = page.getByLabel('Raw line of event 1');
    await expect.poll(() => raw.textContent()).toContain('eyJ…[masked JWT]');
    expect(await page.locator('main').textContent()).not.toContain(JWT_SIGNATURE);
    await page.screenshot({ path: join(artifactsDir, 'trace-hostile-lines.png'), fullPage: true });
    await t.showSecrets(true);
    await expect.poll(() => raw.textContent()).toContain(LOGGED_JWT);
    await t.showSecrets(false);

    // "decode" opens the token page with the token in the fragment only.
    const popupPromise = browser.context.waitForEvent('page');
    await raw.getByRole('link', { name: /decode this JWT/ }).click();
    const popup = await popupPromise;
    await popup.getByTestId('token-type').waitFor({ timeout: 15_000 });
    expect(await popup.getByTestId('token-type').textContent()).toBe('Kubernetes service account token');
    expect(new URL(popup.url()).pathname).toBe('/tokens');
    await popup.screenshot({ path: join(artifactsDir, 'trace-decode-token-page.png') });
    browser.context.off('request', onRequest);
    expect(contextRequests.filter((r) => r.includes(JWT_SIGNATURE) || r.includes(JWT_PAYLOAD))).toEqual([]);
    expect(dialogs).toEqual([]);
    await popup.close();
    await page.close();
  });

  it('exports a redacted trace and opens it again without a request', async () => {
    const t = await openPage();
    const item = sample(hasError('token_expired'), 'token_expired');
    await t.openTrace(item.correlationId);
    await t.sequenceSvg().waitFor({ timeout: 30_000 });
    const download = await t.exportTrace();
    const path = join(tmp, download.suggestedFilename());
    await download.saveAs(path);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^idlens-trace-${item.correlationId}-\\d{8}T\\d{6}Z\\.json$`));
    const file = JSON.parse(readFileSync(path, 'utf8')) as { kind: string; redacted: boolean; exportedAt: string; trace: { correlationId: string; events: Array<{ raw: string }> } };
    expect(file).toMatchObject({ kind: 'idlens-trace-export', redacted: true, trace: { correlationId: item.correlationId } });
    expect(Date.parse(file.exportedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(JSON.stringify(file)).not.toMatch(/eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]+\./);

    const importer = await openPage();
    await importer.openList();
    await importer.listRows().first().waitFor({ timeout: 15_000 });
    const before = importer.requests.length;
    await importer.importFile(path);
    await expect.poll(() => importer.page.getByTestId('imported-notice').textContent()).toContain(download.suggestedFilename());
    await expect.poll(() => importer.outcomeBadge().textContent()).toBe('recovered');
    await importer.sequenceSvg().waitFor({ timeout: 30_000 });
    expect(await importer.eventRows().count()).toBe(file.trace.events.length);
    expect(importer.requests.slice(before).filter((r) => r.url.includes('/api/')).map((r) => r.url)).toEqual([]);
    await importer.page.screenshot({ path: join(artifactsDir, 'trace-imported.png'), fullPage: true });

    // A file that is not an export is refused with a reason.
    const bogus = join(tmp, 'bogus.json');
    writeFileSync(bogus, '{"hello":"world"}');
    await importer.page.getByRole('button', { name: 'Close the file' }).click();
    await importer.importFile(bogus);
    await expect.poll(() => importer.alert().textContent()).toMatch(/bogus\.json: This JSON file is not an idlens trace export/);

    // A diagram mermaid cannot draw is reported, and its source stays copyable.
    const broken = { ...file, trace: { ...file.trace, sequence: 'sequenceDiagram\n  participant a as A\n  a->>: ->> ->> }}}' } };
    const brokenPath = join(tmp, 'broken-sequence.json');
    writeFileSync(brokenPath, JSON.stringify(broken));
    await importer.importFile(brokenPath);
    await expect.poll(() => importer.alert().textContent(), { timeout: 30_000 }).toMatch(/The sequence diagram could not be drawn\.[\s\S]*mermaid said:[\s\S]*Parse error/);
    expect(await importer.page.getByRole('button', { name: 'Copy mermaid source' }).isEnabled()).toBe(true);
    expect(await importer.page.getByRole('button', { name: 'Download SVG' }).isDisabled()).toBe(true);
    await expect.poll(() => importer.page.locator('details pre').first().isVisible()).toBe(true);
    await importer.page.screenshot({ path: join(artifactsDir, 'trace-diagram-error.png'), fullPage: true });
    await t.page.close();
    await importer.page.close();
  });

  it('/flow?sa= draws the exchange of a service account with its real issuer and subject', async () => {
    const map = (await (await fetch(`${server.url}/api/identity-map`)).json()) as {
      clusters: Array<{ name: string; issuer?: string }>;
      nodes: Array<{ id: string; kind: string; data: { issuer?: string; subject?: string; clientId?: string; cluster?: string } }>;
    };
    const sa = map.nodes.find((n) => n.kind === 'serviceAccount' && n.data.clientId && n.data.issuer);
    expect(sa).toBeDefined();
    const t = await openPage();
    await t.openFlow(`?sa=${sa!.id}`);
    await t.sequenceSvg().waitFor({ timeout: 30_000 });
    // mermaid wraps long labels and breaks long words with a hyphen: compare without either.
    const flat = (text: string) => text.replace(/[\s-]+/g, '');
    const svgText = flat((await t.sequenceSvg().locator('text').allTextContents()).join(''));
    expect(svgText).toContain(flat(`iss=${sa!.data.issuer!}`));
    expect(svgText).toContain(flat(`sub=${sa!.data.subject!}`));
    expect(await t.page.getByTestId('flow-issuer').textContent()).toBe(sa!.data.issuer);
    expect(await t.page.getByTestId('flow-subject').textContent()).toBe(sa!.data.subject);
    expect(await t.page.getByTestId('flow-request').textContent()).toMatch(/^POST https:\/\/login\.microsoftonline\.com\/[^/]+\/oauth2\/v2\.0\/token[\s\S]*grant_type=client_credentials[\s\S]*client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer[\s\S]*&client_assertion=/);
    expect(await t.page.getByLabel('Service account', { exact: true }).inputValue()).toBe(sa!.id);
    await t.page.screenshot({ path: join(artifactsDir, 'flow.png'), fullPage: true });
    await t.page.close();
  });

  it('/flow without a choice offers the workload-identity service accounts, one click away', async () => {
    const t = await openPage();
    await t.openFlow('');
    const link = t.page.locator('.callout-info a').first();
    const label = (await link.textContent())!;
    expect(label).toMatch(/^[a-z0-9-]+\/[a-z0-9-]+$/);
    await link.click();
    await t.sequenceSvg().waitFor({ timeout: 30_000 });
    expect(new URL(t.page.url()).searchParams.get('sa')).toMatch(new RegExp(`^sa:(sample:)?${label}$`));
    await t.page.close();
  });

  it('loads mermaid only on the pages that draw a diagram', async () => {
    const scriptsOf = async (path: string, ready: (t: TracePage) => Promise<unknown>) => {
      const page = await browser.context.newPage();
      const scripts: Array<{ url: string; body: Promise<string> }> = [];
      page.on('response', (r: PwResponse) => {
        if (r.request().resourceType() === 'script') scripts.push({ url: r.url(), body: r.text().catch(() => '') });
      });
      const t = new TracePage(page, server.url);
      await page.goto(`${server.url}${path}`);
      await ready(t);
      await page.waitForLoadState('networkidle');
      const loaded = await Promise.all(scripts.map(async (s) => ({ url: s.url, body: await s.body })));
      await page.close();
      return loaded;
    };
    const item = sample((x) => x.summary.outcome === 'success', 'success');
    const onTrace = await scriptsOf(`/traces/${item.correlationId}`, (t) => t.sequenceSvg().waitFor({ timeout: 30_000 }));
    // mermaid's own parser grammar names the diagram types; our code only builds the source text.
    const isMermaid = (body: string) => body.includes('sequenceDiagram') && /mermaid/i.test(body) && body.length > 20_000;
    const mermaidChunks = onTrace.filter((s) => isMermaid(s.body)).map((s) => s.url);
    expect(mermaidChunks.length).toBeGreaterThan(0);

    const onTokens = await scriptsOf('/tokens', (t) => t.page.getByLabel('Token', { exact: true }).waitFor());
    expect(onTokens.length).toBeGreaterThan(0);
    expect(onTokens.filter((s) => mermaidChunks.includes(s.url) || isMermaid(s.body)).map((s) => s.url)).toEqual([]);
    const onList = await scriptsOf('/traces', (t) => t.listRows().first().waitFor({ timeout: 15_000 }));
    expect(onList.filter((s) => mermaidChunks.includes(s.url)).map((s) => s.url)).toEqual([]);
  });

  it('a trace on a phone does not scroll sideways: its tables scroll in their own boxes', async () => {
    const phone = await launchChromium({ viewport: { width: 390, height: 844 } });
    try {
      const page = await phone.context.newPage();
      const t = new TracePage(page, server.url);
      await t.openTrace(sample(hasError('AADSTS70021'), 'AADSTS70021').correlationId);
      await t.sequenceSvg().waitFor({ timeout: 30_000 });
      // A visually hidden header text, absolutely positioned, escaped the events table's scroll box (494 px).
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    } finally {
      await phone.close();
    }
  });

  it('looks right in the dark theme on a narrow screen', async () => {
    const dark = await launchChromium({ colorScheme: 'dark', viewport: { width: 820, height: 1000 } });
    try {
      const page = await dark.context.newPage();
      const t = new TracePage(page, server.url);
      const item = sample(hasError('rate_limited'), 'rate_limited');
      await t.openTrace(item.correlationId);
      await t.sequenceSvg().waitFor({ timeout: 30_000 });
      await page.screenshot({ path: join(artifactsDir, 'trace-rate-limited-dark.png'), fullPage: true });
      await t.openList();
      await t.listRows().first().waitFor({ timeout: 15_000 });
      await page.screenshot({ path: join(artifactsDir, 'traces-list-dark.png'), fullPage: true });
    } finally {
      await dark.close();
    }
  });
});
