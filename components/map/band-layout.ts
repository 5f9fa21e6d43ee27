// Pure layout of the trust graph, run in a Web Worker (layout.worker.ts) so the page stays
// responsive. The graph has a fixed flow — pod → service account → federated credential →
// identity → application — so it is drawn as layered columns in that order, grouped in
// horizontal bands per cluster and namespace; Azure objects sit beside the service accounts they
// trust (barycentre of their neighbours). O(n log n): 5,000 nodes take a few milliseconds, where
// a general layered layout with nested groups takes seconds.
// Tall maps wrap into several sections side by side (like newspaper columns), each with its own
// Azure columns, so the whole graph keeps a screen-like aspect ratio.

import { naturalOrder } from '@/lib/domain/natural-order';

export interface LayoutNode {
  id: string;
  kind: string;
  /** `cluster\u0000namespace` for namespaced objects; undefined for Azure objects. */
  band?: string;
}

export interface LayoutEdge {
  from: string;
  to: string;
}

export interface LayoutInput {
  nodes: LayoutNode[];
  edges: LayoutEdge[];
  /**
   * Pairs that belong together without an edge (the nodes one finding is about): a credential whose
   * issuer is off by a "/" has no edge to its service account, yet belongs beside it.
   */
  hints?: LayoutEdge[];
  /** Width / height of the view it is drawn in (layoutAspect); 16:9 when not given. */
  aspect?: number;
}

export interface LayoutResult {
  positions: Record<string, { x: number; y: number }>;
  /** Which section (0-based, left to right) each node was placed in. */
  sections: Record<string, number>;
  /** Milliseconds the layout took (measured where it ran). */
  durationMs?: number;
}

export const ROW = 64;
const POD_GAP = 150;
/** Pods of one service account stack in columns of this many; more columns go further left. */
const PODS_PER_COLUMN = 4;
const POD_COLUMNS = 3;
const COLUMN_GAP = 260;
// The gaps leave room for the group labels drawn above each box (see groupBoxes): a namespace
// label between two namespace boxes, a cluster label between two cluster boxes, both up to
// GROUP_LABEL_MAX_PX tall (labels grow as the view zooms out, so they stay readable on screen).
const BAND_GAP = 110;
const CLUSTER_GAP = 210;
const SECTION_GAP = 260;
const AZURE_COLUMNS = ['federatedCredential', 'managedIdentity', 'application'];
/** The column after AZURE_COLUMNS, for any other Azure kind. */
const OTHER_COLUMN = 'other';
const columnKindOf = (kind: string) => (AZURE_COLUMNS.includes(kind) ? kind : OTHER_COLUMN);

const DEFAULT_ASPECT = 16 / 9;

/**
 * The shape to lay a graph out for, from its view's size in px: width / height, kept between a
 * portrait phone's and a wide screen's, in steps of 1/4 (so that a few pixels more or less lay
 * nothing out anew, and the layout cache keeps working).
 */
export function layoutAspect(width: number, height: number): number {
  if (!(width > 0) || !(height > 0)) return DEFAULT_ASPECT;
  return Math.round(Math.min(2.5, Math.max(0.5, width / height)) * 4) / 4;
}

/** Rows a service account's pods take: one column of up to four, then up to three columns side by side. */
function podsPerColumn(count: number): number {
  return Math.max(PODS_PER_COLUMN, Math.ceil(count / POD_COLUMNS));
}

function podRows(count: number): number {
  if (count <= 1) return 1;
  const perColumn = podsPerColumn(count);
  return Math.min(count, perColumn) + (count > perColumn ? 0.5 : 0);
}

interface Band {
  key: string;
  cluster: string;
  pods: LayoutNode[];
  serviceAccounts: LayoutNode[];
  /** The rows each of serviceAccounts takes (its pods or its credentials, whichever needs more). */
  saRows: number[];
  /** Height in rows, known before placement. */
  rows: number;
  podsBySa: Map<string, LayoutNode[]>;
  orphanPods: LayoutNode[];
}

/** Rows kept between bands in a section's row count (the gap a namespace's label takes). */
const BAND_ROWS_GAP = 1.5;

/** The label gap above a band, in rows: none at a section's top, a namespace's, or between clusters a cluster's. */
function gapRows(previousCluster: string | undefined, cluster: string): number {
  return previousCluster === undefined ? 0 : (previousCluster === cluster ? BAND_GAP : CLUSTER_GAP) / ROW;
}

