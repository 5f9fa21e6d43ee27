import 'server-only';

// Sessions signed out before they expire. Session cookies are self-contained (encrypted, expiring),
// so signing out must also remember the session id until the cookie would have expired anyway: a
// copy of the cookie is worthless afterwards. Kept in this process (the Deployment runs one
// replica; with several, put them behind session affinity or share this list).

const revoked = new Map<string, number>();
const MAX_ENTRIES = 100_000;

export function revokeSession(sid: string, expiresAt: Date, now = Date.now()): void {
  prune(now);
  if (revoked.size >= MAX_ENTRIES) revoked.delete(revoked.keys().next().value!);
  revoked.set(sid, expiresAt.getTime());
}

export function isRevoked(sid: string, now = Date.now()): boolean {
  const until = revoked.get(sid);
  if (until === undefined) return false;
  if (until <= now) {
    revoked.delete(sid);
    return false;
  }
  return true;
}

function prune(now: number): void {
  for (const [sid, until] of revoked) if (until <= now) revoked.delete(sid);
}
