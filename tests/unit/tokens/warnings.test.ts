import { describe, expect, it } from 'vitest';
import { classifyToken } from '@/lib/tokens/classify';
import { decodeToken } from '@/lib/tokens/decode';
import { tokenWarnings, type TokenWarning } from '@/lib/tokens/warnings';
import { aServiceAccountPayload, anEntraV2Payload, base64url, HOUR, MINUTE, NOW, NOW_SECONDS, RS256_HEADER, unsignedJwt } from './token-factories';

/** Warnings of a token built from header and payload, classified as the page classifies it. */
function warningsFor(header: object, payload: Record<string, unknown>, options: { clockSkewSeconds?: number } = {}): TokenWarning[] {
  const decoded = decodeToken(unsignedJwt(header, payload));
  const type = decoded.kind === 'jws' ? classifyToken(decoded.header, decoded.payload) : undefined;
  return tokenWarnings(decoded, type, { now: NOW, ...options });
}

const codesOf = (warnings: TokenWarning[]) => warnings.map((w) => w.code);
const find = (warnings: TokenWarning[], code: string) => {
  const warning = warnings.find((w) => w.code === code);
  if (!warning) throw new Error(`no ${code} warning among ${codesOf(warnings).join(', ') || 'none'}`);
  return warning;
};

