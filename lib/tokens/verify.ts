// Signature and validity checks with jose on WebCrypto, so the same code verifies in the browser
// (the /tokens page: the token never leaves it) and in POST /api/tokens/verify (scripts and CI).
// Only public keys are used: symmetric and unsigned tokens are refused before any key is touched.

import {
  compactVerify,
  createLocalJWKSet,
  errors,
  type CompactVerifyResult,
  type JWSHeaderParameters,
  type JSONWebKeySet as JoseKeySet,
} from 'jose';
import { WI, type JsonWebKeySet } from '@/lib/domain/model';
import { base64UrlToBytes } from './base64url';
import { classifyToken, type TokenType } from './classify';
import { claimValueText } from './claim-text';
import { audiencesOf } from './claims';
import { decodeToken, type DecodedToken } from './decode';
import { describeRelative, formatDuration, formatUtc, numericDate } from './times';

export type SignatureResult = { ok: true; kid?: string; alg: string } | { ok: false; reason: string };

export interface VerificationCheck {
  /** `format`, `algorithm`, `signature`, `expiry`, `not-before`, `audience`. */
  name: string;
  ok: boolean;
  detail: string;
}

/** The body of POST /api/tokens/verify (HTTP contract, shared DESIGN.md). */
export interface TokenVerification {
  valid: boolean;
  type: TokenType;
  issuer?: string;
  kid?: string;
  checks: VerificationCheck[];
}

/** Algorithms verified with a public key. HMAC (`HS*`) and `none` are never among them. */
const ASYMMETRIC_ALG = /^(RS|PS|ES)(256|384|512)$|^EdDSA$|^Ed25519$/;

/** A pasted JWKS larger than this is not a key set (Entra's has a handful of keys, a few KB). */
const MAX_JWKS_CHARS = 256 * 1024;

/** Members that only private or symmetric keys have (RFC 7518 §6). */
const SECRET_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** Why an algorithm cannot be verified with a public key set, or undefined when it can. */
function refusedAlgorithm(alg: unknown): string | undefined {
  if (typeof alg !== 'string' || alg === '') return 'the token header has no alg, so there is no way to tell how it was signed';
  if (alg.toLowerCase() === 'none') return 'alg "none" means the token is unsigned: there is no signature to verify, and it must not be trusted';
  if (/^HS/i.test(alg)) return `alg ${alg} is a shared-secret HMAC: it cannot be verified with a public key set, and idlens refuses it (Kubernetes and Entra ID sign with RS256)`;
  if (!ASYMMETRIC_ALG.test(alg)) return `alg ${alg} is not a signature algorithm idlens verifies (RS*, PS*, ES*, EdDSA)`;
  return undefined;
}

/** Parses a JWKS pasted by a user: `{ keys: [...] }`, a bare array of keys, or a single JWK. */
export function parseJwks(text: string): { ok: true; jwks: JsonWebKeySet } | { ok: false; reason: string } {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, reason: 'it is empty. Paste the JSON of a key set, e.g. the output of kubectl get --raw /openid/v1/jwks.' };
  if (trimmed.length > MAX_JWKS_CHARS) return { ok: false, reason: `it is ${trimmed.length} characters long; a key set is a few KB (at most ${MAX_JWKS_CHARS} characters accepted).` };
  let json: unknown;
  try {
    json = JSON.parse(trimmed);
  } catch (error) {
    return { ok: false, reason: `it is not JSON (${(error as Error).message}). Paste the JSON of a key set: {"keys": [...]}.` };
  }
  let keys: unknown;
  if (Array.isArray(json)) keys = json;
  else if (isRecord(json) && 'keys' in json) keys = json.keys;
  else if (isRecord(json) && typeof json.kty === 'string') keys = [json];
  else return { ok: false, reason: 'it is JSON but has no "keys" array and is not a single key (no "kty"). Paste {"keys": [...]}.' };
  if (!Array.isArray(keys)) return { ok: false, reason: '"keys" is not an array.' };
  if (keys.length === 0) return { ok: false, reason: 'it has no keys ("keys" is empty).' };
  for (const [i, key] of keys.entries()) {
    if (!isRecord(key) || typeof key.kty !== 'string') return { ok: false, reason: `key ${i + 1} has no "kty" member, so it is not a JSON Web Key.` };
    const secret = SECRET_MEMBERS.find((m) => m in key);
    if (secret) {
      return {
        ok: false,
        reason: `key ${i + 1}${typeof key.kid === 'string' ? ` (kid ${key.kid})` : ''} contains secret key material ("${secret}"). Only public keys verify signatures: paste the issuer's public JWKS, and treat the pasted secret as leaked.`,
      };
    }
  }
  return { ok: true, jwks: { keys: keys as JsonWebKeySet['keys'] } };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Verifies the signature of `token` with the public keys of `jwks`. Never throws. */
