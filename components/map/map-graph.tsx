'use client';

import type { Core, ElementDefinition, NodeSingular, StylesheetJson } from 'cytoscape';
import { useEffect, useEffectEvent, useImperativeHandle, useRef, useState, type Ref } from 'react';
import type { NodeKind } from '@/lib/api/identity-map-queries';
import { type LayoutInput, type LayoutResult, graphHash } from './band-layout';
import { graphToSvg, type SvgGroup, type SvgNode } from './graph-export';
import { KIND_LABELS, type MapModel } from './map-model';

// The trust graph on a canvas (cytoscape), never as DOM nodes: it stays smooth with thousands of
// nodes. cytoscape is imported here only, so it loads on /map alone; the layout is computed in a
// Web Worker and cached per graph for this browser session, and cytoscape only draws the preset
// positions. Filters toggle a class in one batch instead of rebuilding the graph.

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

/** Layouts computed this session, by graph hash: a revisit (or a refresh with the same graph) paints at once. */
const layoutCache = new Map<string, LayoutResult>();
const LAYOUT_CACHE_ENTRIES = 4;

const BIG_GRAPH = 1200;
const NODE_FONT_PX = 11;
/** On large graphs, labels smaller than this on screen are not drawn (cytoscape's min-zoomed-font-size). */
const BIG_MIN_FONT_PX = 9;
/** Large graphs get node labels from this zoom on: a little before they become big enough to be drawn. */
const LABEL_ZOOM = (BIG_MIN_FONT_PX / NODE_FONT_PX) * 0.9;

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
    { selector: 'node.sev-warning', style: { 'border-width': 4, 'border-color': t.warn } },
    { selector: 'node.sev-error', style: { 'border-width': 4, 'border-color': t.error } },
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
        'background-opacity': 0.55,
        'border-color': t.border,
        'border-width': 1,
        label: 'data(label)',
        color: t.muted,
        'font-size': 13,
        'font-weight': 600,
        'text-valign': 'top',
        'text-halign': 'center',
        'text-margin-y': -6,
        'text-max-width': '400px',
        'min-zoomed-font-size': 4,
      },
    },
    { selector: 'node.group-cluster', style: { 'z-index': -1, 'border-style': 'dashed', 'background-opacity': 0.2, 'font-size': 15 } },
    { selector: 'node.group-azure', style: { 'background-opacity': 0.25, 'border-style': 'dashed', 'font-size': 15 } },
    {
      selector: 'node:selected',
      style: { 'underlay-color': t.accent, 'underlay-opacity': 0.45, 'underlay-padding': 9, 'underlay-shape': 'ellipse', 'font-weight': 700 },
    },
    {
      selector: 'edge',
      style: {
        width: 1.5,
        'line-color': t.muted,
        'line-opacity': 0.7,
        'z-index-compare': 'manual',
        'z-index': 1,
        // Straight edges with arrows; on large graphs haystack edges (no arrows: the layout reads
        // left to right anyway), which cytoscape draws far faster.
        ...(big
          ? { 'curve-style': 'haystack', 'haystack-radius': 0 }
          : { 'curve-style': 'straight', 'target-arrow-shape': 'triangle', 'target-arrow-color': t.muted, 'arrow-scale': 0.8 }),
      },
    },
    { selector: 'edge.kind-canCall', style: { 'line-style': 'dashed' } },
    { selector: '.hidden', style: { display: 'none' } },
  ] as StylesheetJson;
}

interface Built {
  input: LayoutInput;
  groupOf: Map<string, string>;
}

/** What the layout needs: ids, kinds and the cluster/namespace band of each node. */
function layoutInput(model: MapModel): LayoutInput {
  return {
    nodes: model.infos.map((i) => ({ id: i.node.id, kind: i.node.kind, ...(i.namespace !== undefined ? { band: `${i.cluster ?? ''}\u0000${i.namespace}` } : {}) })),
    edges: model.data.edges.map((e) => ({ from: e.from, to: e.to })),
    hints: model.data.findings.flatMap((f) => f.refs.slice(1).map((to) => ({ from: f.refs[0]!, to }))),
  };
}

