import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { containsToken, CORRELATION_ID_PATTERN, lineMatches } from '@/lib/traces/correlate';
import type { ParsedLogLine } from '@/lib/traces/model';
import { MAX_LINE_CHARS, parseLogLine } from '@/lib/traces/parse-line';
import { parse } from './log-lines';

// Properties of the log-line parser and the correlation rule over lines nobody would write by
// hand: log text is attacker-controlled, so every line parses to a well-formed ParsedLogLine;
// an ID belongs to a line exactly when the documented whole-token rule says so; and every time
// format of the log-field contract (shared DESIGN.md) reads back the moment that was written.

// ---- arbitraries -----------------------------------------------------------------------------

const nastyChar = fc.constantFrom('\uD800', '\uDFFF', '\u0000', '\uFEFF', '\uFFFD', '\r', '\n', '\t', ' ', '"', '\\', '{', '}', '=', ':', ',', '[', ']', '😀', '日本語', 'é', '\u2028');
const anyChar = fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), nastyChar, fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }));
const anyText = fc.string({ unit: anyChar, maxLength: 300 });

const TIME_FIELDS = ['time', 'timestamp', '@t', 'ts', 'TimeGenerated'] as const;
const FIELD_NAMES = [
  ...TIME_FIELDS,
  ...['msg', 'message', '@m', '@mt', 'log', 'LogMessage', 'level', 'severity', '@l', 'lvl', 'service', 'service.name', 'app', 'PodName'],
  ...['correlationId', 'correlation_id', 'x-correlation-id', 'CorrelationId', 'correlation.id', 'headers', 'req', 'res'],
  ...['status', 'statusCode', 'method', 'path', 'error', 'err', 'error_description', 'Retry-After', 'retryAfter', 'duration', 'durationMs', 'requestId', 'x-caller-chain'],
  ...['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty'],
];
const fieldName = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...FIELD_NAMES) }, { weight: 1, arbitrary: anyText });

