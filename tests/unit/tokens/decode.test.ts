import { describe, expect, it } from 'vitest';
import { decodeToken, MAX_TOKEN_CHARS, normalizeTokenInput, type DecodedToken } from '@/lib/tokens/decode';
import { aServiceAccountPayload, base64url, RS256_HEADER, unsignedJwt } from './token-factories';

function asJws(decoded: DecodedToken): Extract<DecodedToken, { kind: 'jws' }> {
  if (decoded.kind !== 'jws') throw new Error(`expected a JWS, got ${decoded.kind}: ${JSON.stringify(decoded)}`);
  return decoded;
}

const codes = (decoded: DecodedToken) => ('problems' in decoded ? decoded.problems.map((p) => p.code) : []);

describe('normalizeTokenInput', () => {
  const token = unsignedJwt(RS256_HEADER, { sub: 'x' });

  it.each([
    ['surrounding whitespace and newlines', `\n  ${token} \r\n`],
    ['a Bearer prefix', `Bearer ${token}`],
    ['a lower-case bearer prefix', `bearer ${token}`],
    ['a whole Authorization header', `Authorization: Bearer ${token}`],
    ['an Authorization header in capitals', `AUTHORIZATION:BEARER   ${token}`],
    ['double quotes', `"${token}"`],
    ['single quotes around a Bearer header', `'Bearer ${token}'`],
    ['quotes inside the Bearer prefix', `Bearer "${token}"`],
    ['a JSON value with its trailing comma', `"${token}",`],
    ['line breaks inside the token (terminal wrapping)', `${token.slice(0, 20)}\n${token.slice(20, 50)}\n  ${token.slice(50)}`],
  ])('removes %s', (_what, input) => {
    expect(normalizeTokenInput(input)).toBe(token);
  });

  it('leaves a clean token as it is', () => {
    expect(normalizeTokenInput(token)).toBe(token);
  });
});

