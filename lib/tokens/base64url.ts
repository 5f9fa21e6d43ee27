// A lenient base64url decoder that says what it had to forgive. `atob` would either throw without
// saying where or silently accept standard base64; the token decoder needs the position of the
// first bad character and to keep going where a strict decoder would stop.

export type Base64Issue =
  /** A character outside both base64 alphabets: the segment cannot be decoded. */
  | { kind: 'invalid-character'; char: string; index: number }
  /** `+` or `/` (standard base64) where base64url uses `-` and `_`: decoded anyway. */
  | { kind: 'standard-alphabet'; index: number }
  /** Trailing `=`: JWS leaves padding out (RFC 7515 §2); decoded anyway. */
  | { kind: 'padding' }
  /** Length ≡ 1 (mod 4) cannot be base64: the last character is dropped to decode the rest. */
  | { kind: 'impossible-length'; length: number };

const VALUES: Record<string, number> = {};
'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.split('').forEach((c, i) => (VALUES[c] = i));
VALUES['+'] = 62;
VALUES['/'] = 63;

export function base64UrlToBytes(segment: string): { bytes?: Uint8Array; issues: Base64Issue[] } {
  const issues: Base64Issue[] = [];
  const unpadded = segment.replace(/=+$/, '');
  if (unpadded.length !== segment.length) issues.push({ kind: 'padding' });

  let standardAt: number | undefined;
  for (let i = 0; i < unpadded.length; i++) {
    const c = unpadded[i]!;
    if (VALUES[c] === undefined) {
      // Report the whole code point (an emoji is two UTF-16 units), at its index in the segment.
      const char = String.fromCodePoint(unpadded.codePointAt(i)!);
      return { issues: [...issues, { kind: 'invalid-character', char, index: i }] };
    }
    if ((c === '+' || c === '/') && standardAt === undefined) standardAt = i;
  }
  if (standardAt !== undefined) issues.push({ kind: 'standard-alphabet', index: standardAt });

  let text = unpadded;
  if (text.length % 4 === 1) {
    issues.push({ kind: 'impossible-length', length: text.length });
    text = text.slice(0, -1);
  }

  const bytes = new Uint8Array(Math.floor((text.length * 3) / 4));
  let buffer = 0;
  let bits = 0;
  let out = 0;
  for (let i = 0; i < text.length; i++) {
    buffer = (buffer << 6) | VALUES[text[i]!]!;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[out++] = (buffer >> bits) & 0xff;
    }
  }
  return { bytes, issues };
}

/**
 * Offset of the first byte that does not belong to a well-formed UTF-8 sequence, or undefined when
 * all are well-formed. TextDecoder's fatal mode only says "invalid", not where.
 */
export function findInvalidUtf8(bytes: Uint8Array): number | undefined {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    let need: number;
    let min: number;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else {
      return i;
    }
    if (i + need >= bytes.length) return i; // the sequence is cut off by the end of the part
    let cp = b & (0xff >> (need + 2));
    for (let k = 1; k <= need; k++) {
      const cont = bytes[i + k]!;
      if ((cont & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (cont & 0x3f);
    }
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not UTF-8.
    if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return i;
    i += need + 1;
  }
  return undefined;
}
