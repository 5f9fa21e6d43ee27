import { describe, expect, it } from 'vitest';
import { base64UrlToBytes, findInvalidUtf8 } from '@/lib/tokens/base64url';

const bytes = (...values: number[]) => new Uint8Array(values);

describe('base64UrlToBytes', () => {
  it('decodes unpadded base64url of every length remainder', () => {
    for (const text of ['', 'f', 'fo', 'foo', 'foob', 'fooba', 'foobar', '\u00ff\u00fe']) {
      const encoded = Buffer.from(text, 'latin1').toString('base64url');
      expect(base64UrlToBytes(encoded)).toEqual({ bytes: new Uint8Array(Buffer.from(text, 'latin1')), issues: [] });
    }
  });

  it("decodes '-' and '_' and, noting it, '+' and '/'", () => {
    expect(base64UrlToBytes('-_8').bytes).toEqual(bytes(0xfb, 0xff));
    expect(base64UrlToBytes('+/8')).toEqual({ bytes: bytes(0xfb, 0xff), issues: [{ kind: 'standard-alphabet', index: 0 }] });
  });

  it('reports the first invalid character with its index, whole code points included', () => {
    expect(base64UrlToBytes('ab😀cd')).toEqual({ issues: [{ kind: 'invalid-character', char: '😀', index: 2 }] });
    expect(base64UrlToBytes('ab=cd')).toEqual({ issues: [{ kind: 'invalid-character', char: '=', index: 2 }] });
  });

  it('drops the last character of an impossible length and says so', () => {
    expect(base64UrlToBytes('Zm9vY')).toEqual({ bytes: bytes(0x66, 0x6f, 0x6f), issues: [{ kind: 'impossible-length', length: 5 }] });
  });
});

describe('findInvalidUtf8', () => {
  it('accepts ASCII and well-formed multi-byte sequences', () => {
    expect(findInvalidUtf8(new TextEncoder().encode('aé東😀'))).toBeUndefined();
  });

  it.each([
    ['a stray continuation byte', bytes(0x61, 0x80), 1],
    ['a lead byte followed by ASCII', bytes(0x61, 0xc3, 0x28), 1],
    ['a sequence cut off by the end', bytes(0x61, 0x62, 0xe2, 0x82), 2],
    ['an overlong encoding of "/"', bytes(0xe0, 0x80, 0xaf), 0],
    ['a UTF-16 surrogate', bytes(0xed, 0xa0, 0x80), 0],
    ['a code point past U+10FFFF', bytes(0xf4, 0x90, 0x80, 0x80), 0],
    ['an invalid lead byte', bytes(0x41, 0xff), 1],
  ])('finds %s', (_what, input, offset) => {
    expect(findInvalidUtf8(input)).toBe(offset);
  });
});
