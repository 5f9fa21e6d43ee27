// Which federated identity credentials (FICs) would accept this token at Entra ID, and when none
// does, which one comes nearest and why it fails: the question behind AADSTS70021. Entra's rule
// (shared DOMAIN.md): `iss` equals the FIC's issuer, `sub` its subject, and `aud` contains its single
// audience, exactly and case-sensitively. The comparisons themselves live in lib/domain/fic-matching
// so that the identity map and the token page can never disagree on what matches.

import { expressionMatchesSubject, subjectDifference, valueDifference, type SubjectDifference } from '@/lib/domain/fic-matching';
import type { FederatedCredential } from '@/lib/domain/model';
import { audiencesOf } from './claims';

export type DifferenceHint = SubjectDifference;

export interface FieldDifference {
  field: 'issuer' | 'subject' | 'audience';
  /** What the credential names (for `claimsMatchingExpression` FICs: the expression). */
  expected: string;
  /** What the token carries (`(missing)` when the claim is absent). */
  actual: string;
  hint: DifferenceHint;
  /** Plain words, with the AADSTS code Entra ID answers for this difference. */
  explanation: string;
}

export interface FicMatch<T extends FederatedCredential> {
  /** Credentials that accept the token: an exchange as any of their identities would succeed. */
  accepting: T[];
  /** When none accepts: the credential with the fewest differing fields, and those fields. */
  nearest?: { credential: T; differences: FieldDifference[] };
  /** Credentials whose `claimsMatchingExpression` idlens cannot evaluate: neither accepted nor refused. */
  notEvaluable: T[];
}

export interface TokenClaims {
  iss?: unknown;
  sub?: unknown;
  aud?: unknown;
}

const MISSING = '(missing)';

export function matchFederatedCredentials<T extends FederatedCredential>(claims: TokenClaims, fics: readonly T[]): FicMatch<T> {
  const iss = typeof claims.iss === 'string' ? claims.iss : undefined;
  const sub = typeof claims.sub === 'string' ? claims.sub : undefined;
  const auds = audiencesOf(claims.aud);

  const accepting: T[] = [];
  const notEvaluable: T[] = [];
  const candidates: Array<{ credential: T; differences: FieldDifference[] }> = [];
  for (const fic of fics) {
    const comparison = compare(fic, iss, sub, auds);
    if (comparison === 'not-evaluable') notEvaluable.push(fic);
    else if (comparison.length === 0) accepting.push(fic);
    else candidates.push({ credential: fic, differences: comparison });
  }
  if (accepting.length > 0 || candidates.length === 0) return { accepting, notEvaluable };
  return { accepting, notEvaluable, nearest: nearestOf(candidates) };
}

function compare(fic: FederatedCredential, iss: string | undefined, sub: string | undefined, auds: string[]): FieldDifference[] | 'not-evaluable' {
  const differences: FieldDifference[] = [];
  const issuerHint = iss === undefined ? 'different' : valueDifference(fic.issuer, iss);
  if (issuerHint) differences.push(issuerDifference(fic.issuer, iss ?? MISSING, issuerHint));

  if (fic.subject !== undefined) {
    const hint = sub === undefined ? 'different' : subjectDifference(fic.subject, sub);
    if (hint) differences.push(subjectDiff(fic.subject, sub ?? MISSING, hint));
  } else if (fic.claimsMatchingExpression !== undefined) {
    const matches = sub === undefined ? false : expressionMatchesSubject(fic.claimsMatchingExpression, sub);
    if (matches === undefined) return 'not-evaluable';
    if (!matches) {
      differences.push({
        field: 'subject',
        expected: fic.claimsMatchingExpression,
        actual: sub ?? MISSING,
        hint: 'different',
        explanation: `The token's sub does not satisfy the credential's claims-matching expression, so Entra ID finds no matching record for the subject (AADSTS700213).`,
      });
    }
  } else {
    differences.push(subjectDiff('(no subject)', sub ?? MISSING, 'different'));
  }

  const audience = audienceDifference(fic.audiences, auds);
  if (audience) differences.push(audience);
  return differences;
}

const HINT_WORDS: Record<DifferenceHint, string> = {
  'trailing-slash': "only by a trailing '/'",
  case: 'only by upper/lower case',
  whitespace: 'only by surrounding whitespace',
  namespace: 'in the namespace',
  'service-account-name': 'in the service-account name',
  different: 'entirely',
};

