// What a large trust graph draws beneath cytoscape's canvas: the group boxes' fills and the edges.
// cytoscape spends about 70 µs per edge element (style, bounds, z-order, drawing) — half a second of
// the first frame for 7,000 edges — while the edges are neither clicked nor labelled on a large
// graph; here they are a few strokes. cytoscape still draws the nodes and the group boxes' borders
// and labels above (map-graph.tsx). The geometry is built once per layout; a filter only changes
// which edges are shown.
import type { GroupBox, GroupKind } from './band-layout';
import type { Viewport } from './graph-view';

/** How group boxes and edges look; shared with the cytoscape stylesheet of small graphs. */
export const GROUP_FILL_OPACITY: Record<GroupKind, number> = { namespace: 0.55, cluster: 0.2, azure: 0.25 };
export const EDGE_WIDTH = 1.5;
export const EDGE_OPACITY = 0.7;
/** Dashes of an edge between an identity and the API it may call (cytoscape's default pattern). */
export const EDGE_DASH = [6, 3] as const;
/** Below this period on screen (px) dashes are not told apart: drawn as a fainter solid line. */
const DASH_MIN_SCREEN_PX = 3;

export interface EdgeEnd {
  from: string;
  to: string;
  kind: string;
  /** Drawn dashed (an identity that may call an API). */
  dashed: boolean;
}

/** The edges as segments between their nodes' positions, 4 numbers each: x1, y1, x2, y2. */
export interface EdgeGeometry {
  ends: readonly EdgeEnd[];
  coords: Float64Array;
}

export function edgeGeometry(ends: readonly EdgeEnd[], positions: Readonly<Record<string, { x: number; y: number }>>): EdgeGeometry {
  const placed = ends.filter((e) => positions[e.from] && positions[e.to]);
  const coords = new Float64Array(placed.length * 4);
  placed.forEach((e, i) => {
    const a = positions[e.from]!;
    const b = positions[e.to]!;
    coords.set([a.x, a.y, b.x, b.y], i * 4);
  });
  return { ends: placed, coords };
}

/** Which edges are shown: both of their nodes are (as cytoscape hides the edges of a hidden node). */
export function shownEdges(geometry: EdgeGeometry, visible: ReadonlySet<string>): Uint8Array {
  const shown = new Uint8Array(geometry.ends.length);
  geometry.ends.forEach((e, i) => {
    shown[i] = visible.has(e.from) && visible.has(e.to) ? 1 : 0;
  });
  return shown;
}

