// Decodes a pasted JWT without trusting it and without ever giving up on it. People paste tokens
// straight from logs, `kubectl exec cat`, curl commands and HTTP headers, often cut short or
// wrapped: a bare "invalid token" helps nobody (the jwt.io v2 lesson), so everything that can be
// decoded is, and each thing that cannot is reported where it is and what to do about it.
// Decoding proves nothing: signatures are checked in verify.ts.

import { base64UrlToBytes, findInvalidUtf8, type Base64Issue } from './base64url';

/**
 * Longest token accepted, in characters after normalisation. Real tokens are 1–4 KB (an Entra
 * token with many groups stays under 16 KB); the limit keeps a pasted file from freezing the page,
 * and matches the 64 KiB body limit of POST /api/tokens/verify.
 */
export const MAX_TOKEN_CHARS = 64 * 1024;

export type TokenPart = 'header' | 'payload' | 'signature';

export interface DecodeProblem {
  /** Stable code for tests and the UI, e.g. `not-base64url`, `not-json`, `wrong-part-count`. */
  code: string;
  part?: TokenPart;
  /** Says what is wrong, where, and what to do. */
  message: string;
}

export type JsonObject = Record<string, unknown>;

export type DecodedToken =
  | { kind: 'empty' }
  | {
      kind: 'jws';
      /** The normalised compact token (prefixes, quotes and whitespace removed). */
      token: string;
      /** Present when the header decodes to a JSON object. */
      header?: JsonObject;
      payload?: JsonObject;
      /** The decoded text of each part, kept even when it is not JSON (shown as is). */
      headerText?: string;
      payloadText?: string;
      /** The signature exactly as in the token (base64url). */
      signature: string;
      /** `<header>.<payload>` as in the token: the bytes the signature covers. */
      signingInput: string;
      problems: DecodeProblem[];
    }
  | { kind: 'jwe'; token: string; header?: JsonObject; problems: DecodeProblem[] }
  | { kind: 'invalid'; problems: DecodeProblem[] };

const PART_LABEL: Record<TokenPart, string> = {
  header: 'header (part 1)',
  payload: 'payload (part 2)',
  signature: 'signature (part 3)',
};

/**
 * What people paste along with a token: `Authorization: Bearer `, `Bearer `, quotes from JSON or
 * shell, and line breaks from terminals that wrap. A JWT never contains whitespace, so all of it
 * can go.
 */
export function normalizeTokenInput(input: string): string {
  let text = input.trim();
  // Two rounds: quotes may sit outside the prefix (`"Bearer eyJ…"`) or inside it (`Bearer "eyJ…"`).
  for (let round = 0; round < 2; round++) {
    text = stripQuotes(text);
    text = text.replace(/^authorization\s*:\s*/i, '').replace(/^bearer(\s+|$)/i, '').trim();
  }
  return text.replace(/\s+/g, '');
}