export async function verifySignature(token: string, jwks: JsonWebKeySet): Promise<SignatureResult> {
  const decoded = decodeToken(token);
  if (decoded.kind !== 'jws') {
    const why = decoded.kind === 'empty' ? 'the token is empty' : decoded.kind === 'jwe' ? 'the token is encrypted (JWE), not signed' : decoded.problems[0]?.message ?? 'it is not a JWT';
    return { ok: false, reason: `nothing to verify: ${why}` };
  }
  if (!decoded.header) return { ok: false, reason: 'the token header cannot be decoded, so its algorithm and key are unknown' };
  const { alg, kid } = decoded.header;
  const refused = refusedAlgorithm(alg);
  if (refused) return { ok: false, reason: refused };
  const algorithm = alg as string;
  const tokenKid = typeof kid === 'string' ? kid : undefined;

  if (!isRecord(jwks) || !Array.isArray(jwks.keys)) return { ok: false, reason: 'the JWKS is invalid: it has no "keys" array' };
  if (jwks.keys.length === 0) return { ok: false, reason: 'the JWKS is empty: it has no keys to verify with' };
  if (tokenKid !== undefined && !jwks.keys.some((k) => k.kid === tokenKid)) {
    const kids = jwks.keys.map((k) => (typeof k.kid === 'string' ? `"${k.kid}"` : '(no kid)'));
    return {
      ok: false,
      reason: `no key in the JWKS has the token's kid "${tokenKid}" (available: ${kids.join(', ')}). The issuer may have rotated its keys, or these are another issuer's keys.`,
    };
  }

  let keySet: ReturnType<typeof createLocalJWKSet>;
  try {
    keySet = createLocalJWKSet(jwks as unknown as JoseKeySet);
  } catch (error) {
    return { ok: false, reason: `the JWKS is invalid: ${(error as Error).message}` };
  }
  try {
    await verifyWithKeySet(decoded.token, keySet);
    return { ok: true, alg: algorithm, ...(tokenKid !== undefined && { kid: tokenKid }) };
  } catch (error) {
    const key = tokenKid !== undefined ? jwks.keys.find((k) => k.kid === tokenKid) : undefined;
    const cut = error instanceof errors.JWSSignatureVerificationFailed ? signatureLengthReason(decoded.signature, algorithm, key) : undefined;
    return { ok: false, reason: cut ?? joseReason(error, algorithm, tokenKid, jwks) };
  }
}

const EC_SIGNATURE_BYTES: Record<string, number> = { ES256: 64, ES384: 96, ES512: 132 };

/**
 * A token cut off while copying often still has three parts; its signature is then shorter than
 * the key makes them (RSA: the modulus length; ECDSA: fixed per curve). Saying so beats "altered".
 */
function signatureLengthReason(signature: string, alg: string, key: JsonWebKeySet['keys'][number] | undefined): string | undefined {
  const actual = base64UrlToBytes(signature).bytes?.length;
  if (actual === undefined) return undefined;
  let expected = EC_SIGNATURE_BYTES[alg];
  if (expected === undefined && /^(RS|PS)/.test(alg) && typeof key?.n === 'string') {
    const modulus = base64UrlToBytes(key.n).bytes;
    // A leading zero byte is padding of the big-endian integer, not part of its length.
    if (modulus) expected = modulus.length - (modulus[0] === 0 ? 1 : 0);
  }
  if (expected === undefined || expected === actual) return undefined;
  return `the signature is ${actual} bytes long, but ${alg} with this key makes ${expected}-byte signatures: the token was cut off (or its end altered) when copying. Copy it again in full`;
}

