import { describe, expect, it } from 'vitest';
import { explainClaims, type ClaimExplanation } from '@/lib/tokens/claims';
import { aServiceAccountPayload, anEntraV1Payload, anEntraV2Payload, anIdTokenPayload, EXCHANGE_AUDIENCE, RS256_HEADER, TENANT_ID } from './token-factories';

const byName = (claims: ClaimExplanation[], name: string, group: 'header' | 'payload' = 'payload') => {
  const claim = claims.find((c) => c.name === name && c.group === group);
  if (!claim) throw new Error(`no ${group} claim ${name} in ${claims.map((c) => c.name).join(', ')}`);
  return claim;
};

describe('explainClaims', () => {
  it('explains every header field of Kubernetes and Entra tokens', () => {
    const header = { alg: 'RS256', typ: 'JWT', kid: 'k', x5t: 't', jku: 'https://x', x5u: 'https://y', cty: 'JWT', enc: 'A256GCM', zip: 'DEF' };
    const claims = explainClaims(header, undefined, 'Unknown JWT');
    expect(claims.map((c) => c.name)).toEqual(Object.keys(header));
    for (const claim of claims) {
      expect(claim).toMatchObject({ group: 'header', known: true });
      expect(claim.meaning.length).toBeGreaterThan(20);
    }
    expect(byName(claims, 'alg', 'header').meaning).toContain('RSA signature (RSASSA-PKCS1-v1_5) with SHA-256');
    expect(byName(claims, 'jku', 'header').meaning).toContain('Never fetched');
  });

  it('warns in the meaning of alg when it is none or a shared secret', () => {
    expect(byName(explainClaims({ alg: 'none' }, undefined, 'Unknown JWT'), 'alg', 'header').meaning).toContain('not signed at all');
    expect(byName(explainClaims({ alg: 'HS256' }, undefined, 'Unknown JWT'), 'alg', 'header').meaning).toContain('can also forge it');
  });

  it('explains each claim of a service-account token, nested kubernetes.io claims included', () => {
    const payload = aServiceAccountPayload();
    const claims = explainClaims(RS256_HEADER, payload, 'Kubernetes service account token');
    const names = claims.filter((c) => c.group === 'payload').map((c) => c.name);
    expect(names).toEqual([
      'aud',
      'exp',
      'iat',
      'nbf',
      'iss',
      'jti',
      'kubernetes.io',
      'kubernetes.io.namespace',
      'kubernetes.io.node',
      'kubernetes.io.pod',
      'kubernetes.io.serviceaccount',
      'sub',
    ]);
    expect(claims.every((c) => c.known)).toBe(true);
    expect(byName(claims, 'sub').meaning).toBe('Subject: service account "orders" in namespace "shop". A federated credential must name exactly this subject.');
    expect(byName(claims, 'aud').meaning).toContain(`${EXCHANGE_AUDIENCE} means it is meant for Entra ID's token exchange`);
    expect(byName(claims, 'kubernetes.io.pod').meaning).toContain('"orders-7d9f8b6c5-x2k4p"');
    expect(byName(claims, 'kubernetes.io.pod').value).toEqual(payload['kubernetes.io'] && (payload['kubernetes.io'] as { pod: unknown }).pod);
    expect(byName(claims, 'exp').meaning).toBe('Expires: the token is refused at and after 2025-06-01 12:50:00 UTC.');
    expect(byName(claims, 'iss').meaning).toContain("AKS cluster's OIDC issuer");
  });

  it('says when a service-account token is the default kube-api-access token', () => {
    const payload = aServiceAccountPayload({
      aud: ['https://myaks-dns-12345678.hcp.westeurope.azmk8s.io', 'https://kubernetes.default.svc.cluster.local'],
      'kubernetes.io': { namespace: 'shop', warnafter: 1748779200, serviceaccount: { name: 'orders', uid: 'u' } },
    });
    const claims = explainClaims(RS256_HEADER, payload, 'Kubernetes service account token');
    expect(byName(claims, 'aud').meaning).toContain('AADSTS700212');
    expect(byName(claims, 'aud').meaning).toContain('default kube-api-access token');
    expect(byName(claims, 'kubernetes.io.warnafter').meaning).toContain('Only the default kube-api-access token has it');
  });

  it('explains legacy secret token claims and the secret claim', () => {
    const claims = explainClaims(RS256_HEADER, { 'kubernetes.io/serviceaccount/namespace': 'default', 'kubernetes.io': { secret: { name: 's' } } }, 'Kubernetes service account token');
    expect(byName(claims, 'kubernetes.io/serviceaccount/namespace').meaning).toContain('never expire');
    expect(byName(claims, 'kubernetes.io.secret').meaning).toContain('legacy Secret-based');
  });

  it('explains the claims of an Entra v1 app-only token, with appidacr by value', () => {
    const claims = explainClaims({ ...RS256_HEADER, typ: 'JWT', x5t: 'k' }, anEntraV1Payload(), 'Entra ID access token (v1)');
    expect(claims.filter((c) => !c.known)).toEqual([]);
    expect(byName(claims, 'appidacr').meaning).toContain('a certificate or a signed client assertion');
    expect(byName(claims, 'iss').meaning).toContain(`Entra ID (the public cloud), tenant ${TENANT_ID}, v1.0 issuer form`);
    expect(byName(claims, 'roles').meaning).toContain(': Orders.Read');
    expect(byName(claims, 'idtyp').meaning).toContain('app-only');
    expect(byName(claims, 'ver').meaning).toContain('Token version 1.0');
  });

  it.each([
    ['0', 'a public client'],
    ['1', 'client secret'],
    ['2', 'certificate'],
  ])('explains azpacr %s', (value, words) => {
    expect(byName(explainClaims(undefined, anEntraV2Payload({ azpacr: value }), 'Entra ID access token (v2)'), 'azpacr').meaning).toContain(words);
  });

  it('explains the claims of a v2 access token and of an ID token', () => {
    const v2 = explainClaims(RS256_HEADER, anEntraV2Payload({ scp: 'Orders.Read Orders.Write' }), 'Entra ID access token (v2)');
    expect(v2.filter((c) => !c.known)).toEqual([]);
    expect(byName(v2, 'scp').meaning).toContain('Orders.Read Orders.Write');
    const id = explainClaims(RS256_HEADER, anIdTokenPayload(), 'Entra ID ID token');
    expect(id.filter((c) => !c.known)).toEqual([]);
    expect(byName(id, 'aud').meaning).toContain('client ID of the application the user signed in to');
    expect(byName(id, 'nonce').meaning).toContain('replayed');
  });

  it.each(['name', 'preferred_username', 'nonce', 'amr', 'acr', 'ipaddr', 'unique_name', 'upn', 'groups', 'wids', 'xms_tcdt', 'xms_ftd', 'oid', 'tid', 'uti', 'rh', 'aio', 'xms_mirid', 'jti', 'azp', 'appid'])(
    'knows the Entra claim %s',
    (name) => {
      const claim = byName(explainClaims(undefined, { [name]: 'x' }, 'Entra ID access token (v2)'), name);
      expect(claim.known).toBe(true);
      expect(claim.meaning).not.toBe('');
    },
  );

  it('keeps unknown claims, marked unknown, with their value', () => {
    const claims = explainClaims({ alg: 'RS256', foo: 1 }, { custom: { a: [1] } }, 'Unknown JWT');
    expect(byName(claims, 'custom')).toEqual({ name: 'custom', value: { a: [1] }, known: false, group: 'payload', meaning: expect.stringContaining('does not know') });
    expect(byName(claims, 'foo', 'header').known).toBe(false);
  });

  it('does not mistake inherited object properties for known claims', () => {
    const payload = JSON.parse('{"constructor": 1, "toString": "x", "__proto__": {"a": 1}}') as Record<string, unknown>;
    const claims = explainClaims(undefined, payload, 'Unknown JWT');
    expect(claims.map((c) => [c.name, c.known])).toEqual([
      ['constructor', false],
      ['toString', false],
      ['__proto__', false],
    ]);
  });

  it('explains a time claim that is not a number instead of showing a wrong date', () => {
    expect(byName(explainClaims(undefined, { exp: '2025-06-01' }, 'Unknown JWT'), 'exp').meaning).toContain('but is not');
  });
});

