// `X-RateLimit-Reset` in words. APIs write it three ways: epoch seconds (GitHub, most gateways),
// seconds left until the window resets (IETF RateLimit drafts, some Azure APIs), or an HTTP/ISO date.
// Pure: the log's own text in, a phrase out; the raw value stays in the line.

/** Epoch seconds from here on are dates (2001-09-09); below, a count of seconds left. */
const EPOCH_SECONDS_FROM = 1_000_000_000;
const EPOCH_MS_FROM = 1_000_000_000_000;

/** "at 2026-11-29T10:03:20Z", "42 s after the response", or the raw text where it is neither a number nor a date with a zone. */
export function rateLimitResetText(raw: string): string {
  const text = raw.trim();
  if (/^\d+(?:\.\d+)?$/.test(text)) {
    const n = Number(text);
    if (n >= EPOCH_MS_FROM) return `at ${isoSeconds(n)}`;
    if (n >= EPOCH_SECONDS_FROM) return `at ${isoSeconds(n * 1000)}`;
    return `${n} s after the response`;
  }
  // Only a date that names its zone: one without would be read in this server's zone.
  const date = Date.parse(text);
  if (!Number.isNaN(date) && /(?:Z|[+-]\d{2}:?\d{2}|\bGMT|\bUTC)$/i.test(text)) return `at ${isoSeconds(date)}`;
  return `at ${text}`;
}

function isoSeconds(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? String(ms) : date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
