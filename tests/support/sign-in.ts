import type { EntraSignInStub, TestUser } from './entra-signin-stub';

/**
 * Walks the sign-in redirects with fetch (no browser) and returns the Cookie header of the session,
 * or the page the flow ended on when it was refused.
 */
export async function signInWithFetch(serverUrl: string, entra: EntraSignInStub, user?: TestUser): Promise<{ cookie?: string; landedOn: string }> {
  if (user) entra.signInAs(user);
  const jar = new Map<string, string>();
  const remember = (response: Response) => {
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (/Max-Age=0/i.test(header)) jar.delete(name);
      else jar.set(name, value);
    }
  };
  const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  let url = `${serverUrl}/api/auth/signin?returnTo=%2F`;
  for (let hop = 0; hop < 6; hop++) {
    const sameServer = url.startsWith(serverUrl);
    const response = await fetch(url, { redirect: 'manual', headers: sameServer ? { cookie: cookieHeader() } : {} });
    if (sameServer) remember(response);
    const location = response.headers.get('location');
    if (!location || response.status < 300 || response.status >= 400) break;
    url = new URL(location, url).toString();
    if (url.startsWith(serverUrl) && !url.includes('/api/auth/')) break;
  }
  const session = jar.get('__Host-idlens-session');
  return { cookie: session ? `__Host-idlens-session=${session}` : undefined, landedOn: url };
}
