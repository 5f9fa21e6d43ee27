import 'server-only';
// Lives in app/ (not lib/): it uses React's per-request cache, and lib/ imports no React.
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { cache } from 'react';
import { authenticate, type Authentication } from '@/lib/server/auth/authenticate';
import type { Principal } from '@/lib/server/auth/principal';

/**
 * Who the current page request is from, decided once per request: the layout, the page and the
 * sign-in page all ask, and share the answer (React's per-request cache).
 */
export const pageAuthentication = cache(async (): Promise<Authentication> => authenticate(await headers()));

/**
 * Called at the top of every page (server component): without a session the page is never rendered,
 * the browser goes to /signin and comes back to `returnTo` afterwards. Not left to the proxy alone.
 */
export async function requireSignedIn(returnTo: string): Promise<Principal> {
  const auth = await pageAuthentication();
  if (!auth.ok) redirect(`/signin?returnTo=${encodeURIComponent(returnTo)}`);
  return auth.principal;
}
