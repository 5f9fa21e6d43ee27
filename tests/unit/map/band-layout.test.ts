import { describe, expect, it } from 'vitest';
import { bandLayout, boundsOf, ROW, GROUP_LABEL_MAX_PX, type GroupBox, type GroupMember, clusterLabelTexts, graphHash, groupBoxes, groupLabelText, groupLabelWidth, groupsOf, layoutAspect, type LayoutEdge, type LayoutNode } from '@/components/map/band-layout';

// The group boxes behind the trust graph: one per namespace, per cluster and section, per Azure section.

function aMember(id: string, x: number, y: number, place: { cluster?: string; namespace?: string; section?: number } = {}): GroupMember {
  return { id, x, y, groups: groupsOf({ section: 0, ...place }) };
}

/** A service account in namespace `ns` of cluster c. */
const sa = (ns: string, name: string): LayoutNode => ({ id: `sa:${ns}/${name}`, kind: 'serviceAccount', band: `c\u0000${ns}` });

const within = (inner: GroupBox, outer: GroupBox) => inner.x1 > outer.x1 && inner.y1 > outer.y1 && inner.x2 < outer.x2 && inner.y2 < outer.y2;

describe('groupsOf', () => {
  it('puts a namespaced node in its namespace and its cluster, an Azure object in its section’s Azure box', () => {
    expect(groupsOf({ cluster: 'prod', namespace: 'shop', section: 1 }).map((g) => [g.id, g.kind, g.label])).toEqual([
      ['group:ns:prod/shop#1', 'namespace', 'shop'],
      ['group:cluster:prod#1', 'cluster', 'cluster prod'],
    ]);
    expect(groupsOf({ section: 2 }).map((g) => g.id)).toEqual(['group:azure#2']);
  });
});

describe('groupBoxes', () => {
  const members = [
    aMember('pod:shop/a', 0, 0, { cluster: 'c', namespace: 'shop' }),
    aMember('sa:shop/a', 150, 0, { cluster: 'c', namespace: 'shop' }),
    aMember('sa:shop/far', 150, 3000, { cluster: 'c', namespace: 'shop' }),
    aMember('sa:reports/r', 150, 5000, { cluster: 'c', namespace: 'reports' }),
    aMember('fic:x/f', 410, 5000),
  ];

  it('encloses every member, namespaces inside their cluster with room above for their labels', () => {
    const boxes = groupBoxes(members);
    expect([...boxes.keys()].sort()).toEqual(['group:azure#0', 'group:cluster:c#0', 'group:ns:c/reports', 'group:ns:c/shop']);
    const shop = boxes.get('group:ns:c/shop')!;
    expect(shop.y1).toBeLessThan(0);
    expect(shop.y2).toBeGreaterThan(3000);
    expect(within(shop, boxes.get('group:cluster:c#0')!)).toBe(true);
    expect(shop.y1 - boxes.get('group:cluster:c#0')!.y1).toBeGreaterThanOrEqual(GROUP_LABEL_MAX_PX);
  });

  it('leaves out groups with nothing shown and shrinks the others to what they still show', () => {
    const all = groupBoxes(members);
    const boxes = groupBoxes(members, new Set(['sa:reports/r', 'fic:x/f']));
    expect([...boxes.keys()].sort()).toEqual(['group:azure#0', 'group:cluster:c#0', 'group:ns:c/reports']);
    const cluster = boxes.get('group:cluster:c#0')!;
    // The cluster shrank to the one namespace left (it spanned y 0…5000 with everything shown).
    expect(cluster.y2 - cluster.y1).toBeLessThan(400);
    expect(all.get('group:cluster:c#0')!.y2 - all.get('group:cluster:c#0')!.y1).toBeGreaterThan(5000);
    expect(within(boxes.get('group:ns:c/reports')!, cluster)).toBe(true);
  });

  it('has no boxes when nothing is shown', () => {
    expect(groupBoxes(members, new Set()).size).toBe(0);
    expect(boundsOf(groupBoxes(members, new Set()).values())).toBeUndefined();
  });

  it('bounds what is shown: the view frames these', () => {
    const bounds = boundsOf(groupBoxes(members, new Set(['sa:reports/r'])).values())!;
    expect(bounds.y1).toBeGreaterThan(4500);
    expect(bounds.x2 - bounds.x1).toBeLessThan(400);
  });
});

