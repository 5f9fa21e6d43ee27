import 'server-only';
import { getConfig, type Config } from '@/lib/config';
import { addressAllowed, peerAddress } from './peer';
import { LOCAL_PRINCIPAL, type Principal } from './principal';
import { isRevoked } from './revocations';
import { openSession, readCookie, SESSION_COOKIE } from './session-cookie';

// The one place that decides who a request is from. Every route handler and every page calls it
// (lib/server/auth/guard.ts, app/page-auth.ts); the proxy (proxy.ts) calls it too, but only
// to redirect early: it is never the only check (CVE-2025-29927).

export type Authentication =
  | { ok: true; principal: Principal }
  | { ok: false; reason: string };

export async function authenticate(headers: Headers, config: Config = getConfig()): Promise<Authentication> {
  switch (config.IDLENS_AUTH) {
    case undefined:
      // Local mode: the server listens on 127.0.0.1 only (lib/server/main.mjs); the schema refuses
      // server mode without IDLENS_AUTH.
      if (config.IDLENS_MODE !== 'local') return { ok: false, reason: 'Server mode without sign-in is not allowed.' };
      return { ok: true, principal: LOCAL_PRINCIPAL };
    case 'entra': {
      const session = await openSession(readCookie(headers.get('cookie'), SESSION_COOKIE), config.IDLENS_SESSION_SECRET ?? '');
      if (!session || isRevoked(session.sid)) return { ok: false, reason: 'Not signed in, or the session expired. Sign in at /signin.' };
      return { ok: true, principal: session.principal };
    }
    case 'proxy': {
      const peer = peerAddress(headers);
      if (!peer) return { ok: false, reason: 'The request did not come through idlens’s own HTTP entry (lib/server/main.mjs); the proxy header cannot be trusted.' };
      if (!addressAllowed(peer, config.IDLENS_AUTH_PROXY_ADDRESSES)) {
        return { ok: false, reason: `The request came from ${peer}, which is not one of IDLENS_AUTH_PROXY_ADDRESSES: open idlens through the auth proxy.` };
      }
      const user = headers.get(config.IDLENS_AUTH_PROXY_HEADER)?.trim();
      if (!user) return { ok: false, reason: `The auth proxy sent no ${config.IDLENS_AUTH_PROXY_HEADER} header.` };
      // Repeated headers arrive joined with ", ": one user per request, or none.
      if (user.includes(',')) return { ok: false, reason: `The request carries more than one ${config.IDLENS_AUTH_PROXY_HEADER} value.` };
      const name = user.slice(0, 256);
      return { ok: true, principal: { id: name, name, username: name, via: 'proxy' } };
    }
  }
}
