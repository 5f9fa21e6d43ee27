import type { NodeAuthOptions } from '@azure/msal-node';

// The msal-node authority settings for a tenant at AZURE_AUTHORITY_HOST, shared by idlens's own
// credential (ARM, Graph) and the sign-in client.
//
// msal-node insists on an https authority. Its host and tenant only key msal's cache; the requests
// go to the endpoints of `authorityMetadata`, built from the authority host exactly as given.
// Passing the metadata (with the host in knownAuthorities) means msal makes no instance-discovery or
// openid-configuration call, and it is how the same production code reaches a sovereign cloud or a
// plain-http loopback stand-in in tests.

export interface EntraEndpoints {
  tokenEndpoint: string;
  authorizationEndpoint: string;
  endSessionEndpoint: string;
}

export function entraEndpoints(authorityHost: string, tenantId: string): EntraEndpoints {
  const base = authorityHost.endsWith('/') ? authorityHost : `${authorityHost}/`;
  return {
    tokenEndpoint: `${base}${tenantId}/oauth2/v2.0/token`,
    authorizationEndpoint: `${base}${tenantId}/oauth2/v2.0/authorize`,
    endSessionEndpoint: `${base}${tenantId}/oauth2/v2.0/logout`,
  };
}

export function entraAuthorityOptions(authorityHost: string, tenantId: string): Pick<NodeAuthOptions, 'authority' | 'knownAuthorities' | 'authorityMetadata'> {
  const base = authorityHost.endsWith('/') ? authorityHost : `${authorityHost}/`;
  const host = new URL(base).host;
  const endpoints = entraEndpoints(base, tenantId);
  return {
    authority: `https://${host}/${tenantId}`,
    knownAuthorities: [host],
    authorityMetadata: JSON.stringify({
      token_endpoint: endpoints.tokenEndpoint,
      issuer: `${base}${tenantId}/v2.0`,
      authorization_endpoint: endpoints.authorizationEndpoint,
      end_session_endpoint: endpoints.endSessionEndpoint,
      jwks_uri: `${base}${tenantId}/discovery/v2.0/keys`,
    }),
  };
}
