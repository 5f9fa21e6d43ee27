import { describe, expect, it } from 'vitest';
import { groupBoxes, groupsOf, type GroupMember } from '@/components/map/band-layout';
import { fitLabelledViewport, fitViewport, GROUP_FONT_PX, sameZoomStyle, zoomStyle } from '@/components/map/graph-view';

describe('fitViewport', () => {
  const view = { width: 600, height: 500 };
  const options = { padding: 20, minZoom: 0.02, maxZoom: 1.2 };

  it('frames the bounds, centred, with the padding around', () => {
    const { zoom, pan } = fitViewport({ x1: 1000, y1: 2000, x2: 3000, y2: 3000 }, view, options);
    expect(zoom).toBeCloseTo(560 / 2000);
    // The bounds' centre lands in the middle of the view.
    expect(pan.x + zoom * 2000).toBeCloseTo(300);
    expect(pan.y + zoom * 2500).toBeCloseTo(250);
  });

  it('does not blow a few nodes up past maxZoom', () => {
    expect(fitViewport({ x1: 0, y1: 0, x2: 100, y2: 60 }, view, options).zoom).toBe(1.2);
  });

  it('stops at minZoom for an enormous map', () => {
    expect(fitViewport({ x1: 0, y1: 0, x2: 1e6, y2: 1e6 }, view, options).zoom).toBe(0.02);
  });
});

describe('fitLabelledViewport', () => {
  const view = { width: 1280, height: 700 };
  const options = { padding: 24, minZoom: 0.02, maxZoom: 1.2 };
  const member = (id: string, x: number, y: number, namespace: string, section: number): GroupMember => ({ id, x, y, groups: groupsOf({ cluster: 'c', namespace, section }) });

  it('keeps the label of the right-most box in view, where framing the boxes alone cuts it', () => {
    // A wide map (its width sets the zoom); the right-most section holds a narrow namespace with a long name.
    const members = [
      ...Array.from({ length: 6 }, (_, i) => member(`sa:shop/s${i}`, (i % 3) * 500, Math.floor(i / 3) * 64, 'shop', 0)),
      member('sa:azure-workload-identity-system/webhook', 1400, 0, 'azure-workload-identity-system', 1),
    ];
    const boxes = groupBoxes(members);
    const label = boxes.get('group:ns:c/azure-workload-identity-system#1')!;
    const rightEdgeOnScreen = (v: { zoom: number; pan: { x: number } }) => {
      const font = zoomStyle(v.zoom).namespaceFont;
      return v.pan.x + v.zoom * (label.x1 + 'azure-workload-identity-system'.length * font * 0.6);
    };
    const boxesOnly = fitViewport({ x1: Math.min(...[...boxes.values()].map((b) => b.x1)), y1: Math.min(...[...boxes.values()].map((b) => b.y1)), x2: Math.max(...[...boxes.values()].map((b) => b.x2)), y2: Math.max(...[...boxes.values()].map((b) => b.y2)) }, view, options);
    expect(rightEdgeOnScreen(boxesOnly)).toBeGreaterThan(view.width);
    const labelled = fitLabelledViewport(boxes, view, options)!;
    expect(rightEdgeOnScreen(labelled)).toBeLessThanOrEqual(view.width - options.padding + 0.5);
    // The cluster label above the top box is in view too.
    const top = Math.min(...[...boxes.values()].map((b) => b.y1));
    expect(labelled.pan.y + labelled.zoom * (top - 6 - zoomStyle(labelled.zoom).clusterFont * 1.25)).toBeGreaterThanOrEqual(options.padding - 0.5);
  });

  it('frames boxes with short labels as their boxes, and nothing when there is nothing', () => {
    const boxes = groupBoxes(Array.from({ length: 30 }, (_, i) => member(`sa:a/s${i}`, (i % 3) * 300, Math.floor(i / 3) * 64, 'a', 0)));
    const labelled = fitLabelledViewport(boxes, view, options)!;
    const plain = fitViewport({ x1: Math.min(...[...boxes.values()].map((b) => b.x1)), y1: Math.min(...[...boxes.values()].map((b) => b.y1)), x2: Math.max(...[...boxes.values()].map((b) => b.x2)), y2: Math.max(...[...boxes.values()].map((b) => b.y2)) }, view, options);
    expect(labelled.zoom).toBeLessThanOrEqual(plain.zoom);
    expect(labelled.zoom).toBeGreaterThan(plain.zoom * 0.9);
    expect(fitLabelledViewport(new Map(), view, options)).toBeUndefined();
  });
});

describe('zoomStyle', () => {
  it('draws group labels at their own size when zoomed in', () => {
    expect(zoomStyle(1)).toMatchObject({ namespaceFont: GROUP_FONT_PX.namespace, clusterFont: GROUP_FONT_PX.cluster });
    expect(zoomStyle(2.5)).toEqual(zoomStyle(1));
  });

  it('keeps group labels readable on screen at the sample world’s fitted zoom (about 0.23)', () => {
    for (const zoom of [0.23, 0.3, 0.5]) {
      const style = zoomStyle(zoom);
      expect(style.namespaceFont * zoom).toBeGreaterThanOrEqual(10);
      expect(style.clusterFont * zoom).toBeGreaterThanOrEqual(12);
      // Readable, not shouting.
      expect(style.clusterFont * zoom).toBeLessThanOrEqual(16);
    }
  });

  it('keeps the severity ring at least 2 px wide on screen down to zoom 0.2', () => {
    for (const zoom of [0.2, 0.23, 0.5, 1, 2]) expect(zoomStyle(zoom).severityRing * zoom).toBeGreaterThanOrEqual(2);
  });

  it('keeps the selected node’s halo about 10 px on screen when zoomed out (it was 2 px at the fitted zoom), and at zoom 1 and above', () => {
    expect(zoomStyle(1).selectionHalo).toBe(12);
    expect(zoomStyle(3).selectionHalo).toBe(12);
    for (const zoom of [0.5, 0.23, 0.15]) expect(zoomStyle(zoom).selectionHalo * zoom).toBeGreaterThanOrEqual(9);
    expect(zoomStyle(0.02).selectionHalo * 0.02).toBeGreaterThanOrEqual(10);
    expect(zoomStyle(0.005).selectionHalo).toBe(600);
  });

  it('stops growing when zoomed far out (the layout leaves room for labels up to a size)', () => {
    const { selectionHalo: _far, ...far } = zoomStyle(0.02);
    const { selectionHalo: _near, ...near } = zoomStyle(0.05);
    expect(far).toEqual(near);
    expect(zoomStyle(0.02).namespaceFont).toBeLessThanOrEqual(56);
  });

  it('changes in steps, so that small zooms do not restyle', () => {
    expect(sameZoomStyle(zoomStyle(0.4), zoomStyle(0.404))).toBe(true);
    expect(sameZoomStyle(undefined, zoomStyle(1))).toBe(false);
    expect(sameZoomStyle(zoomStyle(1), zoomStyle(0.3))).toBe(false);
  });
});