describe('groupLabelText', () => {
  const [namespace, cluster] = groupsOf({ cluster: 'sample', namespace: 'catalog', section: 0 });
  it("shortens a squeezed cluster label to the cluster's name instead of cutting it to \"cluster sa…\"", () => {
    expect(groupLabelText(cluster!, 1200)).toBe('cluster sample');
    expect(groupLabelText(cluster!, 250)).toBe('sample');
    // At a smaller font (the view zoomed in) the long form fits the same width.
    expect(groupLabelText(cluster!, 250, 15)).toBe('cluster sample');
  });
  it('keeps namespace labels as they are', () => {
    expect(groupLabelText(namespace!, 50)).toBe('catalog');
  });
});

describe('clusterLabelTexts', () => {
  it('labels a cluster the same in every section: short in all where one box is squeezed', () => {
    const texts = clusterLabelTexts([
      { label: 'cluster sample', width: 1200 },
      { label: 'cluster sample', width: 250 },
      { label: 'cluster prod-weu', width: 1200 },
    ]);
    expect(texts).toEqual(new Map([['cluster sample', 'sample'], ['cluster prod-weu', 'cluster prod-weu']]));
    // Zoomed in (smaller font), the long form fits even the narrow box.
    expect(clusterLabelTexts([{ label: 'cluster sample', width: 1200 }, { label: 'cluster sample', width: 250 }], 15).get('cluster sample')).toBe('cluster sample');
  });
});

describe('groupLabelWidth', () => {
  // A narrow namespace box at the top of its section, its Azure box to the right and lower down.
  const members = [
    aMember('sa:top/a', 0, 0, { cluster: 'c', namespace: 'top' }),
    aMember('sa:level/b', 0, 1000, { cluster: 'c', namespace: 'level' }),
    aMember('fic:x/f', 260, 1000),
  ];
  const boxes = groupBoxes(members);

  it('lets a label run well past a narrow box where nothing is beside it', () => {
    const top = boxes.get('group:ns:c/top')!;
    expect(groupLabelWidth(top, boxes)).toBeGreaterThan(3 * (top.x2 - top.x1));
  });

  it('stops a label short of the Azure box at its height', () => {
    const level = boxes.get('group:ns:c/level')!;
    const azure = boxes.get('group:azure#0')!;
    expect(level.x1 + groupLabelWidth(level, boxes)).toBeLessThan(azure.x1);
    expect(groupLabelWidth(level, boxes)).toBeGreaterThanOrEqual(level.x2 - level.x1);
  });

  it('keeps the Azure label within its box', () => {
    const azure = boxes.get('group:azure#0')!;
    expect(groupLabelWidth(azure, boxes)).toBe(azure.x2 - azure.x1);
  });
});

describe('bandLayout leaves room for the group labels', () => {
  it('keeps namespace boxes, and cluster boxes, far enough apart for a label at its largest', () => {
    const nodes: LayoutNode[] = [];
    const edges: LayoutEdge[] = [];
    for (const cluster of ['c1', 'c2']) {
      for (const ns of ['a', 'b', 'c']) {
        for (let i = 0; i < 3; i++) {
          nodes.push({ id: `sa:${cluster}/${ns}/s${i}`, kind: 'serviceAccount', band: `${cluster}\u0000${ns}` });
          nodes.push({ id: `pod:${cluster}/${ns}/p${i}`, kind: 'pod', band: `${cluster}\u0000${ns}` });
          edges.push({ from: `pod:${cluster}/${ns}/p${i}`, to: `sa:${cluster}/${ns}/s${i}` });
        }
      }
    }
    const layout = bandLayout({ nodes, edges });
    const members = nodes.map((n) => {
      const [cluster, namespace] = n.band!.split('\u0000');
      return aMember(n.id, layout.positions[n.id]!.x, layout.positions[n.id]!.y, { cluster, namespace, section: layout.sections[n.id]! });
    });
    const boxes = [...groupBoxes(members).values()];
    // A label of GROUP_LABEL_MAX_PX takes about 1.25 lines of it, plus its 6 px margin.
    const labelRoom = GROUP_LABEL_MAX_PX * 1.25 + 6;
    for (const kind of ['namespace', 'cluster'] as const) {
      const same = boxes.filter((b) => b.kind === kind).sort((a, b) => a.y1 - b.y1);
      expect(same.length).toBeGreaterThan(1);
      for (let i = 1; i < same.length; i++) {
        if (same[i]!.x1 > same[i - 1]!.x2 || same[i]!.x2 < same[i - 1]!.x1) continue; // another section
        expect(same[i]!.y1 - same[i - 1]!.y2).toBeGreaterThanOrEqual(labelRoom);
      }
    }
  });
});

