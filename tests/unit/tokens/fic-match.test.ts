import { describe, expect, it } from 'vitest';
import { matchFederatedCredentials, similarity } from '@/lib/tokens/fic-match';
import { aFederatedCredential, AKS_ISSUER, aServiceAccountPayload, EXCHANGE_AUDIENCE } from './token-factories';

/** The claims of the default projected token: shop/orders on the AKS cluster, exchange audience. */
const token = aServiceAccountPayload();

describe('matchFederatedCredentials', () => {
  it('accepts the credential whose issuer, subject and audience match exactly', () => {
    const fic = aFederatedCredential();
    expect(matchFederatedCredentials(token, [fic])).toEqual({ accepting: [fic], notEvaluable: [] });
  });

  it('lists every accepting credential (several identities may trust the same service account)', () => {
    const a = aFederatedCredential({ ownerClientId: 'one' });
    const b = aFederatedCredential({ ownerClientId: 'two' });
    const other = aFederatedCredential({ subject: 'system:serviceaccount:shop:cart' });
    expect(matchFederatedCredentials(token, [a, other, b]).accepting).toEqual([a, b]);
  });

  it('accepts a string aud as well as an array', () => {
    expect(matchFederatedCredentials({ ...token, aud: EXCHANGE_AUDIENCE }, [aFederatedCredential()]).accepting).toHaveLength(1);
  });

  it('reports no nearest credential when there are no credentials at all', () => {
    expect(matchFederatedCredentials(token, [])).toEqual({ accepting: [], notEvaluable: [] });
  });

  it('explains a missing trailing slash on the issuer (AADSTS700211)', () => {
    const fic = aFederatedCredential({ issuer: AKS_ISSUER.replace(/\/$/, '') });
    const result = matchFederatedCredentials(token, [fic]);
    expect(result.accepting).toEqual([]);
    expect(result.nearest?.credential).toBe(fic);
    expect(result.nearest?.differences).toEqual([
      {
        field: 'issuer',
        expected: fic.issuer,
        actual: AKS_ISSUER,
        hint: 'trailing-slash',
        explanation: expect.stringContaining("differs from the credential's issuer only by a trailing '/'"),
      },
    ]);
    expect(result.nearest?.differences[0]!.explanation).toContain('AADSTS700211');
  });

  it('explains a subject that matches only when case is ignored (AADSTS7002138)', () => {
    const fic = aFederatedCredential({ subject: 'system:serviceaccount:Shop:orders' });
    const [difference] = matchFederatedCredentials(token, [fic]).nearest!.differences;
    expect(difference).toMatchObject({ field: 'subject', hint: 'case', expected: 'system:serviceaccount:Shop:orders', actual: 'system:serviceaccount:shop:orders' });
    expect(difference!.explanation).toContain('AADSTS7002138');
  });

  it('explains another namespace and another service-account name (AADSTS700213)', () => {
    const namespace = matchFederatedCredentials(token, [aFederatedCredential({ subject: 'system:serviceaccount:shop-staging:orders' })]).nearest!.differences[0]!;
    expect(namespace).toMatchObject({ field: 'subject', hint: 'namespace' });
    expect(namespace.explanation).toContain('in the namespace');
    expect(namespace.explanation).toContain('AADSTS700213');
    const name = matchFederatedCredentials(token, [aFederatedCredential({ subject: 'system:serviceaccount:shop:order' })]).nearest!.differences[0]!;
    expect(name).toMatchObject({ field: 'subject', hint: 'service-account-name' });
  });

  it('explains whitespace pasted into a credential', () => {
    const difference = matchFederatedCredentials(token, [aFederatedCredential({ subject: 'system:serviceaccount:shop:orders ' })]).nearest!.differences[0]!;
    expect(difference.hint).toBe('whitespace');
  });

  it("explains a token audience the credential does not name (AADSTS700212)", () => {
    const result = matchFederatedCredentials({ ...token, aud: ['https://kubernetes.default.svc.cluster.local'] }, [aFederatedCredential()]);
    expect(result.nearest?.differences).toEqual([
      {
        field: 'audience',
        expected: EXCHANGE_AUDIENCE,
        actual: 'https://kubernetes.default.svc.cluster.local',
        hint: 'different',
        explanation: expect.stringContaining('AADSTS700212'),
      },
    ]);
  });

  it('compares the audience case-sensitively', () => {
    const fic = aFederatedCredential({ audiences: ['api://azureadtokenexchange'] });
    const result = matchFederatedCredentials(token, [fic]);
    expect(result.accepting).toEqual([]);
    expect(result.nearest?.differences[0]).toMatchObject({ field: 'audience', hint: 'case' });
  });

  it('picks the credential with the fewest differing fields as the nearest', () => {
    const twoOff = aFederatedCredential({ name: 'two-off', issuer: 'https://other.test/', subject: 'system:serviceaccount:shop:cart' });
    const oneOff = aFederatedCredential({ name: 'one-off', subject: 'system:serviceaccount:billing:orders' });
    const result = matchFederatedCredentials(token, [twoOff, oneOff]);
    expect(result.nearest?.credential.name).toBe('one-off');
    expect(result.nearest?.differences.map((d) => d.field)).toEqual(['subject']);
  });

  it('breaks ties by how alike the differing values are', () => {
    const far = aFederatedCredential({ name: 'far', subject: 'system:serviceaccount:payments:ledger-writer' });
    const near = aFederatedCredential({ name: 'near', subject: 'system:serviceaccount:shop:orderz' });
    expect(matchFederatedCredentials(token, [far, near]).nearest?.credential.name).toBe('near');
    expect(matchFederatedCredentials(token, [near, far]).nearest?.credential.name).toBe('near');
  });

  it('lists issuer, subject and audience differences in that order', () => {
    const fic = aFederatedCredential({ issuer: 'https://other.test/', subject: 'system:serviceaccount:a:b', audiences: ['api://other'] });
    expect(matchFederatedCredentials(token, [fic]).nearest?.differences.map((d) => d.field)).toEqual(['issuer', 'subject', 'audience']);
  });

  it('reports missing token claims as (missing)', () => {
    const differences = matchFederatedCredentials({}, [aFederatedCredential()]).nearest!.differences;
    expect(differences.map((d) => [d.field, d.actual])).toEqual([
      ['issuer', '(missing)'],
      ['subject', '(missing)'],
      ['audience', '(missing)'],
    ]);
  });

  describe('claimsMatchingExpression', () => {
    const withExpression = (expression: string) => aFederatedCredential({ subject: undefined, claimsMatchingExpression: expression });

    it('accepts a subject matching a wildcard expression', () => {
      const fic = withExpression("claims['sub'] matches 'system:serviceaccount:shop:*'");
      expect(matchFederatedCredentials(token, [fic]).accepting).toEqual([fic]);
    });

    it('accepts ? wildcards and eq joined by and', () => {
      const fic = withExpression("claims['sub'] matches 'system:serviceaccount:sho?:*' and claims['sub'] eq 'system:serviceaccount:shop:orders'");
      expect(matchFederatedCredentials(token, [fic]).accepting).toEqual([fic]);
    });

    it('shows the expression as the expected subject when it does not match', () => {
      const fic = withExpression("claims['sub'] matches 'system:serviceaccount:billing:*'");
      const result = matchFederatedCredentials(token, [fic]);
      expect(result.accepting).toEqual([]);
      expect(result.nearest?.differences).toEqual([
        expect.objectContaining({ field: 'subject', expected: "claims['sub'] matches 'system:serviceaccount:billing:*'", actual: 'system:serviceaccount:shop:orders' }),
      ]);
    });

    it('sets aside an expression it cannot evaluate instead of guessing', () => {
      const fic = withExpression("claims['job_workflow_ref'] matches 'octo/*'");
      expect(matchFederatedCredentials(token, [fic])).toEqual({ accepting: [], notEvaluable: [fic] });
    });
  });
});

describe('similarity', () => {
  it('is 1 for equal strings, 0 for entirely different ones of the same length, and in between otherwise', () => {
    expect(similarity('abc', 'abc')).toBe(1);
    expect(similarity('abc', 'xyz')).toBe(0);
    expect(similarity('orders', 'orderz')).toBeCloseTo(5 / 6);
    expect(similarity('', '')).toBe(1);
  });
});
