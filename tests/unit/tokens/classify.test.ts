import { describe, expect, it } from 'vitest';
import { classifyToken, entraJwksPath, issuerKind } from '@/lib/tokens/classify';
import { aServiceAccountPayload, anEntraV1Payload, anEntraV2Payload, anIdTokenPayload, RS256_HEADER, TENANT_ID } from './token-factories';

describe('classifyToken', () => {
  it('recognises a projected Kubernetes service-account token', () => {
    expect(classifyToken(RS256_HEADER, aServiceAccountPayload())).toBe('Kubernetes service account token');
  });

  it('recognises a Kubernetes token by its sub alone, or by its kubernetes.io claim alone', () => {
    expect(classifyToken(RS256_HEADER, { iss: 'https://example.test', sub: 'system:serviceaccount:default:app' })).toBe('Kubernetes service account token');
    expect(classifyToken(RS256_HEADER, { iss: 'https://example.test', sub: 'x', 'kubernetes.io': { namespace: 'a' } })).toBe('Kubernetes service account token');
  });

  it('recognises a legacy Secret-based service-account token', () => {
    const legacy = {
      iss: 'kubernetes/serviceaccount',
      'kubernetes.io/serviceaccount/namespace': 'default',
      'kubernetes.io/serviceaccount/secret.name': 'app-token-abcde',
    };
    expect(classifyToken(RS256_HEADER, legacy)).toBe('Kubernetes service account token');
  });

  it('recognises Entra ID v1 and v2 access tokens', () => {
    expect(classifyToken(RS256_HEADER, anEntraV1Payload())).toBe('Entra ID access token (v1)');
    expect(classifyToken(RS256_HEADER, anEntraV2Payload())).toBe('Entra ID access token (v2)');
  });

  it('takes the version from ver, which the API decides, over the issuer form', () => {
    expect(classifyToken(RS256_HEADER, anEntraV2Payload({ ver: '1.0' }))).toBe('Entra ID access token (v1)');
  });

  it('falls back to the issuer form when ver is missing', () => {
    expect(classifyToken(RS256_HEADER, anEntraV1Payload({ ver: undefined }))).toBe('Entra ID access token (v1)');
    expect(classifyToken(RS256_HEADER, anEntraV2Payload({ ver: undefined }))).toBe('Entra ID access token (v2)');
  });

  it('recognises an ID token: aud is the client, no scp/roles/appid/azp', () => {
    expect(classifyToken(RS256_HEADER, anIdTokenPayload())).toBe('Entra ID ID token');
    expect(classifyToken(RS256_HEADER, anIdTokenPayload({ nonce: undefined }))).toBe('Entra ID ID token');
  });

  it('calls a token with a nonce an ID token even if it names an authorised party, as long as it grants no scp or roles', () => {
    expect(classifyToken(RS256_HEADER, anIdTokenPayload({ azp: 'c' }))).toBe('Entra ID ID token');
  });

  it('treats a token with scp, roles, azp or idtyp as an access token even when it has a nonce', () => {
    expect(classifyToken(RS256_HEADER, anIdTokenPayload({ scp: 'User.Read' }))).toBe('Entra ID access token (v2)');
    expect(classifyToken(RS256_HEADER, anIdTokenPayload({ nonce: undefined, azp: 'c' }))).toBe('Entra ID access token (v2)');
    expect(classifyToken(RS256_HEADER, anIdTokenPayload({ nonce: undefined, idtyp: 'app' }))).toBe('Entra ID access token (v2)');
  });

  it('recognises sovereign-cloud Entra issuers', () => {
    expect(classifyToken(RS256_HEADER, anEntraV2Payload({ iss: `https://login.microsoftonline.us/${TENANT_ID}/v2.0` }))).toBe('Entra ID access token (v2)');
    expect(classifyToken(RS256_HEADER, anEntraV1Payload({ iss: `https://sts.chinacloudapi.cn/${TENANT_ID}/` }))).toBe('Entra ID access token (v1)');
  });

  it('does not call a look-alike issuer Entra ID', () => {
    expect(classifyToken(RS256_HEADER, anEntraV2Payload({ iss: `https://login.microsoftonline.com.evil.test/${TENANT_ID}/v2.0` }))).toBe('Unknown JWT');
    expect(classifyToken(RS256_HEADER, anEntraV2Payload({ iss: `http://login.microsoftonline.com/${TENANT_ID}/v2.0` }))).toBe('Unknown JWT');
  });

  it('calls anything else, or an undecodable payload, an Unknown JWT', () => {
    expect(classifyToken(RS256_HEADER, { iss: 'https://accounts.google.com', sub: '1234' })).toBe('Unknown JWT');
    expect(classifyToken(RS256_HEADER, undefined)).toBe('Unknown JWT');
    expect(classifyToken(undefined, {})).toBe('Unknown JWT');
  });
});

