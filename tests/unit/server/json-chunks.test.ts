import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonChunks } from '@/lib/server/json-chunks';
import { buildIdentityMap } from '@/lib/domain/identity-map';
import { sampleWorld } from '@/lib/sample/world';

const text = (value: Record<string, unknown>, batch?: number) => [...jsonChunks(value, batch)].join('');

describe('jsonChunks', () => {
  it('writes the same text as JSON.stringify, long arrays in batches', () => {
    const value = { a: 1, nodes: Array.from({ length: 2500 }, (_, i) => ({ id: `n${i}`, data: { x: [i] } })), edges: [], s: 'x', skip: undefined, f: () => 1, nested: { list: [1, undefined, 3] } };
    const pieces = [...jsonChunks(value, 1000)];
    expect(pieces.join('')).toBe(JSON.stringify(value));
    expect(pieces).toHaveLength(4); // head + nodes[0..999], nodes[1000..1999], nodes[2000..2499], the rest
    expect(pieces.every((p) => p.length < 60_000)).toBe(true);
  });

  it('handles arrays at the batch edge, holes, undefined items, empty objects and a last long array', () => {
    for (const n of [0, 1, 999, 1000, 1001, 2000, 2001]) {
      const value = { list: Array.from({ length: n }, (_, i) => (i % 7 === 3 ? undefined : i)), tail: Array.from({ length: n }, () => 'x') };
      expect(text(value, 1000)).toBe(JSON.stringify(value));
    }
    expect(text({})).toBe('{}');
    expect(text({ only: undefined })).toBe('{}');
    expect(text({ first: undefined, second: [1, 2, 3] }, 2)).toBe('{"second":[1,2,3]}');
    expect(text({ 'quo"te': [1, 2, 3] }, 1)).toBe(JSON.stringify({ 'quo"te': [1, 2, 3] }));
    expect(text({ holes: [1, , 3] }, 1)).toBe(JSON.stringify({ holes: [1, , 3] }));
    const dated = { at: new Date(0), list: [new Date(1), new Date(2)] };
    expect(text(dated, 1)).toBe(JSON.stringify(dated));
    const custom = { toJSON: () => ({ replaced: true }), list: [1, 2] };
    expect(text(custom, 1)).toBe(JSON.stringify(custom));
  });

  it('agrees with JSON.stringify on arbitrary JSON objects and batch sizes', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.oneof(fc.jsonValue(), fc.array(fc.jsonValue(), { maxLength: 30 }))), fc.integer({ min: 1, max: 8 }), (value, batch) => {
        expect(text(value, batch)).toBe(JSON.stringify(value));
      }),
    );
  });

  it('writes the sample world’s identity map as JSON.stringify does', () => {
    const world = sampleWorld();
    const map = { generatedAt: '2026-11-29T10:00:00.000Z', ...buildIdentityMap(world.cluster, world.azure, { azureAvailable: true }), sources: { cluster: { mode: 'sample', ok: true } } };
    expect(text(map, 5)).toBe(JSON.stringify(map));
  });
});