/**
 * A token without `kid` can match several keys; jose then throws JWKSMultipleMatchingKeys, which
 * iterates the candidates. compactVerify does not retry them itself, so each is tried here.
 */
async function verifyWithKeySet(token: string, keySet: (header: JWSHeaderParameters) => Promise<CryptoKey>): Promise<CompactVerifyResult> {
  try {
    return await compactVerify(token, keySet);
  } catch (error) {
    if (!(error instanceof errors.JWKSMultipleMatchingKeys)) throw error;
    let last: unknown = error;
    for await (const key of error as unknown as AsyncIterable<CryptoKey>) {
      try {
        return await compactVerify(token, key);
      } catch (attempt) {
        last = attempt;
      }
    }
    throw last;
  }
}

function joseReason(error: unknown, alg: string, kid: string | undefined, jwks: JsonWebKeySet): string {
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'signature does not match: the token was altered or signed by another key';
  if (error instanceof errors.JWKSMultipleMatchingKeys) return 'signature does not match any of the keys in the JWKS: the token was altered or signed by another key';
  if (error instanceof errors.JWKSNoMatchingKey) {
    const match = kid !== undefined ? jwks.keys.find((k) => k.kid === kid) : undefined;
    if (match) {
      const keyAlg = typeof match.alg === 'string' ? `, alg ${match.alg}` : '';
      const use = typeof match.use === 'string' ? `, use ${match.use}` : '';
      return `the key with kid "${kid}" (kty ${match.kty}${keyAlg}${use}) cannot verify a token signed with ${alg}`;
    }
    return `no key in the JWKS can verify a token signed with ${alg} (the token has no kid; the key types are ${[...new Set(jwks.keys.map((k) => k.kty))].join(', ')})`;
  }
  if (error instanceof errors.JWKSInvalid) return `the JWKS is invalid: ${error.message}`;
  if (error instanceof errors.JWSInvalid) return `the token is not a well-formed JWS: ${error.message}`;
  if (error instanceof errors.JOSENotSupported) return `unsupported: ${error.message}`;
  return `the key could not be used: ${(error as Error).message ?? String(error)}`;
}

export interface VerifyOptions {
  /** Keys to verify with; without them the signature is reported as not checked (and the token not valid). */
  jwks?: JsonWebKeySet;
  now: Date;
  /** Allowance for clocks that disagree, applied to exp and nbf/iat as verifiers do; default 5 min. */
  clockSkewSeconds?: number;
}

/** Every check the token page makes, as the HTTP contract's `{ valid, type, issuer, kid, checks }`. Never throws. */
export async function verifyToken(input: string, { jwks, now, clockSkewSeconds = 300 }: VerifyOptions): Promise<TokenVerification> {
  const decoded = decodeToken(input);
  const format = formatCheck(decoded);
  if (decoded.kind !== 'jws' || !decoded.header || !decoded.payload) {
    return { valid: false, type: 'Unknown JWT', checks: [format] };
  }
  const { header, payload } = decoded;
  const type = classifyToken(header, payload);
  const nowSeconds = now.getTime() / 1000;
  const checks: VerificationCheck[] = [format, algorithmCheck(header.alg), await signatureCheck(decoded.token, jwks)];
  checks.push(expiryCheck(payload.exp, nowSeconds, clockSkewSeconds));
  checks.push(notBeforeCheck(payload.nbf, payload.iat, nowSeconds, clockSkewSeconds));
  if (type === 'Kubernetes service account token') checks.push(audienceCheck(payload.aud));
  return {
    valid: checks.every((c) => c.ok),
    type,
    ...(typeof payload.iss === 'string' && { issuer: payload.iss }),
    ...(typeof header.kid === 'string' && { kid: header.kid }),
    checks,
  };
}

