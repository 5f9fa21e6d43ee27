import type { ExplainErrorResponse } from '@/lib/server/explain-error';
import { maskSecrets } from '@/lib/traces/mask';

// The /explain page's text and result, kept for this tab only (sessionStorage: gone when the tab
// closes, never sent anywhere) so Back from a candidate's /map link finds them again. The text is an
// error message, not a token; still, it is not kept beyond the tab session, and a text that holds
// something shaped like a JWT or a bearer token (a whole log line pasted) is not kept at all.

/** Versioned: a tab that outlives an upgrade drops an older shape instead of drawing it. */
const KEY = 'idlens:explain:v1';

export interface ExplainSession {
  text: string;
  result?: ExplainErrorResponse;
}

export function loadExplainSession(): ExplainSession | undefined {
  try {
    const raw = window.sessionStorage.getItem(KEY);
    if (!raw) return undefined;
    const value: unknown = JSON.parse(raw);
    if (!value || typeof value !== 'object' || typeof (value as { text?: unknown }).text !== 'string') return undefined;
    const { text, result } = value as { text: string; result?: unknown };
    // Our own earlier write; a light check keeps a hand-edited or truncated value from crashing the view.
    const usable = result && typeof result === 'object' && typeof (result as { verdict?: unknown }).verdict === 'string' && Array.isArray((result as { candidates?: unknown }).candidates);
    return { text, result: usable ? (result as ExplainErrorResponse) : undefined };
  } catch {
    return undefined;
  }
}

export function saveExplainSession(session: ExplainSession): void {
  try {
    if ((!session.text && !session.result) || maskSecrets(session.text).secrets.length > 0) window.sessionStorage.removeItem(KEY);
    else window.sessionStorage.setItem(KEY, JSON.stringify(session));
  } catch {
    // Storage full or disabled: Back then shows an empty page, as before.
  }
}