function layoutInWorker(input: LayoutInput): { promise: Promise<LayoutResult>; cancel(): void } {
  let worker: Worker | undefined;
  const promise = new Promise<LayoutResult>((resolve, reject) => {
    try {
      worker = new Worker(new URL('./layout.worker.ts', import.meta.url));
    } catch (error) {
      reject(error);
      return;
    }
    worker.onmessage = (event: MessageEvent<{ result?: LayoutResult; error?: string }>) => {
      worker?.terminate();
      if (event.data.result) resolve(event.data.result);
      else reject(new Error(event.data.error ?? 'The layout worker answered nothing.'));
    };
    worker.onerror = (event) => {
      worker?.terminate();
      reject(new Error(event.message || 'The layout worker failed to start.'));
    };
    worker.postMessage({ requestId: 1, input });
  });
  return { promise, cancel: () => worker?.terminate() };
}

async function computeLayout(input: LayoutInput, signal: { cancelled: boolean; cancel?: () => void }): Promise<LayoutResult> {
  const key = graphHash(input);
  const cached = layoutCache.get(key);
  if (cached) return cached;
  performance.mark('idlens:map-layout:start');
  let result: LayoutResult;
  try {
    const job = layoutInWorker(input);
    signal.cancel = job.cancel;
    result = await job.promise;
  } catch (error) {
    if (signal.cancelled) throw error;
    // A browser without module workers still gets a map, laid out on the main thread.
    console.warn('idlens: layout worker unavailable, laying out on the main thread:', error);
    const { bandLayout } = await import('./band-layout');
    result = bandLayout(input);
  }
  performance.measure('idlens:map-layout', 'idlens:map-layout:start');
  layoutCache.set(key, result);
  if (layoutCache.size > LAYOUT_CACHE_ENTRIES) layoutCache.delete(layoutCache.keys().next().value!);
  return result;
}

/** Room a node and its label take around its position (label below, up to 140 px wide). */
const NODE_BOX = { left: 78, right: 78, top: 20, bottom: 36 };
const GROUP_PADDING = 18;
/** Space above a group's box for its label (drawn above the box). */
const GROUP_LABEL = 30;

