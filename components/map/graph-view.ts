// Pure view arithmetic of the trust graph (map-graph.tsx applies it to cytoscape): where to look
// to frame a set of boxes, and how big group labels and severity rings are drawn at a zoom so that
// they stay readable on screen when the whole map is in view.
import { type Bounds, boundsOf, GROUP_LABEL_MAX_PX, type GroupBox, groupLabelText, groupLabelWidth, LABEL_CHAR_EM } from './band-layout';

export interface Viewport {
  zoom: number;
  pan: { x: number; y: number };
}

/**
 * The zoom and pan that frame `bounds` (layout units) in a `width`×`height` px view with `padding`
 * px around, within [minZoom, maxZoom]: what `cy.fit()` does, without measuring every element.
 */
export function fitViewport(bounds: Bounds, view: { width: number; height: number }, options: { padding: number; minZoom: number; maxZoom: number }): Viewport {
  const w = Math.max(bounds.x2 - bounds.x1, 1);
  const h = Math.max(bounds.y2 - bounds.y1, 1);
  const fitted = Math.min((view.width - 2 * options.padding) / w, (view.height - 2 * options.padding) / h);
  const zoom = Math.min(options.maxZoom, Math.max(options.minZoom, fitted));
  return { zoom, pan: { x: view.width / 2 - zoom * ((bounds.x1 + bounds.x2) / 2), y: view.height / 2 - zoom * ((bounds.y1 + bounds.y2) / 2) } };
}

/** A group label's gap above its box (map-graph.tsx's text-margin-y) and its line height, as a share of its font. */
const LABEL_GAP = 6;
const LABEL_LINE_EM = 1.25;

/**
 * The view that frames group `boxes` with their labels: a label is drawn above its box from the
 * box's left edge and may run well past a narrow box (groupLabelWidth), so a box at the right
 * edge can have a label that framing the boxes alone cuts. Labels are sized for the zoom
 * (zoomStyle), and the zoom for the labels, so the framing is repeated until it settles (a few
 * rounds: the label sizes are capped).
 */
export function fitLabelledViewport(boxes: ReadonlyMap<string, GroupBox>, view: { width: number; height: number }, options: { padding: number; minZoom: number; maxZoom: number }): Viewport | undefined {
  const bounds = boundsOf(boxes.values());
  if (!bounds) return undefined;
  let viewport = fitViewport(bounds, view, options);
  for (let round = 0; round < 4; round++) {
    const style = zoomStyle(viewport.zoom);
    const framed = { ...bounds };
    for (const box of boxes.values()) {
      const font = box.kind === 'namespace' ? style.namespaceFont : style.clusterFont;
      const room = groupLabelWidth(box, boxes);
      const width = Math.min(room, groupLabelText(box, room, font).length * font * LABEL_CHAR_EM);
      framed.x2 = Math.max(framed.x2, box.x1 + width);
      framed.y1 = Math.min(framed.y1, box.y1 - LABEL_GAP - font * LABEL_LINE_EM);
    }
    const next = fitViewport(framed, view, options);
    if (next.zoom === viewport.zoom && next.pan.x === viewport.pan.x && next.pan.y === viewport.pan.y) break;
    viewport = next;
  }
  return viewport;
}

/** Group label sizes at zoom 1 (layout units = screen px). */
export const GROUP_FONT_PX = { namespace: 13, cluster: 15 } as const;
/** What group labels aim at on screen when zoomed out: namespace, cluster (and Azure) labels. */
const GROUP_SCREEN_PX = { namespace: 11, cluster: 13 } as const;
/** Severity rings at zoom 1, and the least they take on screen when zoomed out. */
const SEVERITY_RING_PX = 4;
const SEVERITY_RING_SCREEN_PX = 2.5;
const SEVERITY_RING_MAX_PX = 14;
/** The halo round the selected node at zoom 1, what it keeps on screen when zoomed out, and its cap. */
const SELECTION_HALO_PX = 12;
const SELECTION_HALO_SCREEN_PX = 11;
const SELECTION_HALO_MAX_PX = 600;

export interface ZoomStyle {
  /** Font size of namespace labels, in layout units. */
  namespaceFont: number;
  /** Font size of cluster and Azure labels, in layout units. */
  clusterFont: number;
  /** Width of the severity ring around a node with an error or warning, in layout units. */
  severityRing: number;
  /** How far the halo of the selected node reaches past it, in layout units. */
  selectionHalo: number;
}

/**
 * Sizes that keep group labels, severity rings and the selected node's halo readable on screen as the view zooms out: they
 * grow as 1/zoom (constant size on screen) from their zoom-1 size up to a cap (the layout leaves
 * room for GROUP_LABEL_MAX_PX), below which they shrink with the view. Rounded to 2 layout units so
 * that small zoom steps leave the style alone (a restyle costs a redraw).
 */
export function zoomStyle(zoom: number): ZoomStyle {
  const z = Math.max(zoom, 1e-3);
  const grow = (atZoom1: number, onScreen: number, max: number, step = 2) => Math.min(max, Math.max(atZoom1, step * Math.round(onScreen / z / step)));
  return {
    namespaceFont: grow(GROUP_FONT_PX.namespace, GROUP_SCREEN_PX.namespace, GROUP_LABEL_MAX_PX),
    clusterFont: grow(GROUP_FONT_PX.cluster, GROUP_SCREEN_PX.cluster, GROUP_LABEL_MAX_PX),
    severityRing: grow(SEVERITY_RING_PX, SEVERITY_RING_SCREEN_PX, SEVERITY_RING_MAX_PX),
    // Steps of 4: a halo a little off is not seen, a restyle is.
    selectionHalo: grow(SELECTION_HALO_PX, SELECTION_HALO_SCREEN_PX, SELECTION_HALO_MAX_PX, 4),
  };
}

export function sameZoomStyle(a: ZoomStyle | undefined, b: ZoomStyle): boolean {
  return a !== undefined && a.namespaceFont === b.namespaceFont && a.clusterFont === b.clusterFont && a.severityRing === b.severityRing && a.selectionHalo === b.selectionHalo;
}