/** The least rows a piece of a namespace cut between two sections keeps, on either side (or an eighth of a section). */
const MIN_PIECE_ROWS = 4;

/** A piece of a band as stacked places it: its units [from, to) (unitsOf), their rows, its section and the y its first row starts at. */
interface Piece {
  band: Band;
  from: number;
  to: number;
  rows: number;
  section: number;
  y: number;
}

/**
 * Bands stacked top to bottom into sections of `rowsPerSection` rows, like text in newspaper
 * columns: the section each piece goes in and the y its first row starts at. A band that does not
 * fit the rest of a section fills it and continues at the top of the next (cut between service
 * accounts, see cutBand), unless either piece would be a stub: then it starts the next section
 * whole. A band taller than a section is cut wherever it must be. Bands are kept apart by a
 * namespace's or, between clusters, a cluster's label gap. The section chooser's estimate and the
 * placement both stack here, so the shape chosen is the shape drawn.
 */
function* stacked(bands: readonly Band[], rowsPerSection: number): Generator<Piece> {
  const least = Math.max(MIN_PIECE_ROWS, rowsPerSection / 8);
  let section = 0;
  let used = 0;
  let y = 0;
  let previous: string | undefined;
  for (const band of bands) {
    const units = unitsOf(band);
    let from = 0;
    let left = band.rows;
    while (from < units) {
      let to = units;
      let rows = left;
      const gap = gapRows(previous, band.cluster);
      if (used + gap + left > rowsPerSection && !(used === 0 && left <= rowsPerSection)) {
        const room = rowsPerSection - used - gap;
        const cut = room >= least ? cutAt(band, from, left, room, least) : undefined;
        if (cut) [to, rows] = cut;
        else if (used > 0) {
          section += 1;
          used = 0;
          y = 0;
          previous = undefined;
          continue;
        } else {
          // Taller than a whole section, at the top of one: cut as near the section's height as the service accounts allow.
          [to, rows] = cutAt(band, from, left, rowsPerSection, 0) ?? [units, left];
        }
      }
      y += gap * ROW;
      previous = band.cluster;
      yield { band, from, to, rows, section, y };
      y += rows * ROW;
      used += gap + rows;
      from = to;
      left -= rows;
      if (from < units) {
        section += 1;
        used = 0;
        y = 0;
        previous = undefined;
      }
    }
  }
}

/** A band's service accounts and then its orphan pods (one unit), as stacked cuts them. */
const unitsOf = (band: Band) => band.saRows.length + (band.orphanPods.length ? 1 : 0);
const unitRows = (band: Band, i: number) => (i < band.saRows.length ? band.saRows[i]! : podRows(band.orphanPods.length));

/**
 * Where to cut a band whose units from `from` on (`left` rows) are still to place: after the most units that fit
 * in `room` rows; undefined where the head or the rest would have fewer than `least` rows. With
 * `least` 0 the head takes at least one unit, even one taller than `room` (one SA's rows are never
 * cut). Returns the unit index the rest starts at and the head's rows.
 */
function cutAt(band: Band, from: number, left: number, room: number, least: number): [number, number] | undefined {
  const units = unitsOf(band);
  let to = from;
  let rows = 0;
  while (to < units && rows + unitRows(band, to) <= room) rows += unitRows(band, to++);
  if (to === from && least === 0 && units - from > 1) rows += unitRows(band, to++);
  if (to === from || to === units || rows < least || left - rows < least) return undefined;
  return [to, rows];
}

/**
 * How many rows a section holds, chosen so that the whole layout is drawn largest in a view of
 * shape `aspect` (width / height) — the size Fit frames, max(width / aspect, height), is smallest —
 * and, among equally large ones, with the fewest sections. Each candidate height is packed as
 * bandLayout packs it (stacked); the Azure columns are counted at their least height,
 * their nodes spread evenly over the sections (a thousand unused identities make sections taller,
 * not a ribbon). Where nothing else limits the shape, that is the count of sections whose shape is
 * nearest the view's; where something does (one service account with 150 credentials is one
 * section's height, however many sections there are), no sections are added that only widen it.
 */
