import { describe, expect, it } from 'vitest';
import { describeRelative, formatDuration, formatRelative, formatUtc, tokenTimes } from '@/lib/tokens/times';
import { HOUR, MINUTE, NOW, NOW_SECONDS } from './token-factories';

describe('tokenTimes', () => {
  it('reads iat, nbf and exp as dates with the lifetime and time left', () => {
    const times = tokenTimes({ iat: NOW_SECONDS - 10 * MINUTE, nbf: NOW_SECONDS - 10 * MINUTE, exp: NOW_SECONDS + 50 * MINUTE }, NOW);
    expect(times).toEqual({
      issuedAt: new Date('2025-06-01T11:50:00Z'),
      notBefore: new Date('2025-06-01T11:50:00Z'),
      expiresAt: new Date('2025-06-01T12:50:00Z'),
      lifetimeSeconds: HOUR,
      expiresInSeconds: 50 * MINUTE,
      state: 'valid',
    });
  });

  it('is expired from the second exp names on (RFC 7519: "on or after")', () => {
    expect(tokenTimes({ exp: NOW_SECONDS }, NOW).state).toBe('expired');
    expect(tokenTimes({ exp: NOW_SECONDS + 1 }, NOW).state).toBe('valid');
    expect(tokenTimes({ exp: NOW_SECONDS - 3 * HOUR }, NOW)).toMatchObject({ state: 'expired', expiresInSeconds: -3 * HOUR });
  });

  it('is not yet valid only beyond the clock-skew allowance', () => {
    expect(tokenTimes({ nbf: NOW_SECONDS + 4 * MINUTE, exp: NOW_SECONDS + HOUR }, NOW).state).toBe('valid');
    expect(tokenTimes({ nbf: NOW_SECONDS + 6 * MINUTE, exp: NOW_SECONDS + HOUR }, NOW).state).toBe('not-yet-valid');
    expect(tokenTimes({ nbf: NOW_SECONDS + 4 * MINUTE, exp: NOW_SECONDS + HOUR }, NOW, { clockSkewSeconds: 0 }).state).toBe('not-yet-valid');
  });

  it('uses iat for the start of validity when there is no nbf', () => {
    expect(tokenTimes({ iat: NOW_SECONDS + HOUR, exp: NOW_SECONDS + 2 * HOUR }, NOW).state).toBe('not-yet-valid');
  });

  it('says no-expiry without exp, and leaves out what it cannot know', () => {
    expect(tokenTimes({ iat: NOW_SECONDS }, NOW)).toEqual({ issuedAt: NOW, state: 'no-expiry' });
  });

  it('ignores time claims that are not usable numbers instead of throwing', () => {
    const times = tokenTimes({ iat: 'yesterday', nbf: null, exp: 1e20 }, NOW);
    expect(times).toEqual({ state: 'no-expiry' });
  });

  it('computes the lifetime from nbf when iat is missing', () => {
    expect(tokenTimes({ nbf: NOW_SECONDS, exp: NOW_SECONDS + 24 * HOUR }, NOW).lifetimeSeconds).toBe(24 * HOUR);
  });
});

describe('describeRelative', () => {
  it.each([
    [NOW_SECONDS + 42 * MINUTE, 'in 42 min'],
    [NOW_SECONDS - 3 * HOUR, '3 h ago'],
    [NOW_SECONDS - 3 * HOUR - 59 * MINUTE, '3 h ago'],
    [NOW_SECONDS + 12, 'in 12 s'],
    [NOW_SECONDS - 2 * 24 * HOUR, '2 d ago'],
    [NOW_SECONDS + 47 * HOUR, 'in 47 h'],
    [NOW_SECONDS - 59, '59 s ago'],
    [NOW_SECONDS + 60, 'in 1 min'],
    [NOW_SECONDS, '0 s ago'],
  ])('%d → %s', (target, expected) => {
    expect(describeRelative(target, NOW_SECONDS)).toBe(expected);
  });

  it('agrees with formatRelative on the difference', () => {
    expect(formatRelative(-3 * HOUR)).toBe('3 h ago');
    expect(formatRelative(42 * MINUTE)).toBe('in 42 min');
  });
});

describe('formatDuration', () => {
  it.each([
    [HOUR, '1 h'],
    [HOUR + 30 * MINUTE, '1 h 30 min'],
    [24 * HOUR, '24 h'],
    [10 * MINUTE, '10 min'],
    [90, '1 min 30 s'],
    [45, '45 s'],
    [0, '0 s'],
    [3 * 24 * HOUR + 2 * HOUR, '3 d 2 h'],
    [365 * 24 * HOUR, '365 d'],
    [-HOUR, '-1 h'],
  ])('%d s → %s', (seconds, expected) => {
    expect(formatDuration(seconds)).toBe(expected);
  });
});

describe('formatUtc', () => {
  it('writes an unambiguous UTC time without milliseconds', () => {
    expect(formatUtc(new Date('2025-06-01T09:05:07.123Z'))).toBe('2025-06-01 09:05:07 UTC');
  });
});
