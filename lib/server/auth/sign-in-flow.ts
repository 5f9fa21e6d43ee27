import 'server-only';
import { randomBytes } from 'node:crypto';
import { getConfig } from '@/lib/config';
import { beginSignIn, completeSignIn, safeReturnTo, SignInRefused, signInSettings, signOutUrl, type SignInSettings } from './entra-sign-in';
import type { Principal } from './principal';
import { revokeSession } from './revocations';
import {
  clearCookieHeader,
  cookieHeader,
  openPendingSignIn,
  openSession,
  readCookie,
  sealPendingSignIn,
  sealSession,
  SESSION_COOKIE,
  SIGN_IN_COOKIE,
} from './session-cookie';

// The HTTP side of sign-in: which cookies are set and where the browser is sent. Route handlers in
// app/api/auth/* are one line each on top of this.

export const SIGN_IN_ERROR_COOKIE = '__Host-idlens-signin-error';

let settings: SignInSettings | undefined;
function entraSettings(): SignInSettings {
  settings ??= signInSettings(getConfig());
  return settings;
}

function publicUrl(path: string): string {
  return new URL(path, getConfig().IDLENS_PUBLIC_URL ?? 'http://127.0.0.1/').toString();
}

function redirect(location: string, cookies: string[] = []): Response {
  const headers = new Headers({ location, 'cache-control': 'private, no-store' });
  for (const cookie of cookies) headers.append('set-cookie', cookie);
  return new Response(null, { status: 303, headers });
}

/** GET /api/auth/signin?returnTo=/map → Entra ID's authorize endpoint, with a sealed PKCE state cookie. */
export async function signInResponse(request: Request): Promise<Response> {
  const config = getConfig();
  if (config.IDLENS_AUTH !== 'entra') return redirect(new URL('/', request.url).toString());
  const returnTo = safeReturnTo(new URL(request.url).searchParams.get('returnTo'));
  const { url, pending } = await beginSignIn(entraSettings(), returnTo);
  const sealed = await sealPendingSignIn(pending, config.IDLENS_SESSION_SECRET!);
  return redirect(url, [cookieHeader(SIGN_IN_COOKIE, sealed, 600), clearCookieHeader(SIGN_IN_ERROR_COOKIE)]);
}

/** GET /api/auth/callback?code&state → a session cookie and back to where the user was going. */
export async function callbackResponse(request: Request, log: { info: (m: string, f?: Record<string, unknown>) => void; warn: (m: string, f?: Record<string, unknown>) => void }): Promise<Response> {
  const config = getConfig();
  if (config.IDLENS_AUTH !== 'entra') return redirect(new URL('/', request.url).toString());
  const secret = config.IDLENS_SESSION_SECRET!;
  const pending = await openPendingSignIn(readCookie(request.headers.get('cookie'), SIGN_IN_COOKIE), secret);
  try {
    const { principal, returnTo } = await completeSignIn(entraSettings(), new URL(request.url).searchParams, pending);
    const ttl = config.IDLENS_SESSION_TTL_MINUTES * 60;
    const session = await sealSession({ principal, sid: randomBytes(18).toString('base64url') }, secret, ttl);
    log.info('signed in', { user: principal.id });
    return redirect(publicUrl(returnTo), [cookieHeader(SESSION_COOKIE, session, ttl), clearCookieHeader(SIGN_IN_COOKIE)]);
  } catch (error) {
    if (!(error instanceof SignInRefused)) throw error;
    log.warn('sign-in refused', { code: error.code, reason: error.message });
    // The reason travels in a short-lived cookie, not the URL: a crafted link cannot put words on
    // the sign-in page.
    return redirect(publicUrl(`/signin?error=${encodeURIComponent(error.code)}`), [
      clearCookieHeader(SIGN_IN_COOKIE),
      cookieHeader(SIGN_IN_ERROR_COOKIE, encodeURIComponent(error.message.slice(0, 600)), 120),
    ]);
  }
}

/**
 * POST /api/auth/signout → the session revoked and its cookie cleared, then Entra ID's sign-out.
 * Only from idlens's own pages: a cross-site form cannot sign anyone out.
 */
export async function signOutResponse(request: Request): Promise<Response> {
  const config = getConfig();
  const origin = request.headers.get('origin');
  const site = request.headers.get('sec-fetch-site');
  const ownOrigin = new URL(config.IDLENS_PUBLIC_URL ?? request.url).origin;
  // Browsers say where a request comes from in Sec-Fetch-Site; the Origin of a form POST is "null"
  // under Referrer-Policy: no-referrer, so it only counts when it names an origin.
  const crossSite = site ? site !== 'same-origin' && site !== 'none' : Boolean(origin && origin !== 'null' && origin !== ownOrigin);
  if (crossSite) {
    return new Response(JSON.stringify({ error: { code: 'cross-site', message: 'Sign out from idlens itself.' } }), {
      status: 403,
      headers: { 'content-type': 'application/json', 'cache-control': 'private, no-store' },
    });
  }
  const cookies = [clearCookieHeader(SESSION_COOKIE)];
  if (config.IDLENS_AUTH !== 'entra') return redirect(publicUrl('/'), cookies);
  const session = await openSession(readCookie(request.headers.get('cookie'), SESSION_COOKIE), config.IDLENS_SESSION_SECRET!);
  if (session) revokeSession(session.sid, session.expiresAt);
  return redirect(signOutUrl(entraSettings()), cookies);
}

/** The sign-in failure message left by the callback, if any. */
export function signInErrorMessage(cookieHeaderValue: string | null): string | undefined {
  const raw = readCookie(cookieHeaderValue, SIGN_IN_ERROR_COOKIE);
  if (!raw) return undefined;
  try {
    return decodeURIComponent(raw).slice(0, 600);
  } catch {
    return undefined;
  }
}

export function describePrincipal(principal: Principal): { name: string; username?: string; via: Principal['via'] } {
  return { name: principal.name, username: principal.username, via: principal.via };
}