interface Box {
  id: string;
  label: string;
  className: string;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/**
 * Nodes and edges with preset positions, plus one plain rectangle per cluster (per section) and per
 * namespace, sized from the layout. Plain rectangles, not cytoscape compound nodes: compound bounds
 * are recomputed for every change and cost about a second on 5,000 nodes.
 */
function elementsFor(model: MapModel, layout: LayoutResult): { elements: ElementDefinition[]; groupOf: Map<string, string> } {
  const nodes: ElementDefinition[] = [];
  const boxes = new Map<string, Box>();
  const groupOf = new Map<string, string>();
  const grow = (id: string, label: string, className: string, x1: number, y1: number, x2: number, y2: number) => {
    const box = boxes.get(id);
    if (!box) boxes.set(id, { id, label, className, x1, y1, x2, y2 });
    else {
      box.x1 = Math.min(box.x1, x1);
      box.y1 = Math.min(box.y1, y1);
      box.x2 = Math.max(box.x2, x2);
      box.y2 = Math.max(box.y2, y2);
    }
  };
  for (const info of model.infos) {
    const id = info.node.id;
    const section = layout.sections[id] ?? 0;
    const position = layout.positions[id] ?? { x: 0, y: 0 };
    const x1 = position.x - NODE_BOX.left - GROUP_PADDING;
    const x2 = position.x + NODE_BOX.right + GROUP_PADDING;
    const y1 = position.y - NODE_BOX.top - GROUP_PADDING;
    const y2 = position.y + NODE_BOX.bottom + GROUP_PADDING;
    if (info.namespace !== undefined) {
      const cluster = info.cluster ?? '';
      const clusterGroup = `group:cluster:${cluster}#${section}`;
      const nsGroup = `group:ns:${cluster}/${info.namespace}`;
      grow(nsGroup, `namespace ${info.namespace}`, 'group-namespace', x1, y1, x2, y2);
      grow(clusterGroup, `cluster ${cluster}`, 'group-cluster', x1 - GROUP_PADDING, y1 - GROUP_LABEL - GROUP_PADDING, x2 + GROUP_PADDING, y2 + GROUP_PADDING);
      groupOf.set(id, nsGroup);
      groupOf.set(nsGroup, clusterGroup);
    } else {
      const azureGroup = `group:azure#${section}`;
      grow(azureGroup, 'Azure', 'group-azure', x1, y1, x2, y2);
      groupOf.set(id, azureGroup);
    }
    const classes = [`kind-${info.node.kind}`];
    if (info.worst) classes.push(`sev-${info.worst}`);
    nodes.push({ group: 'nodes', data: { id, label: info.node.label }, position, classes: classes.join(' '), grabbable: false });
  }
  const groups: ElementDefinition[] = [...boxes.values()].map((b) => ({
    group: 'nodes',
    data: { id: b.id, label: b.label, w: b.x2 - b.x1, h: b.y2 - b.y1 },
    position: { x: (b.x1 + b.x2) / 2, y: (b.y1 + b.y2) / 2 },
    classes: `group ${b.className}`,
    selectable: false,
    grabbable: false,
  }));
  const edges: ElementDefinition[] = [];
  model.data.edges.forEach((e, i) => {
    if (!model.byId.has(e.from) || !model.byId.has(e.to)) return;
    edges.push({ group: 'edges', data: { id: `edge:${i}`, source: e.from, target: e.to, kind: e.kind }, classes: `kind-${e.kind}` });
  });
  return { elements: [...groups, ...nodes, ...edges], groupOf };
}

/**
 * Fits the viewport to the layout's group rectangles (they enclose every node with its label room):
 * what `cy.fit()` does, without computing the bounding box of every element first.
 */
function fitToLayout(cy: Core, elements: ElementDefinition[], padding: number) {
  let x1 = Infinity;
  let y1 = Infinity;
  let x2 = -Infinity;
  let y2 = -Infinity;
  for (const e of elements) {
    if (e.group !== 'nodes' || !e.position) continue;
    const w = typeof e.data.w === 'number' ? e.data.w / 2 : 0;
    const h = typeof e.data.h === 'number' ? e.data.h / 2 : 0;
    x1 = Math.min(x1, e.position.x - w);
    x2 = Math.max(x2, e.position.x + w);
    y1 = Math.min(y1, e.position.y - h);
    y2 = Math.max(y2, e.position.y + h);
  }
  if (!Number.isFinite(x1)) return;
  const zoom = Math.min(cy.maxZoom(), Math.max(cy.minZoom(), Math.min((cy.width() - 2 * padding) / (x2 - x1 || 1), (cy.height() - 2 * padding) / (y2 - y1 || 1))));
  cy.viewport({ zoom, pan: { x: cy.width() / 2 - zoom * ((x1 + x2) / 2), y: cy.height() / 2 - zoom * ((y1 + y2) / 2) } });
}

export function MapGraph({ model, visible, selectedId, centerRequest, onSelect, ref }: Props) {
  const containerRef = useRef<HTMLDivElement>(null);
  const cyRef = useRef<Core | null>(null);
  const builtRef = useRef<Built | null>(null);
  const [status, setStatus] = useState<Status>({ state: 'loading', message: 'Loading the graph renderer…' });
  const nodeCount = model.infos.length;
  const edgeCount = model.data.edges.length;

  const select = useEffectEvent((id: string) => onSelect(id));
  const initialFocus = useEffectEvent(() => selectedId);

  // Build the graph once per map (a refetch with a new map rebuilds it).
  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    const signal: { cancelled: boolean; cancel?: () => void } = { cancelled: false };
    let cy: Core | undefined;
    let media: MediaQueryList | undefined;
    let onScheme: (() => void) | undefined;
    (async () => {
      const input = layoutInput(model);
      const [{ default: cytoscape }, layout] = await Promise.all([
        import('cytoscape'),
        (async () => {
          setStatus({ state: 'loading', message: `Laying out ${input.nodes.length.toLocaleString()} nodes…` });
          return computeLayout(input, signal);
        })(),
      ]);
      if (signal.cancelled) return;
      const { elements, groupOf } = elementsFor(model, layout);
      const big = input.nodes.length > BIG_GRAPH;
      // Nodes and edges in one pass (one style pass, one first frame that has both).
      cy = cytoscape({
        container,
        elements,
        layout: { name: 'preset' },
        style: stylesheet(readTheme(container), big),
        minZoom: 0.02,
        maxZoom: 3,
        boxSelectionEnabled: false,
        autoungrabify: true,
        selectionType: 'single',
        // Large graphs: pan/zoom a cached bitmap and skip edges while moving, then redraw.
        textureOnViewport: big,
        hideEdgesOnViewport: big,
        motionBlur: false,
      });
      cyRef.current = cy;
      builtRef.current = { input, groupOf };
      cy.on('tap', 'node', (event) => {
        const node = event.target as NodeSingular;
        if (!node.hasClass('group')) select(node.id());
      });
      const focus = initialFocus();
      const focused = focus ? cy.getElementById(focus) : undefined;
      if (focused && focused.nonempty() && !focused.hasClass('group')) {
        focused.select();
        cy.zoom(1);
        cy.center(focused);
      } else if (big) {
        fitToLayout(cy, elements, 24);
      } else {
        cy.fit(undefined, 24);
      }
      if (big) {
        // Node labels exist only where they are readable: measuring 5,000 labels (ellipsis and all)
        // for a first frame too small to show any cost more than drawing every node and edge.
        const core = cy;
        let labelled: boolean | undefined;
        const onZoom = () => {
          const want = core.zoom() >= LABEL_ZOOM;
          if (want === labelled) return;
          labelled = want;
          core.batch(() => core.nodes().not('.group').toggleClass('labelled', want));
        };
        onZoom();
        core.on('zoom', onZoom);
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
      onScheme = () => cy?.style(stylesheet(readTheme(container), big));
      media.addEventListener('change', onScheme);
      setStatus({ state: 'ready' });
    })().catch((error: unknown) => {
      if (!signal.cancelled) setStatus({ state: 'error', message: (error as Error).message });
    });
    return () => {
      signal.cancelled = true;
      signal.cancel?.();
      if (media && onScheme) media.removeEventListener('change', onScheme);
      cy?.destroy();
      cyRef.current = null;
      builtRef.current = null;
    };
  }, [model]);

