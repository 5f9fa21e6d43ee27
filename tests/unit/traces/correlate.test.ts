import { describe, expect, it } from 'vitest';
import { CORRELATION_ID_PATTERN, containsToken, lineMatches, lowerCaseGuid, rawTextMayContain, validateCorrelationId } from '@/lib/traces/correlate';
import { parse } from './log-lines';

describe('validateCorrelationId', () => {
  it.each(['abc-1', '0f8fad5b-d9cb-469f-a165-70867728950e', 'req:42', 'a.b_c-d:e', 'A'])('accepts %s', (id) => {
    expect(validateCorrelationId(id)).toEqual({ ok: true });
    expect(CORRELATION_ID_PATTERN.test(id)).toBe(true);
  });

  it('rejects spaces and says where', () => {
    expect(validateCorrelationId('abc def')).toEqual({
      ok: false,
      reason: "The correlation ID contains a space (U+0020) at position 4; only letters, digits, '.', '_', ':' and '-' are allowed.",
    });
  });

  it('rejects 10 KB and says how long it is', () => {
    const result = validateCorrelationId('a'.repeat(10 * 1024));
    expect(result).toEqual({ ok: false, reason: 'The correlation ID is 10240 characters long; at most 128 are allowed.' });
  });

  it('accepts exactly 128 characters, not 129', () => {
    expect(validateCorrelationId('a'.repeat(128)).ok).toBe(true);
    expect(validateCorrelationId('a'.repeat(129)).ok).toBe(false);
  });

  it.each([
    ["x' or 1 eq 1", "' (U+0027) at position 2"],
    ['"} |~ ".*', 'must start with a letter or digit'],
    ['abc|~".*"', "'|' (U+007C) at position 4"],
    ['a\nb', 'U+000A at position 2'],
    ['abc%0a', "'%' (U+0025) at position 4"],
    ['-leading', 'must start with a letter or digit'],
    ['', 'empty'],
    ['a😀', 'U+1F600) at position 2'],
  ])('rejects the injection or malformed ID %j', (id, reasonPart) => {
    const result = validateCorrelationId(id);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reasonPart);
    expect(CORRELATION_ID_PATTERN.test(id)).toBe(false);
  });

  it('rejects what is not a string', () => {
    expect(validateCorrelationId(42).ok).toBe(false);
  });
});

describe('lowerCaseGuid', () => {
  it('lowers a GUID written in upper or mixed case, and leaves other IDs alone', () => {
    expect(lowerCaseGuid('C0FFEE00-0000-4000-8000-00000000ABCD')).toBe('c0ffee00-0000-4000-8000-00000000abcd');
    expect(lowerCaseGuid('c0ffee00-0000-4000-8000-00000000abcd')).toBeUndefined();
    expect(lowerCaseGuid('REQ-ABC')).toBeUndefined();
    expect(lowerCaseGuid('C0FFEE00-0000-4000-8000-00000000ABCD-status')).toBeUndefined();
  });
});

describe('whole-token matching', () => {
  it('never matches an ID that only shares a prefix or a suffix', () => {
    expect(containsToken('request abc-12 failed', 'abc-1')).toBe(false);
    expect(containsToken('request xabc-1 failed', 'abc-1')).toBe(false);
    expect(containsToken('request abc-1.5 failed', 'abc-1')).toBe(false);
    expect(containsToken('request abc-1_x failed', 'abc-1')).toBe(false);
  });

  it('matches at the ends and next to separators', () => {
    expect(containsToken('abc-1', 'abc-1')).toBe(true);
    expect(containsToken('id=abc-1', 'abc-1')).toBe(true);
    expect(containsToken('"abc-1"', 'abc-1')).toBe(true);
    expect(containsToken('abc-12 then abc-1', 'abc-1')).toBe(true);
    expect(containsToken('[abc-1]', 'abc-1')).toBe(true);
  });

  it('pre-filters by substring: no false negatives, decided later', () => {
    expect(rawTextMayContain('xx abc-12', 'abc-1')).toBe(true);
    expect(rawTextMayContain('xx abd-12', 'abc-1')).toBe(false);
    expect(rawTextMayContain('anything', '')).toBe(false);
  });
});

describe('lineMatches', () => {
  it('matches on a correlation field equal to the ID', () => {
    const line = parse(JSON.stringify({ msg: 'x', headers: { 'X-Correlation-Id': 'abc-1' } }));
    expect(lineMatches(line, 'abc-1')).toBe(true);
  });

  it('does not match a JSON line whose field holds a longer ID with the same prefix', () => {
    const line = parse(JSON.stringify({ msg: 'x', correlationId: 'abc-12' }));
    expect(lineMatches(line, 'abc-1')).toBe(false);
    expect(lineMatches(line, 'abc-12')).toBe(true);
  });

  it('matches a plain-text line holding the ID as a whole token only', () => {
    expect(lineMatches(parse('2025-03-04T10:00:00Z WARN retry for abc-1 after 429'), 'abc-1')).toBe(true);
    expect(lineMatches(parse('2025-03-04T10:00:00Z WARN retry for abc-12 after 429'), 'abc-1')).toBe(false);
  });

  it('matches an ID that follows a JSON escape in a message', () => {
    const line = parse(JSON.stringify({ msg: 'first line\nabc-1 second line' }));
    expect(line.raw).toContain('\\nabc-1');
    expect(lineMatches(line, 'abc-1')).toBe(true);
  });

  it('matches an ID written with unicode escapes in JSON', () => {
    const line = parse('{"msg":"id \\u0061bc-1"}');
    expect(lineMatches(line, 'abc-1')).toBe(true);
  });
});