function formatCheck(decoded: DecodedToken): VerificationCheck {
  const name = 'format';
  switch (decoded.kind) {
    case 'empty':
      return { name, ok: false, detail: 'The token is empty.' };
    case 'invalid':
    case 'jwe':
      return { name, ok: false, detail: decoded.problems.map((p) => p.message).join(' ') };
    case 'jws':
      return decoded.problems.length === 0
        ? { name, ok: true, detail: 'A signed JWT (JWS): 3 base64url parts, header and payload are JSON objects.' }
        : { name, ok: false, detail: decoded.problems.map((p) => p.message).join(' ') };
  }
}

function algorithmCheck(alg: unknown): VerificationCheck {
  const refused = refusedAlgorithm(alg);
  return refused
    ? { name: 'algorithm', ok: false, detail: `Refused: ${refused}.` }
    : { name: 'algorithm', ok: true, detail: `${String(alg)}: an asymmetric signature, verifiable with the issuer's public key.` };
}

async function signatureCheck(token: string, jwks: JsonWebKeySet | undefined): Promise<VerificationCheck> {
  if (!jwks) {
    return {
      name: 'signature',
      ok: false,
      detail: 'Not checked: no JWKS to verify against (the issuer is not one idlens knows). Pass "jwks" with the issuer\'s public keys.',
    };
  }
  const result = await verifySignature(token, jwks);
  return result.ok
    ? { name: 'signature', ok: true, detail: `Signature verified (${result.alg}${result.kid ? `, key ${result.kid}` : ''}).` }
    : { name: 'signature', ok: false, detail: `Signature not verified: ${result.reason}.`.replace(/\.\.$/, '.') };
}

function expiryCheck(expClaim: unknown, now: number, skew: number): VerificationCheck {
  const exp = numericDate(expClaim);
  if (exp === undefined) {
    return {
      name: 'expiry',
      ok: false,
      detail: expClaim === undefined ? 'No exp claim: the token never expires, which Entra ID and most APIs refuse.' : `exp is not a NumericDate (${claimValueText(expClaim)}).`,
    };
  }
  const at = formatUtc(new Date(exp * 1000));
  if (now < exp) return { name: 'expiry', ok: true, detail: `Expires ${describeRelative(exp, now)} (${at}).` };
  if (now < exp + skew) return { name: 'expiry', ok: true, detail: `Expired ${describeRelative(exp, now)} (${at}), within the ${formatDuration(skew)} clock-skew allowance.` };
  return { name: 'expiry', ok: false, detail: `The token expired ${describeRelative(exp, now)} (${at}).` };
}

function notBeforeCheck(nbfClaim: unknown, iatClaim: unknown, now: number, skew: number): VerificationCheck {
  const nbf = numericDate(nbfClaim);
  const iat = numericDate(iatClaim);
  const [claim, start] = nbf !== undefined ? (['nbf', nbf] as const) : (['iat', iat] as const);
  if (nbfClaim !== undefined && nbf === undefined) return { name: 'not-before', ok: false, detail: `nbf is not a NumericDate (${claimValueText(nbfClaim)}).` };
  if (start === undefined) return { name: 'not-before', ok: true, detail: 'No nbf or iat claim: valid from the start.' };
  const at = formatUtc(new Date(start * 1000));
  if (start > now + skew) {
    return { name: 'not-before', ok: false, detail: `Not valid yet: ${claim} is ${at}, ${describeRelative(start, now)}, beyond the ${formatDuration(skew)} clock-skew allowance.` };
  }
  return { name: 'not-before', ok: true, detail: `Valid since ${at} (${claim}).` };
}

function audienceCheck(aud: unknown): VerificationCheck {
  const auds = audiencesOf(aud);
  return auds.includes(WI.tokenExchangeAudience)
    ? { name: 'audience', ok: true, detail: `The audience includes ${WI.tokenExchangeAudience}: usable as a federated assertion at Entra ID.` }
    : {
        name: 'audience',
        ok: false,
        detail: `The audience (${auds.join(', ') || 'missing'}) lacks ${WI.tokenExchangeAudience}: Entra ID refuses this service-account token with AADSTS700212. It is likely the default kube-api-access token.`,
      };
}