describe('tokenWarnings', () => {
  it('has nothing to say about a fresh projected service-account token', () => {
    expect(warningsFor(RS256_HEADER, aServiceAccountPayload())).toEqual([]);
  });

  it('has nothing to say about a fresh Entra v2 access token', () => {
    expect(warningsFor({ ...RS256_HEADER, typ: 'JWT' }, anEntraV2Payload())).toEqual([]);
  });

  describe('expired', () => {
    it('says the token expired, how long ago and when', () => {
      const warning = find(warningsFor(RS256_HEADER, aServiceAccountPayload({ iat: NOW_SECONDS - 4 * HOUR, nbf: NOW_SECONDS - 4 * HOUR, exp: NOW_SECONDS - 3 * HOUR })), 'expired');
      expect(warning.severity).toBe('error');
      expect(warning.message).toMatch(/^The token expired 3 h ago \(at 2025-06-01 09:00:00 UTC\)\. /);
      expect(warning.message).toContain('re-read the file on every token request');
    });

    it('mentions the clock-skew allowance when it expired moments ago', () => {
      const warning = find(warningsFor(RS256_HEADER, anEntraV2Payload({ iat: NOW_SECONDS - HOUR - 2 * MINUTE, nbf: NOW_SECONDS - HOUR - 2 * MINUTE, exp: NOW_SECONDS - 2 * MINUTE })), 'expired');
      expect(warning.message).toContain('The token expired 2 min ago');
      expect(warning.message).toContain('may still accept it for 3 min');
      expect(warning.message).toContain('token_expired');
    });
  });

  describe('not-yet-valid', () => {
    it('warns when nbf is beyond the clock skew', () => {
      const warning = find(warningsFor(RS256_HEADER, aServiceAccountPayload({ nbf: NOW_SECONDS + 10 * MINUTE, iat: NOW_SECONDS + 10 * MINUTE, exp: NOW_SECONDS + 70 * MINUTE })), 'not-yet-valid');
      expect(warning.message).toContain('not valid before 2025-06-01 12:10:00 UTC (nbf, in 10 min)');
      expect(warning.message).toContain('beyond the 5 min clock-skew allowance');
    });

    it('warns on an iat in the future when there is no nbf', () => {
      const warning = find(warningsFor(RS256_HEADER, aServiceAccountPayload({ nbf: undefined, iat: NOW_SECONDS + HOUR, exp: NOW_SECONDS + 2 * HOUR })), 'not-yet-valid');
      expect(warning.message).toContain('issued at 2025-06-01 13:00:00 UTC (iat, in 1 h)');
    });

    it('forgives a start within the clock skew, and honours a custom skew', () => {
      const payload = aServiceAccountPayload({ nbf: NOW_SECONDS + 2 * MINUTE, iat: NOW_SECONDS + 2 * MINUTE, exp: NOW_SECONDS + 62 * MINUTE });
      expect(codesOf(warningsFor(RS256_HEADER, payload))).toEqual([]);
      expect(codesOf(warningsFor(RS256_HEADER, payload, { clockSkewSeconds: 60 }))).toEqual(['not-yet-valid']);
    });
  });

  it.each(['none', 'None'])('flags alg %s as an unsigned token', (alg) => {
    const warnings = warningsFor({ alg }, aServiceAccountPayload());
    expect(codesOf(warnings)).toEqual(['alg-none']);
    expect(warnings[0]!.message).toContain('unsigned');
  });

  it.each(['HS256', 'HS384', 'HS512'])('flags the symmetric %s', (alg) => {
    const warning = find(warningsFor({ alg, kid: 'k' }, anEntraV2Payload()), 'alg-symmetric');
    expect(warning.severity).toBe('error');
    expect(warning.message).toContain(`alg ${alg}, an HMAC with a shared secret`);
  });

  it('flags a missing alg', () => {
    expect(codesOf(warningsFor({ kid: 'k' }, aServiceAccountPayload()))).toEqual(['alg-missing']);
  });

  it('says nothing of alg when the header is not JSON (that is a decode problem of its own)', () => {
    const token = `${base64url('{"alg":"RS256",')}.${base64url(JSON.stringify(aServiceAccountPayload()))}.c2ln`;
    const decoded = decodeToken(token);
    expect(decoded.kind === 'jws' && decoded.problems.map((p) => p.part)).toEqual(['header']);
    expect(codesOf(tokenWarnings(decoded, undefined, { now: NOW }))).not.toContain('alg-missing');
  });

  it('flags a missing kid', () => {
    const warning = find(warningsFor({ alg: 'RS256' }, aServiceAccountPayload()), 'kid-missing');
    expect(warning.severity).toBe('warning');
    expect(warning.message).toContain('no kid');
  });

  it.each([
    ['jku', 'key set'],
    ['x5u', 'certificate'],
  ])('flags a %s header and says it is never fetched', (field, what) => {
    const warning = find(warningsFor({ ...RS256_HEADER, [field]: 'https://attacker.test/keys' }, aServiceAccountPayload()), `${field}-present`);
    expect(warning.message).toContain(`names a ${what} URL (${field}: "https://attacker.test/keys")`);
    expect(warning.message).toContain('idlens never fetches it');
  });

  it('flags a service-account token signed with anything but RS256, which Entra refuses', () => {
    expect(codesOf(warningsFor({ alg: 'ES256', kid: 'k' }, aServiceAccountPayload()))).toEqual(['alg-not-rs256']);
    expect(codesOf(warningsFor({ alg: 'ES256', kid: 'k' }, anEntraV2Payload()))).toEqual([]);
  });

  it('flags a signed token whose signature was cut off', () => {
    const decoded = decodeToken(unsignedJwt(RS256_HEADER, aServiceAccountPayload(), ''));
    expect(codesOf(tokenWarnings(decoded, 'Kubernetes service account token', { now: NOW }))).toEqual(['signature-missing']);
  });

  describe('sa-subject', () => {
    it('flags a subject that is no service account, or disagrees with the kubernetes.io claim', () => {
      expect(find(warningsFor(RS256_HEADER, aServiceAccountPayload({ sub: 'checkout' })), 'sa-subject').message).toMatch(
        /^The subject is "checkout", but the token's kubernetes\.io claim names system:serviceaccount:shop:orders: .* built or edited by hand/,
      );
      const noClaim = aServiceAccountPayload({ sub: 'checkout' });
      (noClaim['kubernetes.io'] as Record<string, unknown>).serviceaccount = undefined;
      expect(find(warningsFor(RS256_HEADER, noClaim), 'sa-subject').message).toContain('not system:serviceaccount:<namespace>:<name>');
      expect(codesOf(warningsFor(RS256_HEADER, aServiceAccountPayload({ sub: 'system:serviceaccount:shop:cart' })))).toContain('sa-subject');
    });

    it('is quiet for a token the API server issued', () => {
      expect(codesOf(warningsFor(RS256_HEADER, aServiceAccountPayload()))).not.toContain('sa-subject');
    });
  });

  describe('sa-audience', () => {
    it('explains AADSTS700212 for the default kube-api-access token', () => {
      const payload = aServiceAccountPayload({
        aud: ['https://kubernetes.default.svc.cluster.local'],
        exp: NOW_SECONDS + 3607 - 10 * MINUTE,
      });
      const warning = find(warningsFor(RS256_HEADER, payload), 'sa-audience');
      expect(warning.severity).toBe('error');
      expect(warning.message).toContain('The audience is "https://kubernetes.default.svc.cluster.local", not "api://AzureADTokenExchange"');
      expect(warning.message).toContain('AADSTS700212');
      expect(warning.message).toContain("This is the pod's default kube-api-access token");
    });

    it('says "likely" when the audience is merely something else', () => {
      const warning = find(warningsFor(RS256_HEADER, aServiceAccountPayload({ aud: 'vault' })), 'sa-audience');
      expect(warning.message).toContain('This is likely the');
    });

    it('treats a missing audience like a wrong one', () => {
      expect(find(warningsFor(RS256_HEADER, aServiceAccountPayload({ aud: undefined })), 'sa-audience').message).toContain('The audience is missing');
    });

    it('does not apply to Entra tokens', () => {
      expect(codesOf(warningsFor(RS256_HEADER, anEntraV2Payload({ aud: 'x' })))).not.toContain('sa-audience');
    });
  });

  describe('lifetime-out-of-range', () => {
    it('accepts exactly 1 h and exactly 24 h', () => {
      expect(warningsFor(RS256_HEADER, aServiceAccountPayload({ iat: NOW_SECONDS, nbf: NOW_SECONDS, exp: NOW_SECONDS + HOUR }))).toEqual([]);
      expect(warningsFor(RS256_HEADER, aServiceAccountPayload({ iat: NOW_SECONDS, nbf: NOW_SECONDS, exp: NOW_SECONDS + 24 * HOUR }))).toEqual([]);
    });

    it('names the annotation bounds for a Kubernetes token of 10 min', () => {
      const warning = find(warningsFor(RS256_HEADER, aServiceAccountPayload({ iat: NOW_SECONDS, nbf: NOW_SECONDS, exp: NOW_SECONDS + 10 * MINUTE })), 'lifetime-out-of-range');
      expect(warning.message).toContain('The token lives 10 min, outside the usual 1–24 h');
      expect(warning.message).toContain('3600–86400 s (annotation azure.workload.identity/service-account-token-expiration');
    });

    it('points at the default token for a year-long Kubernetes token', () => {
      const warning = find(warningsFor(RS256_HEADER, aServiceAccountPayload({ iat: NOW_SECONDS, nbf: NOW_SECONDS, exp: NOW_SECONDS + 365 * 24 * HOUR })), 'lifetime-out-of-range');
      expect(warning.message).toContain('lives 365 d');
      expect(warning.message).toContain('default kube-api-access token');
    });

    it('explains Entra lifetimes as information', () => {
      const warning = find(warningsFor(RS256_HEADER, anEntraV2Payload({ iat: NOW_SECONDS, nbf: NOW_SECONDS, exp: NOW_SECONDS + 28 * HOUR })), 'lifetime-out-of-range');
      expect(warning.severity).toBe('info');
      expect(warning.message).toContain('continuous access evaluation');
    });

    it('reports exp before iat', () => {
      const warning = find(warningsFor(RS256_HEADER, aServiceAccountPayload({ iat: NOW_SECONDS, nbf: NOW_SECONDS, exp: NOW_SECONDS - 1 })), 'lifetime-out-of-range');
      expect(warning.message).toContain('exp is not after iat (-1 s)');
    });
  });

  it('flags a token without exp, naming legacy Secret tokens for Kubernetes', () => {
    const k8s = find(warningsFor(RS256_HEADER, aServiceAccountPayload({ exp: undefined })), 'no-exp');
    expect(k8s.message).toContain('legacy Secret-based service-account token');
    const other = find(warningsFor(RS256_HEADER, { iss: 'https://example.test', sub: 'x' }), 'no-exp');
    expect(other.message).toContain('never expires');
  });

  it('flags time claims that are not numbers', () => {
    const warning = find(warningsFor(RS256_HEADER, aServiceAccountPayload({ exp: '1748780000' })), 'time-claim-invalid');
    expect(warning.message).toBe(
      'exp is not a number of seconds since 1970 (exp: "1748780000"); JWT libraries refuse the token. Whatever issued it wrote the times wrongly.',
    );
  });

  it('flags the in-cluster default issuer of a cluster without OIDC issuer', () => {
    const warning = find(warningsFor(RS256_HEADER, aServiceAccountPayload({ iss: 'https://kubernetes.default.svc.cluster.local' })), 'issuer-oidc-disabled');
    expect(warning.message).toContain('--enable-oidc-issuer');
  });

  it('explains a Graph token header nonce as information', () => {
    const warning = find(warningsFor({ ...RS256_HEADER, nonce: 'abc' }, anEntraV2Payload()), 'header-nonce');
    expect(warning.severity).toBe('info');
  });

  it('explains an encrypted (JWE) token', () => {
    const decoded = decodeToken(`${base64url(JSON.stringify({ alg: 'RSA-OAEP', enc: 'A128GCM' }))}.a.b.c.d`);
    const warnings = tokenWarnings(decoded, undefined, { now: NOW });
    expect(codesOf(warnings)).toEqual(['jwe']);
    expect(warnings[0]!.message).toContain('encrypted (JWE, 5 parts)');
  });

  it('says nothing about input that is not a token at all (the decode problems say it)', () => {
    expect(tokenWarnings(decodeToken('garbage'), undefined, { now: NOW })).toEqual([]);
    expect(tokenWarnings(decodeToken(''), undefined, { now: NOW })).toEqual([]);
  });

  it('lists errors first, one warning per code', () => {
    const warnings = warningsFor({ alg: 'RS256', jku: 'https://x', x5u: 'https://y', nonce: 'n' }, aServiceAccountPayload({ aud: 'x', iat: NOW_SECONDS - 2 * HOUR, nbf: NOW_SECONDS - 2 * HOUR, exp: NOW_SECONDS - HOUR }));
    expect(codesOf(warnings)).toEqual(['expired', 'sa-audience', 'kid-missing', 'jku-present', 'x5u-present', 'header-nonce']);
    expect(new Set(codesOf(warnings)).size).toBe(warnings.length);
  });
});

describe('tokenWarnings regressions found by property tests', () => {
  it('describes a time claim nested too deeply for JSON.stringify instead of throwing a RangeError', () => {
    // JSON.parse takes 10,000 levels of arrays; JSON.stringify of them overflowed the stack.
    const depth = 10_000;
    const token = `${base64url('{}')}.${base64url(`{"exp":${'['.repeat(depth)}${']'.repeat(depth)}}`)}.`;
    const decoded = decodeToken(`Bearer ${token}`);
    const warnings = tokenWarnings(decoded, 'Unknown JWT', { now: NOW });
    expect(warnings.find((w) => w.code === 'time-claim-invalid')?.message).toContain('exp: (an array nested too deeply to show)');
  });

  it('describes a jku nested too deeply for JSON.stringify', () => {
    const depth = 10_000;
    const token = `${base64url(`{"alg":"RS256","kid":"k","jku":${'['.repeat(depth)}${']'.repeat(depth)}}`)}.${base64url('{}')}.c2ln`;
    const warnings = tokenWarnings(decodeToken(token), 'Unknown JWT', { now: NOW });
    expect(warnings.find((w) => w.code === 'jku-present')?.message).toContain('(jku: (an array nested too deeply to show))');
  });
});
