import { describe, expect, it } from 'vitest';
import { charsThatFit, graphToSvg, LABEL_MAX_WIDTH_PX, labelWidths, PNG_MAX_SIDE_PX, pngScale, type SvgNode, truncateLabel } from '@/components/map/graph-export';
import { exportFileName } from '@/components/map/export-file-name';

const colors = { background: '#fff', text: '#000', edge: '#666', groupFill: '#eee', groupBorder: '#ccc', font: 'sans-serif' };

function aNode(overrides: Partial<SvgNode> & { id: string }): SvgNode {
  return { label: overrides.id, kind: 'pod', x: 0, y: 0, fill: '#3b74d6', ...overrides };
}

describe('pngScale', () => {
  it('draws a small selection at twice its size, never blown up to a fixed width', () => {
    expect(pngScale(600, 300)).toBe(2);
    expect(pngScale(40, 40)).toBe(2);
  });

  it('keeps the longest side within the limit', () => {
    const scale = pngScale(12_000, 3000);
    expect(12_000 * scale).toBeCloseTo(PNG_MAX_SIDE_PX);
    expect(scale).toBeLessThan(1);
  });

  it('keeps the pixel count within the limit for a large square map', () => {
    const scale = pngScale(5000, 5000, { maxPixels: 16_000_000 });
    expect(5000 * scale * 5000 * scale).toBeLessThanOrEqual(16_000_000 + 1);
  });
});

describe('label truncation', () => {
  it('cuts with an ellipsis, counting characters (not UTF-16 units)', () => {
    expect(truncateLabel('checkout-service', 20)).toBe('checkout-service');
    expect(truncateLabel('checkout-service', 9)).toBe('checkout…');
    expect(truncateLabel('🚀🚀🚀🚀', 3)).toBe('🚀🚀…');
    expect(charsThatFit(140)).toBeGreaterThan(15);
    expect(charsThatFit(140)).toBeLessThan(25);
  });

  it('gives side-by-side nodes only the room between them, and lone nodes the full width', () => {
    const widths = labelWidths([
      { id: 'pod', x: 0, y: 0 },
      { id: 'sa', x: 150, y: 0 },
      { id: 'half-row-down', x: -150, y: 32 },
      { id: 'alone', x: 410, y: 500 },
    ]);
    expect(widths.get('pod')).toBe(140);
    expect(widths.get('sa')).toBe(140);
    expect(widths.get('half-row-down')).toBe(LABEL_MAX_WIDTH_PX);
    expect(widths.get('alone')).toBe(LABEL_MAX_WIDTH_PX);
  });
});

describe('graphToSvg labels', () => {
  const long = 'payments-reconciliation-worker-7f9c8d6b5-abcde';
  const svg = graphToSvg({
    nodes: [aNode({ id: 'pod:a/p', label: long, x: 0 }), aNode({ id: 'sa:a/s', label: `${long}-sa`, kind: 'serviceAccount', x: 150 })],
    edges: [{ from: 'pod:a/p', to: 'sa:a/s', kind: 'runsAs' }],
    groups: [{ label: 'namespace payments', x1: -100, y1: -40, x2: 250, y2: 60 }],
    colors,
    title: 'map',
  });
  const texts = [...svg.matchAll(/<text x="([-\d.]+)"[^>]*>(?:<title>([^<]*)<\/title>)?([^<]*)<\/text>/g)].map((m) => ({ x: Number(m[1]), title: m[2], shown: m[3]! }));

  it('cuts labels of neighbouring columns so they do not overlap, the full text in a <title>', () => {
    const pod = texts.find((t) => t.title === long)!;
    const sa = texts.find((t) => t.title === `${long}-sa`)!;
    expect(pod.shown.endsWith('…')).toBe(true);
    // Estimated extents (centred text, 0.62 em per character at 11 px) stay apart.
    const half = (t: { shown: string }) => ([...t.shown].length * 11 * 0.62) / 2;
    expect(pod.x + half(pod)).toBeLessThan(sa.x - half(sa));
  });

  it('keeps short labels whole, without a <title>', () => {
    expect(texts.find((t) => t.shown === 'namespace payments')?.title).toBeUndefined();
  });
});

describe('graphToSvg severity markers', () => {
  const svgOf = (node: SvgNode) => graphToSvg({ nodes: [node], edges: [], groups: [], colors, title: 'map' });

  it('rings a node with a finding over a gap in the background colour, with a badge', () => {
    const svg = svgOf(aNode({ id: 'identity:x', kind: 'managedIdentity', fill: '#c2306f', ring: '#cc0000', severity: 'error' }));
    expect(svg).toContain('stroke="#fff" stroke-width="3"');
    expect(svg).toContain('stroke="#cc0000" stroke-width="3"');
    expect(svg).toMatch(/<circle [^>]*r="6" fill="#cc0000"/);
    expect(svg).toContain('>!</text>');
  });

  it('tells a warning from an error by shape, not colour alone: dashed ring, triangle badge', () => {
    const warning = svgOf(aNode({ id: 'sa:x', kind: 'serviceAccount', ring: '#aa6600', severity: 'warning' }));
    const error = svgOf(aNode({ id: 'sa:x', kind: 'serviceAccount', ring: '#aa6600', severity: 'error' }));
    expect(warning).toContain('stroke-dasharray');
    expect(warning).toMatch(/<polygon [^>]*fill="#aa6600"/);
    expect(error).not.toContain('stroke-dasharray');
  });

  it('draws no marker on a node without findings', () => {
    expect(svgOf(aNode({ id: 'pod:x' }))).not.toContain('>!</text>');
  });
});

describe('exportFileName', () => {
  it('names the file after the map’s timestamp', () => {
    expect(exportFileName('2026-11-02T10:15:00.123Z', 'png')).toBe('identity-map-2026-11-02T10-15-00Z.png');
  });
});
