import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { IdentityMapData } from '@/lib/api/identity-map-queries';
import { mapResponseWithCanCalls } from '../bench/identity-map.bench-case';
import { artifactsDir } from '../support/chromium';
import { MapPage } from '../support/pages/map-page';
import { serverAndBrowser } from '../support/server-and-browser';

// The graph itself in Debian's Chromium against the built-in sample world: what a filter leaves is
// framed (no full-size empty group boxes), and the PNG export is of what is shown, at a sane size.

/** The width of the blank border round a PNG: the least distance from an edge to a pixel unlike the one at (0, 0). Decoded in the page. */
async function blankBorder(page: Page, png: Buffer): Promise<number> {
  return page.evaluate(async (base64) => {
    // Decoded here, not fetched from a data: URL (the page's CSP refuses that).
    const image = await createImageBitmap(new Blob([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], { type: 'image/png' }));
    const canvas = new OffscreenCanvas(image.width, image.height);
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(image, 0, 0);
    const { data, width, height } = ctx.getImageData(0, 0, image.width, image.height);
    const [r, g, b, a] = [data[0], data[1], data[2], data[3]];
    let nearest = Infinity;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = (y * width + x) * 4;
        if (data[i] === r && data[i + 1] === g && data[i + 2] === b && data[i + 3] === a) continue;
        nearest = Math.min(nearest, x, y, width - 1 - x, height - 1 - y);
      }
    }
    return nearest;
  }, png.toString('base64'));
}

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

  /** The node layer's pixels, and where (in page px) a service account's body is (its fill colour, 3×3 px of it). */
  const nodeLayer = (m: MapPage) =>
    m.graph().evaluate((el) => {
      const probe = document.createElement('span');
      probe.style.color = getComputedStyle(el).getPropertyValue('--map-sa');
      document.body.append(probe);
      const [r, g, b] = getComputedStyle(probe).color.match(/\d+/g)!.map(Number);
      probe.remove();
      const canvas = el.querySelector<HTMLCanvasElement>('canvas[data-id="layer2-node"]')!;
      const { width, height } = canvas;
      const data = canvas.getContext('2d')!.getImageData(0, 0, width, height).data;
      const fill = (p: number) => data[p * 4 + 3]! > 250 && Math.abs(data[p * 4]! - r!) < 12 && Math.abs(data[p * 4 + 1]! - g!) < 12 && Math.abs(data[p * 4 + 2]! - b!) < 12;
      const box = canvas.getBoundingClientRect();
      let at: { x: number; y: number } | undefined;
      for (let p = width; p < width * (height - 1) && !at; p++) {
        if (fill(p) && fill(p - 1) && fill(p + 1) && fill(p - width) && fill(p + width)) at = { x: box.left + (((p % width) + 0.5) * box.width) / width, y: box.top + ((Math.floor(p / width) + 0.5) * box.height) / height };
      }
      return { pixels: Array.from(data), at, width, height, canvasAt: at && { x: ((at.x - box.left) * width) / box.width, y: ((at.y - box.top) * height) / box.height } };
    });

  it('shows which node is selected at the fitted zoom: a halo of ~10 px on screen round a node clicked on the canvas', async () => {
    const m = await openPage();
    await expect.poll(() => m.paintedCanvases()).toBeGreaterThan(0);
    await m.page.waitForTimeout(400);
    const before = await nodeLayer(m);
    expect(before.at).toBeDefined();
    await m.page.mouse.click(before.at!.x, before.at!.y);
    await expect.poll(() => new URL(m.page.url()).searchParams.get('focus')).not.toBeNull();
    await m.page.waitForTimeout(400);
    const after = await nodeLayer(m);
    // Pixels of the node layer that changed in a ring 6-10 px from the node's centre: outside the
    // 5 px node and the old halo (9 units, under 2 px at the fitted zoom of ~0.2), inside the new
    // one (~11 px). Cytoscape redraws the rest with slightly different edges: only the ring counts.
    let changed = 0;
    let ring = 0;
    for (let dy = -10; dy <= 10; dy++) {
      for (let dx = -10; dx <= 10; dx++) {
        const d = Math.hypot(dx, dy);
        if (d < 6 || d > 10) continue;
        const x = Math.floor(before.canvasAt!.x) + dx;
        const y = Math.floor(before.canvasAt!.y) + dy;
        if (x < 0 || y < 0 || x >= before.width || y >= before.height) continue;
        ring++;
        const i = (y * before.width + x) * 4;
        if (Math.abs(after.pixels[i + 3]! - before.pixels[i + 3]!) > 30 || Math.abs(after.pixels[i]! - before.pixels[i]!) > 30) changed++;
      }
    }
    expect(changed).toBeGreaterThan(ring / 2);
    await m.page.screenshot({ path: join(artifactsDir, 'map-graph-selected.png') });
    await m.page.close();
  });

  it('names the node under the pointer in a tooltip, with a pointer cursor, at the fitted zoom', async () => {
    const m = await openPage();
    await expect.poll(() => m.paintedCanvases()).toBeGreaterThan(0);
    await m.page.waitForTimeout(400);
    const { at } = await nodeLayer(m);
    expect(at).toBeDefined();
    await m.page.mouse.move(at!.x, at!.y);
    const tooltip = m.page.getByRole('tooltip');
    await expect.poll(() => tooltip.textContent()).toMatch(/^\S+ · Service account in \S+ \(cluster \S+\)/);
    // It stays while the pointer rests on the node (it vanished after ~200 ms: the cursor change on
    // cytoscape's container counted as a resize, which re-framed the view and cleared it).
    await m.page.waitForTimeout(800);
    expect(await tooltip.count()).toBe(1);
    expect(await m.graph().evaluate((el) => getComputedStyle(el).cursor)).toBe('pointer');
    // Above the node, not under the pointer.
    const box = (await tooltip.boundingBox())!;
    expect(box.y + box.height).toBeLessThan(at!.y);
    await m.page.screenshot({ path: join(artifactsDir, 'map-graph-tooltip.png') });
    // Moved off the node, to the canvas's empty top-left corner: gone.
    const canvasBox = (await m.graph().boundingBox())!;
    await m.page.mouse.move(canvasBox.x + 4, canvasBox.y + 4);
    await expect.poll(() => tooltip.count()).toBe(0);
    await m.page.close();
  });

  it('exports a PNG of what is shown, at twice its size and no more', async () => {
    const all = await openPage();
    const wholePng = await exportPng(all);
    const whole = pngSize(wholePng);
    // A blank border all round (cytoscape's own export ends at the outermost box's edge), and a
    // drawing that reaches close to it (the border is margin, not a shrunk drawing).
    const border = await blankBorder(all.page, wholePng);
    expect(border).toBeGreaterThanOrEqual(20);
    expect(border).toBeLessThan(40);
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

// Past 1,200 nodes the edges and the group fills are drawn on a canvas of idlens's own beneath
// cytoscape's (components/map/underlay.ts). A synthetic world of ~1,600 nodes, served to the real
// page in place of /api/identity-map.
describe('/map graph in Chromium: a large graph', () => {
  const env = serverAndBrowser();
  const large = mapResponseWithCanCalls({ serviceAccounts: 300, podsPerServiceAccount: 3, identities: 80, namespaces: 10, brokenEvery: 50 }, { apis: 5, callersPerApi: 40 });
  const data = JSON.parse(large.json) as IdentityMapData;

  async function openLarge(query = '', viewport?: { width: number; height: number }) {
    const page = await env.browser.context.newPage();
    if (viewport) await page.setViewportSize(viewport);
    await page.route('**/api/identity-map*', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: large.json }));
    const m = new MapPage(page, env.server.url);
    await m.open(query);
    await m.waitForGraph();
    await expect.poll(() => m.paintedCanvases()).toBeGreaterThan(0);
    return m;
  }

  /**
   * Where the underlay has edge pixels, as their distance from the view's centre, nearest first:
   * pixels darker than a group's fill (#f0f2f5 in the light theme), however faint (a zoomed-out
   * edge is a fraction of a pixel wide).
   */
  async function edgePixelsFromCentre(m: MapPage): Promise<number[]> {
    return m.graph().evaluate((el) => {
      const canvas = el.querySelector<HTMLCanvasElement>('canvas[data-layer="underlay"]');
      if (!canvas) return [];
      const ctx = canvas.getContext('2d')!;
      const { width, height } = canvas;
      const data = ctx.getImageData(0, 0, width, height).data;
      const found: number[] = [];
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3]! < 12 || Math.max(data[i]!, data[i + 1]!, data[i + 2]!) > 232) continue;
        const p = i / 4;
        found.push(Math.hypot((p % width) - width / 2, Math.floor(p / width) - height / 2));
      }
      return found.sort((a, b) => a - b);
    });
  }

  /** Remembers which underlay pixels are edge pixels (as edgePixelsFromCentre tells them), to compare with later. */
  async function rememberEdges(m: MapPage): Promise<void> {
    await m.graph().evaluate((el) => {
      const canvas = el.querySelector<HTMLCanvasElement>('canvas[data-layer="underlay"]')!;
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      const mask = new Uint8Array(canvas.width * canvas.height);
      for (let p = 0; p < mask.length; p++) mask[p] = data[p * 4 + 3]! > 0 && Math.max(data[p * 4]!, data[p * 4 + 1]!, data[p * 4 + 2]!) <= 232 ? 1 : 0;
      (window as unknown as { remembered: { mask: Uint8Array; width: number; height: number } }).remembered = { mask, width: canvas.width, height: canvas.height };
    });
  }

  /**
   * How much of the remembered drawing is now found shifted by (dx, dy): the share of remembered
   * edge pixels (where the shift keeps them on the canvas) that are edge pixels now, at the best
   * offset within `slack` px of (dx, dy), and at no shift at all.
   */
  async function shiftedMatch(m: MapPage, dx: number, dy: number, slack: number): Promise<{ best: number; at: [number, number]; unshifted: number }> {
    return m.graph().evaluate(
      (el, [dx, dy, slack]) => {
        const { mask: before, width, height } = (window as unknown as { remembered: { mask: Uint8Array; width: number; height: number } }).remembered;
        const canvas = el.querySelector<HTMLCanvasElement>('canvas[data-layer="underlay"]')!;
        const data = canvas.getContext('2d')!.getImageData(0, 0, width, height).data;
        const now = (x: number, y: number) => {
          const p = (y * width + x) * 4;
          return data[p + 3]! > 0 && Math.max(data[p]!, data[p + 1]!, data[p + 2]!) <= 232;
        };
        const share = (ox: number, oy: number) => {
          let kept = 0;
          let found = 0;
          for (let y = 0; y < height; y += 2) {
            for (let x = 0; x < width; x += 2) {
              if (!before[y * width + x]) continue;
              const nx = x + ox;
              const ny = y + oy;
              if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
              kept++;
              if (now(nx, ny)) found++;
            }
          }
          return kept === 0 ? 0 : found / kept;
        };
        let best = -1;
        let at: [number, number] = [dx, dy];
        for (let oy = dy - slack; oy <= dy + slack; oy++) {
          for (let ox = dx - slack; ox <= dx + slack; ox++) {
            const s = share(ox, oy);
            if (s > best) {
              best = s;
              at = [ox, oy];
            }
          }
        }
        return { best, at, unshifted: share(0, 0) };
      },
      [dx, dy, slack] as const,
    );
  }

  it('draws the edges beneath the nodes, from each node’s centre, and moves them with the view', async () => {
    expect(large.nodes).toBeGreaterThan(1200);
    // A pod, centred at zoom 1 by its deep link: its edge to its service account starts at the centre.
    const pod = data.nodes.find((n) => n.kind === 'pod')!;
    const m = await openLarge(`?focus=${encodeURIComponent(pod.id)}`);
    await expect.poll(async () => (await edgePixelsFromCentre(m))[0] ?? Infinity).toBeLessThan(3);
    await m.page.screenshot({ path: join(artifactsDir, 'map-graph-large-focus.png') });
    // Beneath: on screen the pod's centre is the pod as cytoscape drew it, not its edge drawn over it…
    const box = (await m.graph().boundingBox())!;
    const centre = { x: Math.round(box.x + box.width / 2), y: Math.round(box.y + box.height / 2) };
    const onScreen = await m.page.screenshot({ clip: { x: centre.x, y: centre.y, width: 1, height: 1 } });
    const [screenPixel, nodePixel] = await m.page.evaluate(
      async ([base64, x, y]) => {
        const image = await createImageBitmap(new Blob([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], { type: 'image/png' }));
        const one = new OffscreenCanvas(1, 1).getContext('2d')!;
        one.drawImage(image, 0, 0);
        const nodes = document.querySelector<HTMLCanvasElement>('canvas[data-id="layer2-node"]')!;
        const r = nodes.getBoundingClientRect();
        const scale = nodes.width / r.width;
        return [[...one.getImageData(0, 0, 1, 1).data], [...nodes.getContext('2d')!.getImageData(Math.round((x - r.left) * scale), Math.round((y - r.top) * scale), 1, 1).data]];
      },
      [onScreen.toString('base64'), centre.x, centre.y] as const,
    );
    expect(nodePixel[3]).toBe(255);
    for (let c = 0; c < 3; c++) expect(Math.abs(screenPixel[c]! - nodePixel[c]!)).toBeLessThanOrEqual(6);
    // …and clicks go through the underlay to cytoscape.
    expect(await m.page.evaluate(({ x, y }) => document.elementFromPoint(x, y)?.getAttribute('data-layer'), centre)).not.toBe('underlay');
    // Zooming out about the centre keeps the pod there, and its edge with it, in a drawing that did change.
    await rememberEdges(m);
    await m.page.getByRole('button', { name: 'Zoom out' }).click();
    await expect.poll(async () => (await shiftedMatch(m, 0, 0, 0)).unshifted).toBeLessThan(0.5);
    expect((await edgePixelsFromCentre(m))[0]).toBeLessThan(3);
    // Dragging the view by (160, 120) px (from beside the pod: a drag on a node does not pan) moves
    // the edges with it: the drawing is found again, shifted by the drag (within cytoscape's few px
    // of drag threshold), not where it was.
    await rememberEdges(m);
    const from = { x: box.x + box.width / 2 - 150, y: box.y + box.height / 2 - 40 };
    await m.page.mouse.move(from.x, from.y);
    await m.page.mouse.down();
    await m.page.mouse.move(from.x + 160, from.y + 120, { steps: 8 });
    await m.page.mouse.up();
    await expect.poll(async () => (await shiftedMatch(m, 160, 120, 6)).best, { timeout: 5000 }).toBeGreaterThan(0.9);
    const match = await shiftedMatch(m, 160, 120, 6);
    expect(match.unshifted).toBeLessThan(0.5);
    expect(Math.hypot(match.at[0] - 160, match.at[1] - 120)).toBeLessThan(6);
    await m.page.close();
  });

  it('draws no edge whose node a filter hides', async () => {
    // Managed identities only: no edge joins two, so the underlay holds the group fills and nothing else.
    const m = await openLarge('?kind=managedIdentity');
    await expect.poll(() => m.filterCount().textContent()).toMatch(/^[\d,]+ of [\d,]+ nodes$/);
    await m.page.waitForTimeout(500);
    // Drawn (the fills are there), and without a single edge pixel.
    expect(await m.graph().evaluate((el) => {
      const canvas = el.querySelector<HTMLCanvasElement>('canvas[data-layer="underlay"]')!;
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let opaque = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 40) opaque++;
      return opaque;
    })).toBeGreaterThan(1000);
    expect(await edgePixelsFromCentre(m)).toEqual([]);
    // Applications shown too (a click, the same graph): the identities' long edges to the APIs they may call come back.
    await m.kindFilter('Application').check();
    await expect.poll(async () => (await edgePixelsFromCentre(m)).length).toBeGreaterThan(1000);
    await m.page.close();
  });

  /** The box around the underlay's group fills, in canvas px, with the canvas's size. */
  async function fillExtent(m: MapPage): Promise<{ x1: number; x2: number; width: number }> {
    return m.graph().evaluate((el) => {
      const canvas = el.querySelector<HTMLCanvasElement>('canvas[data-layer="underlay"]')!;
      const { width, height } = canvas;
      const data = canvas.getContext('2d')!.getImageData(0, 0, width, height).data;
      let x1 = Infinity;
      let x2 = -Infinity;
      for (let p = 0; p < width * height; p++) {
        if (data[p * 4 + 3]! <= 40) continue;
        const x = p % width;
        if (x < x1) x1 = x;
        if (x > x2) x2 = x;
      }
      return { x1, x2, width };
    });
  }

  it('fits the whole layout on a phone-sized screen, where the default zoom limit would cut it', async () => {
    const m = await openLarge('', { width: 320, height: 720 });
    const { page } = m;
    // The layout is ~16,700 units wide: at the old fixed limit (zoom 0.02) it took ~335 px and
    // overflowed both sides of the ~290 px view. Now the fills lie inside it, with the fit's margin.
    await expect.poll(async () => (await fillExtent(m)).x1).toBeGreaterThan(0);
    const extent = await fillExtent(m);
    expect(extent.x2).toBeLessThan(extent.width - 1);
    await page.screenshot({ path: join(artifactsDir, 'map-graph-large-phone.png') });
    // Zooming out stops a little further: the whole map becomes a smaller part of the view.
    await m.page.getByRole('button', { name: 'Zoom out' }).click();
    await m.page.getByRole('button', { name: 'Zoom out' }).click();
    await expect.poll(async () => (await fillExtent(m)).x2 - (await fillExtent(m)).x1).toBeLessThan(extent.x2 - extent.x1);
    await page.close();
  });

  /** The box round the underlay's group fills, as shares of the canvas's width and height. */
  async function fillShare(m: MapPage): Promise<{ width: number; height: number }> {
    return m.graph().evaluate((el) => {
      const canvas = el.querySelector<HTMLCanvasElement>('canvas[data-layer="underlay"]')!;
      const { width, height } = canvas;
      const data = canvas.getContext('2d')!.getImageData(0, 0, width, height).data;
      let [x1, y1, x2, y2] = [Infinity, Infinity, -Infinity, -Infinity];
      for (let p = 0; p < width * height; p++) {
        if (data[p * 4 + 3]! <= 40) continue;
        const x = p % width;
        const y = Math.floor(p / width);
        [x1, y1, x2, y2] = [Math.min(x1, x), Math.min(y1, y), Math.max(x2, x), Math.max(y2, y)];
      }
      return x2 < x1 ? { width: 0, height: 0 } : { width: (x2 - x1) / width, height: (y2 - y1) / height };
    });
  }

  it('lays the graph out for the window’s new shape when it is resized at the framed view, not once the user has zoomed, and again on Fit', async () => {
    const m = await openLarge('', { width: 1700, height: 800 });
    const { page } = m;
    const canvas = m.page.getByTestId('map-canvas');
    const wide = await canvas.getAttribute('data-layout-aspect');
    expect(Number(wide)).toBeGreaterThan(1.5);
    // Turned to portrait: laid out anew for the squarer canvas and framed, so it fills the canvas
    // both ways. The wide layout (~2:1) framed in this ~1:1 canvas fills about half its height.
    await page.setViewportSize({ width: 760, height: 1100 });
    await expect.poll(() => canvas.getAttribute('data-layout-aspect'), { timeout: 10_000 }).not.toBe(wide);
    await expect.poll(async () => Math.min((await fillShare(m)).width, (await fillShare(m)).height), { timeout: 10_000 }).toBeGreaterThan(0.7);
    await page.screenshot({ path: join(artifactsDir, 'map-graph-large-resized.png') });
    // Zoomed in by the user, then widened again: nothing moves under them.
    const portrait = await canvas.getAttribute('data-layout-aspect');
    await m.page.getByRole('button', { name: 'Zoom in' }).click();
    await m.page.waitForTimeout(300);
    await page.setViewportSize({ width: 1700, height: 800 });
    await m.page.waitForTimeout(1500);
    expect(await canvas.getAttribute('data-layout-aspect')).toBe(portrait);
    // Fit asks for the whole map in this canvas: laid out for the wide shape again, and framed.
    await m.page.getByRole('button', { name: 'Fit', exact: true }).click();
    await expect.poll(() => canvas.getAttribute('data-layout-aspect'), { timeout: 10_000 }).toBe(wide);
    // (The portrait layout framed in the wide canvas fills about half its width.)
    await expect.poll(async () => Math.min((await fillShare(m)).width, (await fillShare(m)).height), { timeout: 10_000 }).toBeGreaterThan(0.6);
    await page.close();
  });

  it('keeps the view where the user left it when Refresh brings the same graph', async () => {
    const m = await openLarge();
    for (let i = 0; i < 3; i++) await m.page.getByRole('button', { name: 'Zoom in' }).click();
    await m.page.waitForTimeout(300);
    await rememberEdges(m);
    const underlay = m.page.locator('canvas[data-layer="underlay"]');
    await underlay.evaluate((c) => c.setAttribute('data-before-refresh', ''));
    // A fresh answer, as the server gives one: the same graph, computed anew.
    await m.page.unroute('**/api/identity-map*');
    await m.page.route('**/api/identity-map*', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ ...data, generatedAt: new Date().toISOString() }) }));
    await m.page.getByRole('button', { name: 'Refresh', exact: true }).click();
    // The graph is rebuilt: a new underlay canvas replaces the marked one.
    await expect.poll(() => m.page.locator('canvas[data-layer="underlay"]:not([data-before-refresh])').count(), { timeout: 15_000 }).toBe(1);
    await m.waitForGraph();
    // Rebuilt (a new underlay), drawn at the same zoom and pan: the same pixels, unshifted.
    await expect.poll(async () => (await shiftedMatch(m, 0, 0, 0)).unshifted, { timeout: 10_000 }).toBeGreaterThan(0.9);
    await m.page.close();
  });

  /** Opaque pixels of cytoscape's node layer per node shown: next to none for nodes scattered over the whole map's area, tens to hundreds at a readable size. */
  async function nodePixelsPerShownNode(m: MapPage): Promise<number> {
    const shown = Number(/^([\d,]+) of/.exec((await m.filterCount().textContent()) ?? '')?.[1]?.replace(/,/g, '') ?? NaN);
    const drawn = await m.graph().evaluate((el) => {
      const canvas = el.querySelector<HTMLCanvasElement>('canvas[data-id="layer2-node"]')!;
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 200) n++;
      return n;
    });
    return drawn / shown;
  }

  it('lays out what a filter leaves on its own, at a readable size: from the URL and after a search', async () => {
    // Broken nodes are spread over every namespace: in the whole map's places they were specks.
    const m = await openLarge('?broken=1');
    // ~20 px per node in the whole map's places (measured), ~580 laid out on their own.
    await expect.poll(() => nodePixelsPerShownNode(m), { timeout: 10_000 }).toBeGreaterThan(100);
    await m.page.screenshot({ path: join(artifactsDir, 'map-graph-large-broken.png') });
    await m.page.close();
    // A search typed on the whole map: laid out and framed once it settles…
    const s = await openLarge();
    await s.search().fill('sa-12');
    await expect.poll(() => s.filterCount().textContent()).toMatch(/^\d+ of /);
    // ~0 px per node (sub-pixel specks) in the whole map's places, ~37 laid out on their own.
    await expect.poll(() => nodePixelsPerShownNode(s), { timeout: 10_000 }).toBeGreaterThan(15);
    // …and back in the whole layout when it is cleared (every edge between the right places again).
    await s.search().fill('');
    await expect.poll(async () => (await edgePixelsFromCentre(s)).length, { timeout: 10_000 }).toBeGreaterThan(1000);
    await s.page.close();
  });

  it('redraws the fills and edges in the dark theme’s colours when the theme changes', async () => {
    const m = await openLarge();
    // The colour most of the underlay's opaque-ish pixels have: the group fill of the theme.
    const fillColour = () =>
      m.graph().evaluate((el) => {
        const canvas = el.querySelector<HTMLCanvasElement>('canvas[data-layer="underlay"]')!;
        const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        const counts = new Map<string, number>();
        for (let i = 0; i < data.length; i += 4) {
          if (data[i + 3]! < 100) continue;
          const key = `${data[i]},${data[i + 1]},${data[i + 2]}`;
          counts.set(key, (counts.get(key) ?? 0) + 1);
        }
        return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0].split(',').map(Number) ?? [];
      });
    // Within a step or two of rounding (the canvas stores colours premultiplied by their alpha).
    const near = (rgb: number[], want: number[]) => rgb.length === 3 && rgb.every((v, i) => Math.abs(v - want[i]!) <= 3);
    // --surface-2 of each theme (app/globals.css): #f0f2f5 and #1f252d.
    await expect.poll(async () => near(await fillColour(), [0xf0, 0xf2, 0xf5])).toBe(true);
    await m.page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(async () => near(await fillColour(), [0x1f, 0x25, 0x2d])).toBe(true);
    await m.page.close();
  });

  it('exports the edges of what is shown as SVG, and draws them into the PNG', async () => {
    // Pods and service accounts only: every other kind hidden, so only pod → SA edges are shown.
    const m = await openLarge('?kind=pod,serviceAccount');
    const kindOf = new Map(data.nodes.map((n) => [n.id, n.kind]));
    const shown = (id: string) => kindOf.get(id) === 'pod' || kindOf.get(id) === 'serviceAccount';
    const expected = data.edges.filter((e) => shown(e.from) && shown(e.to)).length;
    expect(expected).toBeGreaterThan(500);
    expect(expected).toBeLessThan(data.edges.length);
    const svg = readFileSync((await (await m.download('Visible graph (SVG)')).path())!, 'utf8');
    expect(svg.match(/marker-end="url\(#arrow\)"/g)?.length ?? 0).toBe(expected);
    await m.page.close();

    // The whole map's PNG: cytoscape's nodes over the underlay's fills and edges. Edge pixels are
    // grey, between the edge colour and the background; labels and borders make a few, not this many.
    const all = await openLarge();
    const png = readFileSync((await (await all.download('Visible graph (PNG)')).path())!);
    const share = await all.page.evaluate(async (base64) => {
      // Decoded here, not fetched from a data: URL (the page's CSP refuses that).
      const image = await createImageBitmap(new Blob([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], { type: 'image/png' }));
      const canvas = new OffscreenCanvas(image.width, image.height);
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(image, 0, 0);
      const pixels = ctx.getImageData(0, 0, image.width, image.height).data;
      let grey = 0;
      for (let i = 0; i < pixels.length; i += 4) {
        const r = pixels[i]!;
        const g = pixels[i + 1]!;
        const b = pixels[i + 2]!;
        if (Math.max(r, g, b) - Math.min(r, g, b) <= 24 && r >= 100 && r <= 215) grey++;
      }
      return grey / (image.width * image.height);
    }, png.toString('base64'));
    expect(share).toBeGreaterThan(0.01);
    // The same blank border as a small graph's export (drawn in the composed canvas).
    expect(await blankBorder(all.page, png)).toBeGreaterThanOrEqual(20);
    await all.page.close();
  });
});