describe('bandLayout with one tall namespace', () => {
  it('continues a namespace taller than a section in the next one: no endless column, pods beside their SA, one box per section', () => {
    // One namespace (a filtered view of it): 80 SAs with 2 pods and one credential each.
    const nodes: LayoutNode[] = [];
    const edges: LayoutEdge[] = [];
    for (let i = 0; i < 80; i++) {
      nodes.push({ id: `sa:big/sa${i}`, kind: 'serviceAccount', band: 'c\u0000big' });
      for (let p = 0; p < 2; p++) {
        nodes.push({ id: `pod:big/p${i}-${p}`, kind: 'pod', band: 'c\u0000big' });
        edges.push({ from: `pod:big/p${i}-${p}`, to: `sa:big/sa${i}` });
      }
      nodes.push({ id: `fic:x/f${i}`, kind: 'federatedCredential' });
      edges.push({ from: `sa:big/sa${i}`, to: `fic:x/f${i}` });
    }
    const layout = bandLayout({ nodes, edges });
    const sectionsUsed = new Set(Object.values(layout.sections));
    expect(sectionsUsed.size).toBeGreaterThan(1);
    for (let i = 0; i < 80; i++) {
      expect(layout.sections[`pod:big/p${i}-0`]).toBe(layout.sections[`sa:big/sa${i}`]);
      expect(layout.sections[`fic:x/f${i}`]).toBe(layout.sections[`sa:big/sa${i}`]);
    }
    const members = nodes.map((n) => {
      const [cluster, namespace] = n.band ? n.band.split('\u0000') : [undefined, undefined];
      return aMember(n.id, layout.positions[n.id]!.x, layout.positions[n.id]!.y, { cluster, namespace, section: layout.sections[n.id]! });
    });
    const boxes = groupBoxes(members);
    const namespaceBoxes = [...boxes.values()].filter((b) => b.kind === 'namespace');
    expect(namespaceBoxes).toHaveLength(sectionsUsed.size);
    expect(new Set(namespaceBoxes.map((b) => b.label))).toEqual(new Set(['big']));
    // No box reaches into another section's columns.
    const sorted = namespaceBoxes.sort((a, b) => a.x1 - b.x1);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]!.x1).toBeGreaterThan(sorted[i - 1]!.x2);
    // Closer to a screen than a ribbon: the whole is at most ~2.5 times as tall as it is wide.
    const bounds = boundsOf(boxes.values())!;
    expect((bounds.y2 - bounds.y1) / (bounds.x2 - bounds.x1)).toBeLessThan(2.5);
  });
});

describe('bandLayout splits a tall namespace evenly', () => {
  it('into pieces of about equal height, no stub (20 service accounts with 20 pods each)', () => {
    const nodes: LayoutNode[] = [];
    const edges: LayoutEdge[] = [];
    for (let i = 0; i < 20; i++) {
      nodes.push({ id: `sa:big/sa${i}`, kind: 'serviceAccount', band: 'c\u0000big' });
      for (let p = 0; p < 20; p++) {
        nodes.push({ id: `pod:big/p${i}-${p}`, kind: 'pod', band: 'c\u0000big' });
        edges.push({ from: `pod:big/p${i}-${p}`, to: `sa:big/sa${i}` });
      }
    }
    const { sections } = bandLayout({ nodes, edges });
    const perSection = new Map<number, number>();
    for (let i = 0; i < 20; i++) perSection.set(sections[`sa:big/sa${i}`]!, (perSection.get(sections[`sa:big/sa${i}`]!) ?? 0) + 1);
    expect(perSection.size).toBeGreaterThan(1);
    const counts = [...perSection.values()];
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
  });
});

