import { describe, expect, it } from 'vitest';
import { rateLimitResetText } from '@/lib/traces/rate-limit-reset';

describe('rateLimitResetText', () => {
  it('reads epoch seconds and milliseconds as a UTC time', () => {
    expect(rateLimitResetText('1741082403')).toBe('at 2025-03-04T10:00:03Z');
    expect(rateLimitResetText('1741082403123')).toBe('at 2025-03-04T10:00:03Z');
  });

  it('reads a small number as the seconds left', () => {
    expect(rateLimitResetText('42')).toBe('42 s after the response');
    expect(rateLimitResetText(' 0 ')).toBe('0 s after the response');
  });

  it('reads ISO and HTTP dates, and keeps anything else as written', () => {
    expect(rateLimitResetText('2025-03-04T10:00:03.000Z')).toBe('at 2025-03-04T10:00:03Z');
    expect(rateLimitResetText('Tue, 04 Mar 2025 10:00:03 GMT')).toBe('at 2025-03-04T10:00:03Z');
    expect(rateLimitResetText('2025-03-04T12:00:03+02:00')).toBe('at 2025-03-04T10:00:03Z');
    expect(rateLimitResetText('next window')).toBe('at next window');
    // A date without a zone is kept as written, not read in the server's zone.
    expect(rateLimitResetText('2025-03-04T10:00:03')).toBe('at 2025-03-04T10:00:03');
  });
});
