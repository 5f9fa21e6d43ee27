// Whether Entra ID can possibly reach a cluster's OIDC issuer. Entra fetches
// `<issuer>/.well-known/openid-configuration` and the JWKS from the public internet, so an issuer
// that is plain http, a cluster-internal name or a private address can never validate a token.

import { WI } from './model';

/** Undefined when the issuer looks publicly reachable over https; otherwise why it is not. */
export function unreachableIssuerReason(issuer: string): string | undefined {
  if (issuer === WI.disabledIssuer) {
    return `it is the in-cluster default, which means the AKS OIDC issuer is not enabled`;
  }
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return 'it is not a URL';
  }
  if (url.protocol !== 'https:') return `it uses ${url.protocol.replace(':', '')}, and Entra ID only fetches https issuers`;
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return 'its host is localhost';
  if (/(^|\.)(svc|cluster\.local|local|internal|lan|home\.arpa)$/.test(host)) return `its host ${host} is a cluster-internal or private name`;
  if (isPrivateAddress(host)) return `its host ${host} is a private or loopback address`;
  if (!host.includes('.') && !host.includes(':')) return `its host ${host} is not a public DNS name`;
  return undefined;
}

function isPrivateAddress(host: string): boolean {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    return (
      a === 10 ||
      a === 127 ||
      a === 0 ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 169 && b === 254) ||
      (a === 100 && b >= 64 && b <= 127) // carrier-grade NAT, not routable from Entra
    );
  }
  if (host.includes(':')) {
    return host === '::1' || host === '::' || /^f[cd]/.test(host) || /^fe[89ab]/.test(host);
  }
  return false;
}
