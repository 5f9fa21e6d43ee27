import 'server-only';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { authenticate } from './authenticate';
import type { Principal } from './principal';

/**
 * Called at the top of every page (server component): without a session the page is never rendered,
 * the browser goes to /signin and comes back to `returnTo` afterwards. Not left to the proxy alone.
 */
export async function requireSignedIn(returnTo: string): Promise<Principal> {
  const auth = await authenticate(await headers());
  if (!auth.ok) redirect(`/signin?returnTo=${encodeURIComponent(returnTo)}`);
  return auth.principal;
}