describe('bandLayout beside a service account with many credentials', () => {
  it('gives the SA a row per credential and centres them on it, so the next SA and its credential stay level', () => {
    // sa:a is federated with 9 credentials (9 clusters' worth of subjects), sa:b (after it) with one.
    const nodes: LayoutNode[] = [sa('ns', 'a'), sa('ns', 'b'), { id: 'fic:b', kind: 'federatedCredential' }];
    const edges: LayoutEdge[] = [{ from: 'sa:ns/b', to: 'fic:b' }];
    for (let i = 0; i < 9; i++) {
      nodes.push({ id: `fic:a${i}`, kind: 'federatedCredential' });
      edges.push({ from: 'sa:ns/a', to: `fic:a${i}` });
    }
    const { positions } = bandLayout({ nodes, edges });
    const ys = Array.from({ length: 9 }, (_, i) => positions[`fic:a${i}`]!.y).sort((a, b) => a - b);
    // Centred on sa:a: as many above it as below.
    expect((ys[0]! + ys[8]!) / 2).toBeCloseTo(positions['sa:ns/a']!.y);
    // All of them above sa:b, whose own credential sits level with it (before: pushed 4 rows below it).
    expect(ys[8]!).toBeLessThan(positions['sa:ns/b']!.y);
    expect(positions['fic:b']!.y).toBe(positions['sa:ns/b']!.y);
  });
});

describe('bandLayout without Azure objects', () => {
  it('keeps no empty Azure columns: sections sit closer when nothing Azure is drawn (Azure unread or filtered out)', () => {
    const clusterOnly: LayoutNode[] = [];
    const edges: LayoutEdge[] = [];
    for (let i = 0; i < 400; i++) {
      clusterOnly.push(sa(`ns${i % 20}`, `s${i}`));
      clusterOnly.push({ id: `pod:ns${i % 20}/p${i}`, kind: 'pod', band: `c\u0000ns${i % 20}` });
      edges.push({ from: `pod:ns${i % 20}/p${i}`, to: `sa:ns${i % 20}/s${i}` });
    }
    const withCredentials = [...clusterOnly];
    const ficEdges = [...edges];
    for (let i = 0; i < 400; i++) {
      withCredentials.push({ id: `fic:f${i}`, kind: 'federatedCredential' });
      ficEdges.push({ from: `sa:ns${i % 20}/s${i}`, to: `fic:f${i}` });
    }
    const firstSaX = (layout: ReturnType<typeof bandLayout>, section: number) =>
      Math.min(...Object.entries(layout.positions).filter(([id]) => id.startsWith('sa:') && layout.sections[id] === section).map(([, p]) => p.x));
    const bare = bandLayout({ nodes: clusterOnly, edges });
    const full = bandLayout({ nodes: withCredentials, edges: ficEdges });
    // One credential column: sections are that much wider apart than with no Azure column.
    expect(firstSaX(full, 1) - firstSaX(full, 0) - (firstSaX(bare, 1) - firstSaX(bare, 0))).toBe(260);
    // Credential column only (identities filtered out): the credentials sit in the first Azure column.
    const fic = full.positions['fic:f0']!;
    expect(fic.x - full.positions['sa:ns0/s0']!.x).toBe(260);
  });
});

