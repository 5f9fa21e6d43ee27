'use client';

import type { Core, ElementDefinition, NodeSingular, StylesheetJson } from 'cytoscape';
import { useEffect, useEffectEvent, useImperativeHandle, useRef, useState, type Ref } from 'react';
import type { NodeKind } from '@/lib/api/identity-map-queries';
import { type Bounds, type Group, type GroupBox, type GroupMember, type LayoutResult, boundsOf, clusterLabelTexts, graphHash, groupBoxes, groupLabelText, groupLabelWidth, groupsOf, layoutAspect } from './band-layout';
import { LAYOUT_CACHE_ENTRIES, type LayoutSignal, cancelLayout, computeLayout, layoutInput, viewLayout } from './graph-layout';
import { graphToSvg, pngScale, type SvgGroup, type SvgNode } from './graph-export';
import { GROUP_FONT_PX, type Viewport, type ZoomStyle, fitLabelledViewport, fitViewport, sameZoomStyle, zoomStyle } from './graph-view';
import { KIND_LABELS, type MapModel, hoverText } from './map-model';
import { EDGE_OPACITY, EDGE_WIDTH, type EdgeEnd, type EdgeGeometry, GROUP_FILL_OPACITY, type UnderlayCanvas, type UnderlayColors, edgeGeometry, mountUnderlay, paintUnderlay, shownEdges } from './underlay';

// The trust graph on a canvas (cytoscape), never as DOM nodes: it stays smooth with thousands of
// nodes. cytoscape is imported here only, so it loads on /map alone; the layout is computed in a
// Web Worker and cached (graph-layout.ts), and cytoscape only draws the preset positions. Filters
// toggle a class in one batch instead of rebuilding the graph and resize the group boxes to what
// they still hold (empty ones are hidden); once a filter settles, what it shows is laid out on its
// own and framed. On a
// large graph the edges and the group boxes' fills are drawn on a canvas beneath cytoscape's
// (underlay.ts): as cytoscape elements, 7,000 edges cost more than 5,000 nodes.

export interface GraphHandle {
  png(background: string): Promise<Blob | undefined>;
  svg(): string | undefined;
}

interface Props {
  model: MapModel;
  visible: Set<string>;
  selectedId: string | undefined;
  /** A new request centres the graph on its node (table clicks, finding links); graph clicks send none. */
  centerRequest: { id: string; seq: number } | undefined;
  onSelect(id: string): void;
  ref?: Ref<GraphHandle>;
}

type Status = { state: 'loading'; message: string } | { state: 'ready' } | { state: 'error'; message: string };

/** Where the view of a graph was when it was last taken down (a refresh rebuilds the same graph). */
const keptViews = new Map<string, { viewport: Viewport; focus: string | undefined }>();
/** The canvas shape each graph (by its hash without one) was laid out for this session. */
const aspectOfGraph = new Map<string, number>();
/** The least zoom out, unless the layout needs less to fit (minZoomFor). */
const MIN_ZOOM = 0.02;

const BIG_GRAPH = 1200;
const NODE_FONT_PX = 11;
/** On large graphs, labels smaller than this on screen are not drawn (cytoscape's min-zoomed-font-size). */
const BIG_MIN_FONT_PX = 9;
/** Large graphs get node labels from this zoom on: a little before they become big enough to be drawn. */
const LABEL_ZOOM = (BIG_MIN_FONT_PX / NODE_FONT_PX) * 0.9;
/** Fitting never zooms in further than this: one or two nodes stay at a natural size. */
const FIT_MAX_ZOOM = 1.2;
const FIT_PADDING_PX = 24;

const KIND_VARS: Record<NodeKind, string> = {
  pod: '--map-pod',
  serviceAccount: '--map-sa',
  federatedCredential: '--map-fic',
  managedIdentity: '--map-identity',
  application: '--map-app',
};

const KIND_SHAPES: Record<NodeKind, string> = {
  pod: 'ellipse',
  serviceAccount: 'round-rectangle',
  federatedCredential: 'diamond',
  managedIdentity: 'hexagon',
  application: 'rectangle',
};

interface ThemeColors {
  kinds: Record<string, string>;
  text: string;
  muted: string;
  surface: string;
  surface2: string;
  border: string;
  accent: string;
  error: string;
  warn: string;
  info: string;
  font: string;
}

/** Colours come from the theme's custom properties, so the graph follows light and dark mode. */
function readTheme(element: Element): ThemeColors {
  const css = getComputedStyle(element);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    kinds: Object.fromEntries(Object.entries(KIND_VARS).map(([kind, name]) => [kind, v(name, '#888')])),
    text: v('--text', '#000'),
    muted: v('--text-muted', '#666'),
    surface: v('--surface', '#fff'),
    surface2: v('--surface-2', '#eee'),
    border: v('--border', '#ccc'),
    accent: v('--accent', '#06c'),
    error: v('--error', '#c00'),
    warn: v('--warn', '#a60'),
    info: v('--info', '#06c'),
    font: v('--sans', 'sans-serif'),
  };
}