describe('decodeToken', () => {
  it('reports empty and whitespace-only input as empty, not as an error', () => {
    expect(decodeToken('')).toEqual({ kind: 'empty' });
    expect(decodeToken('  \n\t ')).toEqual({ kind: 'empty' });
    expect(decodeToken('Bearer ')).toEqual({ kind: 'empty' });
  });

  it('decodes header, payload and keeps the signature and signing input as they are', () => {
    const payload = aServiceAccountPayload();
    const token = unsignedJwt(RS256_HEADER, payload, 'abc-_123');
    const decoded = asJws(decodeToken(token));
    expect(decoded.header).toEqual(RS256_HEADER);
    expect(decoded.payload).toEqual(payload);
    expect(decoded.signature).toBe('abc-_123');
    expect(decoded.signingInput).toBe(token.slice(0, token.lastIndexOf('.')));
    expect(decoded.problems).toEqual([]);
  });

  it('decodes a token pasted with a Bearer prefix and line breaks', () => {
    const token = unsignedJwt(RS256_HEADER, { sub: 'system:serviceaccount:shop:orders' });
    const decoded = asJws(decodeToken(`Authorization: Bearer ${token.slice(0, 30)}\n${token.slice(30)}\n`));
    expect(decoded.token).toBe(token);
    expect(decoded.payload?.sub).toBe('system:serviceaccount:shop:orders');
  });

  it('decodes base64url without padding, for every length remainder', () => {
    // Payloads of 1, 2 and 3 extra bytes leave 2, 3 and 0 trailing characters without '='.
    for (const sub of ['a', 'ab', 'abc', 'abcd']) {
      const token = unsignedJwt(RS256_HEADER, { sub });
      expect(token.split('.')[1]).not.toContain('=');
      const decoded = asJws(decodeToken(token));
      expect(decoded.payload).toEqual({ sub });
      expect(decoded.problems).toEqual([]);
    }
  });

  it('decodes padded base64url and notes that JWTs leave padding out', () => {
    const payload = Buffer.from(JSON.stringify({ sub: 'a' })).toString('base64url');
    expect(payload.length % 4).not.toBe(0);
    const padded = payload + '='.repeat(4 - (payload.length % 4));
    const decoded = asJws(decodeToken(`${base64url(JSON.stringify(RS256_HEADER))}.${padded}.sig`));
    expect(decoded.payload).toEqual({ sub: 'a' });
    expect(decoded.problems).toEqual([expect.objectContaining({ code: 'base64-padding', part: 'payload' })]);
    expect(decoded.problems[0]!.message).toContain("'=' padding");
  });

  it("decodes standard base64 ('+' and '/') leniently and says where the first one is", () => {
    // "?>" encodes to "Pz4" in base64 and "Pz4" in base64url too; ">>>" gives "Pj4+" vs "Pj4-".
    const payloadJson = JSON.stringify({ sub: '>>>???' });
    const standard = Buffer.from(payloadJson).toString('base64').replace(/=+$/, '');
    expect(standard).toMatch(/[+/]/);
    const header = base64url(JSON.stringify(RS256_HEADER));
    const decoded = asJws(decodeToken(`${header}.${standard}.sig`));
    expect(decoded.payload).toEqual({ sub: '>>>???' });
    const problem = decoded.problems.find((p) => p.code === 'standard-base64');
    expect(problem).toMatchObject({ part: 'payload' });
    expect(problem!.message).toContain(`position ${header.length + 1 + standard.search(/[+/]/) + 1}`);
  });

  it('decodes unicode (UTF-8) claims', () => {
    const payload = { name: 'Zoë Müller', team: '東京チーム', mood: '🚀', rtl: 'שלום' };
    const decoded = asJws(decodeToken(unsignedJwt(RS256_HEADER, payload)));
    expect(decoded.payload).toEqual(payload);
    expect(decoded.problems).toEqual([]);
  });

  it('names the character and its position when a part is not base64url', () => {
    const header = base64url(JSON.stringify(RS256_HEADER));
    const token = `${header}.eyJzdWIi%3AeyJ.sig`;
    const decoded = asJws(decodeToken(token));
    expect(decoded.header).toEqual(RS256_HEADER);
    expect(decoded.payload).toBeUndefined();
    expect(decoded.problems).toHaveLength(1);
    expect(decoded.problems[0]).toMatchObject({ code: 'not-base64url', part: 'payload' });
    expect(decoded.problems[0]!.message).toBe(
      `The payload (part 2) is not valid base64url: character '%' at position ${token.indexOf('%') + 1}. JWT parts use only A–Z, a–z, 0–9, '-' and '_'; the token was probably altered or URL-encoded (decode %xx first).`,
    );
  });

  it('shows a non-printable character by its code point', () => {
    const decoded = asJws(decodeToken(`eyJhbGciOiJSUzI1NiJ9.ab\u0000cd.sig`));
    expect(decoded.problems[0]!.message).toContain('character U+0000 at position 24');
  });

  it('keeps the decoded text of a header that is not JSON and says so', () => {
    const token = `${base64url('alg=RS256')}.${base64url('{"sub":"x"}')}.sig`;
    const decoded = asJws(decodeToken(token));
    expect(decoded.header).toBeUndefined();
    expect(decoded.headerText).toBe('alg=RS256');
    expect(decoded.payload).toEqual({ sub: 'x' });
    expect(decoded.problems).toHaveLength(1);
    expect(decoded.problems[0]).toMatchObject({ code: 'not-json', part: 'header' });
    expect(decoded.problems[0]!.message).toMatch(/^The header \(part 1\) decodes but is not JSON: .+\. Its decoded text is shown as is\.$/);
  });

  it('keeps the decoded text of a payload that is plain text', () => {
    const decoded = asJws(decodeToken(`${base64url(JSON.stringify(RS256_HEADER))}.${base64url('hello, world')}.sig`));
    expect(decoded.header).toEqual(RS256_HEADER);
    expect(decoded.payloadText).toBe('hello, world');
    expect(decoded.payload).toBeUndefined();
    expect(codes(decoded)).toEqual(['not-json']);
  });

  it('refuses JSON that is not an object of claims, keeping its text', () => {
    const decoded = asJws(decodeToken(`${base64url(JSON.stringify(RS256_HEADER))}.${base64url('["a","b"]')}.sig`));
    expect(decoded.payload).toBeUndefined();
    expect(decoded.payloadText).toBe('["a","b"]');
    expect(decoded.problems[0]).toMatchObject({ code: 'not-object', part: 'payload' });
    expect(decoded.problems[0]!.message).toContain('an array, not an object of claims');
  });

  it('reports invalid UTF-8 with the offset of the first bad byte and still shows the text', () => {
    const bytes = Buffer.concat([Buffer.from('{"sub":"ab'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    const decoded = asJws(decodeToken(`${base64url(JSON.stringify(RS256_HEADER))}.${base64url(bytes)}.sig`));
    const problem = decoded.problems.find((p) => p.code === 'invalid-utf8');
    expect(problem).toMatchObject({ part: 'payload' });
    expect(problem!.message).toContain('first bad byte at offset 10');
    // Lenient: the replacement character stands in for the bad byte and the JSON still parses.
    expect(decoded.payload).toEqual({ sub: 'ab\uFFFD(' });
  });

  it('explains a payload cut short by copying', () => {
    const token = unsignedJwt(RS256_HEADER, aServiceAccountPayload());
    const [header, payload] = token.split('.');
    let cut = payload!.slice(0, 101);
    if (cut.length % 4 !== 1) cut = payload!.slice(0, 101 + ((5 - (101 % 4)) % 4));
    expect(cut.length % 4).toBe(1);
    const decoded = asJws(decodeToken(`${header}.${cut}.sig`));
    expect(codes(decoded)).toEqual(['truncated', 'not-json']);
    expect(decoded.problems[0]!.message).toContain('cut off when copying');
    expect(decoded.payloadText).toMatch(/^\{"aud":\["api:\/\/AzureADTokenExchange"\]/);
  });

  it.each([
    [1, 'eyJhbGciOiJSUzI1NiJ9', "no '.' separators"],
    [2, 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0', 'the signature part is missing'],
    [4, 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln.c2ln', 'a signed JWT has 3 and an encrypted JWT (JWE) 5'],
    [6, 'a.b.c.d.e.f', 'The input has 6 parts'],
  ])('refuses %i-part input with a specific message', (_count, input, message) => {
    const decoded = decodeToken(input);
    expect(decoded.kind).toBe('invalid');
    expect(codes(decoded)).toEqual(['wrong-part-count']);
    if (decoded.kind === 'invalid') expect(decoded.problems[0]!.message).toContain(message);
  });

  it('says that text without dots may be an opaque token or decoded JSON', () => {
    const garbage = decodeToken('definitely not a jwt');
    expect(garbage.kind).toBe('invalid');
    const opaque = decodeToken('0.AAAAopaqueRefreshTokenValue'.replace('.', ''));
    if (opaque.kind === 'invalid') expect(opaque.problems[0]!.message).toContain('opaque');
    const json = decodeToken('{"sub":"x"}');
    if (json.kind === 'invalid') expect(json.problems[0]!.message).toContain('decoded JSON');
    expect([opaque.kind, json.kind]).toEqual(['invalid', 'invalid']);
  });

  it('recognises a 5-part JWE, decodes only its header and explains why the rest cannot be', () => {
    const header = { alg: 'RSA-OAEP-256', enc: 'A256GCM', kid: 'enc-1' };
    const token = `${base64url(JSON.stringify(header))}.ZW5jcnlwdGVka2V5.aXY.Y2lwaGVydGV4dA.dGFn`;
    const decoded = decodeToken(token);
    expect(decoded.kind).toBe('jwe');
    if (decoded.kind !== 'jwe') return;
    expect(decoded.header).toEqual(header);
    expect(decoded).not.toHaveProperty('payload');
    expect(decoded.problems[0]!.code).toBe('encrypted');
    expect(decoded.problems[0]!.message).toContain('key management RSA-OAEP-256, content encryption A256GCM');
    expect(decoded.problems[0]!.message).toContain("cannot be decoded without the recipient's private key");
  });

  it('reports an empty header part instead of decoding nothing silently', () => {
    const decoded = asJws(decodeToken(`.${base64url('{"sub":"x"}')}.sig`));
    expect(decoded.problems[0]).toMatchObject({ code: 'empty-part', part: 'header' });
    expect(decoded.payload).toEqual({ sub: 'x' });
  });

  it('checks the signature encoding too', () => {
    const decoded = asJws(decodeToken(`${unsignedJwt(RS256_HEADER, { sub: 'x' }, 'ab$cd')}`));
    expect(decoded.problems).toEqual([expect.objectContaining({ code: 'not-base64url', part: 'signature' })]);
  });

  it('accepts a 64 KiB token', () => {
    const prefix = unsignedJwt(RS256_HEADER, { sub: 'x' }, '');
    const token = prefix + 'A'.repeat(MAX_TOKEN_CHARS - prefix.length);
    expect(token).toHaveLength(64 * 1024);
    const decoded = asJws(decodeToken(token));
    expect(decoded.payload).toEqual({ sub: 'x' });
    expect(decoded.signature).toHaveLength(MAX_TOKEN_CHARS - prefix.length);
  });

  it('refuses a token over 64 KiB, saying its size and the limit', () => {
    const prefix = unsignedJwt(RS256_HEADER, { sub: 'x' }, '');
    const token = prefix + 'A'.repeat(MAX_TOKEN_CHARS - prefix.length + 1);
    const decoded = decodeToken(token);
    expect(decoded.kind).toBe('invalid');
    if (decoded.kind !== 'invalid') return;
    expect(decoded.problems[0]!.code).toBe('too-large');
    expect(decoded.problems[0]!.message).toContain('65537 characters long (64.0 KiB)');
    expect(decoded.problems[0]!.message).toContain('at most 65536 characters (64 KiB)');
  });

  it('measures the limit after removing what was pasted along', () => {
    const prefix = unsignedJwt(RS256_HEADER, { sub: 'x' }, '');
    const token = prefix + 'A'.repeat(MAX_TOKEN_CHARS - prefix.length);
    expect(decodeToken(`Authorization: Bearer ${token}\n`).kind).toBe('jws');
  });

  it('never throws, whatever it is given', () => {
    const inputs = ['.', '..', '...', '....', 'a.b.c', '\u0000.\u0000.\u0000', 'e30.e30.', 'bnVsbA.bnVsbA.x', '😀.😀.😀', '=.=.=', 'eyJ.eyJ.eyJ'];
    for (const input of inputs) expect(() => decodeToken(input)).not.toThrow();
    expect(asJws(decodeToken('bnVsbA.bnVsbA.x')).problems.map((p) => p.message)[0]).toContain('null, not an object');
  });
});
