import 'server-only';
import { randomBytes } from 'node:crypto';
import { ConfidentialClientApplication, CryptoProvider } from '@azure/msal-node';
import type { Config } from '@/lib/config';
import { entraAuthorityOptions, entraEndpoints } from '@/lib/sources/azure/entra-authority';
import { EntraCredential } from '@/lib/sources/azure/entra-credential';
import { SourceError } from '@/lib/sources/source-error';
import type { Principal } from './principal';
import type { PendingSignIn } from './session-cookie';

// Sign-in with Entra ID: the authorization-code flow with PKCE through msal-node. The confidential
// client proves itself with its workload-identity token (AZURE_FEDERATED_TOKEN_FILE, re-read each
// time), else IDLENS_AUTH_CLIENT_SECRET or IDLENS_AUTH_CLIENT_CERTIFICATE_PATH.
//
// A new msal application (and so a new, empty token cache) is made for every sign-in and dropped
// after it: no user's tokens are ever kept or shared with another user. The session keeps who the
// user is, nothing else.

const SCOPES = ['openid', 'profile', 'email'];

export interface SignInSettings {
  tenantId: string;
  clientId: string;
  redirectUri: string;
  postSignOutUri: string;
  authorityHost: string;
  requiredGroup?: string;
  requiredRole?: string;
  credential: EntraCredential;
}

export function signInSettings(config: Config): SignInSettings {
  const tenantId = config.IDLENS_AUTH_TENANT_ID || config.AZURE_TENANT_ID || '';
  const clientId = config.IDLENS_AUTH_CLIENT_ID || config.AZURE_CLIENT_ID || '';
  const publicUrl = (config.IDLENS_PUBLIC_URL ?? '').replace(/\/+$/, '');
  return {
    tenantId,
    clientId,
    redirectUri: `${publicUrl}/api/auth/callback`,
    postSignOutUri: `${publicUrl}/signin?signed-out=1`,
    authorityHost: config.AZURE_AUTHORITY_HOST,
    requiredGroup: config.IDLENS_AUTH_REQUIRED_GROUP,
    requiredRole: config.IDLENS_AUTH_REQUIRED_ROLE,
    credential: new EntraCredential({
      tenantId,
      clientId,
      // Workload identity first, as for idlens's own Azure credential.
      federatedTokenFile: config.AZURE_FEDERATED_TOKEN_FILE,
      clientSecret: config.AZURE_FEDERATED_TOKEN_FILE ? undefined : config.IDLENS_AUTH_CLIENT_SECRET,
      certificatePath: config.AZURE_FEDERATED_TOKEN_FILE || config.IDLENS_AUTH_CLIENT_SECRET ? undefined : config.IDLENS_AUTH_CLIENT_CERTIFICATE_PATH,
      authorityHost: config.AZURE_AUTHORITY_HOST,
    }),
  };
}

async function application(settings: SignInSettings): Promise<ConfidentialClientApplication> {
  return new ConfidentialClientApplication({
    auth: {
      clientId: settings.clientId,
      ...entraAuthorityOptions(settings.authorityHost, settings.tenantId),
      ...(await settings.credential.msalClientCredential()),
    },
    system: settings.credential.msalSystemOptions(),
  });
}

/**
 * A same-origin path to return to after sign-in; anything else is `/`. Only printable ASCII is
 * accepted (a tab or newline after the first `/` is dropped by URL parsing, turning `/\t/evil` into
 * `//evil`), no backslash, and the result must resolve to this origin.
 */
export function safeReturnTo(value: string | null | undefined): string {
  if (!value || value.length > 2048 || !/^\/[\x21-\x7e]*$/.test(value) || value.includes('\\') || value.startsWith('//')) return '/';
  const base = 'http://idlens.invalid';
  let url: URL;
  try {
    url = new URL(value, base);
  } catch {
    return '/';
  }
  if (url.origin !== base) return '/';
  const path = `${url.pathname}${url.search}${url.hash}`;
  if (path.startsWith('/api/') || path.startsWith('/signin')) return '/';
  return path;
}

export async function beginSignIn(settings: SignInSettings, returnTo: string): Promise<{ url: string; pending: PendingSignIn }> {
  const { verifier, challenge } = await new CryptoProvider().generatePkceCodes();
  const pending: PendingSignIn = {
    state: randomBytes(24).toString('base64url'),
    nonce: randomBytes(24).toString('base64url'),
    codeVerifier: verifier,
    returnTo: safeReturnTo(returnTo),
  };
  const url = await (await application(settings)).getAuthCodeUrl({
    scopes: SCOPES,
    redirectUri: settings.redirectUri,
    codeChallenge: challenge,
    codeChallengeMethod: 'S256',
    state: pending.state,
    nonce: pending.nonce,
    responseMode: 'query',
  });
  return { url, pending };
}

