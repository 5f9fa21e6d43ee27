import { describe, expect, it } from 'vitest';
import { log, setLogSink } from '@/lib/server/logger.mjs';
import { REDACTED, redactText, redactValue } from '@/lib/server/redact.mjs';

const JWT = 'eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJpc3MiOiJodHRwczovL3guZXhhbXBsZS8iLCJzdWIiOiJhIn0.c2lnbmF0dXJlLWJ5dGVz';

describe('redactText', () => {
  it.each([
    [`token ${JWT} end`, `token ${REDACTED} end`],
    [`Authorization: Bearer abc.def-ghi`, `Authorization: ${REDACTED}`],
    [`"authorization":"Bearer abc"`, `"authorization":"${REDACTED}"`],
    [`cookie: __Host-idlens-session=secret-value; other=1`, `cookie: ${REDACTED}`],
    [`set-cookie=__Host-idlens-session=abc`, `set-cookie=${REDACTED}`],
    [`sent Bearer zzz.yyy to the API`, `sent Bearer ${REDACTED} to the API`],
    [`client_id=c&client_assertion=${JWT}&scope=x`, `client_id=c&client_assertion=${REDACTED}&scope=x`],
    [`grant_type=authorization_code&code=0.AXoA-abc&code_verifier=xyz`, `grant_type=authorization_code&code=${REDACTED}&code_verifier=${REDACTED}`],
    [`client_secret=s3cr3t~value`, `client_secret=${REDACTED}`],
    // A lone JWT segment (header or payload) is as telling as the token.
    [`payload eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQifQ`, `payload ${REDACTED}`],
  ])('%s', (input, expected) => {
    expect(redactText(input)).toBe(expected);
  });

  it('leaves ordinary text alone', () => {
    const text = 'GET /api/traces/c0ffee00-0000-4000-8000-000000000005 200 12 ms (AADSTS70021: no matching federated identity record)';
    expect(redactText(text)).toBe(text);
  });
});

describe('redactValue', () => {
  it('blanks secret-named keys at any depth and scrubs strings, errors and arrays', () => {
    const error = new Error(`verify failed for ${JWT}`);
    const out = redactValue({
      headers: { Authorization: 'Bearer x', cookie: 'a=b', accept: 'application/json' },
      body: { token: JWT, client_secret: 'shh', nested: [{ id_token: 'x' }, `Bearer ${JWT}`] },
      error,
      count: 3,
    }) as Record<string, unknown>;
    expect(out).toEqual({
      headers: { Authorization: REDACTED, cookie: REDACTED, accept: 'application/json' },
      body: { token: REDACTED, client_secret: REDACTED, nested: [{ id_token: REDACTED }, `Bearer ${REDACTED}`] },
      error: { name: 'Error', message: `verify failed for ${REDACTED}`, stack: expect.not.stringContaining('eyJ') },
      count: 3,
    });
  });

  it('survives cycles and deep nesting', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    let deep: Record<string, unknown> = { leaf: JWT };
    for (let i = 0; i < 50; i++) deep = { deep };
    expect(() => JSON.stringify(redactValue(a))).not.toThrow();
    expect(JSON.stringify(redactValue(deep))).not.toContain('eyJ');
  });
});

describe('log', () => {
  it('writes one redacted JSON object per line, honouring IDLENS_LOG_LEVEL', () => {
    const lines: string[] = [];
    setLogSink((line) => lines.push(line));
    const previous = process.env.IDLENS_LOG_LEVEL;
    try {
      process.env.IDLENS_LOG_LEVEL = 'info';
      log('debug', 'not written');
      log('info', `request with Authorization: Bearer ${JWT}`, { requestId: 'r-1', headers: { cookie: 'x=y' } });
      process.env.IDLENS_LOG_LEVEL = 'trace';
      log('trace', 'written at trace', { token: JWT });
    } finally {
      process.env.IDLENS_LOG_LEVEL = previous;
    }
    expect(lines).toHaveLength(2);
    const [first, second] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(first).toMatchObject({ level: 'info', requestId: 'r-1', headers: { cookie: REDACTED } });
    expect(first!.msg).toBe(`request with Authorization: ${REDACTED}`);
    expect(second).toMatchObject({ level: 'trace', token: REDACTED });
    expect(lines.join('\n')).not.toContain('eyJ');
  });
});

describe('redaction gaps found in review', () => {
  it.each([
    [`{"client_secret":"S3CRET","access_token":"opaqueAT123","code":"AUTHCODE1","refresh_token":"r.t"}`, ['S3CRET', 'opaqueAT123', 'AUTHCODE1', 'r.t']],
    [`Cookie: a='q'; sess=OPAQUE_COOKIE_VALUE`, ['OPAQUE_COOKIE_VALUE']],
    [`"cookie": "_oauth2_proxy=OPAQUE123; other=\\"x\\""`, ['OPAQUE123']],
    [`code_verifier: abcdefVERIFIER`, ['abcdefVERIFIER']],
    [`fetch https://user:p4ssw0rd@loki.example/api`, ['p4ssw0rd']],
    [`x-idlens-peer: SeCrEtPeEr 10.0.0.1`, ['SeCrEtPeEr']],
  ])('%s', (input, secrets) => {
    const out = redactText(input);
    for (const secret of secrets) expect(out).not.toContain(secret);
    expect(out).toContain(REDACTED);
  });

  it('console objects are redacted by key before they become text', async () => {
    const { captureConsole } = await import('@/lib/server/logger.mjs');
    const lines: string[] = [];
    setLogSink((line) => lines.push(line));
    const saved = { ...console };
    try {
      captureConsole();
      console.error({ client_secret: 'S3CRET', access_token: 'opaqueAT123', nested: { password: 'hunter2' } });
    } finally {
      Object.assign(console, saved);
    }
    expect(lines.join('\n')).not.toMatch(/S3CRET|opaqueAT123|hunter2/);
  });

});
