import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { SignJWT, importPKCS8 } from 'jose';
import { sendJson, startStubServer, type StubServer } from './stub-server';

// A loopback Entra ID for the sign-in flow: `GET /{tenant}/oauth2/v2.0/authorize` (the user is
// "signed in" at once as the configured test user and sent back to redirect_uri with a code and the
// state), `POST /{tenant}/oauth2/v2.0/token` with grant_type=authorization_code (checks the PKCE
// verifier against the challenge, the redirect URI and that the client authenticated; answers an
// ID token with the nonce of the authorize request), and `GET /{tenant}/oauth2/v2.0/logout`
// (redirects to post_logout_redirect_uri). The shapes are those of the Microsoft identity platform.

export interface TestUser {
  oid: string;
  name: string;
  preferred_username: string;
  /** The tenant the account belongs to (default: the stub's tenant). */
  tid?: string;
  groups?: string[];
  roles?: string[];
}

export interface EntraSignInStub extends StubServer {
  authorityHost: string;
  tenantId: string;
  signInAs(user: TestUser): void;
  /** Form bodies of the token POSTs. */
  tokenRequests(): URLSearchParams[];
  /** Answer the next authorize request with this OAuth error instead of a code. */
  failNextAuthorize(error: { error: string; description: string }): void;
}

interface Grant {
  user: TestUser;
  nonce: string;
  challenge: string;
  redirectUri: string;
  clientId: string;
}

export async function startEntraSignInStub(tenantId: string): Promise<EntraSignInStub> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const signingKey = await importPKCS8(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 'RS256');
  let user: TestUser = { oid: '00000000-0000-4000-8000-00000000a11c', name: 'Alice Admin', preferred_username: 'alice@contoso.example' };
  let nextAuthorizeError: { error: string; description: string } | undefined;
  const grants = new Map<string, Grant>();
  let url = '';

  const server = await startStubServer(async (req, res) => {
    const u = new URL(req.url, 'http://stub');
    const base = `/${tenantId}/oauth2/v2.0`;
    if (req.method === 'GET' && u.pathname === `${base}/authorize`) {
      const p = u.searchParams;
      const redirect = new URL(p.get('redirect_uri') ?? '');
      if (nextAuthorizeError) {
        redirect.searchParams.set('error', nextAuthorizeError.error);
        redirect.searchParams.set('error_description', nextAuthorizeError.description);
        nextAuthorizeError = undefined;
      } else {
        if (p.get('response_type') !== 'code' || p.get('code_challenge_method') !== 'S256' || !p.get('code_challenge')) {
          return sendJson(res, 400, { error: 'invalid_request', error_description: 'stub: authorization code flow with PKCE (S256) expected' });
        }
        const code = randomBytes(16).toString('hex');
        grants.set(code, { user, nonce: p.get('nonce') ?? '', challenge: p.get('code_challenge')!, redirectUri: p.get('redirect_uri')!, clientId: p.get('client_id')! });
        redirect.searchParams.set('code', code);
      }
      redirect.searchParams.set('state', p.get('state') ?? '');
      res.writeHead(302, { location: redirect.toString() });
      res.end();
      return;
    }
    if (req.method === 'POST' && u.pathname === `${base}/token`) {
      const form = new URLSearchParams(req.body);
      if (form.get('grant_type') !== 'authorization_code') return sendJson(res, 400, { error: 'unsupported_grant_type', error_description: 'stub: only authorization_code' });
      const grant = grants.get(form.get('code') ?? '');
      grants.delete(form.get('code') ?? '');
      if (!grant) return sendJson(res, 400, { error: 'invalid_grant', error_description: 'AADSTS70000: The provided authorization code is invalid or has expired.', error_codes: [70000] });
      const verifierHash = createHash('sha256').update(form.get('code_verifier') ?? '').digest('base64url');
      if (verifierHash !== grant.challenge) return sendJson(res, 400, { error: 'invalid_grant', error_description: 'AADSTS501481: The Code_Verifier does not match the code_challenge supplied in the authorization request.', error_codes: [501481] });
      if (form.get('redirect_uri') !== grant.redirectUri) return sendJson(res, 400, { error: 'invalid_grant', error_description: 'AADSTS50148: The redirect_uri does not match.', error_codes: [50148] });
      if (!form.get('client_assertion') && !form.get('client_secret')) return sendJson(res, 401, { error: 'invalid_client', error_description: 'AADSTS7000218: The request body must contain client_assertion or client_secret.', error_codes: [7000218] });
      const tid = grant.user.tid ?? tenantId;
      const now = Math.floor(Date.now() / 1000);
      const idToken = await new SignJWT({
        aud: grant.clientId,
        iss: `${url}/${tid}/v2.0`,
        tid,
        oid: grant.user.oid,
        sub: `sub-${grant.user.oid}`,
        name: grant.user.name,
        preferred_username: grant.user.preferred_username,
        nonce: grant.nonce,
        ver: '2.0',
        ...(grant.user.groups ? { groups: grant.user.groups } : {}),
        ...(grant.user.roles ? { roles: grant.user.roles } : {}),
      })
        .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: 'stub-key' })
        .setIssuedAt(now)
        .setNotBefore(now)
        .setExpirationTime(now + 3600)
        .sign(signingKey);
      return sendJson(res, 200, {
        token_type: 'Bearer',
        scope: 'openid profile email',
        expires_in: 3599,
        ext_expires_in: 3599,
        access_token: `stub-user-access-token-${grant.user.oid}`,
        id_token: idToken,
        client_info: Buffer.from(JSON.stringify({ uid: grant.user.oid, utid: tid })).toString('base64url'),
      });
    }
    if (req.method === 'GET' && u.pathname === `${base}/logout`) {
      const back = u.searchParams.get('post_logout_redirect_uri');
      res.writeHead(back ? 302 : 200, back ? { location: back } : { 'content-type': 'text/plain' });
      res.end(back ? undefined : "signed out");
      return;
    }
    sendJson(res, 404, { error: 'not_found', error_description: `stub: no ${req.method} ${u.pathname}` });
  });
  url = server.url;
  return {
    ...server,
    authorityHost: `${server.url}/`,
    tenantId,
    signInAs(next) {
      user = next;
    },
    tokenRequests: () => server.requests.filter((r) => r.method === 'POST').map((r) => new URLSearchParams(r.body)),
    failNextAuthorize(error) {
      nextAuthorizeError = error;
    },
  };
}

/** The app registration idlens signs users in to, in tests. */
export const STUB_CLIENT_ID = '5a1d0c3e-0000-4000-8000-0000000000bb';

/**
 * The environment of idlens in server mode signing users in at this stand-in (for startServer,
 * which passes the server's own URL). The client proves itself with a secret unless `extra` gives
 * AZURE_FEDERATED_TOKEN_FILE, which comes first.
 */
export function entraServerEnv(entra: EntraSignInStub, sessionSecret: string, extra: Record<string, string> = {}) {
  return (url: string): Record<string, string> => ({
    IDLENS_MODE: 'server',
    IDLENS_AUTH: 'entra',
    IDLENS_PUBLIC_URL: url,
    IDLENS_SESSION_SECRET: sessionSecret,
    AZURE_TENANT_ID: entra.tenantId,
    AZURE_CLIENT_ID: STUB_CLIENT_ID,
    IDLENS_AUTH_CLIENT_SECRET: 'client-secret-for-the-stub',
    AZURE_AUTHORITY_HOST: entra.authorityHost,
    ...extra,
  });
}
