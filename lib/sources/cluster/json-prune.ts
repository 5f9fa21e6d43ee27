import type { z } from 'zod';

// A JSON text cut down, byte for byte, to the members a zod schema reads, before JSON.parse.
//
// A pod as the API server lists it is ~5.6 KB; the schema of kube-objects.ts reads ~2 KB of it
// (managedFields, ownerReferences, probes, resources, most of the status are never looked at).
// JSON.parse builds every one of those objects, and for 30,000 pods that is most of the map
// route's time. Here the bytes are walked once, the members a `z.object` would strip anyway are
// skipped without building anything, and the rest is copied as it is into a smaller JSON text,
// which JSON.parse and the same schema then read. The result equals JSON.parse + schema on the
// whole text: z.object (strip mode) drops unknown keys itself, so removing them first changes
// nothing it returns; every kept value is copied unchanged and parsed by JSON.parse.
//
// Not a validator: what is skipped is only walked (strings, brackets), not checked. Anything
// this walker does not understand — a key written with escapes, a byte out of place, a text that
// ends early — throws PruneUnsupported, and the caller parses the whole text as before (whose
// JSON.parse then names the real error). No I/O: bytes in, text out (written through one scratch
// buffer that is reused from call to call; calls are synchronous, so none sees another's bytes).

/** What of a JSON value to keep: everything, the listed members of an object, or each element of an array by a plan. */
export type KeepPlan = { keep: 'all' } | { keep: 'members'; members: Map<string, KeepPlan> } | { keep: 'elements'; element: KeepPlan };

const ALL: KeepPlan = { keep: 'all' };

interface SchemaDef {
  type: string;
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
  element?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
}

/**
 * The members a zod schema reads, as a plan: objects in zod's default strip mode keep their
 * declared keys; arrays keep each element by their element's plan; optional, nullable, default
 * and pipes (transforms) are looked through; everything else (records, unions, unknown, a
 * loose or catch-all object, primitives) is kept whole.
 */
