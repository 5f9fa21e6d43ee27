import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { keepPlanOf, PruneUnsupported, prunedJsonText } from '@/lib/sources/cluster/json-prune';
import { podObject, serviceAccountObject } from '@/lib/sources/cluster/kube-objects';
import { rawWorld } from '../../bench/identity-map-raw-world';
import { syntheticSnapshot } from '../../bench/identity-map.bench-case';

// The pruned text, parsed and checked by a schema, must give exactly what the whole text gives.

const bytes = (text: string) => Buffer.from(text, 'utf8');
const prune = (text: string, schema: z.ZodType) => prunedJsonText(bytes(text), keepPlanOf(schema));

/** The schema's answer (or its error's issues) for a text. */
function outcome(schema: z.ZodType, text: string) {
  const result = schema.safeParse(JSON.parse(text));
  return result.success ? { data: result.data } : { issues: result.error.issues };
}

function expectSameOutcome(schema: z.ZodType, text: string) {
  const pruned = prune(text, schema);
  expect(outcome(schema, pruned)).toEqual(outcome(schema, text));
  return pruned;
}

const thing = z.object({
  name: z.string(),
  tags: z.record(z.string(), z.string()).nullish(),
  parts: z.array(z.object({ id: z.number(), label: z.string().optional() })).nullish(),
  nested: z.object({ keep: z.boolean() }).optional(),
});

describe('keepPlanOf', () => {
  it('keeps the declared members of objects, looks through wrappers and keeps records, unions and loose objects whole', () => {
    const plan = keepPlanOf(
      z.object({
        a: z.string().optional(),
        b: z.array(z.object({ c: z.number() })).nullish(),
        d: z.record(z.string(), z.string()).nullish().transform((m) => m ?? {}),
        e: z.looseObject({ f: z.string() }),
        g: z.union([z.string(), z.object({ h: z.string() })]),
        i: z.object({ j: z.string() }).default({ j: 'x' }),
      }),
    );
    expect(plan).toEqual({
      keep: 'members',
      members: new Map<string, unknown>([
        ['a', { keep: 'all' }],
        ['b', { keep: 'elements', element: { keep: 'members', members: new Map([['c', { keep: 'all' }]]) } }],
        ['d', { keep: 'all' }],
        ['e', { keep: 'all' }],
        ['g', { keep: 'all' }],
        ['i', { keep: 'members', members: new Map([['j', { keep: 'all' }]]) }],
      ]),
    });
  });
});

describe('keepPlanOf on a recursive schema', () => {
  it('keeps the recurring part whole instead of recursing forever', () => {
    const Node: z.ZodType = z.object({
      name: z.string(),
      get children() {
        return z.array(Node).optional();
      },
    });
    const plan = keepPlanOf(Node);
    expect(plan).toEqual({ keep: 'members', members: new Map<string, unknown>([['name', { keep: 'all' }], ['children', { keep: 'elements', element: { keep: 'all' } }]]) });
    const text = '{"name":"a","x":1,"children":[{"name":"b","y":2,"children":[]}]}';
    expect(Node.parse(JSON.parse(prune(text, Node)))).toEqual(Node.parse(JSON.parse(text)));
  });
});

