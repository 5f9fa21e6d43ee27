import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { explainClaims } from '@/lib/tokens/claims';
import { classifyToken, issuerKind, type TokenType } from '@/lib/tokens/classify';
import { decodeToken, MAX_TOKEN_CHARS, type DecodedToken, type JsonObject } from '@/lib/tokens/decode';
import { matchFederatedCredentials } from '@/lib/tokens/fic-match';
import { tokenFromFragment, tokenPageHref } from '@/lib/tokens/fragment';
import { tokenTimes } from '@/lib/tokens/times';
import { verifyToken } from '@/lib/tokens/verify';
import { tokenWarnings } from '@/lib/tokens/warnings';
import { aFederatedCredential, AKS_ISSUER, base64url, NOW, TENANT_ID } from './token-factories';

// Properties of the token decoder over inputs nobody would write by hand: whatever is pasted, the
// decoder and everything the token page runs on its result (classify, claims, times, warnings,
// FIC matching) answer with a well-formed value and never throw; and a JWT made of any JSON
// objects decodes back to exactly those objects.

// ---- arbitraries -----------------------------------------------------------------------------

/** Characters that trip decoders: lone surrogates, NUL, BOM, the replacement character, separators. */
const nastyChar = fc.constantFrom('\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\u0000', '\uFEFF', '\uFFFD', '.', '=', '+', '/', '-', '_', '"', "'", ' ', '\n', '%', '😀', '日本', 'é');
const anyChar = fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), nastyChar, fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }));
/** Any text, lone surrogates and NUL included. */
const anyText = fc.string({ unit: anyChar, maxLength: 200 });

const b64Char = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.split(''), '+', '/', '=');
const base64ish = fc.string({ unit: fc.oneof({ weight: 9, arbitrary: b64Char }, { weight: 1, arbitrary: anyChar }), maxLength: 120 });

const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', 'prototype'];
const CLAIM_NAMES = [
  ...['alg', 'kid', 'typ', 'jku', 'x5u', 'x5t', 'cty', 'nonce', 'crit'],
  ...['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti', 'appid', 'appidacr', 'azp', 'azpacr', 'ver', 'roles', 'scp', 'idtyp', 'amr', 'acr', 'groups', 'auth_time'],
  ...['kubernetes.io', 'kubernetes.io/serviceaccount/namespace', 'kubernetes.io/serviceaccount/constructor', 'kubernetes.io/serviceaccount/__proto__'],
  ...PROTOTYPE_NAMES,
];
const claimName = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...CLAIM_NAMES) }, { weight: 1, arbitrary: anyText });

/** Issuers near the ones classify.ts recognises, and hosts named like Object.prototype members. */
const issuerText = fc.oneof(
  fc.constantFrom('login.microsoftonline.com', 'sts.windows.net', 'login.microsoftonline.us', 'sts.chinacloudapi.cn', 'constructor', '__proto__', 'tostring', 'example.com', 'kubernetes.default.svc.cluster.local').chain((host) =>
    fc.constantFrom(`https://${host}/${TENANT_ID}/`, `https://${host}/${TENANT_ID}/v2.0`, `https://${host}/contoso.onmicrosoft.com/v2.0`, `http://${host}/${TENANT_ID}/`, `https://${host}:8443/${TENANT_ID}/`, `https://${host}`),
  ),
  fc.constantFrom(AKS_ISSUER, 'kubernetes/serviceaccount', 'https://kubernetes.default.svc.cluster.local'),
  fc.webUrl(),
  anyText,
);