export function keepPlanOf(schema: z.ZodType, visiting: Set<z.ZodType> = new Set()): KeepPlan {
  // A recursive schema (an object whose member refers back to it) is kept whole from where it recurs.
  if (visiting.has(schema)) return ALL;
  visiting.add(schema);
  try {
    const def = (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;
    switch (def.type) {
      case 'object': {
        if (def.catchall || !def.shape) return ALL; // looseObject / catchall: unknown keys pass through
        const members = new Map<string, KeepPlan>();
        for (const [key, member] of Object.entries(def.shape)) members.set(key, keepPlanOf(member, visiting));
        return { keep: 'members', members };
      }
      case 'array':
        return def.element ? { keep: 'elements', element: keepPlanOf(def.element, visiting) } : ALL;
      case 'optional':
      case 'nullable':
      case 'default':
      case 'prefault':
      case 'nonoptional':
      case 'readonly':
        return def.innerType ? keepPlanOf(def.innerType, visiting) : ALL;
      case 'pipe':
        return def.in ? keepPlanOf(def.in, visiting) : ALL;
      default:
        return ALL;
    }
  } finally {
    visiting.delete(schema);
  }
}

/** Thrown where the walker meets something it does not handle; the caller then parses the whole text. */
export class PruneUnsupported extends Error {
  constructor(what: string, at: number) {
    super(`json-prune: ${what} at byte ${at}`);
    this.name = 'PruneUnsupported';
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

const KEEP_ALL = 0;
const KEEP_MEMBERS = 1;
const KEEP_ELEMENTS = 2;

/** A plan as the walker reads it: one shape for all three kinds; member names as bytes (Kubernetes keys are ASCII), matched without decoding. */
interface CompiledPlan {
  kind: typeof KEEP_ALL | typeof KEEP_MEMBERS | typeof KEEP_ELEMENTS;
  names: Uint8Array[];
  plans: CompiledPlan[];
  element: CompiledPlan | null;
}

const compiled = new WeakMap<KeepPlan, CompiledPlan>();

function compile(plan: KeepPlan): CompiledPlan {
  const known = compiled.get(plan);
  if (known) return known;
  const result: CompiledPlan = { kind: KEEP_ALL, names: [], plans: [], element: null };
  if (plan.keep === 'elements') {
    result.kind = KEEP_ELEMENTS;
    result.element = compile(plan.element);
  } else if (plan.keep === 'members') {
    result.kind = KEEP_MEMBERS;
    for (const [name, member] of plan.members) {
      result.names.push(new TextEncoder().encode(name));
      result.plans.push(compile(member));
    }
  }
  compiled.set(plan, result);
  return result;
}

const NO_VALUE = -1;
const UNENDED = -2;

/**
 * Index just past the JSON value that starts at `start` in `b` (no leading space): strings to
 * their closing quote (escapes stepped over), objects and arrays to their matching bracket,
 * anything else to the next delimiter. Walked, not checked. NO_VALUE or UNENDED where it cannot.
 * Written as one loop over locals: it walks ~70% of a pod page's bytes.
 */
function valueEnd(b: Uint8Array, start: number): number {
  const n = b.length;
  let i = start;
  const first = b[i];
  if (first === QUOTE) {
    i++;
    while (i < n) {
      const c = b[i++]!;
      if (c === QUOTE) return i;
      if (c === BACKSLASH) i++;
    }
    return UNENDED;
  }
  if (first === OPEN_OBJECT || first === OPEN_ARRAY) {
    let depth = 0;
    while (i < n) {
      const c = b[i++]!;
      if (c === QUOTE) {
        for (;;) {
          if (i >= n) return UNENDED;
          const d = b[i++]!;
          if (d === QUOTE) break;
          if (d === BACKSLASH) i++;
        }
      } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) depth++;
      else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        if (--depth === 0) return i;
      }
    }
    return UNENDED;
  }
  // A number, true, false or null: up to the next delimiter.
  while (i < n) {
    const c = b[i]!;
    if (c === COMMA || c === CLOSE_OBJECT || c === CLOSE_ARRAY || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) break;
    if (c === QUOTE || c === OPEN_OBJECT || c === OPEN_ARRAY || c === COLON) return NO_VALUE;
    i++;
  }
  return i === start ? NO_VALUE : i;
}

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

class Pruner {
  private i = 0;
  private o = 0;

  /** `out` is at least as long as `b` (the pruned text is never longer). */
  constructor(
    private readonly b: Uint8Array,
    private readonly out: Uint8Array,
  ) {}

  private fail(what: string): never {
    throw new PruneUnsupported(what, this.i);
  }

  private space() {
    const b = this.b;
    let i = this.i;
    if (!isSpace(b[i]!)) return; // the API server writes no space: one look
    while (i < b.length && isSpace(b[i]!)) i++;
    this.i = i;
  }

  /** Index just past the value starting at `start` (no leading space), walked, not checked. */
  private valueEnd(start: number): number {
    const end = valueEnd(this.b, start);
    if (end < 0) this.fail(end === NO_VALUE ? 'a value expected' : 'a value that does not end');
    return end;
  }

  private copy(from: number, to: number) {
    const n = to - from;
    if (n > 32) {
      this.out.set(this.b.subarray(from, to), this.o);
      this.o += n;
    } else {
      const b = this.b;
      const out = this.out;
      let o = this.o;
      for (let k = from; k < to; k++) out[o++] = b[k]!;
      this.o = o;
    }
  }

  private put(c: number) {
    this.out[this.o++] = c;
  }

  /** Copies the value at `i` as the plan says and moves past it. */
  value(plan: CompiledPlan) {
    this.space();
    const c = this.b[this.i];
    if (plan.kind === KEEP_MEMBERS && c === OPEN_OBJECT) return this.object(plan);
    if (plan.kind === KEEP_ELEMENTS && c === OPEN_ARRAY) return this.array(plan.element!);
    // Kept whole (or a type the schema will refuse: copied, so that zod names it).
    const end = this.valueEnd(this.i);
    this.copy(this.i, end);
    this.i = end;
  }

  /** Writes `open` and steps past it; true, with `close` written and stepped past too, when the container is empty. */
  private enterEmpty(open: number, close: number): boolean {
    this.put(open);
    this.i++;
    this.space();
    if (this.b[this.i] !== close) return false;
    this.i++;
    this.put(close);
    return true;
  }

  private object(plan: CompiledPlan) {
    const b = this.b;
    if (this.enterEmpty(OPEN_OBJECT, CLOSE_OBJECT)) return;
    let written = false;
    for (;;) {
      this.space();
      const keyStart = this.i;
      if (b[keyStart] !== QUOTE) this.fail('a member name expected');
      const keyEnd = this.valueEnd(keyStart);
      const which = this.member(plan.names, keyStart + 1, keyEnd - 1);
      this.i = keyEnd;
      this.space();
      if (b[this.i] !== COLON) this.fail('":" expected');
      this.i++;
      if (which === -1) {
        this.space();
        this.i = this.valueEnd(this.i);
      } else {
        if (written) this.put(COMMA);
        written = true;
        this.copy(keyStart, keyEnd);
        this.put(COLON);
        this.value(plan.plans[which]!);
      }
      this.space();
      const next = b[this.i++];
      if (next === CLOSE_OBJECT) break;
      if (next !== COMMA) this.fail('"," or "}" expected');
    }
    this.put(CLOSE_OBJECT);
  }

  /** Which declared member the name between `from` and `to` is; -1 for none. Escaped names are not handled. */
  private member(names: Uint8Array[], from: number, to: number): number {
    const b = this.b;
    const length = to - from;
    for (let m = 0; m < names.length; m++) {
      const name = names[m]!;
      if (name.length !== length) continue;
      let k = 0;
      while (k < length && b[from + k] === name[k]) k++;
      if (k === length) return m;
    }
    for (let k = from; k < to; k++) if (b[k] === BACKSLASH) this.fail('a member name with escapes');
    return -1;
  }

  private array(element: CompiledPlan) {
    const b = this.b;
    if (this.enterEmpty(OPEN_ARRAY, CLOSE_ARRAY)) return;
    for (let first = true; ; first = false) {
      if (!first) this.put(COMMA);
      this.value(element);
      this.space();
      const next = b[this.i++];
      if (next === CLOSE_ARRAY) break;
      if (next !== COMMA) this.fail('"," or "]" expected');
    }
    this.put(CLOSE_ARRAY);
  }

  /** The whole text: one value, then only space. Answers the pruned text's length in `out`. */
  run(plan: CompiledPlan): number {
    this.value(plan);
    this.space();
    if (this.i !== this.b.length) this.fail('text after the value');
    return this.o;
  }
}

/** Written into and decoded from for each call (a pod page is ~2.8 MB): no new zeroed buffer per page. */
let scratch = Buffer.allocUnsafe(0);

/**
 * The JSON text in `bytes` (UTF-8) with only the members `plan` keeps, decoded. Throws
 * PruneUnsupported where the caller should parse the whole text instead.
 */
export function prunedJsonText(bytes: Uint8Array, plan: KeepPlan): string {
  if (scratch.length < bytes.length) scratch = Buffer.allocUnsafe(Math.max(bytes.length, scratch.length * 2));
  const length = new Pruner(bytes, scratch).run(compile(plan));
  return scratch.toString('utf8', 0, length);
}
