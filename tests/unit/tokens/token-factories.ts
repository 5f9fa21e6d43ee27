// Small builders for the token tests: realistic claims by default, overridden per test so that
// each test shows only what it is about.

import { exportJWK, generateKeyPair, SignJWT, type JWTHeaderParameters } from 'jose';
import type { FederatedCredential, JsonWebKeySet } from '@/lib/domain/model';

/** A fixed "now" for every test: time is a parameter, never the wall clock. */
export const NOW = new Date('2025-06-01T12:00:00Z');
export const NOW_SECONDS = NOW.getTime() / 1000;
export const MINUTE = 60;
export const HOUR = 3600;

export const TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const AKS_ISSUER = `https://westeurope.oic.prod-aks.azure.com/${TENANT_ID}/6f1c6e4e-1b7a-4c4b-9d0e-2a1f4c6b8e01/`;
export const EXCHANGE_AUDIENCE = 'api://AzureADTokenExchange';
export const CONSUMER_CLIENT_ID = 'b7a1c9d2-3e4f-4a5b-8c6d-7e8f9a0b1c2d';

export function base64url(input: string | Uint8Array): string {
  return Buffer.from(input).toString('base64url');
}

/** A JWT whose parts are exactly the JSON given; the signature is a placeholder unless given. */
export function unsignedJwt(header: object, payload: object, signature = 'c2lnbmF0dXJl'): string {
  return `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}.${signature}`;
}

export const RS256_HEADER = { alg: 'RS256', kid: 'cluster-key-1' } as const;

/** The projected token Azure Workload Identity mounts: one hour, exchange audience, bound to a pod. */
export function aServiceAccountPayload(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    aud: [EXCHANGE_AUDIENCE],
    exp: NOW_SECONDS + 50 * MINUTE,
    iat: NOW_SECONDS - 10 * MINUTE,
    nbf: NOW_SECONDS - 10 * MINUTE,
    iss: AKS_ISSUER,
    jti: '1f5c2c4e-8a0b-4e47-9d7e-3c2b1a0f9e8d',
    'kubernetes.io': {
      namespace: 'shop',
      node: { name: 'aks-nodepool1-12345678-vmss000000', uid: 'a6b7c8d9-0000-4000-8000-000000000001' },
      pod: { name: 'orders-7d9f8b6c5-x2k4p', uid: 'c1d2e3f4-0000-4000-8000-000000000002' },
      serviceaccount: { name: 'orders', uid: 'e5f6a7b8-0000-4000-8000-000000000003' },
    },
    sub: 'system:serviceaccount:shop:orders',
    ...overrides,
  };
}

/** An app-only v1 access token of a managed identity. */
export function anEntraV1Payload(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    aud: 'api://provider-api',
    iss: `https://sts.windows.net/${TENANT_ID}/`,
    iat: NOW_SECONDS - 5 * MINUTE,
    nbf: NOW_SECONDS - 5 * MINUTE,
    exp: NOW_SECONDS + 80 * MINUTE,
    aio: 'E2ZgYDg0',
    appid: CONSUMER_CLIENT_ID,
    appidacr: '2',
    idp: `https://sts.windows.net/${TENANT_ID}/`,
    idtyp: 'app',
    oid: '0d1e2f3a-0000-4000-8000-000000000004',
    rh: '0.AAAA',
    roles: ['Orders.Read'],
    sub: '0d1e2f3a-0000-4000-8000-000000000004',
    tid: TENANT_ID,
    uti: 'aBcDeFgH',
    ver: '1.0',
    xms_mirid: '/subscriptions/s/resourcegroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/consumer',
    ...overrides,
  };
}

export function anEntraV2Payload(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const { appid: _appid, appidacr: _appidacr, idp: _idp, ...v1 } = anEntraV1Payload();
  return {
    ...v1,
    aud: 'f0e1d2c3-0000-4000-8000-000000000005',
    iss: `https://login.microsoftonline.com/${TENANT_ID}/v2.0`,
    azp: CONSUMER_CLIENT_ID,
    azpacr: '2',
    ver: '2.0',
    ...overrides,
  };
}

/** A v2 ID token of a user signing in to a web app. */
export function anIdTokenPayload(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    aud: CONSUMER_CLIENT_ID,
    iss: `https://login.microsoftonline.com/${TENANT_ID}/v2.0`,
    iat: NOW_SECONDS - MINUTE,
    nbf: NOW_SECONDS - MINUTE,
    exp: NOW_SECONDS + 59 * MINUTE,
    name: 'Zoë Müller',
    nonce: 'n-0S6_WzA2Mj',
    oid: '9a8b7c6d-0000-4000-8000-000000000006',
    preferred_username: 'zoe@contoso.com',
    sub: 'AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ',
    tid: TENANT_ID,
    ver: '2.0',
    ...overrides,
  };
}

export interface SigningKey {
  privateKey: CryptoKey;
  kid: string;
  jwk: JsonWebKeySet['keys'][number];
  jwks: JsonWebKeySet;
}

/** An RSA key as a cluster would publish it at /openid/v1/jwks. */
export async function anRsaSigningKey(kid = 'cluster-key-1'): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, use: 'sig', alg: 'RS256' } as SigningKey['jwk'];
  return { privateKey, kid, jwk, jwks: { keys: [jwk] } };
}

export async function signedJwt(payload: Record<string, unknown>, key: SigningKey, header: Partial<JWTHeaderParameters> = {}): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: key.kid, ...header }).sign(key.privateKey);
}

export function aFederatedCredential(overrides: Partial<FederatedCredential> = {}): FederatedCredential {
  return {
    ownerClientId: CONSUMER_CLIENT_ID,
    name: 'shop-orders',
    issuer: AKS_ISSUER,
    subject: 'system:serviceaccount:shop:orders',
    audiences: [EXCHANGE_AUDIENCE],
    ...overrides,
  };
}