function stylesheet(t: ThemeColors, big: boolean): StylesheetJson {
  return [
    // No grey disc under the pointer while the view is dragged (cytoscape's press feedback).
    { selector: 'core', style: { 'active-bg-opacity': 0 } },
    {
      selector: 'node',
      style: {
        // Large graphs: labels only on `node.labelled` (set once zoomed in, see MapGraph).
        label: big ? '' : 'data(label)',
        'font-family': t.font,
        'font-size': NODE_FONT_PX,
        color: t.text,
        'text-valign': 'bottom',
        'text-halign': 'center',
        'text-margin-y': 4,
        'text-max-width': '140px',
        'text-wrap': 'ellipsis',
        // Labels vanish when they would be unreadable anyway: far cheaper to draw when zoomed out.
        'min-zoomed-font-size': big ? BIG_MIN_FONT_PX : 6,
        width: 26,
        height: 26,
        'border-width': 1,
        'border-color': t.surface,
        'z-index-compare': 'manual',
        'z-index': 2,
      },
    },
    ...Object.entries(t.kinds).map(([kind, color]) => ({
      selector: `node.kind-${kind}`,
      style: { 'background-color': color, shape: KIND_SHAPES[kind as NodeKind] as 'ellipse' },
    })),
    { selector: 'node.labelled', style: { label: 'data(label)' } },
    { selector: 'node.kind-application', style: { width: 32, height: 22 } },
    // Findings: a gap in the background colour, then a thick ring outside the node (readable on any
    // fill, widened as the view zooms out: see zoomStyle), and a badge at the top right whose shape
    // says which (circle: error, triangle: warning; the warning's ring is dashed) — not colour alone.
    {
      selector: 'node.sev-error, node.sev-warning',
      style: {
        'border-width': 2,
        'border-color': t.surface,
        'outline-width': zoomStyle(1).severityRing,
        'outline-offset': 0,
        'outline-opacity': 1,
        'background-width': BADGE_PX,
        'background-height': BADGE_PX,
        'background-position-x': '100%',
        'background-position-y': '0%',
        'background-offset-x': BADGE_PX / 2,
        'background-offset-y': -BADGE_PX / 2,
        'background-clip': 'none',
        'background-image-containment': 'over',
        'bounds-expansion': BADGE_PX,
      },
    },
    { selector: 'node.sev-warning', style: { 'outline-color': t.warn, 'outline-style': 'dashed', 'background-image': badgeImage('warning', t.warn, t.surface) } },
    { selector: 'node.sev-error', style: { 'outline-color': t.error, 'outline-style': 'solid', 'background-image': badgeImage('error', t.error, t.surface) } },
    {
      selector: 'node.group',
      style: {
        width: 'data(w)',
        height: 'data(h)',
        // Behind edges and nodes, and transparent to clicks: dragging on a group pans the view.
        'z-index': 0,
        events: 'no',
        shape: 'round-rectangle',
        'background-color': t.surface2,
        // Large graphs: the fill is drawn beneath the edges by the underlay.
        'background-opacity': big ? 0 : GROUP_FILL_OPACITY.namespace,
        'border-color': t.border,
        'border-width': 1,
        label: 'data(label)',
        // The text colour, not the muted one: these labels are how the map is read when zoomed out.
        color: t.text,
        'font-size': GROUP_FONT_PX.namespace,
        'font-weight': 600,
        // Above the box, from its left edge ('right' starts the label at the right edge, the margin
        // moves it back by the box's width), so a long label runs on to the right, not off the map.
        'text-valign': 'top',
        'text-halign': 'right',
        'text-margin-x': 'data(lx)',
        'text-margin-y': -6,
        'text-wrap': 'ellipsis',
        'text-max-width': 'data(lw)',
        // The font grows as the view zooms out (zoomStyle) up to a cap; below that it shrinks and vanishes.
        'min-zoomed-font-size': 7,
      },
    },
    { selector: 'node.group-cluster', style: { 'z-index': -1, 'border-style': 'dashed', 'background-opacity': big ? 0 : GROUP_FILL_OPACITY.cluster, 'font-size': GROUP_FONT_PX.cluster } },
    { selector: 'node.group-azure', style: { 'background-opacity': big ? 0 : GROUP_FILL_OPACITY.azure, 'border-style': 'dashed', 'font-size': GROUP_FONT_PX.cluster } },
    {
      selector: 'node:selected',
      style: { 'underlay-color': t.accent, 'underlay-opacity': 0.45, 'underlay-padding': zoomStyle(1).selectionHalo, 'underlay-shape': 'ellipse', 'font-weight': 700 },
    },
    {
      // Small graphs only (large ones draw their edges in the underlay): straight, with arrows.
      selector: 'edge',
      style: {
        width: EDGE_WIDTH,
        'line-color': t.muted,
        'line-opacity': EDGE_OPACITY,
        'z-index-compare': 'manual',
        'z-index': 1,
        'curve-style': 'straight',
        'target-arrow-shape': 'triangle',
        'target-arrow-color': t.muted,
        'arrow-scale': 0.8,
      },
    },
    { selector: 'edge.kind-canCall', style: { 'line-style': 'dashed' } },
    { selector: '.hidden', style: { display: 'none' } },
  ] as StylesheetJson;
}

const BADGE_PX = 14;
/** Room the tooltip needs above a node, in px; nearer the canvas's top it goes below the node. */
const TOOLTIP_ROOM_PX = 48;
/** Blank border around an exported PNG, in pixels: cytoscape's full export ends at the outermost box's edge. */
const PNG_MARGIN_PX = 24;

/**
 * The PNG `over` on `background` with PNG_MARGIN_PX of background all round, and `beneath` (the
 * underlay of a large graph) painted first, shifted by the margin: one canvas, one encode.
 */
async function framedPng(over: Promise<Blob>, background: string, beneath?: (ctx: CanvasRenderingContext2D, size: { width: number; height: number }) => void): Promise<Blob | undefined> {
  const image = await createImageBitmap(await over);
  const canvas = document.createElement('canvas');
  canvas.width = image.width + 2 * PNG_MARGIN_PX;
  canvas.height = image.height + 2 * PNG_MARGIN_PX;
  const ctx = canvas.getContext('2d');
  if (!ctx) return undefined;
  ctx.fillStyle = background;
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  beneath?.(ctx, { width: canvas.width, height: canvas.height });
  ctx.drawImage(image, PNG_MARGIN_PX, PNG_MARGIN_PX);
  image.close();
  return new Promise((resolve) => canvas.toBlob((blob) => resolve(blob ?? undefined), 'image/png'));
}

/** A PNG of the underlay at `viewport` (cytoscape's frame of a full export) beneath cytoscape's PNG `over`. */
function composeUnderlay(over: Promise<Blob>, background: string, viewport: Viewport, boxes: GroupBox[], edges: NonNullable<Built['edges']>, colors: UnderlayColors): Promise<Blob | undefined> {
  const shifted = { zoom: viewport.zoom, pan: { x: viewport.pan.x + PNG_MARGIN_PX, y: viewport.pan.y + PNG_MARGIN_PX } };
  return framedPng(over, background, (ctx, size) => paintUnderlay(ctx, { ...size, pixelRatio: 1, viewport: shifted }, boxes, edges.geometry, edges.shown, colors));
}

