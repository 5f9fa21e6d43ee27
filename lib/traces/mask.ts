// Log lines are shown to whoever opens the trace page, and apps do log tokens (an
// `Authorization` header, a token response). Displayed lines mask them by default; the UI keeps
// the original so a "decode" action can open one in the token page, in the browser only.
// Log text is also attacker-controlled: CR/LF, ANSI and bidi controls are shown escaped so a
// line cannot fake other lines, recolour a terminal-styled view or reorder what is read.

export type SecretKind = 'jwt' | 'bearer';

export interface MaskedSecret {
  /** Offsets of the secret in the *input* text (slice it there to decode it). */
  start: number;
  end: number;
  kind: SecretKind;
  /** Offsets of its replacement in the masked text. */
  maskedStart: number;
  maskedEnd: number;
}

export interface MaskResult {
  text: string;
  secrets: MaskedSecret[];
}

export const MASKED_JWT = 'eyJ…[masked JWT]';
export const MASKED_BEARER = '…[masked]';

// A JWS (3 parts, signature may be empty for alg `none`) or JWE (5 parts); the header is
// base64url of `{"` and so always starts with `eyJ`.
const JWT = /eyJ[A-Za-z0-9_-]{2,}(?:\.[A-Za-z0-9_-]*){2,4}/g;
// RFC 6750 b64token after `Bearer`. At least 16 characters, so prose and
// `WWW-Authenticate: Bearer realm="api"` stay readable.
const BEARER = /\bBearer\s+([A-Za-z0-9\-._~+/]{16,}=*)/gi;

interface Span {
  start: number;
  end: number;
  kind: SecretKind;
}

export function maskSecrets(text: string): MaskResult {
  const spans: Span[] = [];
  for (const m of text.matchAll(JWT)) {
    // Require a second dot-separated part that is not empty: `eyJhbGciOi..` alone is not a token.
    const parts = m[0].split('.');
    if (parts.length >= 3 && (parts[1] ?? '').length > 0) spans.push({ start: m.index, end: m.index + m[0].length, kind: 'jwt' });
  }
  for (const m of text.matchAll(BEARER)) {
    const value = m[1]!;
    const start = m.index + m[0].length - value.length;
    const end = start + value.length;
    // A bearer JWT is already a `jwt` span.
    if (!spans.some((s) => s.start < end && start < s.end)) spans.push({ start, end, kind: 'bearer' });
  }
  spans.sort((a, b) => a.start - b.start);

  let masked = '';
  let cursor = 0;
  const secrets: MaskedSecret[] = [];
  for (const span of spans) {
    masked += text.slice(cursor, span.start);
    const replacement = span.kind === 'jwt' ? MASKED_JWT : MASKED_BEARER;
    secrets.push({ ...span, maskedStart: masked.length, maskedEnd: masked.length + replacement.length });
    masked += replacement;
    cursor = span.end;
  }
  masked += text.slice(cursor);
  return { text: masked, secrets };
}

const NAMED_ESCAPES: Record<string, string> = { '\r': '\\r', '\n': '\\n', '\u001b': '\\x1b' };

/**
 * C0/C1 controls (tab excepted), DEL, line/paragraph separators and bidi overrides (the
 * "Trojan Source" characters) as visible escapes: `\r`, `\n`, `\x1b`, `\u202e`.
 */
export function escapeControlChars(text: string): string {
  return text.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (ch) => {
    const named = NAMED_ESCAPES[ch];
    if (named) return named;
    const code = ch.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
