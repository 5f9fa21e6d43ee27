import { NextResponse, type NextRequest } from 'next/server';
import { getConfig } from '@/lib/config';
import { authenticate } from '@/lib/server/auth/authenticate';
import { contentSecurityPolicy, newNonce } from '@/lib/server/csp';

// Next.js's proxy (formerly middleware) runs before every page: it puts a fresh nonce into the
// Content-Security-Policy (Next.js reads it from the request header and stamps its scripts) and
// sends visitors without a session to /signin early. It is a convenience, not the access check:
// every page and route handler checks for itself (app/page-auth.ts, lib/server/auth/guard.ts).

const PUBLIC_PAGES = new Set(['/signin']);

export async function proxy(request: NextRequest): Promise<NextResponse> {
  const config = getConfig();
  const nonce = newNonce();
  const authorityOrigin = new URL(config.AZURE_AUTHORITY_HOST).origin;
  const csp = contentSecurityPolicy(nonce, { formTargets: config.IDLENS_AUTH === 'entra' ? [authorityOrigin] : [] });
  const { pathname, search } = request.nextUrl;

  // IDLENS_TEST_SKIP_PROXY_REDIRECT=1 lets the security tests prove that pages refuse visitors
  // without a session on their own (the proxy being bypassed, as in CVE-2025-29927). It only drops
  // this early redirect; nothing else reads it.
  const earlyRedirect = process.env.IDLENS_TEST_SKIP_PROXY_REDIRECT !== '1';
  if (earlyRedirect && config.IDLENS_AUTH && !PUBLIC_PAGES.has(pathname) && !pathname.startsWith('/api/')) {
    const auth = await authenticate(request.headers, config);
    if (!auth.ok) {
      const target = new URL('/signin', request.url);
      target.searchParams.set('returnTo', `${pathname}${search}`);
      const response = NextResponse.redirect(target, 303);
      response.headers.set('cache-control', 'private, no-store');
      return response;
    }
  }

  const headers = new Headers(request.headers);
  headers.set('x-nonce', nonce);
  headers.set('content-security-policy', csp);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set('content-security-policy', csp);
  return response;
}

export const config = {
  // Everything that can render a page (the not-found page included) gets the CSP; only the API
  // (handlers answer JSON themselves) and Next.js's hashed static files are left out.
  matcher: [{ source: '/((?!api/|_next/static/).*)' }],
};