function underlayColors(t: ThemeColors): UnderlayColors {
  return { groupFill: t.surface2, edge: t.muted };
}

/**
 * The finding badge as an SVG data URL (cytoscape draws it as the node's background image, outside
 * the shape): a circle for an error, a triangle for a warning, with a "!" drawn as shapes (no font).
 */
function badgeImage(severity: 'error' | 'warning', fill: string, glyph: string): string {
  const mark = `<rect x="7" y="${severity === 'error' ? 3.5 : 5.5}" width="2" height="5.5" rx="1" fill="${glyph}"/><circle cx="8" cy="${severity === 'error' ? 11.6 : 12.4}" r="1.2" fill="${glyph}"/>`;
  const body =
    severity === 'error'
      ? `<circle cx="8" cy="8" r="7" fill="${fill}" stroke="${glyph}" stroke-width="1.2"/>`
      : `<path d="M8 1 L15.2 14.6 L0.8 14.6 Z" fill="${fill}" stroke="${glyph}" stroke-width="1.2" stroke-linejoin="round"/>`;
  return `data:image/svg+xml;utf8,${encodeURIComponent(`<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 16 16">${body}${mark}</svg>`)}`;
}

interface Built {
  /** The layout of the whole graph, and the one drawn now (a filtered view's: see viewLayout). */
  whole: LayoutResult;
  layout: LayoutResult;
  members: GroupMember[];
  big: boolean;
  /** The view's shape the layouts are made for (layoutAspect, from the canvas's size when the graph was built). */
  aspect: number;
  /** Large graphs: the edges of the underlay, and which of them the filters show. */
  edges?: { ends: EdgeEnd[]; geometry: EdgeGeometry; shown: Uint8Array };
}

/**
 * Nodes and edges with preset positions, plus one plain rectangle per cluster (per section), per
 * namespace and per Azure section, sized from the layout (and resized by the filters, see
 * applyGroups). Plain rectangles, not cytoscape compound nodes: compound bounds are recomputed for
 * every change and cost about a second on 5,000 nodes.
 */
function elementsFor(model: MapModel, layout: LayoutResult, visible: ReadonlySet<string>, withEdges: boolean): { elements: ElementDefinition[]; members: GroupMember[]; boxes: Map<string, GroupBox> } {
  const nodes: ElementDefinition[] = [];
  const members = membersFor(model, layout);
  for (const [i, info] of model.infos.entries()) {
    const id = info.node.id;
    const position = { x: members[i]!.x, y: members[i]!.y };
    const classes = [`kind-${info.node.kind}`];
    if (info.worst) classes.push(`sev-${info.worst}`);
    if (!visible.has(id)) classes.push('hidden');
    nodes.push({ group: 'nodes', data: { id, label: info.node.label }, position, classes: classes.join(' '), grabbable: false });
  }
  // Every group gets an element (a filter may show it later); those with nothing shown start hidden.
  const all = groupBoxes(members);
  const boxes = groupBoxes(members, visible);
  const groups: ElementDefinition[] = [...all.values()].map((full) => (boxes.has(full.id) ? groupElement(boxes.get(full.id)!, boxes, true) : groupElement(full, all, false)));
  const edges: ElementDefinition[] = [];
  model.data.edges.forEach((e, i) => {
    if (!withEdges || !model.byId.has(e.from) || !model.byId.has(e.to)) return;
    edges.push({ group: 'edges', data: { id: `edge:${i}`, source: e.from, target: e.to, kind: e.kind }, classes: `kind-${e.kind}` });
  });
  return { elements: [...groups, ...nodes, ...edges], members, boxes };
}

/** Each node's position and the groups it sits in, in model.infos order. */
function membersFor(model: MapModel, layout: LayoutResult): GroupMember[] {
  const groupCache = new Map<string, Group[]>();
  return model.infos.map((info) => {
    const id = info.node.id;
    const position = layout.positions[id] ?? { x: 0, y: 0 };
    return { id, x: position.x, y: position.y, groups: groupsOf({ cluster: info.cluster, namespace: info.namespace, section: layout.sections[id] ?? 0 }, groupCache) };
  });
}

/** The rectangle of a group box (`shown`: with something in it, else hidden). */
function groupElement(b: GroupBox, boxes: ReadonlyMap<string, GroupBox>, shown: boolean): ElementDefinition {
  return {
    group: 'nodes',
    data: { id: b.id, ...groupData(b, boxes) },
    position: { x: (b.x1 + b.x2) / 2, y: (b.y1 + b.y2) / 2 },
    classes: `group group-${b.kind}${shown ? '' : ' hidden'}`,
    selectable: false,
    grabbable: false,
  };
}

/** A group element's size data: its box, how wide its label may get, and the shift that starts the label at the box's left edge. */
function groupData(b: GroupBox, boxes: ReadonlyMap<string, GroupBox>): { w: number; h: number; lw: number; lx: number; label: string; full: string } {
  const w = b.x2 - b.x1;
  const lw = groupLabelWidth(b, boxes);
  return { w, h: b.y2 - b.y1, lw, lx: -w, label: groupLabelText(b, lw), full: b.label };
}

/** Where applyZoomStyle leaves the cluster labels' current font size (layout units) on the cytoscape instance. */
const CLUSTER_FONT_KEY = 'idlens-cluster-font';

/** Cluster labels for the current font size: one text per cluster over its shown boxes (clusterLabelTexts). */
function labelClusters(cy: Core) {
  const font = cy.scratch(CLUSTER_FONT_KEY) as number | undefined;
  const clusters = cy.nodes('.group-cluster').not('.hidden');
  const texts = clusterLabelTexts(clusters.map((n) => ({ label: String(n.data('full')), width: Number(n.data('lw')) })), font);
  clusters.forEach((n) => {
    const text = texts.get(String(n.data('full')));
    if (text !== undefined && n.data('label') !== text) n.data('label', text);
  });
}

