// The time claims of a token (NumericDate: seconds since the epoch, RFC 7519 §2) read against a
// `now` the caller passes, so the same token reads the same in tests, on the server and in the page.

import type { JsonObject } from './decode';

export type TokenTimeState = 'valid' | 'expired' | 'not-yet-valid' | 'no-expiry';

export interface TokenTimes {
  issuedAt?: Date;
  notBefore?: Date;
  expiresAt?: Date;
  /** `exp − iat` (or `exp − nbf` without `iat`), in seconds; negative when `exp` precedes it. */
  lifetimeSeconds?: number;
  state: TokenTimeState;
  /** `exp − now` in seconds; negative once expired. */
  expiresInSeconds?: number;
}

/** Largest NumericDate a JavaScript Date can hold (±8.64e15 ms); beyond it `toISOString` throws. */
const MAX_NUMERIC_DATE = 8.64e12;

/** A NumericDate claim, or undefined when absent or not a usable number (reported by warnings.ts). */
export function numericDate(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= MAX_NUMERIC_DATE ? value : undefined;
}

/**
 * Expiry is exact (`exp` is the first second the token is refused, RFC 7519 §4.1.4), so the page
 * says "expired" the moment it is. The start of validity allows `clockSkewSeconds`: issuers stamp
 * `nbf`/`iat` with their own clock, and a token minted a few seconds "in the future" is normal.
 */
export function tokenTimes(payload: JsonObject, now: Date, { clockSkewSeconds = 300 }: { clockSkewSeconds?: number } = {}): TokenTimes {
  const iat = numericDate(payload.iat);
  const nbf = numericDate(payload.nbf);
  const exp = numericDate(payload.exp);
  const nowSeconds = now.getTime() / 1000;
  const start = iat ?? nbf;
  const validFrom = nbf ?? iat;

  let state: TokenTimeState;
  if (exp !== undefined && nowSeconds >= exp) state = 'expired';
  else if (validFrom !== undefined && validFrom > nowSeconds + clockSkewSeconds) state = 'not-yet-valid';
  else if (exp === undefined) state = 'no-expiry';
  else state = 'valid';

  return {
    ...(iat !== undefined && { issuedAt: new Date(iat * 1000) }),
    ...(nbf !== undefined && { notBefore: new Date(nbf * 1000) }),
    ...(exp !== undefined && { expiresAt: new Date(exp * 1000) }),
    ...(exp !== undefined && start !== undefined && { lifetimeSeconds: exp - start }),
    ...(exp !== undefined && { expiresInSeconds: Math.round(exp - nowSeconds) }),
    state,
  };
}

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** One rounded-down unit: `42 min`, `3 h`, `12 s`, `2 d`. Hours up to 48 h, where days start to read better. */
function approximate(seconds: number): string {
  const s = Math.floor(Math.abs(seconds));
  if (s < MINUTE) return `${s} s`;
  if (s < HOUR) return `${Math.floor(s / MINUTE)} min`;
  if (s < 2 * DAY) return `${Math.floor(s / HOUR)} h`;
  return `${Math.floor(s / DAY)} d`;
}

/**
 * `deltaSeconds` (target − now) in words: `in 42 min`, `3 h ago`. Zero reads `0 s ago`, because a
 * JWT whose `exp` is now is already expired.
 */
export function formatRelative(deltaSeconds: number): string {
  return deltaSeconds > 0 ? `in ${approximate(deltaSeconds)}` : `${approximate(deltaSeconds)} ago`;
}

/** A moment relative to now, both in epoch seconds: `in 42 min`, `3 h ago`, `in 12 s`, `2 d ago`. */
export function describeRelative(targetEpochSeconds: number, nowEpochSeconds: number): string {
  return formatRelative(targetEpochSeconds - nowEpochSeconds);
}

/** A length of time with its two largest units: `1 h`, `1 h 30 min`, `24 h`, `10 min`, `3 d 2 h`. */
export function formatDuration(seconds: number): string {
  if (seconds < 0) return `-${formatDuration(-seconds)}`;
  const s = Math.round(seconds);
  const units: Array<[number, string]> =
    s >= 2 * DAY
      ? [
          [Math.floor(s / DAY), 'd'],
          [Math.floor((s % DAY) / HOUR), 'h'],
        ]
      : s >= HOUR
        ? [
            [Math.floor(s / HOUR), 'h'],
            [Math.floor((s % HOUR) / MINUTE), 'min'],
          ]
        : s >= MINUTE
          ? [
              [Math.floor(s / MINUTE), 'min'],
              [s % MINUTE, 's'],
            ]
          : [[s, 's']];
  const [first, second] = units;
  return second && second[0] > 0 ? `${first![0]} ${first![1]} ${second[0]} ${second[1]}` : `${first![0]} ${first![1]}`;
}

/** `2025-01-31 14:05:09 UTC`: unambiguous in messages; local time is the UI's business. */
export function formatUtc(date: Date): string {
  return `${date.toISOString().replace(/\.\d{3}Z$/, '').replace('T', ' ')} UTC`;
}
