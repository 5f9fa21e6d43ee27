import 'server-only';

// The whole-token pre-filter of the log sources: the ID counts only where it is bounded by the
// start/end of the text or by a character outside `[A-Za-z0-9._-]`, so that `abc-1` never pulls in
// the lines of `abc-12` or `xabc-1`. Works on raw bytes (Buffers, before any decoding: the scan of
// a 1 GB file never builds strings) and on strings, with the same answer for ASCII IDs. In UTF-8
// every byte of a multibyte character is >= 0x80, so a non-ASCII neighbour is a boundary in both.
// lib/traces re-checks every candidate line with its own parser; this only has to never miss, so
// an ID right after a JSON escape such as `\n` counts as starting a token (see followsJsonEscape).

/** True for the code units that continue a token: `A-Z a-z 0-9 . _ -`. */
export function isIdTokenCode(code: number): boolean {
  return (
    (code >= 0x30 && code <= 0x39) || // 0-9
    (code >= 0x41 && code <= 0x5a) || // A-Z
    (code >= 0x61 && code <= 0x7a) || // a-z
    code === 0x2e || // .
    code === 0x5f || // _
    code === 0x2d // -
  );
}

type Text = Buffer | Uint8Array | string;

const BACKSLASH = 0x5c;
/** `n t r b f`: the JSON escapes of control characters, all of them outside the token alphabet. */
const CONTROL_ESCAPES = new Set([0x6e, 0x74, 0x72, 0x62, 0x66]);

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x41 && code <= 0x46) return code - 0x37;
  if (code >= 0x61 && code <= 0x66) return code - 0x57;
  return -1;
}

/**
 * Whether `text` just before `index` ends a JSON string escape of a character outside the token
 * alphabet: `\n`, `\t`, `\r`, `\b`, `\f`, or `\uXXXX` of such a character (JSON writers that emit
 * ASCII only write `é` as `\u00e9`). In `{"msg":"ids:\nabc-1"}` the ID follows a newline, a
 * boundary, though the raw text puts `n` before it; lib/traces matches such lines, so the
 * pre-filter must not miss them. An escaped backslash before `n` (`\\n`) passes too: one candidate
 * too many, which lib/traces drops. Looks back at most 6 code units.
 */
function followsJsonEscape(text: Buffer | string, index: number): boolean {
  if (index >= 2 && codeAt(text, index - 2) === BACKSLASH && CONTROL_ESCAPES.has(codeAt(text, index - 1))) return true;
  if (index < 6 || codeAt(text, index - 6) !== BACKSLASH || codeAt(text, index - 5) !== 0x75) return false;
  let codePoint = 0;
  for (let k = index - 4; k < index; k++) {
    const digit = hexValue(codeAt(text, k));
    if (digit < 0) return false;
    codePoint = codePoint * 16 + digit;
  }
  return !isIdTokenCode(codePoint);
}

function codeAt(text: Buffer | string, index: number): number {
  return typeof text === 'string' ? text.charCodeAt(index) : (text[index] ?? 0);
}

export interface FindIdOptions {
  /** First index where the ID may start (default 0). */
  from?: number;
  /** Exclusive end of the region the ID must lie in (default: the end of the text). */
  end?: number;
  /** Whether whatever precedes index 0 is a boundary (default true: the text is a whole line). */
  startIsBoundary?: boolean;
  /**
   * Whether whatever follows the last character is a boundary (default true). A streaming scanner
   * that has not read the next byte yet passes false, and looks again once it has.
   */
  endIsBoundary?: boolean;
}

/**
 * Index of the first whole-token occurrence of `id` within `text[from, end)`, or -1. An empty ID
 * never occurs. The characters around a candidate are checked even when they lie outside
 * `[from, end)`. A string `id` is encoded as UTF-8 when `text` is bytes.
 */
export function findIdOccurrence(input: Text, id: Text, options: FindIdOptions = {}): number {
  const text: Buffer | string = typeof input === 'string' || Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const needle: Buffer | string =
    typeof text === 'string'
      ? typeof id === 'string' ? id : Buffer.from(id).toString('utf8')
      : typeof id === 'string' ? Buffer.from(id, 'utf8') : Buffer.isBuffer(id) ? id : Buffer.from(id.buffer, id.byteOffset, id.byteLength);
  const length = needle.length;
  if (length === 0) return -1;
  const end = Math.min(text.length, options.end ?? text.length);
  const startIsBoundary = options.startIsBoundary ?? true;
  const endIsBoundary = options.endIsBoundary ?? true;
  let at = Math.max(0, options.from ?? 0);
  while (at + length <= end) {
    const found = typeof text === 'string' ? text.indexOf(needle as string, at) : text.indexOf(needle, at);
    if (found === -1 || found + length > end) return -1;
    const next = found + length;
    const before = found === 0 ? startIsBoundary : !isIdTokenCode(codeAt(text, found - 1)) || followsJsonEscape(text, found);
    const after = next === text.length ? endIsBoundary : !isIdTokenCode(codeAt(text, next));
    if (before && after) return found;
    at = found + 1;
  }
  return -1;
}

/** Whether `id` occurs in `text` as a whole token (see findIdOccurrence). */
export function containsId(text: Text, id: Text): boolean {
  return findIdOccurrence(text, id) !== -1;
}