/** Shows the groups that hold a shown node, each sized to its shown nodes, and hides the others (call inside a batch). */
function applyGroups(cy: Core, members: readonly GroupMember[], visible: ReadonlySet<string>): Map<string, GroupBox> {
  const boxes = groupBoxes(members, visible);
  // A layout of a filtered view may put a cluster in a section it had no box in.
  const missing = [...boxes.values()].filter((b) => cy.getElementById(b.id).empty());
  if (missing.length) cy.add(missing.map((b) => groupElement(b, boxes, true)));
  cy.nodes('.group').forEach((g) => {
    const box = boxes.get(g.id());
    if (g.hasClass('hidden') === Boolean(box)) g.toggleClass('hidden', !box);
    if (!box) return;
    const data = groupData(box, boxes);
    if (g.data('w') !== data.w || g.data('h') !== data.h || g.data('lw') !== data.lw) g.data(data);
    const x = (box.x1 + box.x2) / 2;
    const y = (box.y1 + box.y2) / 2;
    const p = g.position();
    if (p.x !== x || p.y !== y) g.position({ x, y });
  });
  labelClusters(cy);
  return boxes;
}

/** The zoom-out limit: MIN_ZOOM, or less when fitting the whole layout into the view needs it (with room to spare). */
function minZoomFor(bounds: Bounds, view: { width: number; height: number }): number {
  const fitted = fitViewport(bounds, view, { padding: FIT_PADDING_PX, minZoom: 0, maxZoom: Infinity }).zoom;
  return Math.min(MIN_ZOOM, fitted / 2);
}

/** Moves the nodes to `layout`'s places (in one batch) and keeps what depends on them — members, the underlay's edges — in step. */
function placeNodes(cy: Core, model: MapModel, built: Built, layout: LayoutResult, visible: ReadonlySet<string>) {
  if (layout === built.layout) return;
  built.layout = layout;
  built.members = membersFor(model, layout);
  cy.batch(() => {
    for (const m of built.members) {
      const el = cy.getElementById(m.id);
      const p = el.position();
      if (p.x !== m.x || p.y !== m.y) el.position({ x: m.x, y: m.y });
    }
  });
  if (built.edges) {
    built.edges.geometry = edgeGeometry(built.edges.ends, layout.positions);
    built.edges.shown = shownEdges(built.edges.geometry, visible);
  }
}

/** Frames the shown group boxes (they enclose every shown node with its label room) and their labels. */
function fitToBoxes(cy: Core, boxes: Map<string, GroupBox>, padding = FIT_PADDING_PX): Framed | undefined {
  const viewport = fitLabelledViewport(boxes, { width: cy.width(), height: cy.height() }, { padding, minZoom: cy.minZoom(), maxZoom: Math.min(cy.maxZoom(), FIT_MAX_ZOOM) });
  if (!viewport) return undefined;
  cy.viewport(viewport);
  // Read back: cytoscape clamps to its zoom limits.
  return { zoom: cy.zoom(), pan: { ...cy.pan() }, padding };
}

/** A view idlens framed (Fit, a settled filter, the first frame), with the padding it was framed with. */
interface Framed extends Viewport {
  padding: number;
}

/** The view is still the one idlens framed: the user has not panned or zoomed since. */
function stillFramed(cy: Core, framed: Framed | undefined): framed is Framed {
  if (!framed) return false;
  const pan = cy.pan();
  return cy.zoom() === framed.zoom && pan.x === framed.pan.x && pan.y === framed.pan.y;
}

/** Sizes group labels and severity rings for `zoom` (only the elements they concern: a few hundred at most). */
function applyZoomStyle(cy: Core, style: ZoomStyle) {
  cy.batch(() => {
    cy.nodes('.group-namespace').style('font-size', style.namespaceFont);
    cy.nodes('.group-cluster, .group-azure').style('font-size', style.clusterFont);
    cy.nodes('.sev-error, .sev-warning').style('outline-width', style.severityRing);
    cy.nodes(':selected').style('underlay-padding', style.selectionHalo);
    cy.scratch(CLUSTER_FONT_KEY, style.clusterFont);
    labelClusters(cy);
  });
}