function sectionRowsFor(bands: readonly Band[], totalRows: number, sectionWidth: number, azureColumnCounts: readonly number[], aspect: number): number {
  const fitSizeOf = (rows: number) => {
    let sections = 1;
    let tallest = 0;
    for (const piece of stacked(bands, rows)) {
      sections = piece.section + 1;
      tallest = Math.max(tallest, piece.y + piece.rows * ROW);
    }
    for (const count of azureColumnCounts) tallest = Math.max(tallest, Math.ceil(count / sections) * ROW);
    return Math.max((sections * sectionWidth - SECTION_GAP) / aspect, tallest, ROW);
  };
  // n sections of width w over all rows: n·w / (rows·ROW / n) = aspect gives the first guess.
  const guess = Math.max(1, Math.round(Math.sqrt((totalRows * ROW * aspect) / sectionWidth)));
  const candidates = new Set<number>();
  for (let n = 1; n <= guess * 2 + 2; n++) candidates.add(Math.max(12, Math.ceil(totalRows / n)));
  // Where bands are few, also each height that ends a section exactly after a band (a count of
  // sections that the even splits above miss, because bands come whole).
  if (bands.length <= 400) {
    let sum = 0;
    let previous: string | undefined;
    for (const band of bands) {
      sum += gapRows(previous, band.cluster) + band.rows;
      previous = band.cluster;
      candidates.add(Math.max(12, Math.ceil(sum)));
    }
  }
  let best = { rows: Math.max(12, Math.ceil(totalRows / guess)), size: Infinity };
  for (const rows of [...candidates].sort((a, b) => b - a)) {
    const size = fitSizeOf(rows);
    if (size < best.size * (1 - 1e-9)) best = { rows, size };
  }
  return best.rows;
}