  const ready = status.state === 'ready';

  // Filters: show/hide with one class toggle per changed node, in a single batch.
  useEffect(() => {
    const cy = cyRef.current;
    const built = builtRef.current;
    if (!ready || !cy || !built) return;
    cy.batch(() => {
      const visibleGroups = new Set<string>();
      for (const info of model.infos) {
        const id = info.node.id;
        const show = visible.has(id);
        const el = cy.getElementById(id);
        if (el.hasClass('hidden') === show) el.toggleClass('hidden', !show);
        if (show) {
          for (let g = built.groupOf.get(id); g && !visibleGroups.has(g); g = built.groupOf.get(g)) visibleGroups.add(g);
        }
      }
      cy.nodes('.group').forEach((g) => {
        const show = visibleGroups.has(g.id());
        if (g.hasClass('hidden') === show) g.toggleClass('hidden', !show);
      });
    });
  }, [ready, visible, model]);

  // Once a filter has settled, frame what it kept (not on every keystroke: the view would jump).
  const firstFilter = useRef(true);
  useEffect(() => {
    const cy = cyRef.current;
    if (!ready || !cy) return;
    if (firstFilter.current) {
      firstFilter.current = false;
      return;
    }
    const timer = setTimeout(() => {
      const shown = cy.elements(':visible');
      if (shown.empty()) return;
      cy.fit(shown, 40);
      // One or two nodes would be blown up to maxZoom: keep labels at a natural size instead.
      if (cy.zoom() > 1.2) cy.zoom({ level: 1.2, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
    }, 300);
    return () => clearTimeout(timer);
  }, [ready, visible]);

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
        if (!cy) return undefined;
        return cy.png({ full: true, output: 'blob-promise', bg: background, maxWidth: 8000, maxHeight: 8000 });
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
            ...(info.worst === 'error' ? { ring: theme.error } : info.worst === 'warning' ? { ring: theme.warn } : {}),
          });
        });
        // Outer groups first so inner ones paint on top.
        groups.sort((a, b) => (b.x2 - b.x1) * (b.y2 - b.y1) - (a.x2 - a.x1) * (a.y2 - a.y1));
        const edges: Array<{ from: string; to: string; kind: string }> = [];
        cy.edges(':visible').forEach((e) => {
          edges.push({ from: e.source().id(), to: e.target().id(), kind: String(e.data('kind')) });
        });
        return graphToSvg({
          nodes,
          edges,
          groups,
          title: `idlens trust graph, ${model.data.generatedAt}`,
          colors: { background: theme.surface, text: theme.text, edge: theme.muted, groupFill: theme.surface2, groupBorder: theme.border, font: theme.font },
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
        <button type="button" onClick={() => cyRef.current?.fit(cyRef.current.elements(':visible'), 24)} disabled={!ready}>
          Fit
        </button>
        <Legend />
      </div>
      <div className="map-canvas-wrap">
        <div
          ref={containerRef}
          className="map-canvas"
          role="img"
          aria-label={`Trust graph: ${nodeCount.toLocaleString()} nodes and ${edgeCount.toLocaleString()} edges, grouped by cluster and namespace. The table below lists the same nodes.`}
          data-testid="map-canvas"
          data-state={status.state}
        />
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
        <span className="map-swatch map-ring-error" aria-hidden="true" />
        error
      </li>
      <li>
        <span className="map-swatch map-ring-warning" aria-hidden="true" />
        warning
      </li>
    </ul>
  );
}
