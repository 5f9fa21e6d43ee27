import { describe, expect, it } from 'vitest';
import { RateLimiter } from '@/lib/server/rate-limiter';

describe('RateLimiter', () => {
  it('allows a burst of perMinute, then refuses with the seconds until the next token', () => {
    const limiter = new RateLimiter(60);
    const t0 = 1_000_000;
    for (let i = 0; i < 60; i++) expect(limiter.take('a', t0).allowed).toBe(true);
    const refused = limiter.take('a', t0);
    expect(refused).toEqual({ allowed: false, retryAfterSeconds: 1, remaining: 0 });
    // 60/min = one a second
    expect(limiter.take('a', t0 + 999).allowed).toBe(false);
    expect(limiter.take('a', t0 + 2000).allowed).toBe(true);
  });

  it('keeps clients apart', () => {
    const limiter = new RateLimiter(2);
    expect(limiter.take('a', 0).allowed).toBe(true);
    expect(limiter.take('a', 0).allowed).toBe(true);
    expect(limiter.take('a', 0).allowed).toBe(false);
    expect(limiter.take('b', 0).allowed).toBe(true);
  });

  it('a slow rate says how long to wait', () => {
    const limiter = new RateLimiter(1);
    limiter.take('a', 0);
    expect(limiter.take('a', 0).retryAfterSeconds).toBe(60);
    expect(limiter.take('a', 30_000).retryAfterSeconds).toBe(30);
  });

  it('0 turns it off', () => {
    const limiter = new RateLimiter(0);
    for (let i = 0; i < 1000; i++) expect(limiter.take('a', 0).allowed).toBe(true);
    expect(limiter.clients).toBe(0);
  });

  it('forgets the least recently seen client beyond its bound', () => {
    const limiter = new RateLimiter(1, 3);
    for (const c of ['a', 'b', 'c']) limiter.take(c, 0);
    limiter.take('a', 0); // a is now the most recent
    limiter.take('d', 0); // b goes
    expect(limiter.clients).toBe(3);
    expect(limiter.take('b', 0).allowed).toBe(true); // forgotten: a fresh bucket (c goes now)
    expect(limiter.take('a', 0).allowed).toBe(false); // a is still remembered, and empty
  });
});
