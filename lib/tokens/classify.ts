// What kind of token this is, decided from its claims alone. The labels are a UI contract (shared
// DESIGN.md): the page and the browser tests show and match them verbatim.

import { WI } from '@/lib/domain/model';
import type { JsonObject } from './decode';

export type TokenType =
  | 'Kubernetes service account token'
  | 'Entra ID access token (v1)'
  | 'Entra ID access token (v2)'
  | 'Entra ID ID token'
  | 'Unknown JWT';

export type EntraCloud = 'public' | 'usgov' | 'china';

export type IssuerKind =
  | { kind: 'entra'; tenantId?: string; cloud: EntraCloud; version: 'v1' | 'v2' }
  | { kind: 'kubernetes-disabled' }
  | { kind: 'other' };

/**
 * The hosts Entra ID issues tokens from, public and sovereign clouds. Only these: /api/jwks fetches
 * keys for Entra issuers, so anything looser here would let a token steer the server's requests.
 * `sts.*` hosts issue v1 tokens; `login.*` hosts issue v2 (`/{tenant}/v2.0`) and, in sovereign
 * clouds, v1 (`/{tenant}/`) tokens.
 */
const ENTRA_HOSTS: Record<string, EntraCloud> = {
  'login.microsoftonline.com': 'public',
  'sts.windows.net': 'public',
  'login.microsoftonline.us': 'usgov',
  'login.chinacloudapi.cn': 'china',
  'sts.chinacloudapi.cn': 'china',
  'login.partner.microsoftonline.cn': 'china',
};

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A verified domain name such as `contoso.onmicrosoft.com`: DNS labels only, so it is safe in a URL path. */
const TENANT_DOMAIN = /^(?=.{4,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/i;

function isTenantId(value: string): boolean {
  return GUID.test(value) || TENANT_DOMAIN.test(value);
}

export function issuerKind(issuer: string): IssuerKind {
  // The trailing `/` varies between how clusters print it and how people copy it; either form
  // still means the OIDC issuer is off.
  if (issuer.replace(/\/+$/, '') === WI.disabledIssuer) return { kind: 'kubernetes-disabled' };
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return { kind: 'other' };
  }
  // Own keys only: a host named `constructor` or `__proto__` must not find Object.prototype's members.
  const host = url.hostname.toLowerCase();
  const cloud = Object.hasOwn(ENTRA_HOSTS, host) ? ENTRA_HOSTS[host] : undefined;
  if (url.protocol !== 'https:' || !cloud || url.port !== '' || url.username !== '' || url.password !== '') return { kind: 'other' };
  const [first = '', second] = url.pathname.split('/').filter(Boolean);
  const tenantId = isTenantId(first) ? first : undefined;
  const version = second === 'v2.0' ? 'v2' : 'v1';
  return tenantId ? { kind: 'entra', tenantId, cloud, version } : { kind: 'entra', cloud, version };
}

/** Path of a tenant's signing keys, relative to its login host; undefined for anything but a tenant id or domain. */
export function entraJwksPath(tenantId: string): string | undefined {
  return isTenantId(tenantId) ? `${tenantId}/discovery/v2.0/keys` : undefined;
}

/**
 * Claims only access tokens carry. Entra access tokens always name the calling client (`appid` in
 * v1, `azp` in v2) and carry `scp` (delegated) or `roles` (app permissions); `idtyp` is an optional
 * access-token claim. ID tokens carry none of these: their `aud` is the client itself.
 */
const ACCESS_TOKEN_CLAIMS = ['scp', 'roles', 'appid', 'appidacr', 'azp', 'azpacr', 'idtyp'] as const;

/**
 * Rule, in order:
 * 1. Entra issuer (see `issuerKind`) → Entra. It is an ID token when it carries none of the
 *    access-token claims above, or when it carries `nonce` (only sign-in requests send one) and
 *    neither `scp` nor `roles`. Otherwise an access token of version `ver` ("1.0"/"2.0"), falling
 *    back to the issuer's form (`sts.windows.net/{tid}/` v1, `…/{tid}/v2.0` v2).
 * 2. `sub` `system:serviceaccount:…` or a `kubernetes.io` claim → Kubernetes service account token
 *    (legacy Secret tokens use flat `kubernetes.io/serviceaccount/…` claims, also recognised).
 * 3. Anything else → Unknown JWT.
 * The header says how a token is signed, not what it is for, so it does not decide the type.
 */
export function classifyToken(header: JsonObject | undefined, payload: JsonObject | undefined): TokenType {
  if (!payload) return 'Unknown JWT';
  const issuer = typeof payload.iss === 'string' ? issuerKind(payload.iss) : undefined;
  if (issuer?.kind === 'entra') {
    const has = (claim: string) => payload[claim] !== undefined;
    const accessClaims = ACCESS_TOKEN_CLAIMS.filter(has);
    if (accessClaims.length === 0 || (has('nonce') && !has('scp') && !has('roles'))) return 'Entra ID ID token';
    const version = payload.ver === '1.0' ? 'v1' : payload.ver === '2.0' ? 'v2' : issuer.version;
    return version === 'v1' ? 'Entra ID access token (v1)' : 'Entra ID access token (v2)';
  }
  if (isKubernetesServiceAccountClaims(payload)) return 'Kubernetes service account token';
  return 'Unknown JWT';
}

export function isKubernetesServiceAccountClaims(payload: JsonObject): boolean {
  if (typeof payload.sub === 'string' && payload.sub.startsWith('system:serviceaccount:')) return true;
  if (payload['kubernetes.io'] !== undefined && typeof payload['kubernetes.io'] === 'object') return true;
  return Object.keys(payload).some((k) => k.startsWith('kubernetes.io/serviceaccount/'));
}
