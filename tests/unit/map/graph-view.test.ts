import { describe, expect, it } from 'vitest';
import { fitViewport, GROUP_FONT_PX, sameZoomStyle, zoomStyle } from '@/components/map/graph-view';

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

  it('stops growing when zoomed far out (the layout leaves room for labels up to a size)', () => {
    expect(zoomStyle(0.02)).toEqual(zoomStyle(0.05));
    expect(zoomStyle(0.02).namespaceFont).toBeLessThanOrEqual(56);
  });

  it('changes in steps, so that small zooms do not restyle', () => {
    expect(sameZoomStyle(zoomStyle(0.4), zoomStyle(0.404))).toBe(true);
    expect(sameZoomStyle(undefined, zoomStyle(1))).toBe(false);
    expect(sameZoomStyle(zoomStyle(1), zoomStyle(0.3))).toBe(false);
  });
});