function stripQuotes(text: string): string {
  let t = text;
  while (t.length >= 2) {
    const first = t[0]!;
    const last = t[t.length - 1]!;
    if ((first === '"' || first === "'" || first === '`') && last === first) t = t.slice(1, -1).trim();
    else break;
  }
  // A token copied out of a JSON document often brings one quote and the trailing comma.
  return t.replace(/^["'`]/, '').replace(/["'`],?$/, '').trim();
}

/** Decodes as much of `input` as can be decoded; never throws. */
export function decodeToken(input: string): DecodedToken {
  const token = normalizeTokenInput(input);
  if (token === '') return { kind: 'empty' };
  if (token.length > MAX_TOKEN_CHARS) {
    return {
      kind: 'invalid',
      problems: [
        {
          code: 'too-large',
          message: `The token is ${token.length} characters long (${kib(token.length)}); idlens accepts at most ${MAX_TOKEN_CHARS} characters (64 KiB). Real tokens are a few KB: check that only the token was pasted, not a whole file or log.`,
        },
      ],
    };
  }
  const parts = token.split('.');
  if (parts.length === 3) return decodeJws(token, parts as [string, string, string]);
  if (parts.length === 5) return decodeJwe(token, parts[0]!);
  return { kind: 'invalid', problems: [partCountProblem(token, parts.length)] };
}

function kib(chars: number): string {
  return `${(chars / 1024).toFixed(1)} KiB`;
}

function partCountProblem(token: string, count: number): DecodeProblem {
  const code = 'wrong-part-count';
  if (count === 1) {
    const hint = token.startsWith('{')
      ? ' It starts with "{": that looks like decoded JSON, not an encoded token.'
      : /^[A-Za-z0-9+/=_-]+$/.test(token)
        ? ' It may be an opaque (non-JWT) token, e.g. a refresh token or an API key, which cannot be decoded.'
        : '';
    return {
      code,
      message: `The input has no '.' separators. A signed JWT has 3 base64url parts (header.payload.signature), an encrypted one 5.${hint}`,
    };
  }
  if (count === 2) {
    return {
      code,
      message: `The input has 2 parts separated by '.', a signed JWT has 3 (header.payload.signature): the signature part is missing. Was the token cut off when copying? Copy it again in full.`,
    };
  }
  if (count === 4) {
    return {
      code,
      message: `The input has 4 parts separated by '.'; a signed JWT has 3 and an encrypted JWT (JWE) 5. A part was lost or an extra '.' was pasted: copy the token again in full.`,
    };
  }
  return {
    code,
    message: `The input has ${count} parts separated by '.'; a signed JWT has 3 (header.payload.signature) and an encrypted JWT (JWE) 5. Check that exactly one token was pasted.`,
  };
}

interface SegmentResult {
  text?: string;
  json?: JsonObject;
  problems: DecodeProblem[];
}

/** Decodes one base64url JSON segment, reporting problems against its place in the token. */
function decodeJsonSegment(segment: string, part: 'header' | 'payload', offset: number): SegmentResult {
  const label = PART_LABEL[part];
  const problems: DecodeProblem[] = [];
  if (segment === '') {
    return {
      problems: [{ code: 'empty-part', part, message: `The ${label} is empty: the token starts with '.' or has '..'. Copy the token again in full.` }],
    };
  }
  const decoded = base64UrlToBytes(segment);
  problems.push(...decoded.issues.map((issue) => base64Problem(issue, part, offset)));
  if (!decoded.bytes) return { problems };

  const invalidAt = findInvalidUtf8(decoded.bytes);
  const text = new TextDecoder('utf-8').decode(decoded.bytes);
  if (invalidAt !== undefined) {
    problems.push({
      code: 'invalid-utf8',
      part,
      message: `The ${label} decodes to bytes that are not valid UTF-8 (first bad byte at offset ${invalidAt}); JWT parts must be UTF-8 JSON. Undecodable bytes are shown as '\uFFFD'. The part is probably binary or corrupted.`,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const cut = decoded.issues.some((i) => i.kind === 'impossible-length');
    problems.push({
      code: 'not-json',
      part,
      message: `The ${label} decodes but is not JSON: ${(error as Error).message}.${cut ? ' It looks cut short.' : ''} Its decoded text is shown as is.`,
    });
    return { text, problems };
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    problems.push({
      code: 'not-object',
      part,
      message: `The ${label} is JSON but ${describeJsonType(json)}, not an object of ${part === 'header' ? 'header fields' : 'claims'}. Its decoded text is shown as is.`,
    });
    return { text, problems };
  }
  return { text, json: json as JsonObject, problems };
}

function describeJsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

function base64Problem(issue: Base64Issue, part: TokenPart, offset: number): DecodeProblem {
  const label = PART_LABEL[part];
  switch (issue.kind) {
    case 'invalid-character':
      return {
        code: 'not-base64url',
        part,
        message: `The ${label} is not valid base64url: character ${describeChar(issue.char)} at position ${offset + issue.index + 1}. JWT parts use only A–Z, a–z, 0–9, '-' and '_'; the token was probably altered or URL-encoded (decode %xx first).`,
      };
    case 'standard-alphabet':
      return {
        code: 'standard-base64',
        part,
        message: `The ${label} uses standard base64 characters ('+' or '/', first at position ${offset + issue.index + 1}) instead of base64url ('-' and '_'). idlens decoded it anyway, but JWT libraries reject such tokens: whatever produced it encoded it wrongly.`,
      };
    case 'padding':
      return {
        code: 'base64-padding',
        part,
        message: `The ${label} ends with '=' padding, which JWTs leave out (RFC 7515). idlens decoded it anyway, but strict JWT libraries reject it.`,
      };
    case 'impossible-length':
      return {
        code: 'truncated',
        part,
        message: `The ${label} is ${issue.length} characters long, a length no base64url text can have: a character was lost or added, most likely the token was cut off when copying. The last character was ignored to decode the rest.`,
      };
  }
}

function describeChar(char: string): string {
  const code = char.codePointAt(0)!;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return code > 0x20 && code < 0x7f ? `'${char}'` : hex;
}

function decodeJws(token: string, [headerPart, payloadPart, signature]: [string, string, string]): DecodedToken {
  const header = decodeJsonSegment(headerPart, 'header', 0);
  const payload = decodeJsonSegment(payloadPart, 'payload', headerPart.length + 1);
  const problems = [...header.problems, ...payload.problems, ...signatureProblems(signature, headerPart.length + payloadPart.length + 2)];
  return {
    kind: 'jws',
    token,
    ...(header.json && { header: header.json }),
    ...(payload.json && { payload: payload.json }),
    ...(header.text !== undefined && { headerText: header.text }),
    ...(payload.text !== undefined && { payloadText: payload.text }),
    signature,
    signingInput: `${headerPart}.${payloadPart}`,
    problems,
  };
}

/** The signature is binary, so only its encoding is checked here; whether it matches is verify.ts's job. */
function signatureProblems(signature: string, offset: number): DecodeProblem[] {
  // An empty signature is legitimate encoding-wise (alg "none"); warnings.ts reports what it means.
  if (signature === '') return [];
  return base64UrlToBytes(signature).issues.map((issue) => base64Problem(issue, 'signature', offset));
}

function decodeJwe(token: string, headerPart: string): DecodedToken {
  const header = decodeJsonSegment(headerPart, 'header', 0);
  const alg = typeof header.json?.alg === 'string' ? header.json.alg : undefined;
  const enc = typeof header.json?.enc === 'string' ? header.json.enc : undefined;
  const how = alg || enc ? ` (key management ${alg ?? 'unknown'}, content encryption ${enc ?? 'unknown'})` : '';
  return {
    kind: 'jwe',
    token,
    ...(header.json && { header: header.json }),
    problems: [
      {
        code: 'encrypted',
        message: `This is an encrypted JWT (JWE: 5 parts — header, encrypted key, IV, ciphertext, tag)${how}. Only its header is readable; the claims are encrypted for the recipient and cannot be decoded without the recipient's private key. Kubernetes service-account tokens and Entra ID access tokens are signed, not encrypted: to inspect claims, decode the token the recipient decrypted, or a signed token.`,
      },
      ...header.problems,
    ],
  };
}
