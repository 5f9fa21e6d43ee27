import { describe, expect, it } from 'vitest';
import { addressAllowed, peerAddress } from '@/lib/server/auth/peer';
import { safeReturnTo } from '@/lib/server/auth/entra-sign-in';
import { openPendingSignIn, openSession, readCookie, sealPendingSignIn, sealSession } from '@/lib/server/auth/session-cookie';
import { contentSecurityPolicy, newNonce } from '@/lib/server/csp';
import { parseEnv } from '@/lib/config-schema.mjs';

const SECRET = 'x'.repeat(40);
const principal = { id: 'oid-1', name: 'Alice', via: 'entra' as const };

describe('session cookies', () => {
  it('round-trip, and refuse another key, tampering, expiry and the sign-in key', async () => {
    const sealed = await sealSession({ principal, sid: 's1' }, SECRET, 60);
    expect(sealed.split('.')).toHaveLength(5);
    expect(sealed).not.toContain('Alice');
    const opened = await openSession(sealed, SECRET);
    expect(opened).toMatchObject({ principal, sid: 's1' });
    expect(await openSession(sealed, 'y'.repeat(40))).toBeUndefined();
    const parts = sealed.split('.');
    parts[3] = parts[3]!.slice(0, -2) + (parts[3]!.endsWith('AA') ? 'BB' : 'AA');
    expect(await openSession(parts.join('.'), SECRET)).toBeUndefined();
    expect(await openSession('garbage', SECRET)).toBeUndefined();
    expect(await openSession(undefined, SECRET)).toBeUndefined();
    const expired = await sealSession({ principal, sid: 's2' }, SECRET, -10);
    expect(await openSession(expired, SECRET)).toBeUndefined();
    // A sign-in state cookie is no session, and the reverse.
    const pending = await sealPendingSignIn({ state: 's', nonce: 'n', codeVerifier: 'v', returnTo: '/map' }, SECRET);
    expect(await openSession(pending, SECRET)).toBeUndefined();
    expect(await openPendingSignIn(sealed, SECRET)).toBeUndefined();
    expect(await openPendingSignIn(pending, SECRET)).toEqual({ state: 's', nonce: 'n', codeVerifier: 'v', returnTo: '/map' });
  });

  it('reads one cookie from a Cookie header', () => {
    expect(readCookie('a=1; __Host-idlens-session=abc.def; b=2', '__Host-idlens-session')).toBe('abc.def');
    expect(readCookie('a=1', '__Host-idlens-session')).toBeUndefined();
    expect(readCookie(null, 'a')).toBeUndefined();
  });
});

describe('safeReturnTo', () => {
  it.each([
    ['/map?kind=serviceAccount', '/map?kind=serviceAccount'],
    ['/traces/c0ffee00', '/traces/c0ffee00'],
    ['https://evil.example/', '/'],
    ['//evil.example/x', '/'],
    ['/\\evil.example', '/'],
    ['/\t/evil.example/x', '/'],
    ['/\n/evil.example', '/'],
    ['/\r\n//evil.example', '/'],
    ['/map\\..\\x', '/'],
    ['/%09/evil.example', '/%09/evil.example'],
    ['/traces?outcome=failed#top', '/traces?outcome=failed#top'],
    ['/api/identity-map', '/'],
    ['/signin?returnTo=/signin', '/'],
    ['', '/'],
    [null, '/'],
  ])('%s → %s', (input, expected) => {
    expect(safeReturnTo(input)).toBe(expected);
  });
});

describe('peer address', () => {
  it('is trusted only with the entry point’s secret', () => {
    process.env.IDLENS_PEER_SECRET = 'sekret';
    try {
      expect(peerAddress(new Headers({ 'x-idlens-peer': 'sekret ::ffff:10.1.2.3' }))).toBe('10.1.2.3');
      expect(peerAddress(new Headers({ 'x-idlens-peer': 'sekret ::1' }))).toBe('::1');
      expect(peerAddress(new Headers({ 'x-idlens-peer': 'guess 10.1.2.3' }))).toBeUndefined();
      expect(peerAddress(new Headers({ 'x-idlens-peer': 'sekret not-an-ip' }))).toBeUndefined();
      expect(peerAddress(new Headers())).toBeUndefined();
    } finally {
      delete process.env.IDLENS_PEER_SECRET;
    }
    expect(peerAddress(new Headers({ 'x-idlens-peer': 'undefined 10.1.2.3' }))).toBeUndefined();
  });

  it('matches addresses and CIDR ranges of both families', () => {
    expect(addressAllowed('10.20.3.4', ['10.20.0.0/16'])).toBe(true);
    expect(addressAllowed('10.21.3.4', ['10.20.0.0/16'])).toBe(false);
    expect(addressAllowed('127.0.0.1', ['127.0.0.1'])).toBe(true);
    expect(addressAllowed('fd00::5', ['fd00::/64'])).toBe(true);
    expect(addressAllowed('::1', ['127.0.0.1'])).toBe(false);
  });
});

describe('content security policy', () => {
  it('carries the nonce and no unsafe source', () => {
    const nonce = newNonce();
    expect(nonce).not.toBe(newNonce());
    const policy = contentSecurityPolicy(nonce, { formTargets: ['https://login.microsoftonline.com'] });
    expect(policy).toContain(`script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`);
    expect(policy).toContain(`style-src 'self' 'nonce-${nonce}'`);
    expect(policy).toContain("form-action 'self' https://login.microsoftonline.com");
    expect(policy).not.toMatch(/unsafe/);
  });
});

describe('server mode configuration', () => {
  const complete = {
    IDLENS_MODE: 'server',
    IDLENS_AUTH: 'entra',
    IDLENS_PUBLIC_URL: 'https://idlens.example',
    AZURE_TENANT_ID: 't',
    AZURE_CLIENT_ID: 'c',
    AZURE_FEDERATED_TOKEN_FILE: '/var/run/secrets/azure/tokens/azure-identity-token',
    IDLENS_SESSION_SECRET: SECRET,
  };
  it('accepts a complete Entra sign-in configuration, and local mode without any', () => {
    expect(parseEnv(complete).ok).toBe(true);
    expect(parseEnv({}).ok).toBe(true);
  });
  it.each([
    ['IDLENS_AUTH', /needs IDLENS_AUTH=entra/],
    ['IDLENS_PUBLIC_URL', /needs IDLENS_PUBLIC_URL/],
    ['IDLENS_SESSION_SECRET', /IDLENS_SESSION_SECRET of at least 32/],
    ['AZURE_FEDERATED_TOKEN_FILE', /needs a client credential/],
  ])('refuses server mode without %s', (missing, message) => {
    const env: Record<string, string> = { ...complete };
    delete env[missing];
    const parsed = parseEnv(env);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.problems.join('\n')).toMatch(message);
  });
  it('checks the proxy addresses and the rate limit', () => {
    const bad = parseEnv({ IDLENS_MODE: 'server', IDLENS_AUTH: 'proxy', IDLENS_AUTH_PROXY_ADDRESSES: '10.0.0.0/8,example.com', IDLENS_RATE_LIMIT_PER_MINUTE: '-1' });
    expect(bad.ok ? '' : bad.problems.join('\n')).toMatch(/"example.com" is not an IP address[\s\S]*IDLENS_RATE_LIMIT_PER_MINUTE="-1"/);
  });
});
