import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseJwks, verifySignature, verifyToken, type TokenVerification } from '@/lib/tokens/verify';
import {
  AKS_ISSUER,
  aServiceAccountPayload,
  anEntraV2Payload,
  anRsaSigningKey,
  base64url,
  HOUR,
  MINUTE,
  NOW,
  NOW_SECONDS,
  signedJwt,
  unsignedJwt,
  type SigningKey,
} from './token-factories';

let clusterKey: SigningKey;
let otherKey: SigningKey;

beforeAll(async () => {
  clusterKey = await anRsaSigningKey('cluster-key-1');
  otherKey = await anRsaSigningKey('other-key');
});

/** The same token with one claim changed and the original signature kept. */
function tamper(token: string, change: Record<string, unknown>): string {
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as Record<string, unknown>;
  return `${header}.${base64url(JSON.stringify({ ...claims, ...change }))}.${signature}`;
}

const check = (result: TokenVerification, name: string) => {
  const found = result.checks.find((c) => c.name === name);
  if (!found) throw new Error(`no ${name} check in ${result.checks.map((c) => c.name).join(', ')}`);
  return found;
};

describe('verifySignature', () => {
  it('verifies a token signed by a key of the JWKS', async () => {
    const token = await signedJwt(aServiceAccountPayload(), clusterKey);
    expect(await verifySignature(token, clusterKey.jwks)).toEqual({ ok: true, alg: 'RS256', kid: 'cluster-key-1' });
  });

  it('verifies a token pasted with a Bearer prefix and line breaks', async () => {
    const token = await signedJwt(aServiceAccountPayload(), clusterKey);
    expect((await verifySignature(`Bearer ${token.slice(0, 50)}\n${token.slice(50)}`, clusterKey.jwks)).ok).toBe(true);
  });

  it('finds the key by kid among several', async () => {
    const token = await signedJwt(aServiceAccountPayload(), clusterKey);
    const jwks = { keys: [otherKey.jwk, clusterKey.jwk] };
    expect(await verifySignature(token, jwks)).toMatchObject({ ok: true, kid: 'cluster-key-1' });
  });

  it('tries each key when the token has no kid', async () => {
    const token = await new SignJWT(aServiceAccountPayload()).setProtectedHeader({ alg: 'RS256' }).sign(clusterKey.privateKey);
    const jwks = { keys: [otherKey.jwk, clusterKey.jwk] };
    const result = await verifySignature(token, jwks);
    expect(result).toEqual({ ok: true, alg: 'RS256' });
    expect(await verifySignature(token, otherKey.jwks)).toEqual({
      ok: false,
      reason: 'signature does not match: the token was altered or signed by another key',
    });
  });

  it('says the signature does not match when the payload was altered', async () => {
    const token = tamper(await signedJwt(aServiceAccountPayload(), clusterKey), { sub: 'system:serviceaccount:kube-system:admin' });
    expect(await verifySignature(token, clusterKey.jwks)).toEqual({
      ok: false,
      reason: 'signature does not match: the token was altered or signed by another key',
    });
  });

  it('says a token cut off at the end of its signature was cut off, not forged', async () => {
    const token = await signedJwt(aServiceAccountPayload(), clusterKey);
    expect(await verifySignature(token.slice(0, -3), clusterKey.jwks)).toEqual({
      ok: false,
      reason:
        'the signature is 254 bytes long, but RS256 with this key makes 256-byte signatures: the token was cut off (or its end altered) when copying. Copy it again in full',
    });
  });

  it('says the signature does not match when another key with the same kid signed it', async () => {
    const impostor = { ...otherKey, kid: 'cluster-key-1' };
    const token = await signedJwt(aServiceAccountPayload(), impostor);
    expect(await verifySignature(token, clusterKey.jwks)).toMatchObject({ ok: false, reason: expect.stringContaining('signature does not match') });
  });

  it("lists the available kids when none is the token's", async () => {
    const token = await signedJwt(aServiceAccountPayload(), otherKey);
    const result = await verifySignature(token, { keys: [clusterKey.jwk, { kty: 'RSA', n: 'x', e: 'AQAB' }] });
    expect(result).toEqual({
      ok: false,
      reason:
        'no key in the JWKS has the token\'s kid "other-key" (available: "cluster-key-1", (no kid)). The issuer may have rotated its keys, or these are another issuer\'s keys.',
    });
  });

  it('refuses an empty JWKS or one without keys', async () => {
    const token = await signedJwt(aServiceAccountPayload(), clusterKey);
    expect(await verifySignature(token, { keys: [] })).toEqual({ ok: false, reason: 'the JWKS is empty: it has no keys to verify with' });
    expect(await verifySignature(token, {} as never)).toEqual({ ok: false, reason: 'the JWKS is invalid: it has no "keys" array' });
  });

  it('explains a key whose algorithm does not fit the token', async () => {
    const { privateKey } = await generateKeyPair('PS256');
    const token = await new SignJWT(aServiceAccountPayload()).setProtectedHeader({ alg: 'PS256', kid: 'cluster-key-1' }).sign(privateKey);
    const result = await verifySignature(token, clusterKey.jwks);
    expect(result).toEqual({ ok: false, reason: 'the key with kid "cluster-key-1" (kty RSA, alg RS256, use sig) cannot verify a token signed with PS256' });
  });

  it('refuses HS256 before touching any key', async () => {
    const secret = new TextEncoder().encode('x'.repeat(32));
    const token = await new SignJWT({ sub: 'x' }).setProtectedHeader({ alg: 'HS256', kid: 'cluster-key-1' }).sign(secret);
    const result = await verifySignature(token, clusterKey.jwks);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain('alg HS256 is a shared-secret HMAC');
  });

  it('refuses alg none', async () => {
    const token = unsignedJwt({ alg: 'none' }, aServiceAccountPayload(), '');
    const result = await verifySignature(token, clusterKey.jwks);
    expect(result).toEqual({ ok: false, reason: 'alg "none" means the token is unsigned: there is no signature to verify, and it must not be trusted' });
  });

  it('says there is nothing to verify for garbage and for an encrypted token', async () => {
    expect(await verifySignature('garbage', clusterKey.jwks)).toMatchObject({ ok: false, reason: expect.stringMatching(/^nothing to verify: The input has no '\.' separators/) });
    expect(await verifySignature('e30.a.b.c.d', clusterKey.jwks)).toEqual({ ok: false, reason: 'nothing to verify: the token is encrypted (JWE), not signed' });
  });

  it('verifies an ES256 token too', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: 'ec' } as SigningKey['jwk'];
    const token = await new SignJWT({ sub: 'x' }).setProtectedHeader({ alg: 'ES256', kid: 'ec' }).sign(privateKey);
    expect(await verifySignature(token, { keys: [jwk] })).toEqual({ ok: true, alg: 'ES256', kid: 'ec' });
  });
});