/** JSON text of a field value: odd types, odd numbers, prototype names, deep nesting, long strings. */
const valueJson: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
  { weight: 2, arbitrary: anyText.map((s) => JSON.stringify(s)) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      ...['"constructor"', '"__proto__"', '"toString"', '"INFO"', '"warning"', '"30"', '" 42 "', '"-1"', '"1e3"', '"123ms"', '"1.5s"', '"250µs"', '"Tue, 04 Mar 2025 10:00:00 GMT"'],
      ...['1e400', '-1e400', '1e308', '-0', '0', '1730000000', '1730000000000', '1730000000000000', '1730000000000000000', '99999999999999999999', '8640000000000001'],
      ...['"2025-03-04T10:00:00Z"', '"2025-03-04 10:00:00,123+0200"', '"0000-01-01T00:00:00Z"', '"9999-99-99T99:99:99Z"', '"2025-03-04T10:00:00.1234567Z"'],
      ...['{"toString":1}', '{"valueOf":1,"toString":2}', '[{"toString":1}]', '{"__proto__":{"x":1}}', '{"name":"svc","id":"abc-1"}', '["abc-1"]', '[[]]', 'true', 'null'],
    ),
  },
  { weight: 2, arbitrary: fc.double().map((d) => (Number.isFinite(d) ? JSON.stringify(d) : '1e999')) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 1, max: 6000 }), fc.boolean()).map(([depth, arrays]) => (arrays ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`)) },
);

/** A JSON object line with any members, duplicates included. */
const jsonLine = fc.array(fc.tuple(fieldName, valueJson), { maxLength: 10 }).map((members) => `{${members.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`);

const logfmtLine = fc
  .array(fc.tuple(fc.oneof(fc.constantFrom(...FIELD_NAMES), fc.stringMatching(/^[A-Za-z_@][A-Za-z0-9_.@/-]{0,8}$/)), fc.oneof(anyText, fc.constantFrom('"quoted \\"value\\""', '"unterminated', 'constructor', '__proto__'))), { maxLength: 8 })
  .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join(' '));

/** Any line a log might hold. */
const anyLine = fc.oneof(
  anyText,
  jsonLine,
  jsonLine.map((line) => `2025-03-04T10:00:00.123456789Z stdout F ${line}`), // CRI prefix
  jsonLine.chain((line) => fc.integer({ min: 0, max: Math.max(0, line.length - 1) }).map((cut) => line.slice(0, cut))), // cut JSON
  logfmtLine,
  fc.tuple(fc.constantFrom('', '\uFEFF', '[2025-03-04 10:00:00,123] ', '2025-03-04T10:00:00Z ERROR '), anyText).map(([head, tail]) => head + tail),
);

// ---- what "well-formed" means ------------------------------------------------------------------

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];
const OPTIONAL_TEXT = ['requestId', 'error', 'errorDescription', 'rateLimitReset', 'callerChain', 'method', 'path', 'podName', 'subject', 'clientId', 'tenantId', 'scope'] as const;

function expectWellFormed(parsed: ParsedLogLine): void {
  expect(typeof parsed.service).toBe('string');
  expect(parsed.service.length).toBeGreaterThan(0);
  expect(typeof parsed.message).toBe('string');
  expect(['json', 'logfmt', 'text']).toContain(parsed.format);
  expect(typeof parsed.raw).toBe('string');
  expect(parsed.raw.length).toBeLessThanOrEqual(MAX_LINE_CHARS);
  expect(typeof parsed.fields === 'object' && parsed.fields !== null && !Array.isArray(parsed.fields)).toBe(true);
  expect(Array.isArray(parsed.correlationIds)).toBe(true);
  for (const id of parsed.correlationIds) expect(typeof id === 'string' && id.length > 0).toBe(true);
  expect(new Set(parsed.correlationIds).size).toBe(parsed.correlationIds.length);
  if (parsed.timeMs !== undefined || parsed.time !== undefined) {
    expect(Number.isInteger(parsed.timeMs)).toBe(true);
    expect(parsed.time).toBe(new Date(parsed.timeMs!).toISOString());
  }
  if (parsed.level !== undefined) expect(LEVELS).toContain(parsed.level);
  if (parsed.status !== undefined) expect(Number.isInteger(parsed.status) && parsed.status >= 100 && parsed.status <= 599).toBe(true);
  for (const n of [parsed.durationMs, parsed.retryAfterSeconds]) if (n !== undefined) expect(Number.isFinite(n) && n >= 0).toBe(true);
  for (const key of OPTIONAL_TEXT) if (parsed[key] !== undefined) expect(typeof parsed[key]).toBe('string');
  // Absent means absent, not `undefined` (results compare and serialise cleanly).
  for (const [key, value] of Object.entries(parsed)) expect(value, key).not.toBe(undefined);
  if (parsed.problems !== undefined) expect(parsed.problems.length).toBeGreaterThan(0);
}

// ---- properties --------------------------------------------------------------------------------

describe('parseLogLine, for any line', () => {
  it('never throws and always answers with a well-formed line; lineMatches never throws on it', () => {
    fc.assert(
      fc.property(anyLine, fc.constantFrom('abc-1', 'constructor', '__proto__', 'a', '1'), (text, id) => {
        const parsed = parse(text, { serviceHint: 'consumer' });
        expectWellFormed(parsed);
        expect(typeof lineMatches(parsed, id)).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });

  it('takes lines of 1 MiB and more, cutting what is over the limit', () => {
    const hugeLine = fc.tuple(anyLine, fc.integer({ min: MAX_LINE_CHARS - 10, max: MAX_LINE_CHARS + 1000 })).map(([line, length]) => {
      const unit = line.length > 0 ? line : '{';
      return unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
    });
    fc.assert(
      fc.property(hugeLine, (text) => {
        const parsed = parse(text);
        expectWellFormed(parsed);
        expect(parsed.cut === true).toBe(text.length > MAX_LINE_CHARS);
        lineMatches(parsed, 'abc-1');
      }),
      { numRuns: 15 },
    );
  });
});

describe('correlation: an ID belongs to a line iff it occurs as a whole token', () => {
  // A small alphabet makes IDs, their prefixes and their neighbours collide often.
  const idChar = fc.constantFrom('a', 'b', '1', '-', '.', '_', ':');
  const correlationId = fc.tuple(fc.constantFrom('a', 'b', '1'), fc.string({ unit: idChar, maxLength: 5 })).map(([head, tail]) => head + tail);
  const context = fc.string({ unit: fc.oneof(idChar, fc.constantFrom(' ', '=', '"', '/', '😀', '日', 'é', '\u0000', 'x', '\uD800')), maxLength: 30 });

  /** The documented rule, by brute force: an occurrence bounded by start/end or a character outside `[A-Za-z0-9._-]`. */
  function wholeTokenAt(text: string, id: string): boolean {
    const tokenChar = /[A-Za-z0-9._-]/;
    for (let i = 0; i + id.length <= text.length; i++) {
      if (!text.startsWith(id, i)) continue;
      const before = i === 0 || !tokenChar.test(text[i - 1]!);
      const after = i + id.length === text.length || !tokenChar.test(text[i + id.length]!);
      if (before && after) return true;
    }
    return false;
  }

  it('containsToken agrees with the rule', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(context, correlationId), { maxLength: 6 }), correlationId, (pieces, id) => {
        expect(CORRELATION_ID_PATTERN.test(id)).toBe(true);
        const text = pieces.join('');
        expect(containsToken(text, id)).toBe(wholeTokenAt(text, id));
      }),
      { numRuns: 1000 },
    );
  });

  it('a plain-text line matches iff its text holds the ID as a whole token', () => {
    fc.assert(
      fc.property(context, correlationId, context, fc.boolean(), (before, id, after, insert) => {
        const text = `msg ${insert ? `${before}${id}${after}` : `${before}${after}`}`;
        const parsed = parse(text);
        fc.pre(parsed.format === 'text');
        expect(lineMatches(parsed, id)).toBe(wholeTokenAt(text, id));
      }),
      { numRuns: 500 },
    );
  });

  it('an ID separated by a non-token character always matches; one glued to a token character never does (unless it occurs elsewhere)', () => {
    fc.assert(
      fc.property(correlationId, fc.constantFrom(' ', '=', '"', '/', ',', ':', '😀', '日'), fc.constantFrom('a', '1', '-', '.', '_'), (id, separator, glue) => {
        expect(lineMatches(parse(`x${separator}${id}${separator}y`), id)).toBe(true);
        expect(lineMatches(parse(`correlation ${glue}${id} end`), id)).toBe(wholeTokenAt(`correlation ${glue}${id} end`, id));
        expect(lineMatches(parse(`correlation ${id}${glue} end`), id)).toBe(wholeTokenAt(`correlation ${id}${glue} end`, id));
      }),
      { numRuns: 300 },
    );
  });

  it('a JSON line matches when a correlation field equals the ID, or a string value holds it, even written with \\u escapes', () => {
    const safeText = fc.string({ unit: fc.oneof(idChar, fc.constantFrom(' ', '/', 'x', 'é', '😀')), maxLength: 20 });
    fc.assert(
      fc.property(fc.dictionary(fc.oneof(fc.constantFrom('correlationId', 'CorrelationId', 'msg', 'path'), safeText), safeText, { maxKeys: 5 }), correlationId, fc.boolean(), (fields, id, escape) => {
        const json = JSON.stringify(fields);
        const line = escape ? json.split(id).join([...id].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')) : json;
        const parsed = parse(line);
        expect(parsed.format).toBe('json');
        const expected = Object.values(fields).some((value) => wholeTokenAt(value, id)) || wholeTokenAt(line, id);
        expect(lineMatches(parsed, id)).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });
});

describe('time fields of the log contract round-trip', () => {
  // Epoch numbers are told apart by magnitude (s < 1e11 ≤ ms < 1e14): both hold from 1973-03-04
  // to 5138, and ISO strings need a four-digit year.
  const moment = fc.date({ min: new Date('1973-03-04T00:00:00Z'), max: new Date('5000-01-01T00:00:00Z'), noInvalidDate: true });
  const field = fc.constantFrom(...TIME_FIELDS);

  /** `date` as local time at `offsetMinutes` from UTC, in the ISO forms apps write. */
  function isoAt(date: Date, offsetMinutes: number, style: 'colon' | 'compact' | 'space-7-digits'): string {
    const local = new Date(date.getTime() + offsetMinutes * 60_000).toISOString().slice(0, 23); // yyyy-mm-ddThh:mm:ss.sss
    const sign = offsetMinutes < 0 ? '-' : '+';
    const hh = String(Math.floor(Math.abs(offsetMinutes) / 60)).padStart(2, '0');
    const mm = String(Math.abs(offsetMinutes) % 60).padStart(2, '0');
    if (style === 'colon') return `${local}${sign}${hh}:${mm}`;
    if (style === 'compact') return `${local}${sign}${hh}${mm}`;
    return `${local.replace('T', ' ')}0000${sign}${hh}:${mm}`; // .NET: 7 fraction digits
  }

  it('reads an ISO time (Z, offsets, zone-less UTC) from each time field of a JSON line', () => {
    fc.assert(
      fc.property(moment, field, fc.integer({ min: -14 * 60, max: 14 * 60 }), fc.constantFrom('colon' as const, 'compact' as const, 'space-7-digits' as const), (date, name, offset, style) => {
        for (const text of [date.toISOString(), date.toISOString().replace('Z', ''), isoAt(date, offset, style)]) {
          const parsed = parse(JSON.stringify({ [name]: text, msg: 'x' }));
          expect(parsed.timeMs, text).toBe(date.getTime());
          expect(parsed.time).toBe(date.toISOString());
        }
      }),
      { numRuns: 300 },
    );
  });

  it('reads epoch milliseconds and seconds, as numbers or strings, from each time field', () => {
    fc.assert(
      fc.property(moment, field, (date, name) => {
        const ms = date.getTime();
        const seconds = Math.floor(ms / 1000);
        expect(parse(JSON.stringify({ [name]: ms })).timeMs).toBe(ms);
        expect(parse(JSON.stringify({ [name]: String(ms) })).timeMs).toBe(ms);
        expect(parse(JSON.stringify({ [name]: seconds })).timeMs).toBe(seconds * 1000);
        expect(parse(JSON.stringify({ [name]: ms / 1000 })).timeMs).toBe(ms); // fractional seconds (zap)
        expect(parse(`${name}=${date.toISOString()} msg=x`).timeMs).toBe(ms); // logfmt
      }),
      { numRuns: 300 },
    );
  });

  it('takes the first present time field in contract order', () => {
    fc.assert(
      fc.property(fc.uniqueArray(field, { minLength: 1, maxLength: 5 }), fc.array(moment, { minLength: 5, maxLength: 5 }), (names, dates) => {
        const fields = Object.fromEntries(names.map((name, i) => [name, dates[i]!.toISOString()]));
        const first = TIME_FIELDS.find((name) => names.includes(name))!;
        expect(parseLogLine({ source: 't', text: JSON.stringify(fields) }).timeMs).toBe(Date.parse(fields[first]!));
      }),
      { numRuns: 200 },
    );
  });
});