export class SignInRefused extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'SignInRefused';
  }
}

/**
 * Redeems the authorization code and decides whether this user may in: the right tenant, the
 * nonce of this sign-in, and the required group or app role if configured.
 */
export async function completeSignIn(settings: SignInSettings, query: URLSearchParams, pending: PendingSignIn | undefined): Promise<{ principal: Principal; returnTo: string }> {
  if (!pending) throw new SignInRefused('sign-in-expired', 'The sign-in took too long or was started in another browser. Sign in again.');
  if (query.get('state') !== pending.state) throw new SignInRefused('state-mismatch', 'The answer from Entra ID does not belong to this sign-in (state mismatch). Sign in again.');
  const entraError = query.get('error');
  if (entraError) {
    const description = (query.get('error_description') ?? '').split(/\r?\n|Trace ID:/)[0]!.slice(0, 300);
    throw new SignInRefused('entra-error', `Entra ID refused the sign-in: ${entraError}${description ? ` (${description})` : ''}.`);
  }
  const code = query.get('code');
  if (!code) throw new SignInRefused('no-code', 'Entra ID returned no authorization code. Sign in again.');

  let claims: Record<string, unknown>;
  try {
    const result = await (await application(settings)).acquireTokenByCode({
      code,
      scopes: SCOPES,
      redirectUri: settings.redirectUri,
      codeVerifier: pending.codeVerifier,
      state: pending.state,
      // msal checks the ID token's nonce against it (and rejects an ID token with a nonce otherwise).
      nonce: pending.nonce,
    });
    claims = (result.idTokenClaims ?? {}) as Record<string, unknown>;
  } catch (error) {
    const explained = settings.credential.explain(error, 'sign-in (authorization code)');
    throw new SignInRefused(error instanceof SourceError ? 'credential' : 'token', explained.message);
  }
  if (claims.nonce !== pending.nonce) throw new SignInRefused('nonce-mismatch', 'The ID token does not belong to this sign-in (nonce mismatch). Sign in again.');
  if (claims.aud !== settings.clientId) throw new SignInRefused('wrong-audience', `The ID token was issued to ${String(claims.aud)}, not to idlens (${settings.clientId}).`);
  if (claims.tid !== settings.tenantId) {
    throw new SignInRefused('tenant-not-allowed', `Accounts of tenant ${String(claims.tid)} may not use this idlens; it admits tenant ${settings.tenantId} only.`);
  }
  if (settings.requiredGroup) {
    const groups = Array.isArray(claims.groups) ? claims.groups : [];
    if (!groups.includes(settings.requiredGroup)) {
      const overage = claims._claim_names && typeof claims._claim_names === 'object' && 'groups' in claims._claim_names;
      throw new SignInRefused(
        'missing-group',
        overage
          ? 'You are in too many groups for Entra ID to list them in the token, so membership of the required group cannot be checked. Ask an administrator to require an app role (IDLENS_AUTH_REQUIRED_ROLE) instead.'
          : `Your account is not a member of the group ${settings.requiredGroup} that this idlens requires.`,
      );
    }
  }
  if (settings.requiredRole) {
    const roles = Array.isArray(claims.roles) ? claims.roles : [];
    if (!roles.includes(settings.requiredRole)) throw new SignInRefused('missing-role', `Your account has not been assigned the app role "${settings.requiredRole}" that this idlens requires.`);
  }
  const id = typeof claims.oid === 'string' ? claims.oid : typeof claims.sub === 'string' ? claims.sub : '';
  if (!id) throw new SignInRefused('no-subject', 'The ID token names no user (no oid or sub claim).');
  const username = typeof claims.preferred_username === 'string' ? claims.preferred_username : undefined;
  const name = typeof claims.name === 'string' && claims.name ? claims.name : (username ?? id);
  return { principal: { id, name: name.slice(0, 200), username: username?.slice(0, 200), tenantId: settings.tenantId, via: 'entra' }, returnTo: pending.returnTo };
}

export function signOutUrl(settings: SignInSettings): string {
  const url = new URL(entraEndpoints(settings.authorityHost, settings.tenantId).endSessionEndpoint);
  url.searchParams.set('post_logout_redirect_uri', settings.postSignOutUri);
  return url.toString();
}