/** `depth` levels of arrays and objects: JSON.parse takes it, recursive code (JSON.stringify, String) may not. */
function deepJson(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array' ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** JSON text of a claim value, including what JSON.stringify never writes (1e400 parses to Infinity). */
const valueJson: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
  { weight: 2, arbitrary: issuerText.map((s) => JSON.stringify(s)) },
  { weight: 2, arbitrary: fc.constantFrom(...PROTOTYPE_NAMES, '0', '1', '2', 'none', 'HS256', 'RS256', 'api://AzureADTokenExchange', 'system:serviceaccount:shop:orders').map((s) => JSON.stringify(s)) },
  { weight: 2, arbitrary: fc.constantFrom('1e400', '-1e400', '1e308', '-0', '8640000000001', '123456789012345678901234567890', '0.0000001', '{"toString":1}', '{"valueOf":1,"toString":2}', '[{"toString":1}]', '{"__proto__":{"warnafter":1}}', '{"name":{"toString":1}}') },
  { weight: 2, arbitrary: fc.double().map((d) => (Number.isFinite(d) ? JSON.stringify(d) : '1e999')) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 1, max: 6000 }), fc.constantFrom('array' as const, 'object' as const)).map(([depth, kind]) => deepJson(depth, kind)) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 40_000 }).map((n) => JSON.stringify('x'.repeat(n))) },
);

/** JSON object text with any members, duplicates included (JSON.parse keeps the last). */
const objectJson = fc.array(fc.tuple(claimName, valueJson), { maxLength: 12 }).map((members) => `{${members.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`);

const segment = (json: fc.Arbitrary<string>) => json.map((text) => base64url(text));

/** Everything a user might paste, from noise to almost-tokens to odd but well-encoded tokens. */
const pastedInput = fc.oneof(
  anyText,
  fc.array(base64ish, { minLength: 1, maxLength: 6 }).map((parts) => parts.join('.')),
  fc.tuple(base64ish, base64ish, base64ish).map((parts) => parts.join('.')),
  fc.tuple(fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ maxLength: 80 })).map((parts) => parts.map((p) => base64url(p)).join('.')),
  fc.tuple(segment(fc.json()), segment(fc.json()), base64ish).map((parts) => parts.join('.')),
  fc.tuple(segment(objectJson), segment(objectJson), base64ish).map((parts) => parts.join('.')),
  fc.tuple(segment(objectJson), segment(objectJson), base64ish, fc.constantFrom('Bearer ', '"', 'Authorization: Bearer ', ' \n'), anyText).map(([h, p, s, prefix, tail]) => `${prefix}${h}.${p}.${s}${tail}`),
  fc.tuple(segment(objectJson), base64ish, base64ish, base64ish, base64ish).map((parts) => parts.join('.')),
);

// ---- what "well-formed" means ------------------------------------------------------------------