describe('prunedJsonText', () => {
  it('drops the members the schema does not declare, at every level, and keeps the rest byte for byte', () => {
    const text = '{"kind":"X","name":"a","extra":{"deep":[1,{"x":"}]"}]},"parts":[{"id":1,"junk":true,"label":"p"},{"id":-2.5e3}],"nested":{"keep":false,"drop":null}}';
    expect(expectSameOutcome(thing, text)).toBe('{"name":"a","parts":[{"id":1,"label":"p"},{"id":-2.5e3}],"nested":{"keep":false}}');
  });

  it('walks strings with escapes, brackets and quotes inside, in kept and dropped members', () => {
    const value = { name: 'q"u\\o}te]{[', skip: ['a"]', '\\', '}{', '\u2028', '"'], tags: { 'k"ey': 'v\\"al}', 'émoji 🔑': '日本語\n\t' }, parts: [{ id: 3, label: '\u0000\u001f"' }] };
    const text = JSON.stringify(value);
    const pruned = expectSameOutcome(thing, text);
    expect(JSON.parse(pruned)).toEqual({ name: value.name, tags: value.tags, parts: value.parts });
  });

  it('handles any JSON spacing (kubectl writes indented files) and empty objects and arrays', () => {
    const value = { name: 'a', drop: { x: [] }, tags: {}, parts: [], nested: { keep: true, other: {} } };
    for (const text of [JSON.stringify(value, null, 2), JSON.stringify(value, null, '\t'), ' \r\n' + JSON.stringify(value) + '\n ']) {
      expect(JSON.parse(expectSameOutcome(thing, text))).toEqual({ name: 'a', tags: {}, parts: [], nested: { keep: true } });
    }
  });

  it('copies a value of the wrong type as it is, so that the schema names the same error', () => {
    for (const text of ['{"name":"a","parts":null}', '{"name":"a","parts":{"id":1}}', '{"name":7,"nested":[true]}', '{"parts":[1,"x",null]}', '[1,2]', '"text"', 'null']) {
      expectSameOutcome(thing, text);
    }
    expect(outcome(thing, prune('{"name":7}', thing))).toMatchObject({ issues: [{ path: ['name'] }] });
  });

  it('keeps the last of repeated members, as JSON.parse does', () => {
    expect(JSON.parse(expectSameOutcome(thing, '{"name":"first","x":1,"name":"second"}'))).toEqual({ name: 'second' });
  });

  it('gives up (PruneUnsupported) where it cannot be sure, instead of guessing', () => {
    const cases = [
      '{"na\\u006de":"a"}', // a member name written with escapes
      '{"name":"a"', // ends early
      '{"name":"a',
      '{"name":"a"} x', // text after the value
      '{"name" "a"}', // no colon
      '{"name":"a" "x":1}', // no comma
      '{name:"a"}',
      '{"x":}',
      '',
    ];
    for (const text of cases) expect(() => prune(text, thing), text).toThrow(PruneUnsupported);
  });

  it('agrees with the whole text on random documents', () => {
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const pick = <T,>(items: T[]) => items[Math.floor(random() * items.length)]!;
    const strings = ['', 'a', 'x"y', 'b\\', '}]{[', 'é', '🔑', '\n', 'name', 'id'];
    const anyValue = (depth: number): unknown => {
      const r = random();
      if (depth > 3 || r < 0.4) return pick<unknown>([pick(strings), Math.floor(random() * 2000) - 1000, random() * 1e6, true, false, null]);
      if (r < 0.7) return Array.from({ length: Math.floor(random() * 4) }, () => anyValue(depth + 1));
      return Object.fromEntries(Array.from({ length: Math.floor(random() * 5) }, () => [pick([...strings, 'name', 'tags', 'parts', 'nested', 'keep', 'label']), anyValue(depth + 1)]));
    };
    const aThing = () => {
      const value: Record<string, unknown> = { name: pick(strings) };
      if (random() < 0.7) value.tags = random() < 0.8 ? { [pick(strings)]: pick(strings) } : anyValue(2);
      if (random() < 0.7) value.parts = Array.from({ length: Math.floor(random() * 3) }, () => (random() < 0.9 ? { id: Math.floor(random() * 9), label: random() < 0.5 ? pick(strings) : undefined, junk: anyValue(2) } : anyValue(2)));
      if (random() < 0.5) value.nested = { keep: random() < 0.9 ? random() < 0.5 : anyValue(2), other: anyValue(1) };
      for (let k = 0; k < 3; k++) value[`extra${k}`] = anyValue(1);
      return value;
    };
    const escapedName = (v: unknown): boolean =>
      Array.isArray(v) ? v.some(escapedName) : v !== null && typeof v === 'object' && Object.entries(v).some(([k, x]) => JSON.stringify(k).includes('\\') || escapedName(x));
    let refused = 0;
    let gaveUp = 0;
    for (let n = 0; n < 1000; n++) {
      const value = aThing();
      const text = random() < 0.2 ? JSON.stringify(value, null, 1) : JSON.stringify(value);
      try {
        expectSameOutcome(thing, text);
      } catch (error) {
        if (!(error instanceof PruneUnsupported)) throw error;
        expect(escapedName(value), text).toBe(true); // the only reason a well-formed text is given up
        gaveUp++;
      }
      if ('issues' in outcome(thing, text)) refused++;
    }
    // The random documents include ones the schema refuses and ones the walker gives up on.
    expect(refused).toBeGreaterThan(50);
    expect(gaveUp).toBeGreaterThan(10);
    expect(gaveUp).toBeLessThan(500);
  });

  it('gives the same pods and service accounts as the whole objects, for the API server\'s objects of the benchmark', () => {
    const world = rawWorld(syntheticSnapshot({ serviceAccounts: 20, podsPerServiceAccount: 2, identities: 4, namespaces: 3, brokenEvery: 5 }));
    expect(world.pods.length).toBe(40);
    for (const pod of world.pods) {
      const text = JSON.stringify(pod);
      const pruned = expectSameOutcome(podObject, text);
      expect(pruned.length).toBeLessThan(text.length * 0.5);
      expect(pruned).not.toContain('managedFields');
    }
    for (const sa of world.serviceAccounts) expectSameOutcome(serviceAccountObject, JSON.stringify(sa));
  });
});