describe('issuerKind', () => {
  it.each([
    [`https://sts.windows.net/${TENANT_ID}/`, { kind: 'entra', tenantId: TENANT_ID, cloud: 'public', version: 'v1' }],
    [`https://login.microsoftonline.com/${TENANT_ID}/v2.0`, { kind: 'entra', tenantId: TENANT_ID, cloud: 'public', version: 'v2' }],
    [`https://login.microsoftonline.us/${TENANT_ID}/v2.0`, { kind: 'entra', tenantId: TENANT_ID, cloud: 'usgov', version: 'v2' }],
    [`https://login.microsoftonline.us/${TENANT_ID}/`, { kind: 'entra', tenantId: TENANT_ID, cloud: 'usgov', version: 'v1' }],
    [`https://login.chinacloudapi.cn/${TENANT_ID}/v2.0`, { kind: 'entra', tenantId: TENANT_ID, cloud: 'china', version: 'v2' }],
    [`https://sts.chinacloudapi.cn/${TENANT_ID}/`, { kind: 'entra', tenantId: TENANT_ID, cloud: 'china', version: 'v1' }],
    [`https://login.partner.microsoftonline.cn/${TENANT_ID}/v2.0`, { kind: 'entra', tenantId: TENANT_ID, cloud: 'china', version: 'v2' }],
    ['https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0', { kind: 'entra', tenantId: 'contoso.onmicrosoft.com', cloud: 'public', version: 'v2' }],
    ['https://LOGIN.microsoftonline.com/x%2F..%2F/v2.0', { kind: 'entra', cloud: 'public', version: 'v2' }],
    ['https://kubernetes.default.svc.cluster.local', { kind: 'kubernetes-disabled' }],
    ['https://kubernetes.default.svc.cluster.local/', { kind: 'kubernetes-disabled' }],
    ['https://westeurope.oic.prod-aks.azure.com/t/c/', { kind: 'other' }],
    [`http://login.microsoftonline.com/${TENANT_ID}/v2.0`, { kind: 'other' }],
    [`https://login.microsoftonline.com:8443/${TENANT_ID}/v2.0`, { kind: 'other' }],
    [`https://user@login.microsoftonline.com/${TENANT_ID}/v2.0`, { kind: 'other' }],
    [`https://login.microsoftonline.com.evil.test/${TENANT_ID}/v2.0`, { kind: 'other' }],
    ['not a url', { kind: 'other' }],
  ])('%s → %j', (issuer, expected) => {
    expect(issuerKind(issuer)).toEqual(expected);
  });
});

describe('entraJwksPath', () => {
  it('builds the discovery keys path of a tenant id or domain', () => {
    expect(entraJwksPath(TENANT_ID)).toBe(`${TENANT_ID}/discovery/v2.0/keys`);
    expect(entraJwksPath('contoso.onmicrosoft.com')).toBe('contoso.onmicrosoft.com/discovery/v2.0/keys');
  });

  it.each(['../evil', 'a/b', '', 'x?y=1', 'tenant#x', 'evil.test/..', '%2e%2e', 'localhost'])('refuses %j, which could steer the request', (tenant) => {
    expect(entraJwksPath(tenant)).toBeUndefined();
  });
});

describe('issuerKind regressions found by property tests', () => {
  // URL lower-cases host names; `constructor` and `__proto__` used to find Object.prototype's
  // members in the Entra host table, so such an issuer passed for Entra ID (cloud: a function).
  it.each([`https://__proto__/${TENANT_ID}/`, `https://constructor/${TENANT_ID}/v2.0`])('does not take %s for an Entra ID issuer', (iss) => {
    expect(issuerKind(iss)).toEqual({ kind: 'other' });
    expect(classifyToken(RS256_HEADER, anEntraV2Payload({ iss }))).toBe('Unknown JWT');
  });
});
