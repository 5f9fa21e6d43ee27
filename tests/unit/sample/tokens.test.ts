import { compactVerify, createLocalJWKSet, decodeProtectedHeader, errors, jwtVerify, type JSONWebKeySet } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { WI } from '@/lib/domain/model';
import { sampleKeys } from '@/lib/sample/keys';
import { mintSampleTokens, type SampleToken } from '@/lib/sample/tokens';
import {
  identityResourceId,
  SAMPLE_CONSUMER,
  SAMPLE_ISSUER,
  SAMPLE_PROVIDER_APP,
  SAMPLE_TENANT_ID,
  sampleWorld,
} from '@/lib/sample/world';

const NOW = new Date('2025-03-05T08:09:10.000Z');
const NOW_S = NOW.getTime() / 1000;
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

describe('sample keys', () => {
  it('are generated once per process', async () => {
    const [a, b] = await Promise.all([sampleKeys(), sampleKeys()]);
    expect(a).toBe(b);
    expect(await sampleKeys()).toBe(a);
    expect(a.cluster.kid).not.toBe(a.entra.kid);
  });

  it('publish RSA signing keys with kid/use/alg/n/e and no private member', async () => {
    const { cluster, entra } = await sampleKeys();
    for (const { jwks, kid } of [cluster, entra]) {
      expect(jwks.keys).toHaveLength(1);
      const key = jwks.keys[0]!;
      expect(key).toMatchObject({ kty: 'RSA', use: 'sig', alg: 'RS256', kid, n: expect.any(String), e: 'AQAB' });
      for (const member of PRIVATE_MEMBERS) expect(key, member).not.toHaveProperty(member);
    }
    // kube-apiserver's kid: base64url SHA-256 (43 chars); Entra's kid = x5t: base64url SHA-1 (27 chars).
    expect(cluster.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(entra.kid).toMatch(/^[A-Za-z0-9_-]{27}$/);
    expect(entra.jwks.keys[0]!.x5t).toBe(entra.kid);
  });
});

describe('mintSampleTokens', () => {
  let tokens: Record<SampleToken['id'], SampleToken>;
  let clusterJwks: ReturnType<typeof createLocalJWKSet>;
  let entraJwks: ReturnType<typeof createLocalJWKSet>;

  beforeAll(async () => {
    const list = await mintSampleTokens(NOW);
    tokens = Object.fromEntries(list.map((t) => [t.id, t])) as typeof tokens;
    const keys = await sampleKeys();
    clusterJwks = createLocalJWKSet(keys.cluster.jwks as JSONWebKeySet);
    entraJwks = createLocalJWKSet(keys.entra.jwks as JSONWebKeySet);
  });

  it('mints the five tokens of the token page, each labelled and described', () => {
    expect(Object.keys(tokens).sort()).toEqual(['cluster', 'entra-v1', 'entra-v2', 'expired', 'tampered']);
    for (const t of Object.values(tokens)) {
      expect(t.label.length, t.id).toBeGreaterThan(5);
      expect(t.description.length, t.id).toBeGreaterThan(20);
      expect(t.token.split('.'), t.id).toHaveLength(3);
    }
  });

  it('signs a projected SA token of the consumer that verifies against the cluster JWKS', async () => {
    const { payload, protectedHeader } = await jwtVerify(tokens.cluster.token, clusterJwks, {
      issuer: SAMPLE_ISSUER,
      audience: WI.tokenExchangeAudience,
      currentDate: NOW,
      algorithms: ['RS256'],
    });
    expect(protectedHeader).toEqual({ alg: 'RS256', kid: (await sampleKeys()).cluster.kid });
    const { cluster } = sampleWorld();
    const sa = cluster.serviceAccounts.find((s) => s.namespace === 'shop' && s.name === 'checkout')!;
    const pod = cluster.pods.find((p) => p.name === SAMPLE_CONSUMER.pods[0])!;
    expect(payload).toEqual({
      aud: [WI.tokenExchangeAudience],
      exp: NOW_S + 3600,
      iat: NOW_S,
      iss: SAMPLE_ISSUER,
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
      'kubernetes.io': {
        namespace: 'shop',
        node: { name: SAMPLE_CONSUMER.node, uid: expect.stringMatching(/^[0-9a-f-]{36}$/) },
        pod: { name: pod.name, uid: pod.uid },
        serviceaccount: { name: 'checkout', uid: sa.uid },
      },
      nbf: NOW_S,
      sub: 'system:serviceaccount:shop:checkout',
    });
  });

  it('signs an Entra v1 app-only access token of the consumer identity for api://payments-api', async () => {
    const { payload, protectedHeader } = await jwtVerify(tokens['entra-v1'].token, entraJwks, {
      issuer: `https://sts.windows.net/${SAMPLE_TENANT_ID}/`,
      audience: SAMPLE_PROVIDER_APP.identifierUri,
      currentDate: NOW,
    });
    const kid = (await sampleKeys()).entra.kid;
    expect(protectedHeader).toEqual({ typ: 'JWT', alg: 'RS256', x5t: kid, kid });
    const identity = SAMPLE_CONSUMER.identity;
    expect(payload).toMatchObject({
      ver: '1.0',
      appid: identity.clientId,
      appidacr: '2',
      roles: ['Payments.Charge'],
      oid: identity.principalId,
      sub: identity.principalId,
      tid: SAMPLE_TENANT_ID,
      idtyp: 'app',
      xms_mirid: identityResourceId(identity),
      uti: expect.any(String),
      rh: expect.any(String),
      aio: expect.any(String),
    });
    expect(payload).not.toHaveProperty('azp');
    expect(payload.nbf).toBe(payload.iat);
    expect(payload.iat!).toBeLessThanOrEqual(NOW_S);
  });

  it('signs an Entra v2 access token whose audience is the provider app ID', async () => {
    const { payload, protectedHeader } = await jwtVerify(tokens['entra-v2'].token, entraJwks, {
      issuer: `https://login.microsoftonline.com/${SAMPLE_TENANT_ID}/v2.0`,
      audience: SAMPLE_PROVIDER_APP.appId,
      currentDate: NOW,
    });
    expect(protectedHeader).not.toHaveProperty('x5t');
    expect(payload).toMatchObject({ ver: '2.0', azp: SAMPLE_CONSUMER.identity.clientId, azpacr: '2', roles: ['Payments.Charge'], idtyp: 'app' });
    expect(payload).not.toHaveProperty('appid');
  });

  it('signs the expired token correctly, but it expired 3 hours before now', async () => {
    const { payload } = await compactVerify(tokens.expired.token, clusterJwks);
    const claims = JSON.parse(new TextDecoder().decode(payload)) as { exp: number; iat: number; sub: string };
    expect(claims.exp).toBe(NOW_S - 3 * 3600);
    expect(claims.exp - claims.iat).toBe(3600);
    expect(claims.sub).toBe('system:serviceaccount:shop:checkout');
    await expect(jwtVerify(tokens.expired.token, clusterJwks, { currentDate: NOW })).rejects.toBeInstanceOf(errors.JWTExpired);
  });

  it('keeps the header and signature of the tampered token while its payload claims another SA', async () => {
    await expect(compactVerify(tokens.tampered.token, clusterJwks)).rejects.toBeInstanceOf(errors.JWSSignatureVerificationFailed);
    expect(decodeProtectedHeader(tokens.tampered.token).kid).toBe((await sampleKeys()).cluster.kid);
    const claims = JSON.parse(Buffer.from(tokens.tampered.token.split('.')[1]!, 'base64url').toString()) as { sub: string; iss: string };
    expect(claims.sub).toBe('system:serviceaccount:payments:payments-api');
    expect(claims.iss).toBe(SAMPLE_ISSUER);
  });

  it('does not verify a cluster token with the Entra keys (each issuer has its own key)', async () => {
    await expect(compactVerify(tokens.cluster.token, entraJwks)).rejects.toBeInstanceOf(errors.JWKSNoMatchingKey);
  });
});