describe('layoutAspect and bandLayout for the view’s shape', () => {
  it('reads the canvas’s shape in steps of 1/4, between a portrait phone’s and a wide screen’s; 16:9 for a canvas without a size', () => {
    expect(layoutAspect(565, 558)).toBe(1);
    expect(layoutAspect(1100, 640)).toBe(1.75);
    expect(layoutAspect(360, 700)).toBe(0.5);
    expect(layoutAspect(3000, 400)).toBe(2.5);
    expect(layoutAspect(0, 500)).toBeCloseTo(16 / 9);
  });

  it('lays a graph out squarer for a square canvas than for a wide one, and keys the two layouts apart', () => {
    const nodes: LayoutNode[] = [];
    const edges: LayoutEdge[] = [];
    for (let i = 0; i < 600; i++) {
      const band = `c\u0000ns${i % 30}`;
      nodes.push(sa(`ns${i % 30}`, `s${i}`), { id: `pod:ns${i % 30}/p${i}`, kind: 'pod', band }, { id: `fic:f${i}`, kind: 'federatedCredential' });
      edges.push({ from: `pod:ns${i % 30}/p${i}`, to: `sa:ns${i % 30}/s${i}` }, { from: `sa:ns${i % 30}/s${i}`, to: `fic:f${i}` });
    }
    const shapeOf = (aspect: number) => {
      const { positions } = bandLayout({ nodes, edges, aspect });
      const xs = Object.values(positions).map((p) => p.x);
      const ys = Object.values(positions).map((p) => p.y);
      return (Math.max(...xs) - Math.min(...xs)) / (Math.max(...ys) - Math.min(...ys));
    };
    const square = shapeOf(1);
    const wide = shapeOf(16 / 9);
    expect(square).toBeLessThan(wide);
    // Each within a factor of 1.5 of what it was asked for (sections come whole).
    expect(square).toBeGreaterThan(1 / 1.5);
    expect(square).toBeLessThan(1.5);
    expect(wide).toBeGreaterThan(16 / 9 / 1.5);
    expect(wide).toBeLessThan((16 / 9) * 1.5);
    expect(graphHash({ nodes, edges, aspect: 1 })).not.toBe(graphHash({ nodes, edges, aspect: 16 / 9 }));
  });
});

describe('bandLayout after a walk-through at scale', () => {
  it('counts a near-miss credential (tied by a finding, not an edge) among those beside its service account', () => {
    // fleet has two matching credentials and one whose issuer is off by '/' (only a finding ties it).
    const nodes: LayoutNode[] = [sa('p', 'a-fleet'), sa('p', 'b-next'), ...['f1', 'f2', 'near', 'next'].map((id) => ({ id: `fic:${id}`, kind: 'federatedCredential' }))];
    const edges: LayoutEdge[] = [
      { from: 'sa:p/a-fleet', to: 'fic:f1' },
      { from: 'sa:p/a-fleet', to: 'fic:f2' },
      { from: 'sa:p/b-next', to: 'fic:next' },
    ];
    const { positions } = bandLayout({ nodes, edges, hints: [{ from: 'fic:near', to: 'sa:p/a-fleet' }] });
    expect(positions['fic:next']!.y).toBe(positions['sa:p/b-next']!.y);
    const ys = ['f1', 'f2', 'near'].map((id) => positions[`fic:${id}`]!.y).sort((a, b) => a - b);
    expect((ys[0]! + ys[2]!) / 2).toBe(positions['sa:p/a-fleet']!.y);
  });

  it('keeps an identity’s credentials for other issuers together, in the section of its matched one', () => {
    const nodes: LayoutNode[] = [];
    const edges: LayoutEdge[] = [];
    for (let i = 0; i < 60; i++) {
      nodes.push(sa(`ns${i % 6}`, `s${i}`), { id: `fic:m${i}`, kind: 'federatedCredential' });
      edges.push({ from: `sa:ns${i % 6}/s${i}`, to: `fic:m${i}` });
    }
    nodes.push({ id: 'identity:fleet', kind: 'managedIdentity' });
    edges.push({ from: 'fic:m59', to: 'identity:fleet' });
    for (let i = 0; i < 24; i++) {
      nodes.push({ id: `fic:other${i}`, kind: 'federatedCredential' });
      edges.push({ from: `fic:other${i}`, to: 'identity:fleet' });
    }
    const { sections } = bandLayout({ nodes, edges, aspect: 2.5 });
    expect(new Set(Object.values(sections)).size).toBeGreaterThan(1);
    const used = new Set(Array.from({ length: 24 }, (_, i) => sections[`fic:other${i}`]));
    expect([...used]).toEqual([sections['fic:m59']]);
    expect(sections['identity:fleet']).toBe(sections['fic:m59']);
  });

  it('keeps no room for pod columns when no pod is shown', () => {
    const nodes: LayoutNode[] = [];
    for (let i = 0; i < 200; i++) nodes.push(sa(`ns${i % 10}`, `s${i}`));
    const { positions, sections } = bandLayout({ nodes, edges: [], aspect: 2.5 });
    const xs = [...new Set(Object.keys(positions).filter((id) => sections[id] === 0).map((id) => positions[id]!.x))];
    expect(xs).toEqual([0]);
  });

  it('picks the count of sections whose shape is nearest the canvas’s, with bands of uneven heights', () => {
    // 12 service accounts, no pods, no Azure: one section would be a 1:4 ribbon in a square canvas;
    // two are nearest to square. The big namespace fills the first section after the small ones and
    // continues in the second (6 + 4 rows: no stub), which is shorter than moving it over whole.
    const nodes: LayoutNode[] = [];
    for (const [ns, n] of Object.entries({ a: 1, b: 1, c: 10 })) for (let i = 0; i < n; i++) nodes.push(sa(ns, `s${i}`));
    const { sections } = bandLayout({ nodes, edges: [], aspect: 1 });
    expect(new Set(Object.values(sections)).size).toBe(2);
    const inSecond = Array.from({ length: 10 }, (_, i) => sections[`sa:c/s${i}`]).filter((s) => s === 1).length;
    expect(Math.min(inSecond, 10 - inSecond)).toBeGreaterThanOrEqual(4);
  });
});

