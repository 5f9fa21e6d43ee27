import 'server-only';
import { exportJWK, generateKeyPair } from 'jose';
import type { JsonWebKeySet } from '@/lib/domain/model';

// Signing keys of the sample world, generated once per process at first use: one for the sample
// cluster's OIDC issuer, one for the sample Entra ID tenant. Nothing is stored, so the private
// keys never outlive the server; the JWKS publish only public members, which is what lets
// /api/jwks serve them and the token page really verify the sample tokens.

export interface SampleSigningKey {
  kid: string;
  privateKey: CryptoKey;
  /** Public keys only: `kty`, `kid`, `use`, `alg`, `n`, `e` (and `x5t` for Entra). */
  jwks: JsonWebKeySet;
}

export interface SampleKeys {
  cluster: SampleSigningKey;
  entra: SampleSigningKey;
}

function base64url(bytes: ArrayBuffer): string {
  return Buffer.from(bytes).toString('base64url');
}

/**
 * Key ids as the real issuers form them: kube-apiserver uses base64url(SHA-256 of the public
 * key's DER); Entra's `kid` equals `x5t`, the base64url SHA-1 thumbprint of its certificate (we
 * have no certificate, so the public key's DER stands in for it).
 */
async function keyIds(publicKey: CryptoKey): Promise<{ kubernetes: string; entra: string }> {
  const der = await crypto.subtle.exportKey('spki', publicKey);
  const [sha256, sha1] = await Promise.all([crypto.subtle.digest('SHA-256', der), crypto.subtle.digest('SHA-1', der)]);
  return { kubernetes: base64url(sha256), entra: base64url(sha1) };
}

async function signingKey(kind: 'kubernetes' | 'entra'): Promise<SampleSigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const { n, e } = await exportJWK(publicKey);
  if (!n || !e) throw new Error('jose exported an RSA public key without n/e');
  const ids = await keyIds(publicKey);
  const kid = ids[kind];
  // Listed member by member, so no private part (d, p, q, dp, dq, qi) can slip in.
  const key = { kty: 'RSA', use: 'sig', alg: 'RS256', kid, n, e, ...(kind === 'entra' ? { x5t: kid } : {}) };
  return { kid, privateKey, jwks: { keys: [key] } };
}

let keys: Promise<SampleKeys> | undefined;

/** The sample world's keys, generated on first call and shared by every later caller. */
export function sampleKeys(): Promise<SampleKeys> {
  if (!keys) {
    const generating = (async () => {
      const [cluster, entra] = await Promise.all([signingKey('kubernetes'), signingKey('entra')]);
      return { cluster, entra };
    })();
    // A failed generation is not cached: the next caller tries again.
    generating.catch(() => {
      if (keys === generating) keys = undefined;
    });
    keys = generating;
  }
  return keys;
}
