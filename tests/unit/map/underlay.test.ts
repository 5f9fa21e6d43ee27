import { describe, expect, it } from 'vitest';
import type { GroupBox } from '@/components/map/band-layout';
import { EDGE_DASH, EDGE_OPACITY, clipSegment, cornerRadius, dashAt, edgeGeometry, fillOrder, segmentMeets, shownEdges, viewExtent } from '@/components/map/underlay';

const positions = { a: { x: 0, y: 0 }, b: { x: 100, y: 50 }, c: { x: -40, y: 200 } };
const end = (from: string, to: string, kind = 'trusts') => ({ from, to, kind, dashed: kind === 'canCall' });

describe('edgeGeometry', () => {
  it('is one segment per edge between its nodes, in their order', () => {
    const g = edgeGeometry([end('a', 'b'), end('c', 'a', 'canCall')], positions);
    expect(g.ends.map((e) => `${e.from}-${e.to}`)).toEqual(['a-b', 'c-a']);
    expect([...g.coords]).toEqual([0, 0, 100, 50, -40, 200, 0, 0]);
  });

  it('leaves out an edge whose node has no position', () => {
    const g = edgeGeometry([end('a', 'zz'), end('b', 'c')], positions);
    expect(g.ends.map((e) => e.from)).toEqual(['b']);
    expect([...g.coords]).toEqual([100, 50, -40, 200]);
  });
});

describe('shownEdges', () => {
  it('shows an edge only while both of its nodes are shown', () => {
    const g = edgeGeometry([end('a', 'b'), end('b', 'c'), end('c', 'a')], positions);
    expect([...shownEdges(g, new Set(['a', 'b', 'c']))]).toEqual([1, 1, 1]);
    expect([...shownEdges(g, new Set(['a', 'b']))]).toEqual([1, 0, 0]);
    expect([...shownEdges(g, new Set())]).toEqual([0, 0, 0]);
  });
});

describe('viewExtent and segmentMeets', () => {
  // 400×300 px at zoom 2, layout point (10, 20) at the view's top left.
  const extent = viewExtent({ zoom: 2, pan: { x: -20, y: -40 } }, 400, 300);

  it('is the layout rectangle the view shows', () => {
    expect(extent).toEqual({ x1: 10, y1: 20, x2: 210, y2: 170 });
  });

  it('keeps segments that cross the view, even with both ends outside', () => {
    const across = new Float64Array([0, 100, 500, 100]);
    expect(segmentMeets(across, 0, extent)).toBe(true);
    const inside = new Float64Array([50, 50, 60, 60]);
    expect(segmentMeets(inside, 0, extent)).toBe(true);
  });

  it('skips segments wholly to one side', () => {
    const left = new Float64Array([-100, 0, 5, 500]);
    const below = new Float64Array([0, 171, 500, 400]);
    expect(segmentMeets(left, 0, extent)).toBe(false);
    expect(segmentMeets(below, 0, extent)).toBe(false);
  });
});

describe('clipSegment', () => {
  const extent = { x1: 0, y1: 0, x2: 100, y2: 100 };

  it('keeps a segment inside whole', () => {
    expect(clipSegment(new Float64Array([10, 10, 90, 50]), 0, extent)).toEqual([0, 1]);
  });

  it('cuts a segment that crosses the view to the part inside', () => {
    // From x = -100 to 300 at y = 50: inside from x = 0 (t = 0.25) to x = 100 (t = 0.5).
    const [t0, t1] = clipSegment(new Float64Array([-100, 50, 300, 50]), 0, extent)!;
    expect(t0).toBeCloseTo(0.25);
    expect(t1).toBeCloseTo(0.5);
  });

  it('cuts a diagonal at the sides it crosses', () => {
    // (−50, 50) → (50, 150): enters at x = 0 (t = 0.5), leaves at y = 100 (t = 0.5)… a corner touch.
    const touch = clipSegment(new Float64Array([-50, 50, 50, 150]), 0, extent)!;
    expect(touch[0]).toBeCloseTo(0.5);
    expect(touch[1]).toBeCloseTo(0.5);
    // (−50, 20) → (150, 60): x = 0 at t = 0.25, x = 100 at t = 0.75.
    const [t0, t1] = clipSegment(new Float64Array([-50, 20, 150, 60]), 0, extent)!;
    expect(t0).toBeCloseTo(0.25);
    expect(t1).toBeCloseTo(0.75);
  });

  it('is undefined for a segment that misses the view, parallel to a side or not', () => {
    expect(clipSegment(new Float64Array([-10, -5, -10, 500]), 0, extent)).toBeUndefined();
    // Its bounding box overlaps the view, the line itself passes the corner outside (x + y = −30).
    expect(clipSegment(new Float64Array([-50, 20, 20, -50]), 0, extent)).toBeUndefined();
    expect(clipSegment(new Float64Array([200, 0, 300, 100]), 0, extent)).toBeUndefined();
  });

  it('reads the segment at its index', () => {
    const coords = new Float64Array([500, 500, 600, 600, 10, 10, 20, 20]);
    expect(clipSegment(coords, 0, extent)).toBeUndefined();
    expect(clipSegment(coords, 1, extent)).toEqual([0, 1]);
  });
});

describe('dashAt', () => {
  it('draws dashes while a period is at least 3 px on screen', () => {
    const period = EDGE_DASH[0] + EDGE_DASH[1];
    expect(dashAt(3 / period)).toEqual({ dash: EDGE_DASH, opacity: EDGE_OPACITY });
    expect(dashAt(1)).toEqual({ dash: EDGE_DASH, opacity: EDGE_OPACITY });
  });

  it('draws a fainter solid line below that, as dark on average as the dashes', () => {
    const far = dashAt(0.02);
    expect(far.dash).toEqual([]);
    expect(far.opacity).toBeCloseTo((EDGE_OPACITY * EDGE_DASH[0]) / (EDGE_DASH[0] + EDGE_DASH[1]));
  });
});

describe('fillOrder and cornerRadius', () => {
  const box = (id: string, kind: GroupBox['kind']): GroupBox => ({ id, label: id, kind, section: 0, x1: 0, y1: 0, x2: 1, y2: 1 });

  it('fills clusters first, the other groups after in their order', () => {
    const order = fillOrder([box('ns-a', 'namespace'), box('c1', 'cluster'), box('azure', 'azure'), box('c2', 'cluster'), box('ns-b', 'namespace')]);
    expect(order.map((b) => b.id)).toEqual(['c1', 'c2', 'ns-a', 'azure', 'ns-b']);
  });

  it('rounds corners as cytoscape does: a quarter of the short side, at most 8', () => {
    expect(cornerRadius(400, 300)).toBe(8);
    expect(cornerRadius(20, 12)).toBe(3);
  });
});
