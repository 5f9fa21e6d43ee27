import { describe, expect, it } from 'vitest';
import { containsId, findIdOccurrence, isIdTokenCode } from '@/lib/sources/logs/id-occurrence';

// The whole-token pre-filter of the log sources, on strings and on raw bytes alike.

const both = (text: string, id: string) => {
  const onString = containsId(text, id);
  const onBytes = containsId(Buffer.from(text, 'utf8'), id);
  expect(onBytes).toBe(onString);
  return onString;
};

describe('containsId', () => {
  it('never lets an ID match another that shares its prefix or suffix', () => {
    expect(both('{"correlationId":"abc-12"}', 'abc-1')).toBe(false);
    expect(both('{"correlationId":"abc-1"}', 'abc-1')).toBe(true);
    expect(both('req xabc-1 done', 'abc-1')).toBe(false);
    expect(both('req abc-1.2 done', 'abc-1')).toBe(false);
    expect(both('req abc-1_x done', 'abc-1')).toBe(false);
  });

  it('accepts the ID at the start, at the end and between separators', () => {
    expect(both('abc-1', 'abc-1')).toBe(true);
    expect(both('abc-1 started', 'abc-1')).toBe(true);
    expect(both('finished abc-1', 'abc-1')).toBe(true);
    expect(both('correlation_id=abc-1 status=200', 'abc-1')).toBe(true);
    expect(both('[abc-1]', 'abc-1')).toBe(true);
    expect(both('id:abc-1;', 'abc-1')).toBe(true);
    expect(both('x-correlation-id: abc-1\r', 'abc-1')).toBe(true);
  });

  it('finds a later whole occurrence after a rejected prefix match', () => {
    expect(both('abc-12 then abc-1', 'abc-1')).toBe(true);
    expect(findIdOccurrence('abc-12 then abc-1', 'abc-1')).toBe(12);
    expect(findIdOccurrence(Buffer.from('abc-12 then abc-1'), 'abc-1')).toBe(12);
  });

  it('treats non-ASCII neighbours as boundaries, in bytes as in strings', () => {
    expect(both('é abc-1é', 'abc-1')).toBe(true);
    expect(both('→abc-1←', 'abc-1')).toBe(true);
    expect(findIdOccurrence(Buffer.from('→abc-1'), 'abc-1')).toBe(3); // after the 3 bytes of '→'
  });

  it('never matches an empty ID and is case-sensitive', () => {
    expect(both('anything', '')).toBe(false);
    expect(both('ABC-1', 'abc-1')).toBe(false);
  });

  it('respects from/end and the boundary flags a streaming scanner passes', () => {
    const text = Buffer.from('..abc-1');
    expect(findIdOccurrence(text, 'abc-1', { endIsBoundary: false })).toBe(-1); // the next byte is not read yet
    expect(findIdOccurrence(text, 'abc-1', { endIsBoundary: true })).toBe(-1); // '.' before it continues a token
    expect(findIdOccurrence(Buffer.from('abc-1 x'), 'abc-1', { startIsBoundary: false })).toBe(-1);
    expect(findIdOccurrence('abc-1 abc-1', 'abc-1', { from: 1 })).toBe(6);
    expect(findIdOccurrence('abc-1 abc-1', 'abc-1', { from: 1, end: 10 })).toBe(-1);
    // The character after `end` is still looked at.
    expect(findIdOccurrence('abc-12', 'abc-1', { end: 5 })).toBe(-1);
  });

  it('classifies token characters', () => {
    expect([...'aZ09._-'].every((c) => isIdTokenCode(c.charCodeAt(0)))).toBe(true);
    expect([...' :"/{}=\n'].some((c) => isIdTokenCode(c.charCodeAt(0)))).toBe(false);
  });
});

describe('containsId after JSON escapes (regression found by property tests)', () => {
  // lib/traces matches these lines (the JSON value has a newline, a tab or an é before the ID), so
  // the pre-filter must let them through; the file source used to miss all three.
  it.each([
    ['a newline', '{"msg":"ids:\\nabc-1"}'],
    ['a tab', '{"msg":"id\\tabc-1"}'],
    ['a carriage return', '{"msg":"x\\rabc-1"}'],
    ['an ASCII-escaped é', '{"msg":"caf\\u00e9abc-1"}'],
    ['an escaped space', '{"msg":"id\\u0020abc-1"}'],
  ])('finds the ID right after %s', (_what, line) => {
    expect(both(line, 'abc-1')).toBe(true);
  });

  it('still refuses an escape of a token character, and a plain letter', () => {
    expect(both('{"msg":"\\u0078abc-1"}', 'abc-1')).toBe(false); // \u0078 is "x": xabc-1
    expect(both('{"msg":"nabc-1"}', 'abc-1')).toBe(false);
    expect(both('{"msg":"\\u00zzabc-1"}', 'abc-1')).toBe(false);
  });
});
