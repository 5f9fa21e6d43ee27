import type { Page } from 'playwright-core';
import { launchChromium } from '../support/chromium';
import type { RunningServer } from '../support/next-server';
import { mapResponseWithCanCalls } from './identity-map.bench-case';

// Issue #3, browser goals for /map with ~5,000 nodes and ~7,000 edges: layout off the main thread,
// first paint of a cached layout < 1.5 s, search/filter < 100 ms per keystroke, smooth pan/zoom.
// The big map is served to the real page by intercepting /api/identity-map in Chromium (the page's
// code is unchanged); the baseline is the same page with the sample world, in the same run.

const round = (n: number) => Math.round(n * 10) / 10;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

async function measure(page: Page, name: string, timeoutMs = 60_000): Promise<number> {
  const handle = await page.waitForFunction((n) => performance.getEntriesByName(n).at(-1)?.duration, name, { timeout: timeoutMs, polling: 50 });
  return (await handle.jsonValue()) as number;
}

async function openMap(page: Page, url: string) {
  await page.evaluate(() => performance.clearMeasures());
  await page.goto(url);
  const layout = await measure(page, 'idlens:map-layout').catch(() => NaN);
  const firstPaint = await measure(page, 'idlens:map-first-paint');
  const edges = await measure(page, 'idlens:map-edges-painted').catch(() => firstPaint);
  return { layout, firstPaint, edges };
}

/** Same-document revisit: the layout cache lives in the page, so navigate away and back inside the app. */
async function revisitMap(page: Page) {
  await page.getByRole('link', { name: 'Tokens', exact: true }).click();
  await page.getByLabel('Token', { exact: true }).waitFor();
  await page.evaluate(() => performance.clearMeasures());
  await page.getByRole('link', { name: 'Identity map', exact: true }).click();
  const firstPaint = await measure(page, 'idlens:map-first-paint');
  const edges = await measure(page, 'idlens:map-edges-painted').catch(() => firstPaint);
  return { firstPaint, edges };
}

async function filterKeystrokes(page: Page, text: string): Promise<number[]> {
  const box = page.getByRole('searchbox', { name: 'Search' });
  await box.click();
  const times: number[] = [];
  for (const ch of text) {
    await page.evaluate(() => performance.clearMeasures('idlens:map-filter'));
    await page.keyboard.type(ch);
    times.push(await measure(page, 'idlens:map-filter', 10_000));
  }
  return times;
}

/** Frame intervals while the graph is zoomed and panned with the wheel and a drag. */
async function panZoomFrames(page: Page): Promise<{ fps: number; worstMs: number }> {
  const canvas = page.locator('[data-testid="map-canvas"]');
  const box = (await canvas.boundingBox())!;
  // A string, not a function: tsx's transpiler would wrap named inner functions in a helper the
  // page does not have.
  await page.evaluate(`(() => {
    window.__frames = [];
    let last = performance.now();
    const tick = (t) => {
      window.__frames.push(t - last);
      last = t;
      if (window.__frames.length < 2000) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  })()`);
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  await page.mouse.move(cx, cy);
  for (let i = 0; i < 10; i++) {
    await page.mouse.wheel(0, i < 5 ? -240 : 240);
    await page.waitForTimeout(40);
  }
  await page.mouse.down();
  for (let i = 0; i < 20; i++) await page.mouse.move(cx + i * 10, cy + i * 5);
  await page.mouse.up();
  const frames = await page.evaluate(() => (window as unknown as { __frames: number[] }).__frames.slice(1));
  const total = frames.reduce((a, b) => a + b, 0);
  return { fps: round((frames.length / total) * 1000), worstMs: round(Math.max(...frames)) };
}

export async function benchMapBrowser(server: RunningServer): Promise<Record<string, number>> {
  // ~5,000 nodes and ~7,000 edges: 1,000 SAs with 3 pods each, 230 identities, and 20 provider
  // APIs called by 100 identities each (the canCall edges that bring the edge count to ~7,000).
  const big = mapResponseWithCanCalls({ serviceAccounts: 1000, podsPerServiceAccount: 3, identities: 230, namespaces: 40, brokenEvery: 50 }, { apis: 20, callersPerApi: 100 });
  const browser = await launchChromium({ viewport: { width: 1440, height: 1000 } });
  try {
    // Baseline: the sample world (about a hundred nodes), same page, same run.
    const samplePage = await browser.context.newPage();
    const sample = await openMap(samplePage, `${server.url}/map`);
    await samplePage.close();

    const page = await browser.context.newPage();
    await page.route('**/api/identity-map*', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: big.json }));
    const cold = await openMap(page, `${server.url}/map`);
    const warm = await revisitMap(page);
    const keystrokes = await filterKeystrokes(page, 'ns-1');
    await page.getByRole('searchbox', { name: 'Search' }).fill('');
    await page.waitForTimeout(500);
    const frames = await panZoomFrames(page);

    const r = {
      'mapBrowser.nodes': big.nodes,
      'mapBrowser.edges': big.edges,
      'mapBrowser.responseKB': Math.round(big.json.length / 1024),
      'mapBrowser.sampleFirstPaintMs': round(sample.firstPaint),
      'mapBrowser.coldLayoutWorkerMs': round(cold.layout),
      'mapBrowser.coldFirstPaintMs': round(cold.firstPaint),
      'mapBrowser.coldEdgesPaintedMs': round(cold.edges),
      'mapBrowser.cachedFirstPaintMs': round(warm.firstPaint),
      'mapBrowser.cachedEdgesPaintedMs': round(warm.edges),
      'mapBrowser.filterMedianMs': round(median(keystrokes)),
      'mapBrowser.filterMaxMs': round(Math.max(...keystrokes)),
      'mapBrowser.panZoomFps': frames.fps,
      'mapBrowser.panZoomWorstFrameMs': frames.worstMs,
    };
    console.log(`map (browser): ${big.nodes} nodes, ${big.edges} edges (${r['mapBrowser.responseKB']} KB JSON)`);
    console.log(`map (browser): layout in the worker ${r['mapBrowser.coldLayoutWorkerMs']} ms; first paint cold ${r['mapBrowser.coldFirstPaintMs']} ms (edges ${r['mapBrowser.coldEdgesPaintedMs']} ms), cached layout ${r['mapBrowser.cachedFirstPaintMs']} ms (edges ${r['mapBrowser.cachedEdgesPaintedMs']} ms) — goal < 1500 ms; sample world baseline ${r['mapBrowser.sampleFirstPaintMs']} ms → ratio ${(warm.firstPaint / sample.firstPaint).toFixed(1)}×`);
    console.log(`map (browser): filter per keystroke median ${r['mapBrowser.filterMedianMs']} ms, max ${r['mapBrowser.filterMaxMs']} ms (goal < 100 ms); pan/zoom ${frames.fps} fps, worst frame ${frames.worstMs} ms`);
    return r;
  } finally {
    await browser.close();
  }
}