export interface Extent {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/** The layout-unit rectangle a `width`×`height` px view shows at `viewport`. */
export function viewExtent(viewport: Viewport, width: number, height: number): Extent {
  const { zoom, pan } = viewport;
  return { x1: -pan.x / zoom, y1: -pan.y / zoom, x2: (width - pan.x) / zoom, y2: (height - pan.y) / zoom };
}

/** Whether the segment's bounding box meets the extent (enough to skip what is far off screen). */
export function segmentMeets(coords: Float64Array, i: number, extent: Extent): boolean {
  const x1 = coords[i * 4]!;
  const y1 = coords[i * 4 + 1]!;
  const x2 = coords[i * 4 + 2]!;
  const y2 = coords[i * 4 + 3]!;
  return Math.max(x1, x2) >= extent.x1 && Math.min(x1, x2) <= extent.x2 && Math.max(y1, y2) >= extent.y1 && Math.min(y1, y2) <= extent.y2;
}

/**
 * The part of segment `i` inside the extent, as fractions [t0, t1] of its length (Liang–Barsky), or
 * undefined when none is.
 */
export function clipSegment(coords: Float64Array, i: number, extent: Extent): [number, number] | undefined {
  const x = coords[i * 4]!;
  const y = coords[i * 4 + 1]!;
  const dx = coords[i * 4 + 2]! - x;
  const dy = coords[i * 4 + 3]! - y;
  const range = { t0: 0, t1: 1 };
  // Each side in turn (no arrays: this runs for every dashed edge in view, every frame).
  if (!clipSide(range, -dx, x - extent.x1) || !clipSide(range, dx, extent.x2 - x) || !clipSide(range, -dy, y - extent.y1) || !clipSide(range, dy, extent.y2 - y)) return undefined;
  return [range.t0, range.t1];
}

/** One side of Liang–Barsky: narrows [t0, t1] to where p·t ≤ q; false when nothing is left. */
function clipSide(range: { t0: number; t1: number }, p: number, q: number): boolean {
  if (p === 0) return q >= 0;
  const t = q / p;
  if (p < 0) range.t0 = Math.max(range.t0, t);
  else range.t1 = Math.min(range.t1, t);
  return range.t0 <= range.t1;
}

/**
 * How dashed edges are drawn at `zoom`: with their dashes while a period is big enough on screen to
 * be seen, else solid at the opacity the dashes would average to (far cheaper to rasterise).
 */
export function dashAt(zoom: number): { dash: readonly number[]; opacity: number } {
  const period = EDGE_DASH[0] + EDGE_DASH[1];
  if (period * zoom >= DASH_MIN_SCREEN_PX) return { dash: EDGE_DASH, opacity: EDGE_OPACITY };
  return { dash: [], opacity: (EDGE_OPACITY * EDGE_DASH[0]) / period };
}

/** Group boxes in drawing order: clusters (the outermost) first, as cytoscape's z-index had them. */
export function fillOrder(boxes: Iterable<GroupBox>): GroupBox[] {
  return [...boxes].sort((a, b) => Number(b.kind === 'cluster') - Number(a.kind === 'cluster'));
}

/** cytoscape's corner radius of a round rectangle of that size. */
export function cornerRadius(width: number, height: number): number {
  return Math.min(width / 4, height / 4, 8);
}

export interface UnderlayColors {
  groupFill: string;
  edge: string;
}

export interface UnderlayFrame {
  /** CSS px of the drawing and the device pixels per CSS px of the canvas. */
  width: number;
  height: number;
  pixelRatio: number;
  viewport: Viewport;
}

/** Draws the shown group fills, then the shown edges, over whatever the context holds. */
export function paintUnderlay(ctx: CanvasRenderingContext2D, frame: UnderlayFrame, boxes: Iterable<GroupBox>, geometry: EdgeGeometry, shown: Uint8Array, colors: UnderlayColors) {
  const { zoom, pan } = frame.viewport;
  const r = frame.pixelRatio;
  ctx.save();
  ctx.setTransform(r * zoom, 0, 0, r * zoom, r * pan.x, r * pan.y);
  // Widened by half a stroke: an edge just outside the view still reaches into it.
  const view = viewExtent(frame.viewport, frame.width, frame.height);
  const m = EDGE_WIDTH / 2;
  const extent = { x1: view.x1 - m, y1: view.y1 - m, x2: view.x2 + m, y2: view.y2 + m };

  ctx.fillStyle = colors.groupFill;
  for (const box of fillOrder(boxes)) {
    if (box.x2 < extent.x1 || box.x1 > extent.x2 || box.y2 < extent.y1 || box.y1 > extent.y2) continue;
    const w = box.x2 - box.x1;
    const h = box.y2 - box.y1;
    ctx.globalAlpha = GROUP_FILL_OPACITY[box.kind];
    ctx.beginPath();
    // roundRect is missing from Safari < 16 and Firefox < 112: plain corners there.
    if (typeof ctx.roundRect === 'function') ctx.roundRect(box.x1, box.y1, w, h, cornerRadius(w, h));
    else ctx.rect(box.x1, box.y1, w, h);
    ctx.fill();
  }

  ctx.strokeStyle = colors.edge;
  ctx.lineWidth = EDGE_WIDTH;
  ctx.lineCap = 'butt';
  const { coords } = geometry;
  ctx.globalAlpha = EDGE_OPACITY;
  ctx.beginPath();
  for (let i = 0; i < geometry.ends.length; i++) {
    if (!shown[i] || geometry.ends[i]!.dashed || !segmentMeets(coords, i, extent)) continue;
    ctx.moveTo(coords[i * 4]!, coords[i * 4 + 1]!);
    ctx.lineTo(coords[i * 4 + 2]!, coords[i * 4 + 3]!);
  }
  ctx.stroke();
  strokeDashed(ctx, geometry, shown, extent, zoom);
  ctx.restore();
}

/** The underlay's canvas: first in the graph's container, so cytoscape's canvases lie above it. */
export interface UnderlayCanvas {
  canvas: HTMLCanvasElement;
  /** Sizes the canvas to `width`×`height` CSS px (cytoscape's view) × the device pixel ratio, clears it and draws. */
  paint(size: { width: number; height: number }, viewport: Viewport, boxes: Iterable<GroupBox>, geometry: EdgeGeometry, shown: Uint8Array, colors: UnderlayColors): void;
  destroy(): void;
}

export function mountUnderlay(container: HTMLElement): UnderlayCanvas {
  const canvas = document.createElement('canvas');
  canvas.setAttribute('aria-hidden', 'true');
  canvas.dataset.layer = 'underlay';
  canvas.style.cssText = 'position:absolute;left:0;top:0;pointer-events:none';
  container.insertBefore(canvas, container.firstChild);
  const ctx = canvas.getContext('2d');
  return {
    canvas,
    paint({ width, height }, viewport, boxes, geometry, shown, colors) {
      if (!ctx) return;
      const pixelRatio = window.devicePixelRatio || 1;
      const w = Math.round(width * pixelRatio);
      const h = Math.round(height * pixelRatio);
      if (canvas.width !== w || canvas.height !== h) {
        canvas.width = w;
        canvas.height = h;
        canvas.style.width = `${width}px`;
        canvas.style.height = `${height}px`;
      } else {
        ctx.clearRect(0, 0, w, h);
      }
      paintUnderlay(ctx, { width, height, pixelRatio, viewport }, boxes, geometry, shown, colors);
    },
    destroy() {
      canvas.remove();
    },
  };
}

/**
 * The dashed edges, each cut to the part in view (its dashes keep their place along the edge as the
 * view moves) and stroked in batches: Skia draws a path solid when it would hold more than about a
 * million dashes, which the full lengths of a few thousand long edges exceed.
 */
function strokeDashed(ctx: CanvasRenderingContext2D, geometry: EdgeGeometry, shown: Uint8Array, extent: Extent, zoom: number) {
  const { coords } = geometry;
  const look = dashAt(zoom);
  const period = EDGE_DASH[0] + EDGE_DASH[1];
  const dashed = look.dash.length > 0;
  ctx.setLineDash(look.dash as number[]);
  ctx.globalAlpha = look.opacity;
  let dashes = 0;
  ctx.beginPath();
  for (let i = 0; i < geometry.ends.length; i++) {
    if (!shown[i] || !geometry.ends[i]!.dashed) continue;
    const part = clipSegment(coords, i, extent);
    if (!part) continue;
    const x = coords[i * 4]!;
    const y = coords[i * 4 + 1]!;
    const dx = coords[i * 4 + 2]! - x;
    const dy = coords[i * 4 + 3]! - y;
    let [t0] = part;
    const t1 = part[1];
    if (dashed) {
      const length = Math.hypot(dx, dy);
      if (length > 0) t0 = (Math.floor((t0 * length) / period) * period) / length;
      const these = ((t1 - t0) * length) / period;
      if (dashes + these > DASHES_PER_STROKE && dashes > 0) {
        ctx.stroke();
        ctx.beginPath();
        dashes = 0;
      }
      dashes += these;
    }
    ctx.moveTo(x + t0 * dx, y + t0 * dy);
    ctx.lineTo(x + t1 * dx, y + t1 * dy);
  }
  ctx.stroke();
  ctx.setLineDash([]);
}

/** Well under Skia's limit of dashes per path. */
const DASHES_PER_STROKE = 100_000;