export function MapGraph({ model, visible, selectedId, centerRequest, onSelect, ref }: Props) {
  const containerRef = useRef<HTMLDivElement>(null);
  const cyRef = useRef<Core | null>(null);
  const builtRef = useRef<Built | null>(null);
  /** The group boxes the current filter shows: what Fit, the filters' framing and the PNG export frame. */
  const boxesRef = useRef<Map<string, GroupBox>>(new Map());
  /** Applies the zoom-dependent styles for the current zoom now (`reset`: even if they look applied, after a theme change). */
  const forZoomRef = useRef<((reset?: boolean) => void) | null>(null);
  /** Large graphs: redraws the underlay now (`recolor`: after a theme change). */
  const repaintUnderlayRef = useRef<((recolor?: boolean) => void) | null>(null);
  /**
   * The relayout under way (a resize, Fit, a settled filter): a newer one cancels it, and one that
   * finishes after a newer one started changes nothing (see startRelayout).
   */
  const relayoutRef = useRef<{ signal?: LayoutSignal; kind?: 'shape' | 'filter' }>({});
  const startRelayout = (kind: 'shape' | 'filter') => {
    if (relayoutRef.current.signal) cancelLayout(relayoutRef.current.signal);
    const signal: LayoutSignal = { cancelled: false };
    relayoutRef.current = { signal, kind };
    return { signal, current: () => relayoutRef.current.signal === signal && !signal.cancelled };
  };
  /** Fit: frames the whole map, laid out anew first where the canvas changed shape since its layout. */
  const fitRef = useRef<(() => void) | null>(null);
  /** The view idlens last framed, until the user moves it (a resize then lays out and frames anew). */
  const framedRef = useRef<Framed | undefined>(undefined);
  /** True right after the graph was built for the current filters (see the settle effect). */
  const firstFilter = useRef(true);
  const [status, setStatus] = useState<Status>({ state: 'loading', message: 'Loading the graph renderer…' });
  /** The node under the pointer, and where its top is on the canvas (px): the tooltip. */
  const [hover, setHover] = useState<{ id: string; x: number; y: number; side: 'left' | 'right'; below: boolean } | undefined>(undefined);
  /** The canvas shape (width / height) the drawn layout was made for. */
  const [layoutShape, setLayoutShape] = useState<number | undefined>(undefined);
  const nodeCount = model.infos.length;
  const edgeCount = model.data.edges.length;

  const select = useEffectEvent((id: string) => onSelect(id));
  const initialFocus = useEffectEvent(() => selectedId);
  const initialVisible = useEffectEvent(() => visible);
  const currentVisible = useEffectEvent(() => visible);

  // Build the graph once per map (a refetch with a new map rebuilds it).
  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    const signal: LayoutSignal = { cancelled: false };
    let cy: Core | undefined;
    let underlay: UnderlayCanvas | undefined;
    let media: MediaQueryList | undefined;
    let onScheme: (() => void) | undefined;
    (async () => {
      // Laid out for the canvas's shape: a square canvas gets a squarer layout, which Fit draws larger.
      // The same graph again (a Refresh) keeps the shape it was laid out for, and so its layout and
      // view, even if the window changed shape in between.
      const plain = layoutInput(model);
      const graphOnly = graphHash(plain);
      const aspect = aspectOfGraph.get(graphOnly) ?? layoutAspect(container.clientWidth, container.clientHeight);
      aspectOfGraph.set(graphOnly, aspect);
      if (aspectOfGraph.size > LAYOUT_CACHE_ENTRIES) aspectOfGraph.delete(aspectOfGraph.keys().next().value!);
      const input = { ...plain, aspect };
      // The graph's key: its layout in the cache, and its view kept for a refresh (a new one when a
      // resize lays the graph out for another shape).
      let graphKey = graphHash(input);
      // The filters of the URL apply from the first frame: no full-size view that jumps a moment later.
      const visibleAtStart = initialVisible();
      const [{ default: cytoscape }, [whole, layout]] = await Promise.all([
        import('cytoscape'),
        (async () => {
          setStatus({ state: 'loading', message: `Laying out ${input.nodes.length.toLocaleString()} nodes…` });
          const all = await computeLayout(input, signal, undefined, graphKey);
          return [all, await viewLayout(model, all, visibleAtStart, signal, aspect)] as const;
        })(),
      ]);
      if (signal.cancelled) return;
      const big = input.nodes.length > BIG_GRAPH;
      const { elements, members, boxes } = elementsFor(model, layout, visibleAtStart, !big);
      // Nodes and edges (or the underlay's) in one first frame.
      cy = cytoscape({
        container,
        elements,
        layout: { name: 'preset' },
        style: stylesheet(readTheme(container), big),
        minZoom: MIN_ZOOM,
        maxZoom: 3,
        boxSelectionEnabled: false,
        autoungrabify: true,
        selectionType: 'single',
        // No bitmap of the nodes while the view moves (textureOnViewport): it left the area a drag
        // uncovers grey and without nodes — with the underlay's edges in it — until the button was
        // released; drawn for real, pan and zoom run at ~45-52 fps on the benchmark graph (55-57).
        textureOnViewport: false,
        motionBlur: false,
      });
      cyRef.current = cy;
      let edges: Built['edges'];
      if (big) {
        const ends = model.data.edges.map((e) => ({ from: e.from, to: e.to, kind: e.kind, dashed: e.kind === 'canCall' }));
        const geometry = edgeGeometry(ends, layout.positions);
        edges = { ends, geometry, shown: shownEdges(geometry, visibleAtStart) };
        underlay = mountUnderlay(container);
      }
      builtRef.current = { whole, layout, members, big, aspect, ...(edges ? { edges } : {}) };
      // Built for the current filters: the settle effect has nothing to lay out or frame when ready.
      firstFilter.current = true;
      boxesRef.current = boxes;
      cy.on('tap', 'node', (event) => {
        const node = event.target as NodeSingular;
        if (!node.hasClass('group')) select(node.id());
      });
      // A node under the pointer: a pointer cursor and a tooltip naming it (at the fitted zoom nodes are dots without labels).
      cy.on('mouseover', 'node', (event) => {
        const node = event.target as NodeSingular;
        if (node.hasClass('group')) return;
        const at = node.renderedPosition();
        const half = node.renderedOuterHeight() / 2;
        // Above the node, or below it near the top edge (where it would cover the toolbar).
        const below = at.y - half < TOOLTIP_ROOM_PX;
        setHover({ id: node.id(), x: at.x, y: below ? at.y + half : at.y - half, side: at.x < event.cy.width() / 2 ? 'right' : 'left', below });
      });
      // (The pointer cursor is set on the wrapper, from `hover`: cytoscape watches its container's
      // style attribute and takes any change of it for a resize.)
      cy.on('mouseout', 'node', () => setHover(undefined));
      cy.on('viewport', () => setHover(undefined));
      // The selected node's halo keeps a visible size on screen however far the view is zoomed out.
      cy.on('select', 'node', (event) => {
        (event.target as NodeSingular).style('underlay-padding', zoomStyle(event.cy.zoom()).selectionHalo);
      });
      cy.on('unselect', 'node', (event) => {
        (event.target as NodeSingular).removeStyle('underlay-padding');
      });
      // Zooming out stops where the whole layout is a small part of the view, however wide it is.
      // The whole layout's box (its members are at hand when the view shows it all).
      const wholeBounds = (shown: LayoutResult, all: LayoutResult, shownMembers: GroupMember[]) => boundsOf(groupBoxes(shown === all ? shownMembers : membersFor(model, all)).values());
      let layoutBounds = wholeBounds(layout, whole, members);
      const setMinZoom = (core: Core) => {
        if (layoutBounds) core.minZoom(minZoomFor(layoutBounds, { width: core.width(), height: core.height() }));
      };
      setMinZoom(cy);
      const focus = initialFocus();
      const focused = focus ? cy.getElementById(focus) : undefined;
      if (focused?.nonempty()) focused.select();
      // The same graph again with the same selection (a refresh, a return to the page): the view
      // stays where the user left it. A new focus (a link to another node) is centred instead.
      const kept = keptViews.get(graphKey);
      if (kept && kept.focus === focus) {
        cy.viewport(kept.viewport);
      } else if (focused?.nonempty() && !focused.hasClass('group')) {
        framedRef.current = undefined;
        cy.zoom(1);
        cy.center(focused);
      } else {
        framedRef.current = fitToBoxes(cy, boxes);
      }
      const core = cy;
      // A window resized (or turned) while the view is still the framed one: the graph is laid out
      // anew for the canvas's new shape, where that changed, and framed again. Once the user has
      // panned or zoomed, nothing moves under them: the view and the layout stay.
      let resizeTimer: ReturnType<typeof setTimeout> | undefined;
      const reframe = async () => {
        const built = builtRef.current;
        if (!built || cyRef.current !== core || !stillFramed(core, framedRef.current)) return;
        const { padding } = framedRef.current;
        const shape = layoutAspect(container.clientWidth, container.clientHeight);
        if (shape !== built.aspect) {
          const reshaped = { ...plain, aspect: shape };
          const key = graphHash(reshaped);
          const shown = currentVisible();
          const relayout = startRelayout('shape');
          const wholeNow = await computeLayout(reshaped, relayout.signal, undefined, key);
          const layoutNow = await viewLayout(model, wholeNow, shown, relayout.signal, shape);
          // A newer relayout started, the user moved the view, or the filters changed while it was laid out.
          if (signal.cancelled || !relayout.current() || builtRef.current !== built || !stillFramed(core, framedRef.current) || currentVisible() !== shown) return;
          built.whole = wholeNow;
          built.aspect = shape;
          aspectOfGraph.set(graphOnly, shape);
          graphKey = key;
          placeNodes(core, model, built, layoutNow, shown);
          boxesRef.current = applyGroups(core, built.members, shown);
          layoutBounds = wholeBounds(layoutNow, wholeNow, built.members);
          setMinZoom(core);
          repaintUnderlayRef.current?.();
          setLayoutShape(shape);
        } else if (relayoutRef.current.kind === 'shape' && relayoutRef.current.signal) {
          // Back to the shape the graph is laid out for: a relayout for a shape in between is moot.
          cancelLayout(relayoutRef.current.signal);
        }
        framedRef.current = fitToBoxes(core, boxesRef.current, padding);
        // Group boxes new in this layout (a section it did not have) get the zoom's label sizes too.
        forZoomRef.current?.(true);
      };
      let size = `${container.clientWidth}x${container.clientHeight}`;
      core.on('resize', () => {
        // cytoscape also reports a "resize" when its container's attributes change: only a new size counts.
        const now = `${container.clientWidth}x${container.clientHeight}`;
        if (now === size) return;
        size = now;
        setMinZoom(core);
        clearTimeout(resizeTimer);
        resizeTimer = setTimeout(() => void reframe().catch(() => undefined), 250);
      });
      core.on('destroy', () => clearTimeout(resizeTimer));
      fitRef.current = () => {
        framedRef.current = fitToBoxes(core, boxesRef.current);
        void reframe().catch(() => undefined);
      };
      setLayoutShape(aspect);
      core.on('destroy', () => {
        const selected = core.$('node:selected');
        keptViews.set(graphKey, { viewport: { zoom: core.zoom(), pan: { ...core.pan() } }, focus: selected.nonempty() ? selected.id() : undefined });
        if (keptViews.size > LAYOUT_CACHE_ENTRIES) keptViews.delete(keptViews.keys().next().value!);
      });
      let labelled: boolean | undefined;
      let styled: ZoomStyle | undefined;
      let restyleTimer: ReturnType<typeof setTimeout> | undefined;
      // Group labels and severity rings keep a readable size on screen as the view zooms out.
      const restyle = () => {
        const style = zoomStyle(core.zoom());
        if (sameZoomStyle(styled, style)) return;
        // Only the halo changed (it keeps growing after the labels stopped): restyle the one selected node.
        if (styled && sameZoomStyle(styled, { ...style, selectionHalo: styled.selectionHalo })) core.nodes(':selected').style('underlay-padding', style.selectionHalo);
        else applyZoomStyle(core, style);
        styled = style;
      };
      const relabel = () => {
        if (!big) return;
        // Large graphs: node labels exist only where they are readable: measuring 5,000 labels
        // (ellipsis and all) for a first frame too small to show any cost more than drawing every
        // node and edge.
        const want = core.zoom() >= LABEL_ZOOM;
        if (want === labelled) return;
        labelled = want;
        core.batch(() => core.nodes().not('.group').toggleClass('labelled', want));
      };
      restyle();
      relabel();
      core.on('zoom', () => {
        relabel();
        // Restyled once the zoom settles: a restyle mid-gesture would redraw the whole graph per step.
        clearTimeout(restyleTimer);
        restyleTimer = setTimeout(restyle, 150);
      });
      core.on('destroy', () => clearTimeout(restyleTimer));
      forZoomRef.current = (reset) => {
        if (reset) {
          styled = undefined;
          labelled = undefined;
        }
        restyle();
        relabel();
      };
      if (underlay) {
        // Drawn in the frame cytoscape draws (its render event), when the view or what is shown changed.
        const layer = underlay;
        let colors = underlayColors(readTheme(container));
        let painted = '';
        let failed = false;
        const paint = (force?: boolean) => {
          const built = builtRef.current;
          if (!built?.edges || failed) return;
          const zoom = core.zoom();
          const pan = core.pan();
          const size = { width: core.width(), height: core.height() };
          const key = `${zoom} ${pan.x} ${pan.y} ${size.width} ${size.height} ${window.devicePixelRatio}`;
          if (!force && key === painted) return;
          painted = key;
          // Inside cytoscape's render: an exception here would stop its drawing for good.
          try {
            layer.paint(size, { zoom, pan }, boxesRef.current.values(), built.edges.geometry, built.edges.shown, colors);
          } catch (error) {
            failed = true;
            console.error('idlens: the graph\'s edges could not be drawn:', error);
          }
        };
        core.on('render', () => paint());
        repaintUnderlayRef.current = (recolor) => {
          if (recolor) colors = underlayColors(readTheme(container));
          paint(true);
        };
      }
      const hasDataMark = performance.getEntriesByName('idlens:map-data').length > 0;
      cy.one('render', () => {
        performance.mark('idlens:map-graph-painted');
        if (!hasDataMark) return;
        performance.measure('idlens:map-first-paint', 'idlens:map-data', 'idlens:map-graph-painted');
        // The edges are in the same frame (kept as its own measure for the benchmark's history).
        performance.measure('idlens:map-edges-painted', 'idlens:map-data', 'idlens:map-graph-painted');
      });
      media = window.matchMedia('(prefers-color-scheme: dark)');
      onScheme = () => {
        cy?.style(stylesheet(readTheme(container), big));
        forZoomRef.current?.(true);
        repaintUnderlayRef.current?.(true);
      };
      media.addEventListener('change', onScheme);
      setStatus({ state: 'ready' });
    })().catch((error: unknown) => {
      if (!signal.cancelled) setStatus({ state: 'error', message: (error as Error).message });
    });
    return () => {
      cancelLayout(signal);
      if (media && onScheme) media.removeEventListener('change', onScheme);
      cy?.destroy();
      underlay?.destroy();
      cyRef.current = null;
      builtRef.current = null;
      forZoomRef.current = null;
      repaintUnderlayRef.current = null;
      fitRef.current = null;
      if (relayoutRef.current.signal) cancelLayout(relayoutRef.current.signal);
      setHover(undefined);
    };
  }, [model]);

  const ready = status.state === 'ready';
  const hovered = hover && model.byId.get(hover.id);

  // Filters: show/hide with one class toggle per changed node, and the group boxes resized to what
  // they still show (empty ones hidden), in a single batch.
  useEffect(() => {
    const cy = cyRef.current;
    const built = builtRef.current;
    if (!ready || !cy || !built) return;
    setHover(undefined); // the node under the pointer may be hidden now
    cy.batch(() => {
      // Everything shown again: the whole layout at once (a filtered view's places would overlap it).
      if (built.layout !== built.whole && visible.size === model.infos.length) placeNodes(cy, model, built, built.whole, visible);
      for (const info of model.infos) {
        const id = info.node.id;
        const show = visible.has(id);
        const el = cy.getElementById(id);
        if (el.hasClass('hidden') === show) el.toggleClass('hidden', !show);
      }
      boxesRef.current = applyGroups(cy, built.members, visible);
    });
    if (built.edges) {
      built.edges.shown = shownEdges(built.edges.geometry, visible);
      repaintUnderlayRef.current?.();
    }
  }, [ready, visible, model]);

  // Once a filter has settled, lay out what it kept on its own and frame it (not on every
  // keystroke: the view would jump). Not when the graph has just been built for these filters.
  useEffect(() => {
    const cy = cyRef.current;
    const built = builtRef.current;
    if (!ready || !cy || !built) return;
    if (firstFilter.current) {
      firstFilter.current = false;
      return;
    }
    let relayout: ReturnType<typeof startRelayout> | undefined;
    const timer = setTimeout(async () => {
      relayout = startRelayout('filter');
      const { whole, aspect } = built;
      const layout = await viewLayout(model, whole, visible, relayout.signal, aspect).catch(() => whole);
      // A newer relayout (a resize) may have laid the graph out for another shape meanwhile.
      if (!relayout.current() || cyRef.current !== cy || built.whole !== whole) return;
      placeNodes(cy, model, built, layout, visible);
      boxesRef.current = applyGroups(cy, built.members, visible);
      repaintUnderlayRef.current?.();
      // One or two nodes are not blown up to maxZoom: fitting stops at FIT_MAX_ZOOM.
      framedRef.current = fitToBoxes(cy, boxesRef.current, 40);
      forZoomRef.current?.(true);
    }, 300);
    return () => {
      clearTimeout(timer);
      if (relayout?.current()) cancelLayout(relayout.signal);
    };
  }, [ready, visible, model]);

  // Selection follows the URL's focus.
  useEffect(() => {
    const cy = cyRef.current;
    if (!ready || !cy) return;
    const current = cy.$('node:selected');
    if (current.length === 1 && current.id() === selectedId) return;
    current.unselect();
    if (selectedId) cy.getElementById(selectedId).select();
  }, [ready, selectedId]);

  // Centre on request (not on every graph click: the node is already where the user looks).
  useEffect(() => {
    const cy = cyRef.current;
    const id = centerRequest?.id;
    if (!ready || !cy || !id) return;
    const el = cy.getElementById(id);
    if (el.empty() || el.hasClass('hidden')) return;
    const reduced = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    cy.stop();
    cy.animate({ center: { eles: el }, zoom: Math.max(cy.zoom(), 0.9) }, { duration: reduced ? 0 : 250 });
  }, [ready, centerRequest]);

  useImperativeHandle(
    ref,
    () => ({
      async png(background: string) {
        const cy = cyRef.current;
        const content = boundsOf(boxesRef.current.values());
        if (!cy || !content) return undefined;
        // What is shown (hidden nodes and empty groups take no room), at PNG_SCALE unless that would
        // be too big. cytoscape decides which labels are big enough to draw from the view's zoom, so
        // the view zooms to the export's scale while it draws (labels sized for it), and back before
        // the next frame.
        const saved = { zoom: cy.zoom(), pan: { ...cy.pan() } };
        cy.zoom(pngScale(content.x2 - content.x1, content.y2 - content.y1));
        forZoomRef.current?.();
        try {
          const drawn = cy.elements(':visible').boundingBox();
          const pixelScale = pngScale(drawn.w, drawn.h);
          // cytoscape multiplies the scale by the device pixel ratio.
          const scale = pixelScale / (window.devicePixelRatio || 1);
          const edges = builtRef.current?.edges;
          const container = containerRef.current;
          if (!edges || !container) return framedPng(cy.png({ full: true, output: 'blob-promise', scale }), background);
          // Large graphs: the underlay first, then cytoscape's drawing (transparent) over it, both
          // framed as cytoscape frames a full export: its elements' bounds at the export's scale.
          const nodes = cy.png({ full: true, output: 'blob-promise', scale });
          const framed = cy.elements().boundingBox();
          const origin = { x: -framed.x1 * pixelScale, y: -framed.y1 * pixelScale };
          return composeUnderlay(nodes, background, { zoom: pixelScale, pan: origin }, [...boxesRef.current.values()], edges, underlayColors(readTheme(container)));
        } finally {
          cy.viewport(saved);
          forZoomRef.current?.();
        }
      },
      svg() {
        const cy = cyRef.current;
        const container = containerRef.current;
        if (!cy || !container) return undefined;
        const theme = readTheme(container);
        const shown = cy.nodes(':visible');
        const nodes: SvgNode[] = [];
        const groups: SvgGroup[] = [];
        shown.forEach((n) => {
          if (n.hasClass('group')) {
            const box = n.boundingBox({ includeLabels: false });
            groups.push({ label: String(n.data('label')), x1: box.x1, y1: box.y1, x2: box.x2, y2: box.y2 });
            return;
          }
          const info = model.byId.get(n.id());
          if (!info) return;
          nodes.push({
            id: n.id(),
            label: info.node.label,
            kind: info.node.kind,
            x: n.position('x'),
            y: n.position('y'),
            fill: theme.kinds[info.node.kind] ?? theme.muted,
            ...(info.worst === 'error' ? { ring: theme.error, severity: 'error' as const } : info.worst === 'warning' ? { ring: theme.warn, severity: 'warning' as const } : {}),
          });
        });
        // Outer groups first so inner ones paint on top.
        groups.sort((a, b) => (b.x2 - b.x1) * (b.y2 - b.y1) - (a.x2 - a.x1) * (a.y2 - a.y1));
        const edges: Array<{ from: string; to: string; kind: string }> = [];
        const underlaid = builtRef.current?.edges;
        if (underlaid) {
          underlaid.geometry.ends.forEach((e, i) => {
            if (underlaid.shown[i]) edges.push({ from: e.from, to: e.to, kind: e.kind });
          });
        } else {
          cy.edges(':visible').forEach((e) => {
            edges.push({ from: e.source().id(), to: e.target().id(), kind: String(e.data('kind')) });
          });
        }
        return graphToSvg({
          nodes,
          edges,
          groups,
          title: `idlens trust graph, ${model.data.generatedAt}`,
          colors: { background: theme.surface, halo: theme.surface, text: theme.text, edge: theme.muted, groupFill: theme.surface2, groupBorder: theme.border, font: theme.font },
        });
      },
    }),
    [model],
  );

  const zoomBy = (factor: number) => {
    const cy = cyRef.current;
    if (!cy) return;
    cy.zoom({ level: cy.zoom() * factor, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
  };

  return (
    <div className="map-graph">
      <div className="row map-graph-toolbar" role="group" aria-label="Graph view">
        <button type="button" onClick={() => zoomBy(1.4)} disabled={!ready} aria-label="Zoom in">
          +
        </button>
        <button type="button" onClick={() => zoomBy(1 / 1.4)} disabled={!ready} aria-label="Zoom out">
          −
        </button>
        <button type="button" onClick={() => fitRef.current?.()} disabled={!ready}>
          Fit
        </button>
        <Legend />
      </div>
      <div className="map-canvas-wrap" style={hover ? { cursor: 'pointer' } : undefined}>
        <div
          ref={containerRef}
          className="map-canvas"
          role="img"
          aria-label={`Trust graph: ${nodeCount.toLocaleString()} nodes and ${edgeCount.toLocaleString()} edges, grouped by cluster and namespace. The table below lists the same nodes.`}
          data-testid="map-canvas"
          data-state={status.state}
          data-layout-aspect={layoutShape}
        />
        {hover && hovered && (
          <div className={`map-tooltip map-tooltip-${hover.side}${hover.below ? ' map-tooltip-below' : ''} small`} role="tooltip" style={{ left: hover.x, top: hover.y }}>
            {hoverText(hovered)}
          </div>
        )}
        {status.state !== 'ready' && (
          <div className={`map-canvas-overlay${status.state === 'error' ? ' callout callout-error' : ''}`} role={status.state === 'error' ? 'alert' : 'status'}>
            {status.state === 'error' ? `The graph could not be drawn: ${status.message} The table below still lists every node.` : status.message}
          </div>
        )}
      </div>
    </div>
  );
}

function Legend() {
  return (
    <ul className="map-legend small" aria-label="Legend">
      {(Object.keys(KIND_VARS) as NodeKind[]).map((kind) => (
        <li key={kind}>
          <span className={`map-swatch map-swatch-${kind}`} aria-hidden="true" />
          {KIND_LABELS[kind]}
        </li>
      ))}
      <li>
        <SeverityMarker severity="error" />
        error
      </li>
      <li>
        <SeverityMarker severity="warning" />
        warning
      </li>
    </ul>
  );
}

/** The legend's picture of the graph's finding marker: a ring (dashed for a warning) and its badge. */
function SeverityMarker({ severity }: { severity: 'error' | 'warning' }) {
  const color = severity === 'error' ? 'var(--error)' : 'var(--warn)';
  return (
    <svg width="18" height="16" viewBox="0 0 18 16" aria-hidden="true" style={{ verticalAlign: 'middle', overflow: 'visible' }}>
      <circle cx="7" cy="9" r="5" fill="none" stroke={color} strokeWidth="2.5" strokeDasharray={severity === 'warning' ? '3 1.5' : undefined} />
      {severity === 'error' ? (
        <circle cx="13" cy="4" r="4" fill={color} stroke="var(--surface)" strokeWidth="1" />
      ) : (
        <path d="M13 0 L17.2 7.6 L8.8 7.6 Z" fill={color} stroke="var(--surface)" strokeWidth="1" strokeLinejoin="round" />
      )}
      <rect x="12.4" y={severity === 'error' ? 1.6 : 2.4} width="1.2" height="3" fill="var(--surface)" />
      <circle cx="13" cy={severity === 'error' ? 6.1 : 6.7} r="0.65" fill="var(--surface)" />
    </svg>
  );
}