describe('parseJwks', () => {
  it('accepts a key set', () => {
    const text = JSON.stringify({ keys: [{ kty: 'RSA', kid: 'a', n: 'x', e: 'AQAB' }] });
    expect(parseJwks(text)).toEqual({ ok: true, jwks: { keys: [{ kty: 'RSA', kid: 'a', n: 'x', e: 'AQAB' }] } });
  });

  it('wraps a single JWK and a bare array of keys', () => {
    const key = { kty: 'RSA', kid: 'a', n: 'x', e: 'AQAB' };
    expect(parseJwks(`  ${JSON.stringify(key)}\n`)).toEqual({ ok: true, jwks: { keys: [key] } });
    expect(parseJwks(JSON.stringify([key]))).toEqual({ ok: true, jwks: { keys: [key] } });
  });

  it.each([
    ['', 'it is empty'],
    ['kubectl get --raw /openid/v1/jwks', 'it is not JSON ('],
    ['{"issuer": "https://x"}', 'has no "keys" array and is not a single key'],
    ['{"keys": {}}', '"keys" is not an array'],
    ['{"keys": []}', 'it has no keys'],
    ['{"keys": [{"kid": "a"}]}', 'key 1 has no "kty" member'],
    ['{"keys": [{"kty": "RSA", "kid": "a", "n": "x", "e": "AQAB", "d": "secret"}]}', 'key 1 (kid a) contains secret key material ("d")'],
    ['{"keys": [{"kty": "oct", "k": "c2VjcmV0"}]}', 'contains secret key material ("k")'],
  ])('refuses %j: %s', (text, reason) => {
    const result = parseJwks(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });
});

describe('verifyToken', () => {
  it('passes every check of a fresh service-account token against its JWKS', async () => {
    const token = await signedJwt(aServiceAccountPayload(), clusterKey);
    const result = await verifyToken(token, { jwks: clusterKey.jwks, now: NOW });
    expect(result).toMatchObject({ valid: true, type: 'Kubernetes service account token', issuer: AKS_ISSUER, kid: 'cluster-key-1' });
    expect(result.checks.map((c) => [c.name, c.ok])).toEqual([
      ['format', true],
      ['algorithm', true],
      ['signature', true],
      ['expiry', true],
      ['not-before', true],
      ['audience', true],
    ]);
    expect(check(result, 'expiry').detail).toBe('Expires in 50 min (2025-06-01 12:50:00 UTC).');
  });

  it('is not valid without keys, and says the signature was not checked', async () => {
    const token = await signedJwt(anEntraV2Payload(), clusterKey);
    const result = await verifyToken(token, { now: NOW });
    expect(result.valid).toBe(false);
    expect(result.type).toBe('Entra ID access token (v2)');
    expect(check(result, 'signature')).toEqual({ name: 'signature', ok: false, detail: expect.stringMatching(/^Not checked: no JWKS/) });
    expect(result.checks.map((c) => c.name)).not.toContain('audience');
  });

  it('fails a tampered token on its signature only', async () => {
    const token = tamper(await signedJwt(aServiceAccountPayload(), clusterKey), { sub: 'system:serviceaccount:shop:admin' });
    const result = await verifyToken(token, { jwks: clusterKey.jwks, now: NOW });
    expect(result.valid).toBe(false);
    expect(result.checks.filter((c) => !c.ok).map((c) => c.name)).toEqual(['signature']);
    expect(check(result, 'signature').detail).toBe('Signature not verified: signature does not match: the token was altered or signed by another key.');
  });

  it('fails an expired token on its expiry, with how long ago', async () => {
    const token = await signedJwt(aServiceAccountPayload({ iat: NOW_SECONDS - 4 * HOUR, nbf: NOW_SECONDS - 4 * HOUR, exp: NOW_SECONDS - 3 * HOUR }), clusterKey);
    const result = await verifyToken(token, { jwks: clusterKey.jwks, now: NOW });
    expect(result.valid).toBe(false);
    expect(check(result, 'signature').ok).toBe(true);
    expect(check(result, 'expiry')).toEqual({ name: 'expiry', ok: false, detail: 'The token expired 3 h ago (2025-06-01 09:00:00 UTC).' });
  });

  it('allows the clock skew on expiry and on not-before, as verifiers do', async () => {
    const payload = aServiceAccountPayload({ iat: NOW_SECONDS + 2 * MINUTE, nbf: NOW_SECONDS + 2 * MINUTE, exp: NOW_SECONDS - MINUTE });
    const token = await signedJwt(payload, clusterKey);
    const lenient = await verifyToken(token, { jwks: clusterKey.jwks, now: NOW });
    expect([check(lenient, 'expiry').ok, check(lenient, 'not-before').ok]).toEqual([true, true]);
    expect(check(lenient, 'expiry').detail).toContain('within the 5 min clock-skew allowance');
    const strict = await verifyToken(token, { jwks: clusterKey.jwks, now: NOW, clockSkewSeconds: 0 });
    expect([check(strict, 'expiry').ok, check(strict, 'not-before').ok]).toEqual([false, false]);
  });

  it('fails a service-account token for the wrong audience', async () => {
    const token = await signedJwt(aServiceAccountPayload({ aud: ['https://kubernetes.default.svc.cluster.local'] }), clusterKey);
    const result = await verifyToken(token, { jwks: clusterKey.jwks, now: NOW });
    expect(result.valid).toBe(false);
    expect(check(result, 'audience').detail).toContain('AADSTS700212');
  });

  it('fails a token without exp', async () => {
    const token = await signedJwt(aServiceAccountPayload({ exp: undefined }), clusterKey);
    const result = await verifyToken(token, { jwks: clusterKey.jwks, now: NOW });
    expect(check(result, 'expiry')).toMatchObject({ ok: false, detail: expect.stringContaining('never expires') });
  });

  it('refuses HS256 and alg none in the algorithm check', async () => {
    const hs = await new SignJWT(aServiceAccountPayload()).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('x'.repeat(32)));
    const hsResult = await verifyToken(hs, { jwks: clusterKey.jwks, now: NOW });
    expect([check(hsResult, 'algorithm').ok, check(hsResult, 'signature').ok, hsResult.valid]).toEqual([false, false, false]);
    const none = await verifyToken(unsignedJwt({ alg: 'none' }, aServiceAccountPayload(), ''), { jwks: clusterKey.jwks, now: NOW });
    expect(check(none, 'algorithm').detail).toContain('alg "none"');
  });

  it('reports garbage as a failed format check and an Unknown JWT', async () => {
    const result = await verifyToken('definitely not a jwt', { jwks: clusterKey.jwks, now: NOW });
    expect(result).toEqual({
      valid: false,
      type: 'Unknown JWT',
      checks: [{ name: 'format', ok: false, detail: expect.stringContaining("no '.' separators") }],
    });
  });

  it('reports a token whose payload cannot be decoded as a failed format check', async () => {
    const result = await verifyToken('eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.sig', { now: NOW });
    expect(result.checks).toEqual([{ name: 'format', ok: false, detail: expect.stringContaining('decodes but is not JSON') }]);
  });

  it('never throws on a broken JWKS', async () => {
    const token = await signedJwt(aServiceAccountPayload(), clusterKey);
    const result = await verifyToken(token, { jwks: { keys: [{ kty: 'RSA', kid: 'cluster-key-1', n: '', e: '' }] }, now: NOW });
    expect(check(result, 'signature').ok).toBe(false);
    expect(check(result, 'signature').detail).toMatch(/^Signature not verified: /);
  });
});

describe('verifyToken regressions found by property tests', () => {
  it('answers a deeply nested exp or nbf with a failed check, not a RangeError', async () => {
    const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
    const token = `${Buffer.from('{"alg":"RS256","kid":"k"}').toString('base64url')}.${Buffer.from(`{"exp":${deep},"nbf":${deep}}`).toString('base64url')}.c2ln`;
    const result = await verifyToken(token, { now: new Date('2025-06-01T12:00:00Z') });
    expect(result.valid).toBe(false);
    expect(result.checks.find((c) => c.name === 'expiry')).toEqual({ name: 'expiry', ok: false, detail: 'exp is not a NumericDate ((an array nested too deeply to show)).' });
    expect(result.checks.find((c) => c.name === 'not-before')).toEqual({ name: 'not-before', ok: false, detail: 'nbf is not a NumericDate ((an array nested too deeply to show)).' });
  });
});
