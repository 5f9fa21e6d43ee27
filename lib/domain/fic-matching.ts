// How Entra ID matches a presented assertion against a federated identity credential (FIC), and how
// near a FIC that does not match comes. Entra compares issuer, subject and audience exactly and
// case-sensitively (shared DOMAIN.md): a trailing `/` or one upper-case letter is a different value.
// The "near" comparisons below exist only to explain a failure, never to accept a match.

import { parseServiceAccountSubject, WI, type FederatedCredential } from './model';

/** How a value written in a FIC differs from the value the token carries. */
export type ValueDifference = 'trailing-slash' | 'case' | 'whitespace' | 'different';

/** How a FIC's subject differs from a service-account subject. */
export type SubjectDifference = ValueDifference | 'namespace' | 'service-account-name';

/**
 * A key under which issuers that differ only by trailing slashes, case or surrounding whitespace
 * collide. Used to find "the FIC that was meant for this cluster"; never to decide a match.
 */
export function looseIssuerKey(issuer: string): string {
  return issuer.trim().toLowerCase().replace(/\/+$/, '');
}

/** Undefined when equal; otherwise the most specific explanation of the difference. */
export function valueDifference(expected: string, actual: string): ValueDifference | undefined {
  if (expected === actual) return undefined;
  const e = expected.trim();
  const a = actual.trim();
  if (e === a) return 'whitespace';
  // A trailing `/` is the classic AKS mistake: the issuer URL ends with one, copies often do not.
  const strip = (v: string) => v.replace(/\/+$/, '');
  if (strip(e) === strip(a)) return 'trailing-slash';
  if (e.toLowerCase() === a.toLowerCase()) return 'case';
  if (strip(e).toLowerCase() === strip(a).toLowerCase()) return 'trailing-slash';
  return 'different';
}

/** Like `valueDifference`, but tells a different namespace from a different service-account name. */
export function subjectDifference(expected: string, actual: string): SubjectDifference | undefined {
  const plain = valueDifference(expected, actual);
  if (plain !== 'different') return plain;
  const e = parseServiceAccountSubject(expected);
  const a = parseServiceAccountSubject(actual.trim());
  if (!e || !a) return 'different';
  if (e.namespace !== a.namespace && e.name === a.name) return 'namespace';
  if (e.namespace === a.namespace && e.name !== a.name) return 'service-account-name';
  return 'different';
}

/**
 * Kubernetes object names are lower-case DNS labels/subdomains, so a subject of this form can name
 * an existing service account; `parseServiceAccountSubject` alone would accept spaces or `/`.
 */
const WELL_FORMED_SUBJECT = /^system:serviceaccount:[a-z0-9]([-a-z0-9]*[a-z0-9])?:[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/i;

export function isWellFormedServiceAccountSubject(subject: string): boolean {
  return WELL_FORMED_SUBJECT.test(subject);
}

/**
 * Best guess at the subject a malformed one meant (`system:serviceaccounts:ns:sa`,
 * `system:serviceaccount:ns/sa`, `ns:sa`, stray spaces), or undefined when there is none.
 */
export function intendedServiceAccountSubject(subject: string): string | undefined {
  const s = subject.trim().replace(/\s+/g, '');
  const m =
    /^system:serviceaccounts?:([^:/]+)[:/]([^:/]+)$/i.exec(s) ??
    /^serviceaccount:([^:/]+)[:/]([^:/]+)$/i.exec(s) ??
    /^([a-z0-9][-a-z0-9]*)[:/]([a-z0-9][-.a-z0-9]*)$/i.exec(s);
  if (!m) return undefined;
  const guess = `system:serviceaccount:${m[1]!.toLowerCase()}:${m[2]!.toLowerCase()}`;
  return isWellFormedServiceAccountSubject(guess) ? guess : undefined;
}

/**
 * Evaluates the preview `claimsMatchingExpression` against a subject. Only `claims['sub']` clauses
 * with `eq` / `matches` (`*`, `?`) joined by `and` are understood; anything else returns undefined
 * ("cannot tell"), so callers neither draw a trust edge nor report a missing FIC on a guess.
 */
export function expressionMatchesSubject(expression: string, subject: string): boolean | undefined {
  const clauses = expression.split(/\s+and\s+/i);
  let result = true;
  for (const clause of clauses) {
    const m = /^\s*\(?\s*claims\[\s*(['"])sub\1\s*\]\s+(eq|matches)\s+'((?:[^'\\]|\\.)*)'\s*\)?\s*$/i.exec(clause);
    if (!m) return undefined;
    const operator = m[2]!.toLowerCase();
    const literal = m[3]!.replace(/\\(.)/g, '$1');
    if (operator === 'eq') {
      result &&= subject === literal;
    } else {
      const pattern = literal.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
      result &&= new RegExp(`^${pattern}$`).test(subject);
    }
  }
  return result;
}

/** Does this FIC accept a token with this issuer and subject (audience checked apart)? */
export function ficAcceptsSubject(fic: FederatedCredential, issuer: string, subject: string): boolean | undefined {
  if (fic.issuer !== issuer) return false;
  if (fic.subject !== undefined) return fic.subject === subject;
  if (fic.claimsMatchingExpression !== undefined) return expressionMatchesSubject(fic.claimsMatchingExpression, subject);
  return false;
}

export function hasTokenExchangeAudience(fic: FederatedCredential): boolean {
  return fic.audiences.includes(WI.tokenExchangeAudience);
}

/**
 * Levenshtein distance (insertions, deletions, substitutions, each 1). Ranks near-miss values
 * against each other (`shop:checkout-v2` is nearer `shop:checkout` than `shop:recommendations`)
 * when the kind of difference ties; never used to accept a match. O(a·b) time, O(b) memory.
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** Length of the longest common prefix: the next tie-breaker after `editDistance`. */
export function commonPrefixLength(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}
