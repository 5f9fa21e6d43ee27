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
}

const RADIUS = 13;
const MARGIN = 40;

export function escapeXml(text: string): string {
  // Characters XML 1.0 forbids outright are dropped; the five specials are escaped.
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '').replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c]};`);
}

const fmt = (n: number) => (Math.round(n * 10) / 10).toString();

function truncate(label: string, max = 28): string {
  return label.length > max ? `${label.slice(0, max - 1)}…` : label;
}

function shape(node: SvgNode): string {
  const { x, y } = node;
  const r = RADIUS;
  const stroke = node.ring ? ` stroke="${escapeXml(node.ring)}" stroke-width="4"` : ` stroke="${escapeXml(node.fill)}" stroke-width="1"`;
  const fill = ` fill="${escapeXml(node.fill)}"${stroke}`;
  switch (node.kind) {
    case 'serviceAccount':
      return `<rect x="${fmt(x - r)}" y="${fmt(y - r)}" width="${2 * r}" height="${2 * r}" rx="5"${fill}/>`;
    case 'federatedCredential':
      return `<polygon points="${fmt(x)},${fmt(y - r - 2)} ${fmt(x + r + 2)},${fmt(y)} ${fmt(x)},${fmt(y + r + 2)} ${fmt(x - r - 2)},${fmt(y)}"${fill}/>`;
    case 'managedIdentity': {
      const pts = Array.from({ length: 6 }, (_, i) => {
        const a = (Math.PI / 3) * i;
        return `${fmt(x + (r + 1) * Math.cos(a))},${fmt(y + (r + 1) * Math.sin(a))}`;
      }).join(' ');
      return `<polygon points="${pts}"${fill}/>`;
    }
    case 'application':
      return `<rect x="${fmt(x - r - 3)}" y="${fmt(y - r + 2)}" width="${2 * r + 6}" height="${2 * r - 4}"${fill}/>`;
    default:
      return `<circle cx="${fmt(x)}" cy="${fmt(y)}" r="${r}"${fill}/>`;
  }
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
  for (const n of nodes) grow(n.x - 90, n.y - RADIUS - 4, n.x + 90, n.y + RADIUS + 22);
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
      `<text x="${fmt((g.x1 + g.x2) / 2)}" y="${fmt(g.y1 - 6)}" text-anchor="middle" font-size="13" font-weight="600" fill="${escapeXml(colors.text)}">${escapeXml(g.label)}</text>`,
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
  for (const n of nodes) {
    out.push(
      `<g data-id="${escapeXml(n.id)}"><title>${escapeXml(n.id)}</title>${shape(n)}<text x="${fmt(n.x)}" y="${fmt(n.y + RADIUS + 14)}" text-anchor="middle" fill="${escapeXml(colors.text)}">${escapeXml(truncate(n.label))}</text></g>`,
    );
  }
  out.push('</g></g></svg>');
  return out.join('\n');
}