const TOKEN_TYPES: TokenType[] = ['Kubernetes service account token', 'Entra ID access token (v1)', 'Entra ID access token (v2)', 'Entra ID ID token', 'Unknown JWT'];
const isPlainObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
/** A message shows a looked-up value, never the function or object a prototype lookup returned. */
const looksLikeLeakedObject = (text: string) => /\[native code\]|\[object Object\]|function Object\(/.test(text);

function expectWellFormedProblems(problems: unknown): void {
  expect(Array.isArray(problems)).toBe(true);
  for (const p of problems as Array<Record<string, unknown>>) {
    expect(typeof p.code).toBe('string');
    expect(typeof p.message).toBe('string');
    expect((p.message as string).length).toBeGreaterThan(0);
    if (p.part !== undefined) expect(['header', 'payload', 'signature']).toContain(p.part);
  }
}

function expectWellFormedDecoded(decoded: DecodedToken): void {
  expect(['empty', 'jws', 'jwe', 'invalid']).toContain(decoded.kind);
  if (decoded.kind === 'empty') return;
  expectWellFormedProblems(decoded.problems);
  if (decoded.kind === 'invalid') {
    expect(decoded.problems.length).toBeGreaterThan(0);
    return;
  }
  expect(typeof decoded.token).toBe('string');
  expect(decoded.token.length).toBeLessThanOrEqual(MAX_TOKEN_CHARS);
  if (decoded.header !== undefined) expect(isPlainObject(decoded.header)).toBe(true);
  if (decoded.kind === 'jwe') return;
  if (decoded.payload !== undefined) expect(isPlainObject(decoded.payload)).toBe(true);
  expect(typeof decoded.signature).toBe('string');
  expect(`${decoded.signingInput}.${decoded.signature}`).toBe(decoded.token);
  // Without problems, both JSON parts decoded to objects.
  if (decoded.problems.length === 0) expect(decoded.header && decoded.payload).toBeTruthy();
}

/** Runs what the token page runs on a decoded token and checks each answer's shape. */
function expectPipelineWellFormed(decoded: DecodedToken): void {
  const header = decoded.kind === 'jws' || decoded.kind === 'jwe' ? decoded.header : undefined;
  const payload = decoded.kind === 'jws' ? decoded.payload : undefined;
  const type = classifyToken(header, payload);
  expect(TOKEN_TYPES).toContain(type);

  for (const claim of explainClaims(header, payload, type)) {
    expect(typeof claim.name).toBe('string');
    expect(typeof claim.meaning).toBe('string');
    expect(claim.meaning.length).toBeGreaterThan(0);
    expect(looksLikeLeakedObject(claim.meaning), `${claim.name}: ${claim.meaning}`).toBe(false);
    expect(typeof claim.known).toBe('boolean');
    expect(['header', 'payload']).toContain(claim.group);
  }

  if (payload) {
    const times = tokenTimes(payload, NOW);
    expect(['valid', 'expired', 'not-yet-valid', 'no-expiry']).toContain(times.state);
    for (const date of [times.issuedAt, times.notBefore, times.expiresAt]) if (date) expect(Number.isNaN(date.getTime())).toBe(false);
    for (const n of [times.lifetimeSeconds, times.expiresInSeconds]) if (n !== undefined) expect(Number.isFinite(n)).toBe(true);
    const match = matchFederatedCredentials(payload, [aFederatedCredential(), aFederatedCredential({ name: 'other', subject: 'system:serviceaccount:shop:Orders' })]);
    expect(match.accepting.length + (match.nearest ? 1 : 0) + match.notEvaluable.length).toBeGreaterThan(0);
  }

  const warnings = tokenWarnings(decoded, type, { now: NOW });
  const codes = warnings.map((w) => w.code);
  expect(new Set(codes).size, 'at most one warning per code').toBe(codes.length);
  for (const w of warnings) {
    expect(['error', 'warning', 'info']).toContain(w.severity);
    expect(typeof w.message).toBe('string');
    expect(looksLikeLeakedObject(w.message), w.message).toBe(false);
  }
}

// ---- properties --------------------------------------------------------------------------------

describe('decodeToken and what runs on its result, for any input', () => {
  it('never throws and always answers with a well-formed result', () => {
    fc.assert(
      fc.property(pastedInput, (input) => {
        const decoded = decodeToken(input);
        expectWellFormedDecoded(decoded);
        expectPipelineWellFormed(decoded);
      }),
      { numRuns: 400 },
    );
  });

  it('verifyToken resolves with well-formed checks, never rejects', async () => {
    // Without keys: the signature check says "not checked", every other check runs on the claims.
    await fc.assert(
      fc.asyncProperty(pastedInput, async (input) => {
        const result = await verifyToken(input, { now: NOW });
        expect(typeof result.valid).toBe('boolean');
        expect(TOKEN_TYPES).toContain(result.type);
        expect(result.checks.length).toBeGreaterThan(0);
        for (const check of result.checks) {
          expect(typeof check.ok).toBe('boolean');
          expect(typeof check.detail).toBe('string');
          expect(looksLikeLeakedObject(check.detail), check.detail).toBe(false);
        }
        expect(result.valid).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('reports input over the size limit as too large, whatever it holds', () => {
    fc.assert(
      fc.property(anyText, fc.integer({ min: 1, max: 1000 }), (text, extra) => {
        const input = `${'a'.repeat(MAX_TOKEN_CHARS + extra)}${text.replace(/\s/g, '')}`;
        const decoded = decodeToken(input);
        expect(decoded.kind).toBe('invalid');
        expect(decoded.kind === 'invalid' && decoded.problems.map((p) => p.code)).toEqual(['too-large']);
      }),
      { numRuns: 50 },
    );
  });
});

describe('decodeToken round trip', () => {
  /** Any JSON object, with any keys (`__proto__` and `constructor` included) and nested values. */
  const jsonObject = fc.dictionary(fc.oneof(fc.string({ unit: anyChar }), fc.constantFrom(...PROTOTYPE_NAMES)), fc.jsonValue({ maxDepth: 4 }), { maxKeys: 10 });
  const signature = fc.uint8Array({ maxLength: 64 }).map((bytes) => base64url(bytes));

  it('decodes base64url(JSON) parts back to deep-equal header and payload, and keeps the raw segments', () => {
    fc.assert(
      fc.property(jsonObject, jsonObject, signature, (header, payload, sig) => {
        const [h, p] = [base64url(JSON.stringify(header)), base64url(JSON.stringify(payload))];
        const token = `${h}.${p}.${sig}`;
        fc.pre(token.length <= MAX_TOKEN_CHARS);
        const decoded = decodeToken(token);
        if (decoded.kind !== 'jws') throw new Error(`not a JWS: ${decoded.kind}`);
        // What JSON can carry: JSON.parse(JSON.stringify(x)) is the value a decoder can give back
        // (a lone surrogate survives as itself, -0 becomes 0).
        expect(decoded.header).toEqual(JSON.parse(JSON.stringify(header)));
        expect(decoded.payload).toEqual(JSON.parse(JSON.stringify(payload)));
        expect(decoded.problems).toEqual([]);
        expect(decoded.token).toBe(token);
        expect(decoded.signingInput).toBe(`${h}.${p}`);
        expect(decoded.signature).toBe(sig);
        expect(decoded.headerText).toBe(JSON.stringify(header));
        expect(decoded.payloadText).toBe(JSON.stringify(payload));
      }),
      { numRuns: 300 },
    );
  });
});

describe('issuerKind', () => {
  const ENTRA_HOSTS = ['login.microsoftonline.com', 'sts.windows.net', 'login.microsoftonline.us', 'login.chinacloudapi.cn', 'sts.chinacloudapi.cn', 'login.partner.microsoftonline.cn'];

  it('calls an issuer Entra ID only for an https URL on an Entra host, with a known cloud', () => {
    fc.assert(
      fc.property(issuerText, (iss) => {
        const kind = issuerKind(iss);
        if (kind.kind !== 'entra') return;
        const url = new URL(iss);
        expect(url.protocol).toBe('https:');
        expect(ENTRA_HOSTS).toContain(url.hostname.toLowerCase());
        expect(['public', 'usgov', 'china']).toContain(kind.cloud);
      }),
      { numRuns: 300 },
    );
  });
});

describe('tokenFromFragment', () => {
  it('never throws on any fragment', () => {
    fc.assert(
      fc.property(anyText, fc.constantFrom('', '#', '#token=', '#id_token=', '#access_token=', '#state=x&token='), (text, prefix) => {
        const token = tokenFromFragment(`${prefix}${text}`);
        expect(token === undefined || (typeof token === 'string' && token.length > 0)).toBe(true);
      }),
    );
  });

  it('reads back any token that tokenPageHref put into a link', () => {
    // tokenPageHref gets tokens cut out of log lines: well-formed text (a lone surrogate has no
    // percent-encoding, so encodeURIComponent refuses it).
    const wellFormed = fc.string({ unit: fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), fc.constantFrom('&', '=', '#', '+', '%', ' ', '.', '\u0000')), minLength: 1 });
    fc.assert(
      fc.property(wellFormed, (token) => {
        const href = tokenPageHref(token);
        expect(tokenFromFragment(new URL(href, 'http://localhost').hash)).toBe(token);
      }),
    );
  });
});
