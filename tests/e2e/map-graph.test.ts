import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { IdentityMapData } from '@/lib/api/identity-map-queries';
import { artifactsDir } from '../support/chromium';
import { MapPage } from '../support/pages/map-page';
import { serverAndBrowser } from '../support/server-and-browser';

// The graph itself in Debian's Chromium against the built-in sample world: what a filter leaves is
// framed (no full-size empty group boxes), and the PNG export is of what is shown, at a sane size.

/** Width and height from a PNG's IHDR chunk. */
function pngSize(bytes: Buffer): { width: number; height: number } {
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe('/map graph in Chromium', () => {
  const env = serverAndBrowser();
  let map: IdentityMapData;

  beforeAll(async () => {
    mkdirSync(artifactsDir, { recursive: true });
    map = (await (await fetch(`${env.server.url}/api/identity-map`)).json()) as IdentityMapData;
  });

  /** The PNG export's file (the button's wording is the panel's: match on "PNG" alone). */
  async function exportPng(m: MapPage): Promise<Buffer> {
    const [download] = await Promise.all([m.page.waitForEvent('download'), m.page.getByRole('button', { name: /\bPNG\b/ }).click()]);
    return readFileSync((await download.path())!);
  }

  async function openPage(query = '') {
    const m = new MapPage(await env.browser.context.newPage(), env.server.url);
    await m.open(query);
    await m.waitForGraph();
    return m;
  }

  /** The share of the canvas's width and height that has anything drawn on it (group boxes included). */
  async function drawnExtent(m: MapPage): Promise<{ width: number; height: number }> {
    return m.graph().evaluate((el) => {
      let x1 = Infinity;
      let y1 = Infinity;
      let x2 = -Infinity;
      let y2 = -Infinity;
      let w = 1;
      let h = 1;
      for (const canvas of el.querySelectorAll('canvas')) {
        const ctx = canvas.getContext('2d');
        if (!ctx || canvas.width === 0 || canvas.height === 0) continue;
        w = canvas.width;
        h = canvas.height;
        const data = ctx.getImageData(0, 0, w, h).data;
        for (let i = 3; i < data.length; i += 4) {
          if (data[i]! === 0) continue;
          const p = (i - 3) / 4;
          const x = p % w;
          const y = Math.floor(p / w);
          if (x < x1) x1 = x;
          if (x > x2) x2 = x;
          if (y < y1) y1 = y;
          if (y > y2) y2 = y;
        }
      }
      return x2 < x1 ? { width: 0, height: 0 } : { width: (x2 - x1) / w, height: (y2 - y1) / h };
    });
  }

  it('frames the namespace a URL filter leaves, from the first frame', async () => {
    expect(map.nodes.some((n) => 'namespace' in n.data && n.data.namespace === 'reports')).toBe(true);
    const m = await openPage('?ns=reports');
    await expect.poll(() => m.paintedCanvases()).toBeGreaterThan(0);
    const extent = await drawnExtent(m);
    // Before: five dots in a corner of the full-size boxes (about 0.3 of the view); now the view is
    // filled one way or the other.
    expect(Math.max(extent.width, extent.height)).toBeGreaterThan(0.6);
    await m.page.screenshot({ path: join(artifactsDir, 'map-graph-ns-reports.png') });
    await m.page.close();
  });

  it('re-frames the graph when a search narrows it', async () => {
    const m = await openPage();
    await expect.poll(() => m.paintedCanvases()).toBeGreaterThan(0);
    // The whole map, fitted, already fills the view: the fill only says something once the search
    // has narrowed the graph and the view has been framed anew.
    const before = await drawnExtent(m);
    await m.search().fill('reports');
    await expect.poll(() => m.filterCount().textContent()).toMatch(new RegExp(`^\\d+ of ${map.nodes.length} nodes$`));
    const moved = (e: { width: number; height: number }) => Math.abs(e.width - before.width) + Math.abs(e.height - before.height) > 0.02;
    // Narrowed: the drawing changes; re-framed (300 ms after the last keystroke): it fills the view
    // again. Without the re-frame the few nodes left stay small in a corner and this times out.
    await expect.poll(async () => moved(await drawnExtent(m)), { timeout: 5000 }).toBe(true);
    await expect.poll(async () => {
      const extent = await drawnExtent(m);
      return moved(extent) ? Math.max(extent.width, extent.height) : 0;
    }, { timeout: 5000 }).toBeGreaterThan(0.6);
    await m.page.close();
  });

  it('exports a PNG of what is shown, at twice its size and no more', async () => {
    const all = await openPage();
    const whole = pngSize(await exportPng(all));
    await all.page.close();
    const reports = await openPage('?ns=reports');
    const part = pngSize(await exportPng(reports));
    await reports.page.close();
    // Before: the whole map always 8,000 px wide; a filtered one 3641×7999, mostly empty boxes.
    expect(Math.max(whole.width, whole.height)).toBeLessThan(8000);
    expect(Math.max(part.width, part.height)).toBeLessThan(2500);
    expect(part.width * part.height).toBeLessThan((whole.width * whole.height) / 4);
  });
});
