// Which lines belong to a correlation ID. The ID comes from a user (URL, search box) and is
// later put into KQL and LogQL queries, so it is validated against a strict pattern first; a
// line belongs to the trace when a correlation field equals the ID, or the ID appears in the
// text as a whole token, so that `abc-1` never pulls in the lines of `abc-12`.

import type { ParsedLogLine } from '@/lib/traces/model';

export const MAX_CORRELATION_ID_LENGTH = 128;

/**
 * Letters, digits and `._:-`, starting with a letter or digit, at most 128 characters. No
 * spaces, quotes, pipes or braces: nothing a query language could read as syntax.
 */
export const CORRELATION_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export type CorrelationIdValidation = { ok: true } | { ok: false; reason: string };

const ALLOWED_CHAR = /[A-Za-z0-9._:-]/;
const ALPHANUMERIC = /[A-Za-z0-9]/;

/** Shows a character so that a space, a quote or a control character is unmistakable. */
function describeChar(ch: string): string {
  const codePoint = ch.codePointAt(0) ?? 0;
  const hex = `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
  const printable = codePoint > 0x20 && codePoint !== 0x7f && !(codePoint >= 0x80 && codePoint <= 0x9f);
  if (ch === ' ') return `a space (${hex})`;
  return printable ? `'${ch}' (${hex})` : hex;
}

export function validateCorrelationId(id: unknown): CorrelationIdValidation {
  if (typeof id !== 'string') return { ok: false, reason: 'The correlation ID must be a string.' };
  if (id.length === 0) return { ok: false, reason: 'The correlation ID is empty.' };
  if (id.length > MAX_CORRELATION_ID_LENGTH) {
    return {
      ok: false,
      reason: `The correlation ID is ${id.length} characters long; at most ${MAX_CORRELATION_ID_LENGTH} are allowed.`,
    };
  }
  // Iterate by code point so that an emoji is reported as one character at the right position.
  let position = 0;
  for (const ch of id) {
    position += 1;
    if (position === 1 && !ALPHANUMERIC.test(ch)) {
      return {
        ok: false,
        reason: `The correlation ID must start with a letter or digit, not ${describeChar(ch)}.`,
      };
    }
    if (ch.length !== 1 || !ALLOWED_CHAR.test(ch)) {
      return {
        ok: false,
        reason: `The correlation ID contains ${describeChar(ch)} at position ${position}; only letters, digits, '.', '_', ':' and '-' are allowed.`,
      };
    }
  }
  return { ok: true };
}

/** Characters that continue a token: an ID must not be preceded or followed by one. */
function isTokenChar(code: number): boolean {
  return (
    (code >= 0x30 && code <= 0x39) || // 0-9
    (code >= 0x41 && code <= 0x5a) || // A-Z
    (code >= 0x61 && code <= 0x7a) || // a-z
    code === 0x2e || // .
    code === 0x5f || // _
    code === 0x2d // -
  );
}

/**
 * Cheap pre-filter for sources scanning many lines: false means the line certainly does not
 * hold the ID; true means `lineMatches` has to decide.
 */
export function rawTextMayContain(text: string, id: string): boolean {
  return id.length > 0 && text.includes(id);
}

/** The ID occurs in `text` bounded by start/end or a character outside `[A-Za-z0-9._-]`. */
export function containsToken(text: string, id: string): boolean {
  if (id.length === 0) return false;
  let from = 0;
  for (;;) {
    const at = text.indexOf(id, from);
    if (at < 0) return false;
    const end = at + id.length;
    const startsToken = at === 0 || !isTokenChar(text.charCodeAt(at - 1));
    const endsToken = end === text.length || !isTokenChar(text.charCodeAt(end));
    if (startsToken && endsToken) return true;
    from = at + 1;
  }
}

// Bounds the walk over a JSON line's values so that a huge or deeply nested line stays cheap.
const MAX_VALUES_VISITED = 2_000;
const MAX_DEPTH = 6;

/** Whether any string value of `fields` holds the ID as a whole token (after JSON unescaping). */
function fieldValuesContain(fields: Record<string, unknown>, id: string): boolean {
  let visited = 0;
  const walk = (value: unknown, depth: number): boolean => {
    if (++visited > MAX_VALUES_VISITED || depth > MAX_DEPTH) return false;
    if (typeof value === 'string') return containsToken(value, id);
    if (Array.isArray(value)) return value.some((v) => walk(v, depth + 1));
    if (value !== null && typeof value === 'object') return Object.values(value).some((v) => walk(v, depth + 1));
    return false;
  };
  return walk(fields, 0);
}

/**
 * A line belongs to the trace of `id` when one of its correlation fields equals the ID
 * exactly, or the ID appears in its text as a whole token. JSON string values are checked
 * too: in the raw text an ID may follow an escape such as `\n` or be written as `\u0061bc`.
 */
export function lineMatches(parsed: ParsedLogLine, id: string): boolean {
  if (parsed.correlationIds.includes(id)) return true;
  if (containsToken(parsed.raw, id)) return true;
  return parsed.format === 'json' && fieldValuesContain(parsed.fields, id);
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A GUID written with upper-case letters, in lower case; undefined for anything else (other IDs are case-sensitive). */
export function lowerCaseGuid(id: string): string | undefined {
  return GUID.test(id) && id !== id.toLowerCase() ? id.toLowerCase() : undefined;
}