describe('bandLayout’s count of sections, drawn as large as the view allows', () => {
  const extent = (positions: Record<string, { x: number; y: number }>) => {
    const ps = Object.values(positions);
    return { width: Math.max(...ps.map((p) => p.x)) - Math.min(...ps.map((p) => p.x)), height: Math.max(...ps.map((p) => p.y)) - Math.min(...ps.map((p) => p.y)) };
  };

  it('adds no sections that only widen a layout one tall service account sets the height of', () => {
    // 60 small namespaces of 3 SAs, one credential each; one SA with 150 credentials (its 150 rows
    // cannot be cut). Its column is the layout's height whatever the view; more sections only widen it.
    const nodes: LayoutNode[] = [];
    const edges: LayoutEdge[] = [];
    for (let n = 0; n < 60; n++) {
      for (let i = 0; i < 3; i++) {
        nodes.push(sa(`ns${n}`, `s${i}`), { id: `fic:${n}-${i}`, kind: 'federatedCredential' });
        edges.push({ from: `sa:ns${n}/s${i}`, to: `fic:${n}-${i}` });
      }
    }
    for (let i = 0; i < 150; i++) {
      nodes.push({ id: `fic:fleet${i}`, kind: 'federatedCredential' });
      edges.push({ from: 'sa:ns30/s1', to: `fic:fleet${i}` });
    }
    const counts = [1, 1.75, 2.5].map((aspect) => {
      const { positions, sections } = bandLayout({ nodes, edges, aspect });
      const { width, height } = extent(positions);
      // The height is the fleet SA's 150 credentials (plus at most the rest of its namespace).
      expect(height).toBeLessThan(155 * ROW);
      expect(width / aspect).toBeLessThan(height);
      return new Set(Object.values(sections)).size;
    });
    expect(new Set(counts).size).toBe(1);
  });

  it('flows namespaces through the sections like newspaper columns, so a few equal namespaces still fit a square canvas', () => {
    // Ten namespaces of 30 SAs (3 pods each): whole namespaces only made 10 sections side by side
    // (~2:1) or 5 of two (~0.5:1); a square canvas got the 0.5 one, half its width unused.
    const nodes: LayoutNode[] = [];
    const edges: LayoutEdge[] = [];
    for (let i = 0; i < 300; i++) {
      const ns = `ns${i % 10}`;
      nodes.push(sa(ns, `s${i}`), { id: `fic:${i}`, kind: 'federatedCredential' });
      edges.push({ from: `sa:${ns}/s${i}`, to: `fic:${i}` });
      for (let p = 0; p < 3; p++) {
        nodes.push({ id: `pod:${ns}/p${i}-${p}`, kind: 'pod', band: `c\u0000${ns}` });
        edges.push({ from: `pod:${ns}/p${i}-${p}`, to: `sa:${ns}/s${i}` });
      }
    }
    const { positions, sections } = bandLayout({ nodes, edges, aspect: 1 });
    const { width, height } = extent(positions);
    expect(width / height).toBeGreaterThan(0.75);
    expect(width / height).toBeLessThan(1.33);
    // A namespace cut between sections: its service accounts in name order, the first ones at the
    // bottom of one section and the rest at the top of the next; neither piece a stub.
    for (let n = 0; n < 10; n++) {
      const ids = nodes.filter((node) => node.kind === 'serviceAccount' && node.band === `c\u0000ns${n}`).map((node) => node.id);
      const used = [...new Set(ids.map((id) => sections[id]!))].sort((a, b) => a - b);
      expect(used.length).toBeLessThanOrEqual(2);
      if (used.length === 2) {
        expect(used[1]).toBe(used[0]! + 1);
        const inFirst = ids.filter((id) => sections[id] === used[0]).length;
        expect(Math.min(inFirst, ids.length - inFirst)).toBeGreaterThanOrEqual(4);
      }
    }
  });

  it('spreads a thousand unused identities over the sections instead of drawing a ribbon', () => {
    const nodes: LayoutNode[] = [];
    const edges: LayoutEdge[] = [];
    for (let i = 0; i < 100; i++) {
      nodes.push(sa(`ns${i % 10}`, `s${i}`), { id: `fic:${i}`, kind: 'federatedCredential' }, { id: `mi:${i}`, kind: 'managedIdentity' });
      edges.push({ from: `sa:ns${i % 10}/s${i}`, to: `fic:${i}` }, { from: `fic:${i}`, to: `mi:${i}` });
    }
    for (let i = 0; i < 2000; i++) nodes.push({ id: `mi:unused${i}`, kind: 'managedIdentity' });
    const { positions, sections } = bandLayout({ nodes, edges, aspect: 1 });
    const { width, height } = extent(positions);
    // Ten namespaces make at most ten sections; all of them are used (a 1:16 ribbon before).
    expect(new Set(Object.values(sections)).size).toBe(10);
    expect(width / height).toBeGreaterThan(0.5);
  });
});

