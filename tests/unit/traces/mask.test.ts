import { describe, expect, it } from 'vitest';
import { MASKED_BEARER, MASKED_JWT, escapeControlChars, maskSecrets } from '@/lib/traces/mask';

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const JWT = `${b64url({ alg: 'RS256', kid: 'k1', typ: 'JWT' })}.${b64url({ sub: 'system:serviceaccount:shop:consumer', aud: ['api://AzureADTokenExchange'] })}.c2lnbmF0dXJl_-x`;

describe('maskSecrets', () => {
  it('masks a JWT and reports where it was in the input', () => {
    const text = `token file read: ${JWT} (expires soon)`;
    const result = maskSecrets(text);
    expect(result.text).toBe(`token file read: ${MASKED_JWT} (expires soon)`);
    expect(result.text).not.toContain(JWT.split('.')[1]);
    expect(result.secrets).toHaveLength(1);
    const [secret] = result.secrets;
    expect(secret!.kind).toBe('jwt');
    expect(text.slice(secret!.start, secret!.end)).toBe(JWT);
    expect(result.text.slice(secret!.maskedStart, secret!.maskedEnd)).toBe(MASKED_JWT);
  });

  it('masks a Bearer JWT once, as a JWT, keeping the scheme visible', () => {
    const text = JSON.stringify({ headers: { authorization: `Bearer ${JWT}` } });
    const result = maskSecrets(text);
    expect(result.text).toBe(JSON.stringify({ headers: { authorization: `Bearer ${MASKED_JWT}` } }));
    expect(result.secrets.map((s) => s.kind)).toEqual(['jwt']);
  });

  it('masks an opaque Bearer value', () => {
    const text = 'Authorization: bearer 8xLOxBtZp8abcdefghij0123456789== next';
    const result = maskSecrets(text);
    expect(result.text).toBe(`Authorization: bearer ${MASKED_BEARER} next`);
    expect(result.secrets[0]).toMatchObject({ kind: 'bearer' });
    expect(text.slice(result.secrets[0]!.start, result.secrets[0]!.end)).toBe('8xLOxBtZp8abcdefghij0123456789==');
  });

  it('leaves prose and WWW-Authenticate challenges readable', () => {
    const text = 'WWW-Authenticate: Bearer realm="provider", error="invalid_token"; use a Bearer token';
    expect(maskSecrets(text)).toEqual({ text, secrets: [] });
  });

  it('masks several secrets with consistent offsets', () => {
    const text = `a ${JWT} b ${JWT} c`;
    const result = maskSecrets(text);
    expect(result.text).toBe(`a ${MASKED_JWT} b ${MASKED_JWT} c`);
    for (const s of result.secrets) expect(text.slice(s.start, s.end)).toBe(JWT);
  });
});

describe('escapeControlChars', () => {
  it('shows CR, LF and ANSI escapes visibly', () => {
    expect(escapeControlChars('ok\r\nFAKE LINE \u001b[31mred\u001b[0m')).toBe('ok\\r\\nFAKE LINE \\x1b[31mred\\x1b[0m');
  });

  it('shows NUL, DEL, C1 and bidi overrides, keeps tabs and ordinary text', () => {
    expect(escapeControlChars('a\u0000b\u007fc\u0085d\u202ee\tf é')).toBe('a\\x00b\\x7fc\\x85d\\u202ee\tf é');
  });
});
