import { describe, expect, it } from 'vitest';
import { kqlStringLiteral, searchQuery } from '@/lib/sources/logs/log-analytics-log-source';
import { logqlStringLiteral, searchLogql } from '@/lib/sources/logs/loki-log-source';
import { capLine, linesContainingId } from '@/lib/sources/logs/text-lines';

// The IDs are validated upstream; these layers must be safe on their own.

/** Reads a KQL verbatim literal back the way KQL does; undefined when `text` is not exactly one. */
function readKqlVerbatim(text: string): string | undefined {
  const m = /^@'((?:[^']|'')*)'$/.exec(text);
  return m ? m[1]!.replaceAll("''", "'") : undefined;
}

describe('kqlStringLiteral', () => {
  it.each(["x' or 1 eq 1", '"} |~ ".*', "'; drop table x; '", 'back\\slash\\', "''", 'abc-1'])('holds %j as exactly one literal', (value) => {
    expect(readKqlVerbatim(kqlStringLiteral(value))).toBe(value);
  });
  it('refuses line breaks and control characters rather than encoding them', () => {
    for (const value of ['a\nb', 'a\rb', 'a\u0000b', 'a\u2028b']) expect(() => kqlStringLiteral(value)).toThrow(/line break or control character/);
  });
  it('puts the literal in the filter line only', () => {
    const query = searchQuery("x' | take 1 //", 5, 24);
    expect(query.split('\n')[2]).toBe("| where LogMessage has @'x'' | take 1 //'");
    expect(query.split('\n').at(-1)).toBe('| take 6');
  });
});

describe('logqlStringLiteral', () => {
  it.each(['"} |~ ".*', 'a\\"b', "x' or 1 eq 1", '`raw`', 'tab\tnew\nline'])('holds %j as one Go string literal', (value) => {
    const literal = logqlStringLiteral(value);
    expect(literal.startsWith('"') && literal.endsWith('"')).toBe(true);
    // Inside, every quote is escaped: the literal cannot end early.
    expect(/^"(?:[^"\\\n]|\\.)*"$/.test(literal)).toBe(true);
    expect(JSON.parse(literal)).toBe(value);
  });
  it('builds the line filter after the selector', () => {
    expect(searchLogql('abc-1')).toBe('{job=~".+"} |= "abc-1"');
    expect(searchLogql('"}', '{app="x"}')).toBe('{app="x"} |= "\\"}"');
  });
});

describe('text lines', () => {
  it('slices out only the lines holding the ID as a whole token', () => {
    const log = 'one abc-1\r\ntwo abc-12\nthree abc-1 abc-1\nabc-1';
    expect(linesContainingId(log, 'abc-1')).toEqual(['one abc-1', 'three abc-1 abc-1', 'abc-1']);
    expect(linesContainingId(log, '')).toEqual([]);
  });
  it('cuts at 1 MiB of UTF-8 without splitting a character', () => {
    expect(capLine('short')).toEqual({ text: 'short', cut: false });
    const long = capLine('é'.repeat(600_000)); // 1.2 MB of UTF-8
    expect(long.cut).toBe(true);
    expect(Buffer.byteLength(long.text)).toBe(1024 * 1024);
    expect(long.text.endsWith('é')).toBe(true);
    const odd = capLine(`x${'é'.repeat(600_000)}`);
    expect(Buffer.byteLength(odd.text)).toBe(1024 * 1024 - 1);
    expect(odd.text).not.toContain('\uFFFD');
  });
});