export function bandLayout(input: LayoutInput): LayoutResult {
  const aspect = input.aspect !== undefined && Number.isFinite(input.aspect) && input.aspect > 0 ? input.aspect : DEFAULT_ASPECT;
  const positions: LayoutResult['positions'] = {};
  const sections: LayoutResult['sections'] = {};
  const ids = new Set(input.nodes.map((n) => n.id));
  const neighbours = new Map<string, string[]>();
  const link = (a: string, b: string) => {
    const list = neighbours.get(a);
    if (list) list.push(b);
    else neighbours.set(a, [b]);
  };
  for (const e of input.edges) {
    if (!ids.has(e.from) || !ids.has(e.to)) continue;
    link(e.from, e.to);
    link(e.to, e.from);
  }
  const kindOf = new Map(input.nodes.map((n) => [n.id, n.kind]));
  const hinted = new Map<string, string[]>();
  for (const h of input.hints ?? []) {
    if (!ids.has(h.from) || !ids.has(h.to) || h.from === h.to) continue;
    (hinted.get(h.from) ?? hinted.set(h.from, []).get(h.from)!).push(h.to);
    (hinted.get(h.to) ?? hinted.set(h.to, []).get(h.to)!).push(h.from);
  }

  // 1. Namespace bands: service accounts by name, each SA's pods in a small grid to its left. An SA
  //    takes as many rows as its pods need, or as its credentials (beside it, one per row) need.
  //    A credential sits beside the service accounts it has an edge to, or else beside those a
  //    finding ties it to (a near miss: its issuer off by a '/'), as step 3 places it.
  const credentialsOf = new Map<string, number>();
  const isSa = (n: string) => kindOf.get(n) === 'serviceAccount';
  for (const node of input.nodes) {
    if (node.kind !== 'federatedCredential') continue;
    const byEdge = (neighbours.get(node.id) ?? []).filter(isSa);
    const anchors = byEdge.length ? byEdge : (hinted.get(node.id) ?? []).filter(isSa);
    // A credential several SAs share (a claims-matching expression) is drawn once: it takes no SA's row.
    if (anchors.length === 1) credentialsOf.set(anchors[0]!, (credentialsOf.get(anchors[0]!) ?? 0) + 1);
  }
  const saRows = (band: Band, sa: LayoutNode) => Math.max(podRows(band.podsBySa.get(sa.id)?.length ?? 0), credentialsOf.get(sa.id) ?? 0);
  const bandMap = new Map<string, Band>();
  const azure: LayoutNode[] = [];
  for (const node of input.nodes) {
    if (node.band === undefined) {
      azure.push(node);
      continue;
    }
    let band = bandMap.get(node.band);
    if (!band) {
      band = { key: node.band, cluster: node.band.split('\u0000')[0] ?? '', pods: [], serviceAccounts: [], saRows: [], rows: 0, podsBySa: new Map(), orphanPods: [] };
      bandMap.set(node.band, band);
    }
    if (node.kind === 'serviceAccount') band.serviceAccounts.push(node);
    else band.pods.push(node);
  }
  const byId = (a: LayoutNode, b: LayoutNode) => naturalOrder(a.id, b.id);
  const bands = [...bandMap.values()].sort((a, b) => naturalOrder(a.key, b.key));
  for (const band of bands) {
    band.serviceAccounts.sort(byId);
    const saIds = new Set(band.serviceAccounts.map((s) => s.id));
    for (const pod of band.pods.sort(byId)) {
      const sa = (neighbours.get(pod.id) ?? []).find((n) => saIds.has(n));
      if (sa) {
        const list = band.podsBySa.get(sa);
        if (list) list.push(pod);
        else band.podsBySa.set(sa, [pod]);
      } else band.orphanPods.push(pod);
    }
    band.saRows = band.serviceAccounts.map((sa) => saRows(band, sa));
    let rows = band.saRows.reduce((sum, r) => sum + r, 0);
    if (band.orphanPods.length) rows += podRows(band.orphanPods.length);
    band.rows = Math.max(rows, 1);
  }

  // 2. Bands flow into sections side by side (stacked), as many as draw the map largest in the view's shape.
  // Only the Azure columns something is drawn in take room (none when the Azure source failed or
  // the filters hide those kinds).
  const columnKinds = [...AZURE_COLUMNS, OTHER_COLUMN].filter((kind) => azure.some((n) => columnKindOf(n.kind) === kind));
  const totalRows = bands.reduce((sum, b) => sum + b.rows + BAND_ROWS_GAP, 0) + Math.ceil(azure.length / 4);
  // Only the pod columns some service account fills take room (none when pods are filtered out).
  let podColumns = 0;
  for (const band of bands) {
    for (const pods of [...band.podsBySa.values(), band.orphanPods]) if (pods.length) podColumns = Math.max(podColumns, Math.ceil(pods.length / podsPerColumn(pods.length)));
  }
  const sectionWidth = podColumns * POD_GAP + (1 + columnKinds.length) * COLUMN_GAP + SECTION_GAP;
  const azureColumnCounts = columnKinds.map((kind) => azure.filter((n) => columnKindOf(n.kind) === kind).length);
  const rowsPerSection = sectionRowsFor(bands, totalRows, sectionWidth, azureColumnCounts, aspect);

  /** The section most of these placed nodes are in (the leftmost on a tie); undefined for none. */
  const majoritySection = (placed: readonly string[]): number | undefined => {
    const votes = new Map<number, number>();
    for (const n of placed) votes.set(sections[n]!, (votes.get(sections[n]!) ?? 0) + 1);
    return [...votes.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0];
  };
  const place = (id: string, x: number, yy: number, s: number) => {
    positions[id] = { x, y: yy };
    sections[id] = s;
  };
  const sectionX = (s: number) => s * sectionWidth;
  const saX = (s: number) => sectionX(s) + podColumns * POD_GAP;
  let lastClusterSection = 0;
  // A namespace cut between sections has a box (and its label) in each.
  for (const { band, from, to, section, y: top } of stacked(bands, rowsPerSection)) {
    lastClusterSection = section;
    let y = top;
    const podRow = (pods: LayoutNode[], startY: number) => {
      const perColumn = podsPerColumn(pods.length);
      pods.forEach((pod, i) => {
        const col = Math.floor(i / perColumn);
        const row = i % perColumn;
        // The first column sits next to the SA; further columns extend to the left, shifted by
        // half a row so that their edges pass between the pods of the nearer columns.
        place(pod.id, saX(section) - (col + 1) * POD_GAP, startY + row * ROW + (col % 2) * (ROW / 2), section);
      });
      return podRows(pods.length);
    };
    for (let i = from; i < Math.min(to, band.serviceAccounts.length); i++) {
      const sa = band.serviceAccounts[i]!;
      const pods = band.podsBySa.get(sa.id) ?? [];
      const rows = band.saRows[i]!;
      podRow(pods, y + ((rows - podRows(pods.length)) * ROW) / 2);
      place(sa.id, saX(section), y + ((rows - 1) * ROW) / 2, section);
      y += rows * ROW;
    }
    if (to > band.serviceAccounts.length) podRow(band.orphanPods, y);
  }

  // 3. Azure columns, left to right: each node goes to the section most of its placed neighbours
  //    are in, at the mean height of those neighbours, pushed down to keep one row between nodes.
  const columns: LayoutNode[][] = [];
  for (const node of azure) (columns[columnKinds.indexOf(columnKindOf(node.kind))] ??= []).push(node);
  for (let c = 0; c < columns.length; c++) {
    const nodes = columns[c];
    if (!nodes) continue;
    const perSection = new Map<number, Array<{ id: string; ideal: number }>>();
    const orphans: string[] = [];
    for (const node of nodes.sort(byId)) {
      const placedOf = (list: string[] | undefined) => (list ?? []).filter((n) => positions[n] !== undefined && kindOf.get(n) !== node.kind);
      let placed = placedOf(neighbours.get(node.id));
      if (placed.length === 0) placed = placedOf(hinted.get(node.id));
      if (placed.length === 0) {
        orphans.push(node.id);
        continue;
      }
      const s = majoritySection(placed)!;
      const inSection = placed.filter((n) => sections[n] === s);
      const ideal = inSection.reduce((sum, n) => sum + positions[n]!.y, 0) / inSection.length;
      const list = perSection.get(s);
      if (list) list.push({ id: node.id, ideal });
      else perSection.set(s, [{ id: node.id, ideal }]);
    }
    const columnX = (s: number) => saX(s) + (c + 1) * COLUMN_GAP;
    const heights = Array.from({ length: lastClusterSection + 1 }, () => 0);
    for (const [s, list] of perSection) {
      list.sort((a, b) => a.ideal - b.ideal || (a.id < b.id ? -1 : 1));
      // Nodes wanting the same height (an SA's credentials) are centred on it, not hung below it.
      for (let i = 0; i < list.length; ) {
        let j = i + 1;
        while (j < list.length && list[j]!.ideal === list[i]!.ideal) j++;
        const lift = ((j - i - 1) * ROW) / 2;
        for (let k = i; k < j; k++) list[k]!.ideal -= lift;
        i = j;
      }
      let next = 0;
      for (const item of list) {
        const yy = Math.max(item.ideal, next);
        place(item.id, columnX(s), yy, s);
        next = yy + ROW;
      }
      heights[s] = next;
    }
    // Nodes tied to nothing placed (credentials for other issuers, unused identities) fill the
    // shortest sections' columns, so a thousand of them do not make one endless column.
    // The orphans of one owner (an identity's credentials for other issuers) stay together, in the
    // section its other nodes of this column were placed in, if any.
    const byOwner = new Map<string, string[]>();
    for (const id of orphans) {
      const owner = (neighbours.get(id) ?? []).find((n) => kindOf.get(n) !== kindOf.get(id)) ?? id;
      (byOwner.get(owner) ?? byOwner.set(owner, []).get(owner)!).push(id);
    }
    for (const [owner, ids] of byOwner) {
      const siblings = owner === ids[0] ? [] : (neighbours.get(owner) ?? []).filter((n) => positions[n] !== undefined && kindOf.get(n) === kindOf.get(ids[0]!));
      let s = majoritySection(siblings);
      if (s === undefined) {
        s = 0;
        for (let i = 1; i < heights.length; i++) if (heights[i]! < heights[s]!) s = i;
      }
      for (const id of ids) {
        place(id, columnX(s), heights[s]!, s);
        heights[s] = heights[s]! + ROW;
      }
    }
  }
  return { positions, sections };
}

