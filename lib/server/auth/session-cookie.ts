import 'server-only';
import { hkdfSync } from 'node:crypto';
import { EncryptJWT, jwtDecrypt } from 'jose';
import type { Principal } from './principal';

// Sessions and the short-lived sign-in state live in cookies encrypted with a key derived from
// IDLENS_SESSION_SECRET (JWE, dir + A256GCM: confidential and tamper-evident), expiring on their own.
// `__Host-` names: the browser only accepts them Secure, host-only and on path `/`.

export const SESSION_COOKIE = '__Host-idlens-session';
export const SIGN_IN_COOKIE = '__Host-idlens-signin';

const keys = new Map<string, Uint8Array>();

function keyFor(secret: string, purpose: 'session' | 'sign-in'): Uint8Array {
  const id = `${purpose}\0${secret}`;
  let key = keys.get(id);
  if (!key) {
    key = new Uint8Array(hkdfSync('sha256', secret, 'idlens', `idlens ${purpose} cookie v1`, 32));
    keys.set(id, key);
  }
  return key;
}

export interface Session {
  principal: Principal;
  /** Random session id: what sign-out revokes (lib/server/auth/revocations.ts). */
  sid: string;
  expiresAt: Date;
}

export interface PendingSignIn {
  state: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string;
}

export async function sealSession(session: Omit<Session, 'expiresAt'>, secret: string, ttlSeconds: number): Promise<string> {
  return new EncryptJWT({ principal: session.principal, sid: session.sid })
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .encrypt(keyFor(secret, 'session'));
}

/** The session in a cookie value, or undefined when absent, forged, for another key, or expired. */
export async function openSession(value: string | undefined, secret: string): Promise<Session | undefined> {
  if (!value || value.length > 8192) return undefined;
  try {
    const { payload } = await jwtDecrypt(value, keyFor(secret, 'session'), { keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'] });
    const principal = payload.principal as Principal | undefined;
    if (!principal || typeof principal.id !== 'string' || typeof payload.sid !== 'string' || typeof payload.exp !== 'number') return undefined;
    return { principal, sid: payload.sid, expiresAt: new Date(payload.exp * 1000) };
  } catch {
    return undefined;
  }
}

export async function sealPendingSignIn(pending: PendingSignIn, secret: string): Promise<string> {
  return new EncryptJWT({ ...pending })
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
    .setIssuedAt()
    .setExpirationTime('10m')
    .encrypt(keyFor(secret, 'sign-in'));
}

export async function openPendingSignIn(value: string | undefined, secret: string): Promise<PendingSignIn | undefined> {
  if (!value || value.length > 8192) return undefined;
  try {
    const { payload } = await jwtDecrypt(value, keyFor(secret, 'sign-in'), { keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'] });
    const { state, nonce, codeVerifier, returnTo } = payload as Record<string, unknown>;
    if (typeof state !== 'string' || typeof nonce !== 'string' || typeof codeVerifier !== 'string' || typeof returnTo !== 'string') return undefined;
    return { state, nonce, codeVerifier, returnTo };
  } catch {
    return undefined;
  }
}

/** A `Set-Cookie` value with the attributes every idlens cookie carries. */
export function cookieHeader(name: string, value: string, maxAgeSeconds: number): string {
  return `${name}=${value}; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`;
}

export function clearCookieHeader(name: string): string {
  return `${name}=; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=0`;
}

/** One cookie's value from a `Cookie` request header. */
export function readCookie(header: string | null | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
