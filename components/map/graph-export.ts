// Pure: the graph as a standalone SVG document, built from the laid-out positions (the canvas
// renderer has no SVG output). Every label and id is escaped: they come from the cluster and the
// tenant, i.e. from whoever can create a namespace or a credential.

export interface SvgNode {
  id: string;
  label: string;
  kind: string;
  x: number;
  y: number;
  fill: string;
  /** Ring colour for nodes with an error or warning finding. */
  ring?: string;
  /** Which finding the ring stands for (default `error`): a warning's ring is dashed, its badge a triangle. */
  severity?: 'error' | 'warning';
}

export interface SvgEdge {
  from: string;
  to: string;
  kind: string;
}

export interface SvgGroup {
  label: string;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export interface SvgColors {
  background: string;
  text: string;
  edge: string;
  groupFill: string;
  groupBorder: string;
  font: string;
  /** Behind the nodes (the page's surface): the gap between a node and its severity ring. */
  halo?: string;
}

const RADIUS = 13;
const MARGIN = 40;
const FONT_PX = 11;
/** Average advance of a sans-serif character, as a share of the font size (a little generous). */
const CHAR_WIDTH = 0.62;
/** The widest a node label gets (the canvas draws at most 140 px). */
export const LABEL_MAX_WIDTH_PX = 160;
/** Space kept between two labels side by side. */
const LABEL_GAP_PX = 10;
/** Labels this close vertically (their height and a little) can collide side by side. */
const LABEL_HEIGHT_PX = 16;

/** The PNG export: twice the layout's size, with no side over this many pixels and no more pixels in all. */
export const PNG_SCALE = 2;
export const PNG_MAX_SIDE_PX = 8000;
export const PNG_MAX_PIXELS = 32_000_000;

/**
 * The scale to render the shown graph's `width`×`height` (layout units) at: PNG_SCALE, less when that
 * would exceed the side or pixel limits; never more (a small selection is not blown up to fill a
 * fixed size).
 */
export function pngScale(width: number, height: number, limits: { scale?: number; maxSidePx?: number; maxPixels?: number } = {}): number {
  const scale = limits.scale ?? PNG_SCALE;
  const maxSide = limits.maxSidePx ?? PNG_MAX_SIDE_PX;
  const maxPixels = limits.maxPixels ?? PNG_MAX_PIXELS;
  const w = Math.max(width, 1);
  const h = Math.max(height, 1);
  return Math.min(scale, maxSide / w, maxSide / h, Math.sqrt(maxPixels / (w * h)));
}

export function escapeXml(text: string): string {
  // Characters XML 1.0 forbids outright are dropped; the five specials are escaped.
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '').replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c]};`);
}

const fmt = (n: number) => (Math.round(n * 10) / 10).toString();

/** `label` cut to at most `maxChars` characters, the last of them an ellipsis. */
export function truncateLabel(label: string, maxChars: number): string {
  const chars = [...label];
  if (chars.length <= maxChars) return label;
  return `${chars.slice(0, Math.max(maxChars - 1, 0)).join('')}…`;
}

/** How many characters of FONT_PX text fit in `widthPx`. */
export function charsThatFit(widthPx: number, fontPx = FONT_PX): number {
  return Math.max(1, Math.floor(widthPx / (fontPx * CHAR_WIDTH)));
}

/**
 * The width each node's centred label may take without running into the label of a node beside it
 * (pods stand in columns 150 px apart, less than a long name): the distance to the nearest node at
 * about the same height, less a gap, at most LABEL_MAX_WIDTH_PX. O(n log n + pairs of nodes on one line).
 */
export function labelWidths(nodes: ReadonlyArray<{ id: string; x: number; y: number }>): Map<string, number> {
  const widths = new Map<string, number>();
  for (const n of nodes) widths.set(n.id, LABEL_MAX_WIDTH_PX);
  const byY = [...nodes].sort((a, b) => a.y - b.y);
  for (let i = 0; i < byY.length; i++) {
    const a = byY[i]!;
    for (let j = i + 1; j < byY.length && byY[j]!.y - a.y < LABEL_HEIGHT_PX; j++) {
      const b = byY[j]!;
      const room = Math.abs(b.x - a.x) - LABEL_GAP_PX;
      if (room < widths.get(a.id)!) widths.set(a.id, Math.max(room, 0));
      if (room < widths.get(b.id)!) widths.set(b.id, Math.max(room, 0));
    }
  }
  return widths;
}

function outline(node: SvgNode, grow: number): string {
  const { x, y } = node;
  const r = RADIUS + grow;
  switch (node.kind) {
    case 'serviceAccount':
      return `<rect x="${fmt(x - r)}" y="${fmt(y - r)}" width="${fmt(2 * r)}" height="${fmt(2 * r)}" rx="${fmt(5 + grow)}"`;
    case 'federatedCredential':
      return `<polygon points="${fmt(x)},${fmt(y - r - 2)} ${fmt(x + r + 2)},${fmt(y)} ${fmt(x)},${fmt(y + r + 2)} ${fmt(x - r - 2)},${fmt(y)}"`;
    case 'managedIdentity': {
      const pts = Array.from({ length: 6 }, (_, i) => {
        const a = (Math.PI / 3) * i;
        return `${fmt(x + (r + 1) * Math.cos(a))},${fmt(y + (r + 1) * Math.sin(a))}`;
      }).join(' ');
      return `<polygon points="${pts}"`;
    }
    case 'application':
      return `<rect x="${fmt(x - r - 3)}" y="${fmt(y - r + 2)}" width="${fmt(2 * r + 6)}" height="${fmt(2 * r - 4)}"`;
    default:
      return `<circle cx="${fmt(x)}" cy="${fmt(y)}" r="${fmt(r)}"`;
  }
}

/**
 * A node's shape; with a finding, a ring around it (a gap in the background colour between, so
 * the ring reads on any fill) and a badge at its top right: a circle for an error, a triangle for a
 * warning, a dashed ring for a warning — told apart without colour.
 */
function shape(node: SvgNode, halo: string): string {
  const body = `${outline(node, 0)} fill="${escapeXml(node.fill)}" stroke="${escapeXml(node.fill)}" stroke-width="1"/>`;
  if (!node.ring) return body;
  const ring = escapeXml(node.ring);
  const warning = node.severity === 'warning';
  const dash = warning ? ' stroke-dasharray="6 3"' : '';
  const bx = node.x + RADIUS;
  const by = node.y - RADIUS;
  const badge = warning
    ? `<polygon points="${fmt(bx)},${fmt(by - 7)} ${fmt(bx + 7)},${fmt(by + 5)} ${fmt(bx - 7)},${fmt(by + 5)}" fill="${ring}" stroke="${escapeXml(halo)}" stroke-width="1.5"/>`
    : `<circle cx="${fmt(bx)}" cy="${fmt(by)}" r="6" fill="${ring}" stroke="${escapeXml(halo)}" stroke-width="1.5"/>`;
  // The "!" baseline 3.5 px below `by` centres its 9 px glyph in the circle and, near enough, in the triangle.
  const mark = `<text x="${fmt(bx)}" y="${fmt(by + 3.5)}" text-anchor="middle" font-size="9" font-weight="700" fill="${escapeXml(halo)}">!</text>`;
  return `${outline(node, 3)} fill="none" stroke="${escapeXml(halo)}" stroke-width="3"/>${outline(node, 5.5)} fill="none" stroke="${ring}" stroke-width="3"${dash}/>${body}${badge}${mark}`;
}

const GROUP_FONT_PX = 13;

/** A `<text>` of `label` cut to `maxChars`; a cut label carries its full text in a `<title>` (a tooltip). */
function svgText(label: string, maxChars: number, attributes: string): string {
  const shown = truncateLabel(label, maxChars);
  const title = shown === label ? '' : `<title>${escapeXml(label)}</title>`;
  return `<text ${attributes}>${title}${escapeXml(shown)}</text>`;
}

/** A self-contained SVG (no external styles) of the given nodes, edges and group boxes. */
export function graphToSvg({ nodes, edges, groups, colors, title }: { nodes: SvgNode[]; edges: SvgEdge[]; groups: SvgGroup[]; colors: SvgColors; title: string }): string {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  const grow = (x1: number, y1: number, x2: number, y2: number) => {
    minX = Math.min(minX, x1);
    minY = Math.min(minY, y1);
    maxX = Math.max(maxX, x2);
    maxY = Math.max(maxY, y2);
  };
  for (const n of nodes) grow(n.x - LABEL_MAX_WIDTH_PX / 2, n.y - RADIUS - 12, n.x + LABEL_MAX_WIDTH_PX / 2, n.y + RADIUS + 22);
  for (const g of groups) grow(g.x1, g.y1 - 22, g.x2, g.y2);
  if (!Number.isFinite(minX)) {
    minX = 0;
    minY = 0;
    maxX = 200;
    maxY = 100;
  }
  const width = maxX - minX + 2 * MARGIN;
  const height = maxY - minY + 2 * MARGIN;
  const tx = MARGIN - minX;
  const ty = MARGIN - minY;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${fmt(width)}" height="${fmt(height)}" viewBox="0 0 ${fmt(width)} ${fmt(height)}" font-family="${escapeXml(colors.font)}" font-size="11">`,
    `<title>${escapeXml(title)}</title>`,
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${escapeXml(colors.edge)}"/></marker></defs>`,
    `<rect width="100%" height="100%" fill="${escapeXml(colors.background)}"/>`,
    `<g transform="translate(${fmt(tx)} ${fmt(ty)})">`,
  );
  out.push('<g class="groups">');
  for (const g of groups) {
    out.push(
      `<rect x="${fmt(g.x1)}" y="${fmt(g.y1)}" width="${fmt(g.x2 - g.x1)}" height="${fmt(g.y2 - g.y1)}" rx="8" fill="${escapeXml(colors.groupFill)}" stroke="${escapeXml(colors.groupBorder)}"/>`,
      svgText(g.label, charsThatFit(Math.max(g.x2 - g.x1, 120), GROUP_FONT_PX * 1.08), `x="${fmt((g.x1 + g.x2) / 2)}" y="${fmt(g.y1 - 6)}" text-anchor="middle" font-size="${GROUP_FONT_PX}" font-weight="600" fill="${escapeXml(colors.text)}"`),
    );
  }
  out.push('</g><g class="edges">');
  for (const e of edges) {
    const a = byId.get(e.from);
    const b = byId.get(e.to);
    if (!a || !b) continue;
    const dx = b.x - a.x;
    const dy = b.y - a.y;
    const len = Math.hypot(dx, dy) || 1;
    const ux = dx / len;
    const uy = dy / len;
    const dash = e.kind === 'canCall' ? ' stroke-dasharray="5 4"' : '';
    out.push(
      `<line x1="${fmt(a.x + ux * RADIUS)}" y1="${fmt(a.y + uy * RADIUS)}" x2="${fmt(b.x - ux * (RADIUS + 2))}" y2="${fmt(b.y - uy * (RADIUS + 2))}" stroke="${escapeXml(colors.edge)}" stroke-width="1.5"${dash} marker-end="url(#arrow)"><title>${escapeXml(`${e.from} ${e.kind} ${e.to}`)}</title></line>`,
    );
  }
  out.push('</g><g class="nodes">');
  const widths = labelWidths(nodes);
  const halo = colors.halo ?? colors.background;
  for (const n of nodes) {
    const label = svgText(n.label, charsThatFit(widths.get(n.id) ?? LABEL_MAX_WIDTH_PX), `x="${fmt(n.x)}" y="${fmt(n.y + RADIUS + 14)}" text-anchor="middle" fill="${escapeXml(colors.text)}"`);
    out.push(`<g data-id="${escapeXml(n.id)}"><title>${escapeXml(n.id)}</title>${shape(n, halo)}${label}</g>`);
  }
  out.push('</g></g></svg>');
  return out.join('\n');
}