export type GroupKind = 'namespace' | 'cluster' | 'azure';

/** A box drawn behind the nodes: one per namespace and section, one per cluster and section, one Azure box per section. */
export interface Group {
  id: string;
  label: string;
  kind: GroupKind;
  /** The layout section (0-based, left to right) the group is drawn in. */
  section: number;
}

export interface Bounds {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export interface GroupBox extends Group, Bounds {}

/** A placed node and the groups it sits in, innermost first (from groupsOf). */
export interface GroupMember {
  id: string;
  x: number;
  y: number;
  groups: readonly Group[];
}

/** Room a node and its label take around its position (label below, up to 140 px wide). */
export const NODE_BOX = { left: 78, right: 78, top: 20, bottom: 36 };
const GROUP_PADDING = 18;
/** The tallest a group label gets, in layout units (the gaps above are sized for it). */
export const GROUP_LABEL_MAX_PX = 56;
/** Extra room at the top of a cluster box, where its first namespace's label sits. */
const GROUP_LABEL = GROUP_LABEL_MAX_PX;

/**
 * The groups a node sits in, innermost first: its namespace and its cluster's box in its section,
 * or the Azure box of its section. `groupCache` shares one object per group between nodes.
 */
export function groupsOf(place: { cluster?: string; namespace?: string; section: number }, groupCache: Map<string, Group[]> = new Map()): readonly Group[] {
  const key = place.namespace === undefined ? `azure#${place.section}` : `${place.cluster ?? ''}\u0000${place.namespace}#${place.section}`;
  const cached = groupCache.get(key);
  if (cached) return cached;
  let groups: Group[];
  if (place.namespace === undefined) {
    groups = [{ id: `group:azure#${place.section}`, label: 'Azure', kind: 'azure', section: place.section }];
  } else {
    const cluster = place.cluster ?? '';
    groups = [
      // The namespace's name alone: the box sits inside its cluster's box, which says "cluster".
      // A namespace continued in a later section (see bandLayout) has a box there too: its own id.
      { id: `group:ns:${cluster}/${place.namespace}${place.section > 0 ? `#${place.section}` : ''}`, label: place.namespace, kind: 'namespace', section: place.section },
      { id: `group:cluster:${cluster}#${place.section}`, label: `cluster ${cluster}`, kind: 'cluster', section: place.section },
    ];
  }
  groupCache.set(key, groups);
  return groups;
}

/**
 * The group boxes around the shown members (all members when `shown` is undefined): a group with no
 * shown member has no box, and a box encloses only its shown members, so a filter leaves no empty
 * or oversized boxes behind. O(members).
 */
export function groupBoxes(members: readonly GroupMember[], shown?: ReadonlySet<string>): Map<string, GroupBox> {
  const boxes = new Map<string, GroupBox>();
  const grow = (group: Group, x1: number, y1: number, x2: number, y2: number) => {
    const box = boxes.get(group.id);
    if (!box) boxes.set(group.id, { ...group, x1, y1, x2, y2 });
    else {
      if (x1 < box.x1) box.x1 = x1;
      if (y1 < box.y1) box.y1 = y1;
      if (x2 > box.x2) box.x2 = x2;
      if (y2 > box.y2) box.y2 = y2;
    }
  };
  for (const m of members) {
    if (shown && !shown.has(m.id)) continue;
    const x1 = m.x - NODE_BOX.left - GROUP_PADDING;
    const x2 = m.x + NODE_BOX.right + GROUP_PADDING;
    const y1 = m.y - NODE_BOX.top - GROUP_PADDING;
    const y2 = m.y + NODE_BOX.bottom + GROUP_PADDING;
    for (const group of m.groups) {
      // An outer box (a cluster) encloses its namespaces with padding, and room for their labels.
      if (group.kind === 'cluster') grow(group, x1 - GROUP_PADDING, y1 - GROUP_LABEL - GROUP_PADDING, x2 + GROUP_PADDING, y2 + GROUP_PADDING);
      else grow(group, x1, y1, x2, y2);
    }
  }
  return boxes;
}

/** Space kept between a group label and the Azure box beside it. */
const LABEL_CLEARANCE = 24;

/** The farthest a label runs past its box's left edge where nothing is beside it (within one section). */
const FREE_LABEL_WIDTH = 1200;

/**
 * How wide a group's label (drawn above the box, from its left edge) may run before it is cut
 * with "…": well past a narrow box where nothing is beside it, but a namespace or cluster label
 * stops short of its section's Azure box when that box reaches the label's height (its nodes and
 * its own label are there).
 */
export function groupLabelWidth(box: GroupBox, boxes: ReadonlyMap<string, GroupBox>): number {
  const width = box.x2 - box.x1;
  if (box.kind === 'azure') return width;
  // Never into the next section (sections without pods or Azure columns are narrow).
  const next = sectionStarts(boxes).get(box.section + 1);
  const free = Math.max(width, Math.min(FREE_LABEL_WIDTH, next === undefined ? Infinity : next - box.x1 - LABEL_CLEARANCE));
  const azure = boxes.get(`group:azure#${box.section}`);
  if (!azure || azure.x1 <= box.x1) return free;
  const labelRoom = GROUP_LABEL_MAX_PX * 1.25 + LABEL_CLEARANCE;
  const besideAzure = box.y1 - labelRoom < azure.y2 && box.y1 > azure.y1 - labelRoom;
  return besideAzure ? Math.max(width, azure.x1 - box.x1 - LABEL_CLEARANCE) : free;
}

const sectionStartsCache = new WeakMap<ReadonlyMap<string, GroupBox>, Map<number, number>>();

/** The left edge of each section's boxes (computed once per set of boxes). */
function sectionStarts(boxes: ReadonlyMap<string, GroupBox>): Map<number, number> {
  let starts = sectionStartsCache.get(boxes);
  if (!starts) {
    starts = new Map();
    for (const b of boxes.values()) starts.set(b.section, Math.min(starts.get(b.section) ?? Infinity, b.x1));
    sectionStartsCache.set(boxes, starts);
  }
  return starts;
}

/** Average width of a character of the group labels' font, as a share of its size. */
export const LABEL_CHAR_EM = 0.6;

/**
 * A group label's text for the width it may take (groupLabelWidth) at a font size (in layout units;
 * the largest label size by default): a cluster box's "cluster <name>" is shortened to the name
 * where the long form would be cut to
 * "cluster sa…" (a box squeezed beside its section's Azure box); the box's dashed border and larger
 * font still say it is a cluster. Other labels are kept.
 */
export function groupLabelText(group: Pick<Group, 'kind' | 'label'>, width: number, fontPx = GROUP_LABEL_MAX_PX): string {
  if (group.kind !== 'cluster' || group.label.length * fontPx * LABEL_CHAR_EM <= width) return group.label;
  return group.label.replace(/^cluster /, '');
}

/**
 * The label of each cluster (by its long label) over all its boxes: the long form where it fits in
 * every one of them, else the short form in all, so that a cluster spanning several sections reads
 * the same in each (groupLabelText decides per width).
 */
export function clusterLabelTexts(boxes: Iterable<{ label: string; width: number }>, fontPx = GROUP_LABEL_MAX_PX): Map<string, string> {
  const narrowest = new Map<string, number>();
  for (const b of boxes) narrowest.set(b.label, Math.min(narrowest.get(b.label) ?? Infinity, b.width));
  const texts = new Map<string, string>();
  for (const [label, width] of narrowest) texts.set(label, groupLabelText({ kind: 'cluster', label }, width, fontPx));
  return texts;
}

/** The box around all `boxes` (undefined when there are none). */
export function boundsOf(boxes: Iterable<Bounds>): Bounds | undefined {
  let bounds: Bounds | undefined;
  for (const b of boxes) {
    if (!bounds) bounds = { x1: b.x1, y1: b.y1, x2: b.x2, y2: b.y2 };
    else {
      bounds.x1 = Math.min(bounds.x1, b.x1);
      bounds.y1 = Math.min(bounds.y1, b.y1);
      bounds.x2 = Math.max(bounds.x2, b.x2);
      bounds.y2 = Math.max(bounds.y2, b.y2);
    }
  }
  return bounds;
}

/** FNV-1a over the node and edge ids: the layout cache key (same graph → same layout). */
export function graphHash(input: LayoutInput): string {
  let h = 0x811c9dc5;
  const feed = (s: string) => {
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    h ^= 10;
    h = Math.imul(h, 0x01000193);
  };
  for (const n of input.nodes) {
    feed(n.id);
    feed(n.kind);
    feed(n.band ?? '');
  }
  for (const e of input.edges) {
    feed(e.from);
    feed(e.to);
  }
  feed(`aspect ${input.aspect ?? ''}`);
  feed('hints');
  for (const e of input.hints ?? []) {
    feed(e.from);
    feed(e.to);
  }
  return `${input.nodes.length}:${input.edges.length}:${(h >>> 0).toString(36)}`;
}