function issuerDifference(expected: string, actual: string, hint: DifferenceHint): FieldDifference {
  const fix =
    hint === 'trailing-slash'
      ? " AKS issuer URLs end with '/': copy it exactly from az aks show --query oidcIssuerProfile.issuerURL."
      : hint === 'different'
        ? ' The credential was made for another cluster, or the cluster was recreated with a new issuer.'
        : ' Copy the issuer exactly from the cluster (az aks show --query oidcIssuerProfile.issuerURL).';
  return {
    field: 'issuer',
    expected,
    actual,
    hint,
    explanation: `The token's iss differs from the credential's issuer ${HINT_WORDS[hint]}. Entra ID compares issuers exactly: AADSTS700211 (no matching federated identity record for the assertion's issuer).${fix}`,
  };
}

function subjectDiff(expected: string, actual: string, hint: DifferenceHint): FieldDifference {
  const explanation =
    hint === 'case'
      ? `The token's sub equals the credential's subject only when case is ignored. Entra ID compares case-sensitively: AADSTS7002138. Fix the case in the credential (Kubernetes names are lower-case).`
      : hint === 'namespace' || hint === 'service-account-name'
        ? // The nearest credential serves another service account, which may be in use: never advise
          // rewriting it. Which error Entra gives depends on the identity the request used.
          `The token's sub differs from the credential's subject ${HINT_WORDS[hint]}: this credential trusts another service account (${expected}), ` +
          `which may still use it — do not rewrite it. If the pod is meant to run as ${actual}, the identity its service account's ` +
          `azure.workload.identity/client-id annotation names needs a credential of its own for this subject (Entra ID answers AADSTS700213 when that ` +
          `identity has credentials for this issuer but not this subject, AADSTS700211 when it has none for the issuer); otherwise fix the pod's serviceAccountName.`
        : `The token's sub differs from the credential's subject ${HINT_WORDS[hint]}. Entra ID compares subjects exactly: AADSTS700213 (no matching federated identity record for the assertion's subject).`;
  return { field: 'subject', expected, actual, hint, explanation };
}

/** A FIC holds one audience (Entra allows exactly one); the token's `aud` must contain it. */
function audienceDifference(ficAudiences: string[], tokenAuds: string[]): FieldDifference | undefined {
  if (ficAudiences.some((a) => tokenAuds.includes(a))) return undefined;
  const expected = ficAudiences[0] ?? '(no audience)';
  const actual = tokenAuds.length > 0 ? tokenAuds.join(', ') : MISSING;
  // The most telling difference among the token's audiences: a near miss beats "different".
  const hints = tokenAuds.map((a) => valueDifference(expected, a) ?? 'different');
  const hint = (['whitespace', 'trailing-slash', 'case'] as const).find((h) => hints.includes(h)) ?? 'different';
  return {
    field: 'audience',
    expected,
    actual,
    hint,
    explanation: `The token's aud does not contain the credential's audience${hint === 'different' ? '' : ` (it differs ${HINT_WORDS[hint]})`}. Entra ID answers AADSTS700212 (no matching federated identity record for the assertion's audience). Service-account tokens for workload identity carry aud api://AzureADTokenExchange; a token with another audience is usually the pod's default kube-api-access token.`,
  };
}

/** Fewest differing fields first; ties go to the credential whose differing values are most alike. */
function nearestOf<T extends FederatedCredential>(candidates: Array<{ credential: T; differences: FieldDifference[] }>): { credential: T; differences: FieldDifference[] } {
  const fewest = Math.min(...candidates.map((c) => c.differences.length));
  const tied = candidates.filter((c) => c.differences.length === fewest);
  let best = tied[0]!;
  let bestScore = -1;
  for (const candidate of tied) {
    const score = candidate.differences.reduce((sum, d) => sum + similarity(d.expected, d.actual), 0);
    if (score > bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  return best;
}

/** 1 − normalised Levenshtein distance, in [0, 1]. Inputs are capped at 600 characters, Entra's own limit. */
export function similarity(a: string, b: string): number {
  const x = a.slice(0, 600);
  const y = b.slice(0, 600);
  if (x === y) return 1;
  const longest = Math.max(x.length, y.length);
  if (longest === 0) return 1;
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return 1 - previous[y.length]! / longest;
}