describe('explainClaims regressions found by property tests', () => {
  const meaningOf = (claims: ClaimExplanation[], name: string) => claims.find((c) => c.name === name)?.meaning;

  it('names a legacy claim field like an Object.prototype member as it is', () => {
    // Was: "Legacy Secret-based service-account token: function Object() { [native code] }."
    const claims = explainClaims({}, { 'kubernetes.io/serviceaccount/constructor': [] }, 'Kubernetes service account token');
    expect(meaningOf(claims, 'kubernetes.io/serviceaccount/constructor')).toBe(
      'Legacy Secret-based service-account token: constructor. These tokens never expire and cannot be used for workload identity.',
    );
  });

  it('reads an appidacr or azpacr that is not a known value as unknown, whatever its type', () => {
    // `constructor` found Object.prototype's member; `{"toString":1}` made String() throw a TypeError.
    const meanings = [{ appidacr: 'constructor' }, { appidacr: { toString: 1 } }, { azpacr: '__proto__' }].map((payload) => {
      const [name] = Object.keys(payload);
      return meaningOf(explainClaims(RS256_HEADER, payload, 'Entra ID access token (v1)'), name!);
    });
    expect(meanings).toEqual([
      'How the client authenticated (v1): unknown value.',
      'How the client authenticated (v1): unknown value.',
      'How the client authenticated (v2): unknown value.',
    ]);
    expect(meaningOf(explainClaims(RS256_HEADER, { appidacr: 2 }, 'Entra ID access token (v1)'), 'appidacr')).toContain('a certificate or a signed client assertion');
  });
});