describe('groupLabelWidth beside the next section', () => {
  it('stops a label short of the next section’s boxes', () => {
    const members = [aMember('sa:a/x', 0, 0, { cluster: 'c', namespace: 'azure-workload-identity-system', section: 0 }), aMember('sa:b/y', 520, 0, { cluster: 'c', namespace: 'kube-system', section: 1 })];
    const boxes = groupBoxes(members);
    const first = boxes.get('group:ns:c/azure-workload-identity-system')!;
    const next = boxes.get('group:cluster:c#1')!;
    expect(groupLabelWidth(first, boxes)).toBeLessThan(next.x1 - first.x1);
    // With nothing to its right it may run on.
    expect(groupLabelWidth(boxes.get('group:ns:c/kube-system#1')!, boxes)).toBeGreaterThan(1000);
  });
});

describe('bandLayout with a shape it cannot use', () => {
  it('lays out for 16:9 when the aspect is not a positive number, instead of failing or never ending', () => {
    const nodes: LayoutNode[] = Array.from({ length: 30 }, (_, i) => sa('ns', `s${i}`));
    const wide = bandLayout({ nodes, edges: [] });
    for (const aspect of [Number.NaN, -1, 0, Number.POSITIVE_INFINITY]) expect(bandLayout({ nodes, edges: [], aspect }).positions).toEqual(wide.positions);
  });

  it('gives a credential several service accounts share (a claims expression) no row of its own', () => {
    const nodes: LayoutNode[] = [{ id: 'fic:shared', kind: 'federatedCredential' }];
    const edges: LayoutEdge[] = [];
    for (let i = 0; i < 5; i++) {
      nodes.push(sa('ns', `s${i}`), { id: `fic:own${i}`, kind: 'federatedCredential' });
      edges.push({ from: `sa:ns/s${i}`, to: `fic:own${i}` }, { from: `sa:ns/s${i}`, to: 'fic:shared' });
    }
    const { positions } = bandLayout({ nodes, edges });
    // One row per SA, as without the shared credential.
    expect(positions['sa:ns/s1']!.y - positions['sa:ns/s0']!.y).toBe(64);
  });
});
