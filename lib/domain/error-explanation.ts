// "Explain an error": paste an AADSTS message (or the log line holding it) and get back which
// service account and which FICs were candidates, which field differs and how, and the fix.
// Entra's own text says *that* nothing matched, never *why*: the why is a diff between the
// values the message quotes and the FICs in the Azure snapshot.

import { AADSTS_CODES, MATCHING_CODES, parseEntraError, type EntraErrorFields } from './aadsts';
import { parseServiceAccountSubject, WI, type AzureSnapshot, type ClusterInfo, type ClusterSnapshot, type FederatedCredential, type Pod, type ServiceAccount } from './model';
import { commonPrefixLength, editDistance, expressionMatchesSubject, intendedServiceAccountSubject, looseIssuerKey, subjectDifference, valueDifference, type SubjectDifference, type ValueDifference } from './fic-matching';
import { aksIssuerQueryCommand, annotateServiceAccountCommand, createFicCommands, enableOidcIssuerCommand, ficNameFor, ficOwnerOf, inKubeContext, restartPodCommands, shellCommand, shellVariable, showFicCommands, TOKEN_EXCHANGE_AUDIENCES, updateFicCommands, type FicOwner, type FicValues } from './fix-commands';
import { unreachableIssuerReason } from './oidc-issuer';
import { annotatedClientId, clustersWithIssuer, displayNameOf, ficIdOf, indexSnapshot, kubeContextOf, serviceAccountIdOf, serviceAccountKey, type SnapshotIndex } from './snapshot-index';

export type Verdict =
  | 'possibly-propagating'
  | 'trailing-slash'
  | 'case'
  | 'whitespace'
  | 'namespace'
  | 'service-account-name'
  | 'audience'
  | 'missing-fic'
  /** The nearest FIC's subject is the quoted one written wrongly ('/' for ':', "serviceaccounts"): rewrite it. */
  | 'malformed-subject'
  /**
   * No FIC idlens sees fits, but the identity's FICs could not be read (AzureSnapshot.ficsUnreadFor):
   * the one the token needs may exist unseen, so idlens does not call it missing.
   */
  | 'fics-unread'
  /**
   * The message quotes only part of the assertion (e.g. AADSTS700211 quotes the issuer alone) and
   * no quoted field differs: idlens cannot tell which credential was meant, and never claims a match.
   */
  | 'partial-assertion'
  /**
   * The token's issuer is no known cluster's issuer, while the nearest FIC trusts a known cluster's
   * exact issuer (and so works for it): the token came from elsewhere; rewriting the FIC would break it.
   */
  | 'unknown-issuer'
  /** AADSTS700016: the client ID names no application or identity in the tenant the request went to. */
  | 'application-not-found'
  /**
   * The token's issuer is one Entra ID can never fetch keys from (the in-cluster default of a
   * cluster without the AKS OIDC issuer, plain http, a private name): no credential can help.
   */
  | 'issuer-unreachable'
  /** Not a FIC matching error (e.g. AADSTS700024): the code's own fix applies. */
  | 'not-a-matching-error'
  /** Nothing usable found in the text. */
  | 'unrecognised';

export type AssertionField = 'issuer' | 'subject' | 'audience';

export interface ServiceAccountRef {
  id: string;
  cluster: string;
  namespace: string;
  name: string;
  clientId?: string;
}

export interface FieldDiff {
  field: AssertionField;
  /** What the assertion carried (the token). */
  presented: string;
  /** What the FIC holds. */
  configured: string;
  difference: SubjectDifference;
}

export interface CandidateFic {
  id: string;
  name: string;
  ownerClientId: string;
  ownerName?: string;
  issuer: string;
  subject?: string;
  claimsMatchingExpression?: string;
  audiences: string[];
  /** Empty when the FIC matches every field the message quotes. */
  diffs: FieldDiff[];
  /**
   * Fields the message neither quotes nor lets idlens infer: not compared, so neither a match nor
   * a difference. A FIC is an exact match only when `diffs` and `unchecked` are both empty.
   */
  unchecked: AssertionField[];
  /** The service account the FIC's subject names, in a cluster whose issuer is the FIC's exactly. */
  serviceAccount?: ServiceAccountRef;
  /**
   * Where no cluster has the FIC's issuer exactly: the service account its subject names in a
   * cluster whose issuer differs only by a trailing '/', case or space — the SA the FIC was meant
   * for, which it does not trust as written.
   */
  meantFor?: ServiceAccountRef;
  /**
   * The FIC's identity cannot be the one the request used (it has a FIC with the quoted issuer,
   * and AADSTS700211 says that identity has none): listed last, for reference.
   */
  ruledOut?: boolean;
  /**
   * Lower is nearer; 0 = every field compared and equal. An unchecked field adds 1: a field the
   * message does not quote never counts as matching.
   */
  distance: number;
}

export interface EntraErrorExplanation {
  codes: Array<{ code: string; known: boolean; meaning?: string; cause?: string; fix?: string }>;
  parsed: EntraErrorFields;
  /** The service account the assertion's subject (and issuer) names, when the snapshot has it. */
  serviceAccount?: ServiceAccountRef;
  /** The client ID the analysis assumed (from the message, else the SA's annotation). */
  clientId?: string;
  /** Assertion fields the message does not quote (an issuer taken from the SA's cluster is listed too). */
  unquoted: AssertionField[];
  /**
   * The issuer assumed when the message quotes none: the one of the cluster(s) holding the SA, only
   * when they all share it. Never a quoted value: the text says "the issuer of cluster X (not quoted)".
   */
  inferredIssuer?: string;
  /** Known clusters whose issuer equals the token's issuer (quoted or inferred) exactly. */
  issuerClusters: string[];
  /**
   * The message quotes no issuer and the SA exists in clusters with different issuers: idlens does
   * not guess one but checks each cluster's issuer against the identity's FICs for the subject.
   */
  clusterChecks?: ClusterCheck[];
  /** Nearest first, at most MAX_CANDIDATES of `candidateCount`. */
  candidates: CandidateFic[];
  candidateCount: number;
  /** Service accounts annotated with the message's client ID (AADSTS700016). */
  annotatedServiceAccounts?: ServiceAccountRef[];
  verdict: Verdict;
  summary: string;
  fix?: { description: string; commands: string[] };
}

export interface ClusterCheck {
  cluster: string;
  issuer: string;
  serviceAccount: ServiceAccountRef;
  /** The identity checked: the message's client ID, else this cluster's SA annotation. */
  clientId?: string;
  /** Names of that identity's FICs trusting this cluster's issuer exactly with the quoted subject. */
  matchingFics: string[];
  /** The identity's FICs were not read: no match seen is not proof of none. */
  ficsUnread: boolean;
}

const MAX_CANDIDATES = 10;

// ─── the paste limit ────────────────────────────────────────────────────────────────────────

/** The largest body POST /api/explain-error reads: UTF-8 bytes of its JSON `{"text": …}`. */
export const EXPLAIN_MAX_BODY_BYTES = 64 * 1024;

/**
 * What to tell a person whose paste the API would refuse, or undefined when it fits. Measured as
 * the API measures it (the JSON body), so the page never sends what the route turns away.
 */
export function pastedTextTooLarge(text: string): string | undefined {
  const bytes = new TextEncoder().encode(JSON.stringify({ text })).byteLength;
  if (bytes <= EXPLAIN_MAX_BODY_BYTES) return undefined;
  const kib = Math.ceil((bytes / 1024) * 10) / 10;
  return `The pasted text is ${kib} KiB; paste at most ${EXPLAIN_MAX_BODY_BYTES / 1024} KiB — the line with the AADSTS error is enough.`;
}

// ─── the differing part ─────────────────────────────────────────────────────────────────────

/** A value cut around the part that differs from the value it was compared with. */
export interface DiffParts {
  before: string;
  /** Empty when this side only lacks what the other side has (e.g. the missing trailing '/'). */
  differing: string;
  after: string;
}

/**
 * Splits two values into their common prefix, the differing middles and their common suffix, so a
 * table can highlight `-v2` of `…:checkout-v2` against `…:checkout` instead of the whole subject.
 * The suffix never overlaps the prefix, and the cut is by code point (never inside a surrogate pair).
 * Case counts: `Checkout` vs `checkout` differs in the `C`, which is the point of a case verdict.
 */
export function splitDifference(presented: string, configured: string): { presented: DiffParts; configured: DiffParts } {
  const a = Array.from(presented);
  const b = Array.from(configured);
  const max = Math.min(a.length, b.length);
  let prefix = 0;
  while (prefix < max && a[prefix] === b[prefix]) prefix++;
  let suffix = 0;
  while (suffix < max - prefix && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix++;
  const parts = (chars: string[]): DiffParts => ({
    before: chars.slice(0, prefix).join(''),
    differing: chars.slice(prefix, chars.length - suffix).join(''),
    after: chars.slice(chars.length - suffix).join(''),
  });
  return { presented: parts(a), configured: parts(b) };
}

// ─── explaining ─────────────────────────────────────────────────────────────────────────────

const WEIGHT: Record<SubjectDifference, number> = {
  whitespace: 1,
  'trailing-slash': 1,
  case: 1,
  namespace: 2,
  'service-account-name': 2,
  different: 4,
};

/** A field the message does not quote: neither a match nor a difference, but never distance 0. */
const UNCHECKED_WEIGHT = 1;
const FIELDS: readonly AssertionField[] = ['issuer', 'subject', 'audience'];

function diffCandidate(fic: FederatedCredential, issuer: string | undefined, subject: string | undefined, audience: string | undefined): FieldDiff[] {
  const diffs: FieldDiff[] = [];
  if (issuer !== undefined) {
    const d = valueDifference(issuer, fic.issuer);
    if (d) diffs.push({ field: 'issuer', presented: issuer, configured: fic.issuer, difference: d });
  }
  if (subject !== undefined) {
    if (fic.subject !== undefined) {
      const d = subjectDifference(subject, fic.subject);
      if (d) diffs.push({ field: 'subject', presented: subject, configured: fic.subject, difference: d });
    } else if (fic.claimsMatchingExpression !== undefined && expressionMatchesSubject(fic.claimsMatchingExpression, subject) !== true) {
      diffs.push({ field: 'subject', presented: subject, configured: fic.claimsMatchingExpression, difference: 'different' });
    }
  }
  if (audience !== undefined && !fic.audiences.includes(audience)) {
    const nearest = fic.audiences
      .map((a) => ({ a, d: valueDifference(audience, a) as ValueDifference }))
      .sort((x, y) => WEIGHT[x.d] - WEIGHT[y.d])[0];
    diffs.push({ field: 'audience', presented: audience, configured: nearest?.a ?? '', difference: nearest?.d ?? 'different' });
  }
  return diffs;
}

const diffWeight = (diffs: FieldDiff[]) => diffs.reduce((sum, d) => sum + WEIGHT[d.difference], 0);

/**
 * Explains an AADSTS error against the snapshots: parses the code(s) and the quoted assertion,
 * finds the service account and the candidate FICs, and says which field differs and how.
 */
export function explainEntraError(text: string, cluster: ClusterSnapshot, azure: AzureSnapshot): EntraErrorExplanation {
  const { codes, parsed } = parseEntraError(text);
  const codeInfo = codes.map((code) => ({ code, known: code in AADSTS_CODES, ...AADSTS_CODES[code] }));
  const base = { codes: codeInfo, parsed, candidates: [] as CandidateFic[], candidateCount: 0, unquoted: FIELDS.filter((f) => parsed[f] === undefined), issuerClusters: [] as string[] };

  const isMatchingError = codes.length === 0 ? parsed.subject !== undefined || parsed.issuer !== undefined : codes.some((c) => MATCHING_CODES.has(c));
  if (!isMatchingError && codes.includes('AADSTS700016')) {
    return { ...base, ...applicationNotFound(indexSnapshot(cluster, azure), parsed) };
  }
  if (!isMatchingError) {
    const first = codeInfo.find((c) => c.known);
    if (first) {
      return { ...base, verdict: 'not-a-matching-error', summary: `${first.code}: ${first.meaning}. Usual cause: ${first.cause}. Fix: ${first.fix}.` };
    }
    return {
      ...base,
      verdict: 'unrecognised',
      summary: codes.length
        ? `${listOf(codes)} ${codes.length > 1 ? 'are not among' : 'is not one of'} the workload-identity errors idlens knows; see https://login.microsoftonline.com/error?code=${codes[0]!.replace('AADSTS', '')}.`
        : 'No AADSTS code and no assertion issuer/subject found in the text.',
    };
  }

  const index = indexSnapshot(cluster, azure);
  const { subject, audience } = parsed;
  if (parsed.issuer === undefined) {
    // AADSTS700213 quotes only the subject. An SA of that name in clusters with different issuers
    // leaves the issuer unknown: each cluster is checked, none is guessed.
    const holders = serviceAccountsWithIssuer(index, subject);
    if (new Set(holders.map((h) => h.issuer)).size > 1) return { ...base, ...subjectInSeveralClusters(index, parsed, holders) };
  }
  const sa = findServiceAccount(index, parsed.issuer, subject);
  // Only one issuer holds the SA (checked above): its cluster tells which issuer the token carried.
  const inferredIssuer = parsed.issuer === undefined && sa ? index.clusterByName.get(sa.cluster)?.issuer : undefined;
  const issuer = parsed.issuer ?? inferredIssuer;
  const clientId = parsed.clientId ?? (sa ? annotatedClientId(sa) : undefined);
  // The SA's annotation names no identity or application idlens read (all of them read): Entra
  // answers AADSTS700016 before it compares any credential, so no FIC is the fix (SA_CLIENT_ID_UNKNOWN).
  const azureRead = index.azure.identities.length + index.azure.applications.length > 0 && !index.azure.identitiesUnread && !index.azure.applicationsUnread;
  if (sa && parsed.clientId === undefined && clientId && azureRead && !index.identityByClientId.has(clientId.toLowerCase()) && !index.ficsByOwner.has(clientId.toLowerCase())) {
    const unknown = applicationNotFound(index, { ...parsed, clientId });
    return {
      ...base,
      ...unknown,
      summary:
        `Service account ${sa.namespace}/${sa.name} is annotated with client ID ${clientId}, which is no managed identity or app registration idlens read: ` +
        `the exchange fails with AADSTS700016 (application not found) before any federated credential is compared, so creating one would not help. ` +
        `The annotation names an identity that does not exist (deleted, or a copy-paste slip) or one in another tenant: annotate the service account with the client ID ` +
        `of the identity it should use, then restart its pods (the webhook injects AZURE_CLIENT_ID only when a pod is created).`,
    };
  }
  // Only the audience quoted (AADSTS700212 quotes it alone): Entra matched the issuer and subject
  // first, so only a FIC whose audiences lack it can be the one (see audienceOnly).
  const assertion = { issuer, subject, audience, codes };
  const found = readsAudienceOnly(assertion) ? ficsLackingAudience(index, clientId, assertion.audience) : candidateFics(index, clientId, issuer, subject);
  const all = ruledOutLast(
    nearestFirst(
      found.map((fic) => toCandidate(index, fic, issuer, subject, audience)),
      { subject, issuer },
    ),
    ruledOutOwners(codes, parsed, clientId, issuer, index),
  );
  const shown = all.slice(0, MAX_CANDIDATES).map((c) => ({ ...c, ...serviceAccountsOfFic(index, c) }));
  const issuerClusters = issuer === undefined ? [] : clusterNamesWithExactIssuer(index, issuer);
  // The FIC list of that identity was not read (the map's sources say why): what is "missing" may just be unseen.
  const ficsUnread = clientId !== undefined && index.ficsUnread.has(clientId.toLowerCase());
  const presented: Presented = { issuer, issuerInferred: inferredIssuer !== undefined, subject, audience, clientId, sa, issuerClusters, ficsUnread, codes };
  const explained = ficsUnread ? withUnreadFics(index, verdictFor(index, all, presented), clientId) : verdictFor(index, all, presented);
  // kubectl commands name the context of the service account's cluster (or of the one cluster of the issuer) where kubectl's current one may be another.
  const contextCluster = sa?.cluster ?? (issuerClusters.length === 1 ? issuerClusters[0] : index.scope.multiCluster ? undefined : index.cluster.clusters[0]?.name);
  const context = contextCluster !== undefined ? kubeContextOf(index, contextCluster) : undefined;
  const verdict = explained.fix && context ? { ...explained, fix: { ...explained.fix, commands: explained.fix.commands.map((c) => inKubeContext(c, context)) } } : explained;
  return {
    ...base,
    candidates: shown,
    candidateCount: all.length,
    serviceAccount: sa ? serviceAccountRef(index, sa) : undefined,
    clientId,
    inferredIssuer,
    issuerClusters,
    ...verdict,
  };
}

const unreadSentence = (who: string) =>
  `idlens could not read the federated credentials of ${who} (see the Azure source's status), so the one the token needs may exist unseen.`;

/**
 * The identity's FICs were not read. A verdict about a FIC idlens does see stands, with a caution;
 * "missing" becomes "unseen". Any create command is preceded by a listing: `create` is an ARM PUT
 * that silently replaces a FIC of the same name, one idlens could not see.
 */
function withUnreadFics(index: SnapshotIndex, part: VerdictPart, clientId: string): VerdictPart {
  const who = identityLabel(index, clientId);
  const fix = part.fix && listBeforeCreate(part.fix, ficOwnerByClientId(index, clientId));
  if (part.verdict === 'fics-unread') return { ...part, fix };
  if (part.verdict === 'missing-fic') {
    return { verdict: 'fics-unread', summary: `${unreadSentence(who)} Of the credentials idlens does see: ${part.summary}`, fix };
  }
  return { ...part, summary: `${part.summary} Caution: ${unreadSentence(who)}`, fix };
}

/** `az` listing an identity's FICs (table for a UAMI; the app's come as JSON, audiences included). */
function listFicsCommand(owner: FicOwner): string {
  if (owner.kind === 'application') return shellCommand(['az', 'ad', 'app', 'federated-credential', 'list', '--id', owner.appId]);
  const [name, group] = owner.kind === 'managedIdentity' ? [owner.name, owner.resourceGroup ?? shellVariable('RESOURCE_GROUP')] : [shellVariable('IDENTITY_NAME'), shellVariable('RESOURCE_GROUP')];
  return shellCommand(['az', 'identity', 'federated-credential', 'list', '-g', group, '--identity-name', name, '-o', 'table']);
}

/** Puts the listing right before the first create (after any look-up of the identity's name). */
function listBeforeCreate(fix: NonNullable<EntraErrorExplanation['fix']>, owner: FicOwner): NonNullable<EntraErrorExplanation['fix']> {
  const at = fix.commands.findIndex((c) => c.includes(' federated-credential create '));
  if (at < 0) return fix;
  return {
    description:
      `First list the identity's federated credentials (idlens could not read them): if one already has this issuer and subject, nothing needs creating. ` +
      `Otherwise create one under a name not in the list: "create" replaces a credential of the same name without asking. ${fix.description}`,
    commands: [...fix.commands.slice(0, at), listFicsCommand(owner), ...fix.commands.slice(at)],
  };
}

/**
 * Nearest first: by kind of difference, then, among equals, by how alike the values are (edit
 * distance, then common prefix of the subject, or of the issuer when no subject is quoted), then
 * by id. Without the similarity step every `shop:*` FIC ties for `shop:checkout-v2`, and id order
 * would pick an unrelated one. Similarity is only computed for the ties that reach the top.
 */
function nearestFirst(candidates: CandidateFic[], presented: { subject?: string; issuer?: string }): CandidateFic[] {
  candidates.sort((a, b) => a.distance - b.distance || a.id.localeCompare(b.id));
  const target = presented.subject ?? presented.issuer;
  if (target === undefined || candidates.length < 2) return candidates;
  const cutoff = candidates[Math.min(MAX_CANDIDATES, candidates.length) - 1]!.distance;
  const head = candidates.filter((c) => c.distance <= cutoff);
  const valueOf = (c: CandidateFic) => (presented.subject !== undefined ? (c.subject ?? c.claimsMatchingExpression ?? '') : c.issuer);
  const similarity = new Map(head.map((c) => [c, { edits: editDistance(target, valueOf(c)), prefix: commonPrefixLength(target, valueOf(c)) }]));
  head.sort((a, b) => {
    const x = similarity.get(a)!;
    const y = similarity.get(b)!;
    return a.distance - b.distance || x.edits - y.edits || y.prefix - x.prefix || a.id.localeCompare(b.id);
  });
  return [...head, ...candidates.slice(head.length)];
}

/** The SA a subject names, read as leniently as Entra's message may quote it (case). */
const parseSubjectLoosely = (subject: string | undefined) =>
  subject ? (parseServiceAccountSubject(subject.trim()) ?? parseServiceAccountSubject(subject.trim().toLowerCase())) : undefined;

function findServiceAccount(index: SnapshotIndex, issuer: string | undefined, subject: string | undefined): ServiceAccount | undefined {
  const parsed = parseSubjectLoosely(subject);
  if (!parsed) return undefined;
  const clusters = index.cluster.clusters;
  // Prefer the cluster whose issuer the token carried; then near issuers; then (no issuer quoted)
  // a cluster whose issuer is known; then any cluster.
  const exactOrNear = clusters.filter((c) => issuer !== undefined && c.issuer !== undefined && looseIssuerKey(c.issuer) === looseIssuerKey(issuer));
  // A quoted issuer that is no cluster's (even loosely) names none of them: the token came from elsewhere,
  // and an SA of the same name in a known cluster is not the one (unless some cluster's issuer is unread).
  if (issuer !== undefined && exactOrNear.length === 0 && clusters.every((c) => c.issuer !== undefined)) return undefined;
  const ordered = [
    ...clusters.filter((c) => issuer !== undefined && c.issuer === issuer),
    ...exactOrNear,
    ...clusters.filter((c) => issuer === undefined && c.issuer),
    ...clusters,
  ];
  const names = [...new Set([...ordered.map((c) => c.name), ...index.cluster.serviceAccounts.map((s) => s.cluster)])];
  for (const name of names) {
    const sa = index.serviceAccountByKey.get(serviceAccountKey(name, parsed.namespace, parsed.name));
    if (sa) return sa;
  }
  return undefined;
}

interface IssuerHolder {
  sa: ServiceAccount;
  issuer: string;
}

/** Every SA the subject names in a cluster whose issuer is known, in cluster order. */
function serviceAccountsWithIssuer(index: SnapshotIndex, subject: string | undefined): IssuerHolder[] {
  const parsed = parseSubjectLoosely(subject);
  if (!parsed) return [];
  return index.cluster.clusters.flatMap((c) => {
    const sa = c.issuer ? index.serviceAccountByKey.get(serviceAccountKey(c.name, parsed.namespace, parsed.name)) : undefined;
    return sa && c.issuer ? [{ sa, issuer: c.issuer }] : [];
  });
}

/**
 * The message quotes the subject, not the issuer, and the SA is in clusters with different issuers:
 * the token came from one of them, which one is unknowable from the text. Each cluster's issuer is
 * checked against the FICs of the identity its SA uses; a cluster with no match is one that fails.
 */
function subjectInSeveralClusters(
  index: SnapshotIndex,
  parsed: EntraErrorFields,
  holders: IssuerHolder[],
): VerdictPart & Pick<EntraErrorExplanation, 'clusterChecks' | 'candidates' | 'candidateCount' | 'serviceAccount' | 'clientId'> {
  const subject = parsed.subject!;
  const { audience } = parsed;
  const checks: ClusterCheck[] = holders.map(({ sa, issuer }) => {
    const clientId = parsed.clientId ?? annotatedClientId(sa);
    const own = clientId ? (index.ficsByOwner.get(clientId.toLowerCase()) ?? []) : [];
    return {
      cluster: sa.cluster,
      issuer,
      serviceAccount: serviceAccountRef(index, sa),
      clientId,
      matchingFics: own.filter((f) => diffCandidate(f, issuer, subject, audience).length === 0).map((f) => f.name),
      ficsUnread: clientId !== undefined && index.ficsUnread.has(clientId.toLowerCase()),
    };
  });
  // Candidates are compared on what the message quotes: the issuer is not, so it stays unchecked.
  const clientIds = [...new Set(checks.flatMap((c) => (c.clientId ? [c.clientId.toLowerCase()] : [])))];
  const fics = new Map((clientIds.length ? clientIds : [undefined]).flatMap((id) => candidateFics(index, id, undefined, subject)).map((f) => [ficIdOf(f), f]));
  const all = nearestFirst([...fics.values()].map((f) => toCandidate(index, f, undefined, subject, audience)), { subject });
  const candidates = all.slice(0, MAX_CANDIDATES).map((c) => ({ ...c, ...serviceAccountsOfFic(index, c) }));
  const who = (c: ClusterCheck) => (c.clientId ? identityLabel(index, c.clientId) : 'the identity it should use');
  const name = `${holders[0]!.sa.namespace}/${holders[0]!.sa.name}`;
  const failing = checks.filter((c) => c.matchingFics.length === 0);
  const head =
    `The message quotes the subject ${subject} but not the issuer, and service account ${name} exists in clusters ${listOf(checks.map((c) => c.cluster))}, ` +
    `whose issuers differ: idlens does not guess which cluster the token came from; it checks each cluster's issuer. `;
  const perCluster = checks
    .map((c) =>
      c.matchingFics.length > 0
        ? `FIC ${listOf(c.matchingFics)} of ${who(c)} trusts the issuer of cluster ${c.cluster} with this subject, so ${name} there is federated. `
        : c.ficsUnread
          ? `idlens could not read the federated credentials of ${who(c)} (see the Azure source's status), so it cannot tell whether one trusts the issuer of cluster ${c.cluster} with this subject. `
          : `No FIC of ${who(c)} trusts the issuer of cluster ${c.cluster} (${c.issuer}) with this subject: pods of ${name} in cluster ${c.cluster} fail. `,
    )
    .join('');
  const clientId = parsed.clientId ?? (clientIds.length === 1 ? checks.find((c) => c.clientId)!.clientId : undefined);
  const base = { clusterChecks: checks, candidates, candidateCount: all.length, clientId };
  if (failing.length === 0) {
    return {
      ...base,
      verdict: 'partial-assertion',
      summary:
        head +
        perCluster +
        `Whichever cluster the token came from, a FIC matches the quoted subject and that cluster's issuer: it may still be propagating (a few minutes after it was created or changed), ` +
        `the request may have named another client ID, or the token came from elsewhere. Decode the pod's token on /tokens to see its issuer.`,
      fix: readTokenStep(index, undefined),
    };
  }
  const fixes = failing.map((c) => {
    const sa = index.serviceAccountByKey.get(serviceAccountKey(c.cluster, c.serviceAccount.namespace, c.serviceAccount.name))!;
    const p: Presented = { issuer: c.issuer, issuerInferred: false, subject, audience, clientId: c.clientId, sa, issuerClusters: [c.cluster], ficsUnread: c.ficsUnread, codes: [] };
    const target = federationTarget(index, p, all[0]);
    const fix = createFix(index, target, ficFor(index, target.ownerClientId, c.issuer, subject, sa));
    const listed = c.ficsUnread && c.clientId ? listBeforeCreate(fix, ficOwnerByClientId(index, c.clientId)) : fix;
    return { check: c, why: target.why, fix: listed };
  });
  const unseen = failing.every((c) => c.ficsUnread);
  return {
    ...base,
    serviceAccount: failing.length === 1 ? failing[0]!.serviceAccount : undefined,
    verdict: unseen ? 'fics-unread' : 'missing-fic',
    summary:
      head +
      perCluster +
      [...new Set(fixes.map((f) => f.why))].join('') +
      `${unseen ? 'If none does, create' : 'Create'} a FIC for the issuer of cluster ${listOf(failing.map((c) => c.cluster))} (a new FIC can take a few minutes to propagate).`,
    fix: {
      description: fixes
        .map((f) => `For cluster ${f.check.cluster}${f.fix.commands.some((c) => c.startsWith('kubectl ')) ? ' (kubectl pointed at it)' : ''}: ${f.fix.description}`)
        .join(' '),
      commands: [...new Set(fixes.flatMap((f) => f.fix.commands))],
    },
  };
}

function serviceAccountRef(index: SnapshotIndex, sa: ServiceAccount): ServiceAccountRef {
  return { id: serviceAccountIdOf(index, sa), cluster: sa.cluster, namespace: sa.namespace, name: sa.name, clientId: annotatedClientId(sa) };
}

/**
 * The SA a FIC trusts: its subject, in a cluster whose issuer is exactly the FIC's; else the SA it
 * was meant for: its subject in a cluster whose issuer is the FIC's up to a trailing '/', case or space.
 */
function serviceAccountsOfFic(index: SnapshotIndex, fic: CandidateFic): Pick<CandidateFic, 'serviceAccount' | 'meantFor'> {
  const parsed = fic.subject !== undefined ? parseServiceAccountSubject(fic.subject) : undefined;
  if (!parsed) return {};
  const find = (clusters: ClusterInfo[]) => {
    for (const c of clusters) {
      const sa = index.serviceAccountByKey.get(serviceAccountKey(c.name, parsed.namespace, parsed.name));
      if (sa) return serviceAccountRef(index, sa);
    }
    return undefined;
  };
  const exact = clustersWithExactIssuer(index, fic.issuer);
  if (exact.length > 0) {
    const serviceAccount = find(exact);
    return serviceAccount ? { serviceAccount } : {};
  }
  const meantFor = find(clustersWithIssuer(index, fic.issuer));
  return meantFor ? { meantFor } : {};
}

/**
 * Identities that cannot be the one the request used. Entra looks for the assertion's issuer among
 * the identity's FICs first: AADSTS700211 says it found none, so an identity holding a FIC with
 * exactly the quoted issuer was not the one (when the message names no client ID). Lower-case
 * client IDs; empty otherwise.
 */
function ruledOutOwners(codes: readonly string[], parsed: { issuer?: string; subject?: string }, clientId: string | undefined, issuer: string | undefined, index: SnapshotIndex): Set<string> {
  if (!codes.includes('AADSTS700211') || clientId !== undefined || parsed.subject !== undefined || issuer === undefined) return new Set();
  return new Set(index.azure.federatedCredentials.filter((f) => f.issuer === issuer).map((f) => f.ownerClientId.toLowerCase()));
}

/** Candidates of ruled-out identities after the others (order otherwise kept), marked as such. */
function ruledOutLast(candidates: CandidateFic[], ruledOut: Set<string>): CandidateFic[] {
  if (ruledOut.size === 0) return candidates;
  const out = (c: CandidateFic) => ruledOut.has(c.ownerClientId.toLowerCase());
  return [...candidates.filter((c) => !out(c)), ...candidates.filter(out).map((c) => ({ ...c, ruledOut: true }))];
}

/** FICs for a Kubernetes subject or a claims expression (of the identity when known) that do not list `audience`. */
function ficsLackingAudience(index: SnapshotIndex, clientId: string | undefined, audience: string): FederatedCredential[] {
  const scope = clientId ? (index.ficsByOwner.get(clientId.toLowerCase()) ?? []) : index.azure.federatedCredentials;
  return scope.filter((f) => !f.audiences.includes(audience) && (f.subject !== undefined ? f.subject.startsWith('system:serviceaccount:') : f.claimsMatchingExpression !== undefined));
}

function candidateFics(index: SnapshotIndex, clientId: string | undefined, issuer: string | undefined, subject: string | undefined): FederatedCredential[] {
  const own = clientId ? (index.ficsByOwner.get(clientId.toLowerCase()) ?? []) : [];
  if (own.length > 0) return own;
  // The identity is unknown or has no FICs: every FIC with that subject or that issuer (loosely) is a candidate.
  const subjectKey = subject?.trim().toLowerCase();
  const issuerKey = issuer !== undefined ? looseIssuerKey(issuer) : undefined;
  // A FIC whose subject is this one written wrongly ('/' for ':') is a candidate too (FIC_SUBJECT_MALFORMED).
  const sameSubject = (f: FederatedCredential) =>
    subjectKey !== undefined && f.subject !== undefined && (f.subject.trim().toLowerCase() === subjectKey || intendedServiceAccountSubject(f.subject) === subjectKey);
  return index.azure.federatedCredentials.filter((f) => sameSubject(f) || (issuerKey !== undefined && looseIssuerKey(f.issuer) === issuerKey));
}

function toCandidate(index: SnapshotIndex, fic: FederatedCredential, issuer?: string, subject?: string, audience?: string): CandidateFic {
  const diffs = diffCandidate(fic, issuer, subject, audience);
  const presented = { issuer, subject, audience };
  const unchecked = FIELDS.filter((f) => presented[f] === undefined);
  const owner = index.identityByClientId.get(fic.ownerClientId.toLowerCase());
  return {
    id: ficIdOf(fic),
    name: fic.name,
    ownerClientId: fic.ownerClientId,
    ownerName: owner ? displayNameOf(owner) : undefined,
    issuer: fic.issuer,
    subject: fic.subject,
    claimsMatchingExpression: fic.claimsMatchingExpression,
    audiences: fic.audiences,
    diffs,
    unchecked,
    distance: diffWeight(diffs) + unchecked.length * UNCHECKED_WEIGHT,
  };
}

interface Presented {
  /** Quoted, or inferred from the SA's cluster (`issuerInferred`). */
  issuer?: string;
  /** The message quotes no issuer: `issuer` is that of the cluster(s) `issuerClusters` holding the SA. */
  issuerInferred: boolean;
  subject?: string;
  audience?: string;
  clientId?: string;
  sa?: ServiceAccount;
  /** Known clusters whose issuer is exactly `issuer`. */
  issuerClusters: string[];
  /** The FICs of `clientId` were not read: none seen is not none. */
  ficsUnread: boolean;
  /** The AADSTS codes of the message. */
  codes: readonly string[];
}

/** An inferred issuer, said as what it is: never passed off as quoted. */
const inferredIssuerText = (p: Presented) => `the issuer of cluster ${listOf(p.issuerClusters)} (not quoted)`;

/** A presented value as the text shows it: quoted values in quotes, an inferred issuer labelled. */
function presentedText(field: AssertionField, value: string, p: Presented): string {
  return field === 'issuer' && p.issuerInferred ? `${JSON.stringify(value)}, ${inferredIssuerText(p)}` : JSON.stringify(value);
}

/** "the quoted subject and audience" / "the issuer of cluster X (not quoted) and the quoted subject". */
function comparedText(fields: readonly AssertionField[], p: Presented): string {
  const quoted = fields.filter((f) => !(f === 'issuer' && p.issuerInferred));
  const parts = [...(quoted.length ? [`the quoted ${listOf(quoted)}`] : []), ...(quoted.length < fields.length ? [inferredIssuerText(p)] : [])];
  return parts.join(' and ');
}

type VerdictPart = Pick<EntraErrorExplanation, 'verdict' | 'summary' | 'fix'>;

const plural = (n: number, one: string, many: string) => (n === 1 ? one : many);
const listOf = (items: string[]) => (items.length < 2 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`);
const ownerLabel = (c: CandidateFic) => c.ownerName ?? c.ownerClientId;
/** The `az` target of a client ID's FICs (the identity idlens sees, else the bare client ID). */
const ficOwnerByClientId = (index: SnapshotIndex, clientId: string) => ficOwnerOf(index.identityByClientId.get(clientId.toLowerCase()), clientId);
/** The name of the identity with this client ID, else the client ID itself. */
function identityLabel(index: SnapshotIndex, clientId: string): string {
  const identity = index.identityByClientId.get(clientId.toLowerCase());
  return identity ? displayNameOf(identity) : clientId;
}

/** Is this exactly the issuer of a cluster idlens knows (so FICs with it work for that cluster's pods)? */
const clustersWithExactIssuer = (index: SnapshotIndex, issuer: string) => clustersWithIssuer(index, issuer).filter((c) => c.issuer === issuer);
const clusterNamesWithExactIssuer = (index: SnapshotIndex, issuer: string) => clustersWithExactIssuer(index, issuer).map((c) => c.name);

/**
 * Not a fix but the next step when the message hides what is wrong: read the pod's own token. The
 * webhook's mount path differs between versions (v1.5 `/var/run/secrets/azure/tokens/…`, v1.6
 * `/var/run/secrets/azure/wi/token/…`), so it comes from the pod's spec, or from the pod's own
 * AZURE_FEDERATED_TOKEN_FILE; never assumed. `kubectl create token` needs no exec (distroless images).
 */
function readTokenStep(index: SnapshotIndex, sa: ServiceAccount | undefined): NonNullable<EntraErrorExplanation['fix']> {
  const pods = sa ? (index.podsByServiceAccount.get(sa) ?? []) : [];
  const tokenFileOf = (pod: Pod) => pod.projectedTokens.find((t) => t.audience === WI.tokenExchangeAudience && t.mountPath)?.mountPath;
  const pod = pods.find((p) => p.phase === 'Running' && tokenFileOf(p)) ?? pods.find((p) => tokenFileOf(p)) ?? pods.find((p) => p.phase === 'Running') ?? pods[0];
  const tokenFile = pod ? tokenFileOf(pod) : undefined;
  const namespace = sa ? sa.namespace : shellVariable('NAMESPACE');
  const exec = ['kubectl', 'exec', '-n', namespace, pod ? pod.name : shellVariable('POD'), '--'];
  const read = tokenFile ? shellCommand([...exec, 'cat', tokenFile]) : shellCommand([...exec, 'sh', '-c', 'cat "$AZURE_FEDERATED_TOKEN_FILE"']);
  const mint = shellCommand(['kubectl', 'create', 'token', sa ? sa.name : shellVariable('SERVICE_ACCOUNT'), '-n', namespace, '--audience', WI.tokenExchangeAudience]);
  const where = pod
    ? tokenFile
      ? `Pod ${pod.name} mounts it at ${tokenFile} (from its spec).`
      : `The path is the pod's own AZURE_FEDERATED_TOKEN_FILE (its spec names no token mount idlens could read).`
    : `Set POD to a pod of the failing workload${sa ? '' : ', NAMESPACE to its namespace and SERVICE_ACCOUNT to its service account'}; the path is the pod's own AZURE_FEDERATED_TOKEN_FILE.`;
  return {
    description:
      `Read the token the pod presents and decode it on /tokens: its iss, sub and aud are the full assertion. ${where} ` +
      `If the image has no shell or cat (distroless), kubectl create token mints a new token for the service account with the same issuer, subject and audience (not the pod's own file; kubectl 1.24 or later).` +
      (index.scope.multiCluster && !sa ? ` Point kubectl at the pod's cluster first.` : ''),
    commands: [read, mint],
  };
}

/**
 * The token came from a cluster whose issuer Entra ID cannot fetch (CLUSTER_OIDC_ISSUER_DISABLED on
 * the map): a credential that matches it exactly fails all the same, and a new one would too.
 */
function unreachableIssuer(index: SnapshotIndex, issuer: string, nearest: CandidateFic | undefined): VerdictPart | undefined {
  const reason = unreachableIssuerReason(issuer);
  if (!reason) return undefined;
  const clusters = clustersWithIssuer(index, issuer).map((c) => c.name);
  const from = clusters.length ? `Cluster ${listOf(clusters)} issues its tokens with issuer ${issuer}` : `The token's issuer is ${issuer}`;
  const matching = nearest && nearest.diffs.length === 0 ? ` FIC ${nearest.name} of ${ownerLabel(nearest)} names this issuer, so nothing is propagating: the issuer itself is the problem.` : '';
  return {
    verdict: 'issuer-unreachable',
    summary:
      `${from}: ${reason}. Entra ID validates a federated token by fetching the issuer's discovery document and keys from the internet, ` +
      `so every exchange of such a token fails, whatever the credentials say.${matching} ` +
      `On AKS, enable the OIDC issuer and workload identity; on a self-managed cluster, set --service-account-issuer to a public https URL that serves ` +
      `/.well-known/openid-configuration and the JWKS. Then create the FICs with the new issuer URL.`,
    // The AKS commands only for AKS's in-cluster default (an http or private issuer is a self-managed cluster's setting).
    fix:
      clusters.length > 0 && issuer === WI.disabledIssuer
        ? {
            description: `On AKS: set AKS_RESOURCE_GROUP to the cluster's resource group (the cluster name is taken from its kubeconfig context; use the AKS name if it differs), enable the issuer, and read its URL for the FICs.`,
            commands: clusters.flatMap((c) => [enableOidcIssuerCommand(c), aksIssuerQueryCommand(c)]),
          }
        : undefined,
  };
}

function verdictFor(index: SnapshotIndex, candidates: CandidateFic[], p: Presented): VerdictPart {
  const nearest = candidates[0];

  // The token's audience is wrong for every FIC: the app presented another token.
  if (p.audience !== undefined && p.audience !== WI.tokenExchangeAudience && (!nearest || nearest.diffs.some((d) => d.field === 'audience'))) {
    // Never "give the FIC this audience": a FIC holds one audience, so that would take
    // api://AzureADTokenExchange from every pod that presents the right token (FIC_AUDIENCE_INVALID).
    const read = readTokenStep(index, p.sa);
    return {
      verdict: 'audience',
      summary:
        `The assertion's audience is ${p.audience}, not ${WI.tokenExchangeAudience}: the app presented another token ` +
        `(e.g. the default service-account token at /var/run/secrets/kubernetes.io/serviceaccount/token). Read the token from AZURE_FEDERATED_TOKEN_FILE instead. ` +
        `Do not change a credential's audience to this one: a credential holds one audience, and its pods' projected tokens carry ${WI.tokenExchangeAudience}.`,
      fix: { description: `Present the projected token the webhook mounts. ${read.description}`, commands: read.commands },
    };
  }

  // An issuer Entra cannot reach fails every exchange, whatever the credentials say.
  const unreachable = p.issuer !== undefined ? unreachableIssuer(index, p.issuer, nearest) : undefined;
  if (unreachable) return unreachable;

  // AADSTS700211 quotes the issuer alone: which FIC was meant is unknowable from the text.
  if (p.subject === undefined && p.issuer !== undefined) return issuerOnly(index, candidates, { ...p, issuer: p.issuer });
  // AADSTS700212 quotes the audience alone (here the expected one: the token is the right kind).
  if (readsAudienceOnly(p)) return audienceOnly(index, candidates, p);

  if (nearest && nearest.diffs.length === 0) {
    if (nearest.unchecked.length > 0) return partialMatch(index, nearest, p);
    return {
      verdict: 'possibly-propagating',
      summary:
        `FIC ${nearest.name} of ${ownerLabel(nearest)} matches ${p.issuerInferred ? comparedText(FIELDS, p) : 'the assertion exactly'}. A new or changed FIC takes a few minutes to propagate: ` +
        `retry shortly. If it persists, check that the request's client ID is ${nearest.ownerClientId}` +
        (p.clientId && p.clientId.toLowerCase() !== nearest.ownerClientId.toLowerCase() ? ` (the message names ${p.clientId})` : '') +
        ` and that the FIC still exists.`,
      fix: { description: `Check the FIC as Entra sees it now.`, commands: showFicCommands(ficOwnerByClientId(index, nearest.ownerClientId), nearest.name) },
    };
  }

  const issuer = p.issuer;
  const subject = p.subject;
  if (nearest && diffWeight(nearest.diffs) < WEIGHT.different && issuer !== undefined) {
    // A FIC for another SA is reported as such even when its issuer differs a little too.
    const d = nearest.diffs.find((x) => x.difference === 'namespace' || x.difference === 'service-account-name') ?? nearest.diffs[0]!;
    const verdict: Verdict = d.field === 'audience' ? 'audience' : d.difference === 'different' ? 'missing-fic' : d.difference;
    const fieldText = `${d.field} ${JSON.stringify(d.configured)} (the token carries ${presentedText(d.field, d.presented, p)})`;
    if ((verdict === 'namespace' || verdict === 'service-account-name') && subject !== undefined) {
      // The nearest FIC trusts another SA, which may still be in use: add one, do not rewrite it;
      // and add it to the identity this SA uses, which the nearest FIC's owner need not be.
      const target = federationTarget(index, p, nearest);
      return {
        verdict,
        summary:
          `The nearest FIC, ${nearest.name} of ${ownerLabel(nearest)}, differs in the subject's ${verdict === 'namespace' ? 'namespace' : 'service-account name'}: ${fieldText}. ` +
          target.why +
          `Create a FIC for ${subject}${target.owner ? ` on ${target.ownerName}` : ''}, or run the pod as the service account the FIC names.`,
        fix: createFix(index, target, ficFor(index, target.ownerClientId, issuer, subject, p.sa)),
      };
    }
    const issuerDiff = nearest.diffs.find((x) => x.field === 'issuer');
    const inUseBy = issuerDiff ? clusterNamesWithExactIssuer(index, nearest.issuer) : [];
    if (issuerDiff && inUseBy.length > 0) return tokenFromElsewhere(index, nearest, inUseBy, { ...p, issuer });
    // Rewriting is right only for a FIC of the identity the request used (or when that is unknown).
    const foreign = p.clientId !== undefined && nearest.ownerClientId.toLowerCase() !== p.clientId.toLowerCase();
    if (!foreign) {
      const fixedIssuer = issuerDiff ? issuer : nearest.issuer;
      const fixedSubject = nearest.diffs.some((x) => x.field === 'subject') && subject !== undefined ? subject : nearest.subject;
      return {
        verdict,
        summary:
          `The nearest FIC, ${nearest.name}, ${nearest.diffs.map((x) => `has ${x.field} ${JSON.stringify(x.configured)}, which ${describe(x.difference)} the token's ${presentedText(x.field, x.presented, p)}`).join('; ')}. ` +
          `Entra compares issuer, subject and audience exactly. Rewrite the FIC with the token's values.`,
        fix: {
          description: `Rewrite FIC ${nearest.name} with the values the token carries.`,
          commands: updateFicCommands(ficOwnerByClientId(index, nearest.ownerClientId), {
            name: nearest.name,
            issuer: fixedIssuer,
            subject: fixedSubject,
            audiences: nearest.diffs.some((x) => x.field === 'audience') ? TOKEN_EXCHANGE_AUDIENCES : nearest.audiences,
          }),
        },
      };
    }
  }

  // The nearest FIC names this subject, written wrongly: Kubernetes never issues that form.
  const malformed = subject !== undefined ? candidates.find((c) => c.subject !== undefined && c.subject !== subject && intendedServiceAccountSubject(c.subject) === subject) : undefined;
  if (malformed) {
    return {
      verdict: 'malformed-subject',
      summary:
        `FIC ${malformed.name} of ${ownerLabel(malformed)} has subject ${JSON.stringify(malformed.subject)}: that is ${subject} written wrongly ` +
        `(a Kubernetes token's subject is system:serviceaccount:<namespace>:<name>, with ':'), so it never matches and Entra reports the subject (AADSTS700213). ` +
        `Rewrite its subject.`,
      fix: {
        description: `Rewrite FIC ${malformed.name}'s subject.`,
        commands: updateFicCommands(ficOwnerByClientId(index, malformed.ownerClientId), { name: malformed.name, issuer: malformed.issuer, subject, audiences: malformed.audiences }),
      },
    };
  }

  // Nothing near: the FIC is missing, or (its identity's FICs unread) not seen.
  const target = federationTarget(index, p, nearest);
  const who = p.clientId ? identityLabel(index, p.clientId) : undefined;
  const issuerText = issuer === undefined ? undefined : p.issuerInferred ? `${issuer} (${inferredIssuerText(p)})` : issuer;
  // Only what is known is named: an unquoted field is said to be unquoted, not printed as a value.
  const wanted =
    issuerText !== undefined && subject !== undefined
      ? `issuer ${issuerText} and subject ${subject}`
      : subject !== undefined
        ? `subject ${subject} (the message quotes no issuer, and no known service account tells it)`
        : issuerText !== undefined
          ? `issuer ${issuerText} (the message quotes no subject)`
          : 'the issuer and subject the token presented (the message quotes neither)';
  const nearestText = nearest ? `the nearest, ${nearest.name} of ${ownerLabel(nearest)}, differs in ${nearest.diffs.map((d) => d.field).join(' and ')}` : '';
  const fix = issuer && subject ? createFix(index, target, ficFor(index, target.ownerClientId, issuer, subject, p.sa)) : undefined;
  if (p.ficsUnread && who) {
    return {
      verdict: 'fics-unread',
      summary:
        `idlens could not read the federated credentials of ${who} (see the Azure source's status), so it cannot tell whether one has ${wanted}` +
        (nearest ? `; of the credentials it does see, ${nearestText}` : '') +
        `. ${unknownIssuerNote(index, p)}${target.why}List them first; only if none matches, create one (a new FIC can take a few minutes to propagate).`,
      fix,
    };
  }
  return {
    verdict: 'missing-fic',
    summary:
      `No FIC ${who ? `of ${who} ` : ''}has ${wanted}` +
      (nearest ? `; ${nearestText}` : '') +
      `. ${unknownIssuerNote(index, p)}${target.why}Create one (a new FIC can take a few minutes to propagate).`,
    fix,
  };
}

/** Says so when the token's issuer is no known cluster's (and clusters are known). */
function unknownIssuerNote(index: SnapshotIndex, p: Presented): string {
  if (p.issuer === undefined || p.issuerClusters.length > 0) return '';
  const known = index.cluster.clusters.filter((c) => c.issuer);
  if (known.length === 0) return '';
  return `The token's issuer is not the issuer of any known cluster (${listOf(known.map((c) => c.name))}): it came from another cluster or from a client that builds its own assertion. `;
}

/** Annotated service accounts of the clusters with exactly `issuer` whose identity (FICs read) has no FIC with that issuer. */
function serviceAccountsWithoutIssuerFic(index: SnapshotIndex, issuer: string): ServiceAccount[] {
  const clusters = new Set(clusterNamesWithExactIssuer(index, issuer));
  return index.cluster.serviceAccounts.filter((sa) => {
    const clientId = annotatedClientId(sa)?.toLowerCase();
    if (!clusters.has(sa.cluster) || !clientId || index.ficsUnread.has(clientId)) return false;
    if (!index.identityByClientId.has(clientId) && !index.ficsByOwner.has(clientId)) return false; // an unknown identity is another finding
    return !(index.ficsByOwner.get(clientId) ?? []).some((f) => f.issuer === issuer);
  });
}

/** The message quotes the issuer and maybe the audience, never the subject. */
function issuerOnly(index: SnapshotIndex, candidates: CandidateFic[], p: Presented & { issuer: string }): VerdictPart {
  const issuer = p.issuer;
  const head =
    `The message quotes only the assertion's issuer${p.audience !== undefined ? ' and audience' : ''}: it names no subject${p.audience !== undefined ? '' : ' and no audience'}, ` +
    `so idlens cannot tell which credential was meant and claims no match. `;
  const scope = p.clientId ? ` of ${identityLabel(index, p.clientId)}` : '';
  const clusters = p.issuerClusters.length ? `, the issuer of cluster ${listOf(p.issuerClusters)}` : '';
  const check =
    `Check the failing pod's service account: the identity its ${WI.clientId} annotation names needs a FIC with exactly this issuer, ` +
    `the subject system:serviceaccount:<namespace>:<service-account> of that service account, and the audience ${WI.tokenExchangeAudience}. ` +
    `To see the full assertion (iss, sub, aud), decode the pod's token on /tokens.`;
  // AADSTS700211 rules out the identities with a FIC for exactly this issuer (see ruledOutOwners).
  const ruledOut = candidates.filter((c) => c.ruledOut);
  const pool = candidates.filter((c) => !c.ruledOut);
  const ruledOutOwnerCount = new Set(ruledOut.map((c) => c.ownerClientId.toLowerCase())).size;
  const ruledOutExact = ruledOut.filter((c) => !c.diffs.some((d) => d.field === 'issuer')).length;
  const ruledOutText = ruledOut.length
    ? `AADSTS700211 means the identity the request used has no FIC with exactly this issuer, so the ${ruledOutOwnerCount} ${plural(ruledOutOwnerCount, 'identity', 'identities')} ` +
      `with one (${ruledOutExact} ${plural(ruledOutExact, 'credential', 'credentials')}; their credentials are listed last) ${plural(ruledOutOwnerCount, 'was', 'were')} not it ` +
      `(unless that credential was created minutes ago and has not propagated yet, or was changed or deleted since the map was read). ` +
      (index.ficsUnread.size > 0
        ? `The credentials of ${index.ficsUnread.size} ${plural(index.ficsUnread.size, 'identity', 'identities')} could not be read (see the Azure source): ${plural(index.ficsUnread.size, 'it', 'they')} may hold the one meant. `
        : '')
    : '';
  // Service accounts of this issuer's cluster(s) whose identity has no credential for it at all fit
  // an AADSTS700211 just as well (the map reports them as SA_NO_MATCHING_FIC): named, so the
  // credential above is not taken for the only possible cause.
  const uncovered = ruledOut.length ? serviceAccountsWithoutIssuerFic(index, issuer) : [];
  const uncoveredText = uncovered.length
    ? `It fits ${uncovered.length} ${plural(uncovered.length, 'service account', 'service accounts')} whose identity has no credential for this issuer at all just as well: ` +
      `${listOf(uncovered.slice(0, 5).map((sa) => `${sa.namespace}/${sa.name}`))}${uncovered.length > 5 ? ' and more' : ''} (each needs a FIC; the map lists them). `
    : '';
  // What every reading below begins with (ruledOutText and uncoveredText are empty when a
  // credential of the pool trusts the issuer exactly: its identity would have been ruled out).
  const lead = head + ruledOutText + uncoveredText;
  const exact = pool.filter((c) => !c.diffs.some((d) => d.field === 'issuer'));
  if (exact.length > 0) {
    return {
      verdict: 'partial-assertion',
      summary:
        lead +
        `${exact.length} federated ${plural(exact.length, 'credential', 'credentials')}${scope} ${plural(exact.length, 'trusts', 'trust')} this issuer exactly${clusters}` +
        `${exact.length > MAX_CANDIDATES ? ` (the first ${MAX_CANDIDATES} are listed below` : ' (listed below'} with the service accounts they name); ` +
        (p.codes.includes('AADSTS700211') && p.clientId
          ? `yet AADSTS700211 says the identity the request used has none with this issuer: a credential created minutes ago may not have propagated yet, ` +
            `or the request used another client ID or tenant than ${identityLabel(index, p.clientId)}. `
          : `Entra found none for the identity and subject the request presented. `) +
        check,
      fix: readTokenStep(index, undefined),
    };
  }
  const near = pool.filter((c) => c.diffs.some((d) => d.field === 'issuer' && d.difference !== 'different'));
  const working = near.filter((c) => clustersWithExactIssuer(index, c.issuer).length > 0);
  if (near.length > 0 && p.issuerClusters.length === 0 && working.length > 0) {
    const inUseBy = [...new Set(working.flatMap((c) => clusterNamesWithExactIssuer(index, c.issuer)))];
    return {
      verdict: 'unknown-issuer',
      summary:
        lead +
        `${ruledOut.length ? "None of the other identities' credentials trusts" : `No credential${scope} trusts`} this issuer, and no known cluster has it. ${working.length} ${plural(working.length, 'credential trusts', 'credentials trust')} ` +
        `a near variant, the exact issuer of cluster ${listOf(inUseBy)}, and ${plural(working.length, 'works', 'work')} for that cluster's pods: do not rewrite ${plural(working.length, 'it', 'them')}. ` +
        `The token came from elsewhere: another cluster, a client that builds its own assertion, or a cluster with a misconfigured --service-account-issuer. ` +
        `If this issuer is legitimate, create a FIC for it on the identity the workload uses. ${check}`,
      fix: readTokenStep(index, undefined),
    };
  }
  if (near.length > 0) {
    const first = near[0]!.diffs.find((d) => d.field === 'issuer')!;
    const rewritable = near.filter((c) => clustersWithExactIssuer(index, c.issuer).length === 0).slice(0, MAX_CANDIDATES);
    const known = p.issuerClusters.length > 0;
    return {
      verdict: first.difference === 'namespace' || first.difference === 'service-account-name' || first.difference === 'different' ? 'missing-fic' : first.difference,
      summary:
        lead +
        `${ruledOut.length ? "None of the other identities' credentials trusts" : `No credential${scope} trusts`} this issuer exactly; ${near.length} ${plural(near.length, 'trusts', 'trust')} ${JSON.stringify(first.configured)}, which ${describe(first.difference)} it. ` +
        `Entra compares the issuer exactly. ` +
        (known
          ? `${issuer} is the issuer of cluster ${listOf(p.issuerClusters)}: set the issuer of the ${plural(near.length, 'credential', 'credentials')} meant for it to exactly that. `
          : `If ${issuer} is the issuer of the pod's cluster, set the credential's issuer to exactly that. `) +
        check,
      fix:
        known && rewritable.length > 0
          ? {
              description: `Set the issuer of the ${plural(rewritable.length, 'credential', 'credentials')} meant for cluster ${listOf(p.issuerClusters)} to its exact issuer.`,
              commands: rewritable.flatMap((c) => updateFicCommands(ficOwnerByClientId(index, c.ownerClientId), { name: c.name, issuer, subject: c.subject, audiences: c.audiences })),
            }
          : readTokenStep(index, undefined),
    };
  }
  return {
    verdict: 'missing-fic',
    summary:
      lead +
      (ruledOut.length
        ? `No other identity's credential trusts this issuer or a near variant: the identity the request used needs a FIC for it. `
        : `No credential${scope} trusts this issuer${clusters}. `) +
      `${unknownIssuerNote(index, p)}${check}`,
    fix: readTokenStep(index, undefined),
  };
}

/** An AADSTS700212 that quotes the audience alone (no issuer, quoted or inferred, and no subject). */
function readsAudienceOnly<T extends Pick<Presented, 'issuer' | 'subject' | 'audience' | 'codes'>>(p: T): p is T & { audience: string } {
  return p.issuer === undefined && p.subject === undefined && p.audience !== undefined && p.codes.includes('AADSTS700212');
}

/**
 * The message quotes only the audience, and it is the expected one. Entra compares the issuer and
 * the subject first: it found a FIC with both and reported the audience, so that FIC's audiences
 * lack the token's. Candidates: the FICs (of the identity, when the message names it) that do not
 * list it.
 */
function audienceOnly(index: SnapshotIndex, candidates: CandidateFic[], p: Presented & { audience: string }): VerdictPart {
  const head =
    `The token's audience is ${p.audience}, the one workload identity uses, so the pod presented the right kind of token. ` +
    `Entra compares the issuer and the subject first: it found a credential with both, and that credential does not list this audience. `;
  const scope = p.clientId ? ` of ${identityLabel(index, p.clientId)}` : '';
  if (candidates.length === 0) {
    return {
      verdict: 'partial-assertion',
      summary:
        head +
        `Every federated credential${scope} idlens sees for a Kubernetes service account lists it: the credential may have changed since the map was read (Refresh it), ` +
        `or the request used an identity idlens does not see. List the identity's credentials and check their audiences.`,
      fix: p.clientId ? { description: 'List the identity\'s credentials with their audiences.', commands: [listFicsCommand(ficOwnerByClientId(index, p.clientId))] } : undefined,
    };
  }
  const first = candidates[0]!;
  const audienceDiff = first.diffs.find((d) => d.field === 'audience');
  const firstText =
    `${first.name} of ${ownerLabel(first)} lists ${first.audiences.length ? first.audiences.map((a) => JSON.stringify(a)).join(', ') : 'no audience'}` +
    (audienceDiff && audienceDiff.difference !== 'different' ? `, which ${describe(audienceDiff.difference)} ${p.audience}` : '');
  return {
    verdict: 'audience',
    summary:
      head +
      (candidates.length === 1
        ? `One credential${scope} lacks it: ${firstText}. Set its audience to exactly ${p.audience}.`
        : `${candidates.length} credentials${scope} lack it (listed below); the nearest, ${firstText}. The message does not say which one the request matched: ` +
          `set the audience of the one for the failing pod's service account to exactly ${p.audience}.`),
    // One command, for the nearest: with several candidates only the failing pod's is wrong, and each
    // command replaces that credential's audiences.
    fix: {
      description:
        candidates.length === 1
          ? `Set the audience of FIC ${first.name} to ${p.audience}.`
          : `Set the audience of the failing pod's credential to ${p.audience}: the command is for the nearest, ${first.name}; for another candidate below, change --name (and its issuer and subject).`,
      commands: updateFicCommands(ficOwnerByClientId(index, first.ownerClientId), { name: first.name, issuer: first.issuer, subject: first.subject, audiences: TOKEN_EXCHANGE_AUDIENCES }),
    },
  };
}

/** Every quoted field matches the nearest FIC, but some field is not quoted: no exact match is claimed. */
function partialMatch(index: SnapshotIndex, nearest: CandidateFic, p: Presented): VerdictPart {
  const compared = FIELDS.filter((f) => !nearest.unchecked.includes(f));
  const inferred = p.issuerInferred ? [`that the pod runs in cluster ${listOf(p.issuerClusters)} (the message quotes no issuer; idlens took that cluster's)`] : [];
  const checks = [...inferred, ...nearest.unchecked.map((f) =>
    f === 'audience'
      ? `that the token's audience is ${WI.tokenExchangeAudience} and the FIC lists it (it lists ${nearest.audiences.join(', ') || 'none'})`
      : f === 'issuer'
        ? `that the FIC's issuer ${nearest.issuer} is exactly the issuer of the pod's cluster`
        : `that the token's subject is the one the FIC names`,
  )];
  return {
    verdict: 'partial-assertion',
    summary:
      `FIC ${nearest.name} of ${ownerLabel(nearest)} matches ${comparedText(compared, p)}, but the message does not quote the ${listOf([...(p.issuerInferred ? ['issuer'] : []), ...nearest.unchecked])}, ` +
      `so idlens cannot tell whether it matches exactly. Check ${listOf(checks)}: decode the pod's token on /tokens to see the full assertion. ` +
      `Only if every field matches may the FIC still be propagating (a few minutes after it was created or changed).`,
    fix: readTokenStep(index, p.sa),
  };
}

/**
 * The nearest FIC differs in the issuer, and its issuer is exactly a known cluster's: it works for
 * that cluster's pods, so rewriting it would break them. The token's issuer is another one.
 */
function tokenFromElsewhere(index: SnapshotIndex, nearest: CandidateFic, inUseBy: string[], p: Presented & { issuer: string }): VerdictPart {
  const subject = p.subject ?? nearest.subject;
  const target = federationTarget(index, p, nearest);
  const parsedSubject = subject !== undefined ? parseServiceAccountSubject(subject) : undefined;
  const name = parsedSubject ? ficNameFor(parsedSubject.namespace, parsedSubject.name, issuerTag(p.issuer)) : ficNameFor('workload', issuerTag(p.issuer));
  const fix = subject !== undefined ? createFix(index, target, ficFor(index, target.ownerClientId, p.issuer, subject, p.sa, name)) : undefined;
  const keep = `FIC ${nearest.name} of ${ownerLabel(nearest)} trusts ${JSON.stringify(nearest.issuer)}, the exact issuer of cluster ${listOf(inUseBy)}, so it works for that cluster's pods: do not rewrite it. `;
  if (p.issuerClusters.length > 0) {
    return {
      verdict: 'missing-fic',
      summary:
        (p.issuerInferred && p.sa
          ? `The message quotes no issuer; service account ${p.sa.namespace}/${p.sa.name} is only in cluster ${listOf(p.issuerClusters)}, so the token presumably comes from there (${inferredIssuerText(p)}: ${JSON.stringify(p.issuer)}). ${keep}`
          : `The token comes from cluster ${listOf(p.issuerClusters)} (issuer ${JSON.stringify(p.issuer)}). ${keep}`) +
        `${target.why}Create a second FIC for ${listOf(p.issuerClusters)}'s issuer (a new FIC can take a few minutes to propagate).`,
      fix,
    };
  }
  const d = nearest.diffs.find((x) => x.field === 'issuer')!;
  return {
    verdict: 'unknown-issuer',
    summary:
      `The token's issuer ${JSON.stringify(p.issuer)} differs from every known cluster's issuer (it ${describe(d.difference)} cluster ${listOf(inUseBy)}'s). ${keep}` +
      `The token came from elsewhere: another cluster, a client that builds its own assertion, or a cluster whose --service-account-issuer is misconfigured` +
      `${d.difference === 'trailing-slash' ? ' (an issuer URL must keep its exact trailing "/")' : ''}. ` +
      `${target.why}If that issuer is legitimate, create a new FIC for it; otherwise fix whatever mints the token.`,
    fix: fix && { ...fix, description: `Only if ${p.issuer} is a legitimate issuer: ${fix.description[0]!.toLowerCase()}${fix.description.slice(1)}` },
  };
}

/** A short, name-safe tag of an issuer (`westeurope-243e8435`) so a FIC name tells which issuer it trusts. */
function issuerTag(issuer: string): string {
  const m = /^https?:\/\/([^./]+)[^/]*(?:\/(.*))?$/i.exec(issuer.trim());
  if (!m) return 'issuer';
  const last = (m[2] ?? '').split('/').filter(Boolean).pop() ?? '';
  return [m[1], last.slice(0, 8)].filter(Boolean).join('-');
}

interface FederationTarget {
  /** The identity to federate, when idlens knows it; otherwise the command leaves it to the user. */
  owner?: FicOwner;
  ownerClientId?: string;
  ownerName?: string;
  /** Why the owner is (not) known, as sentences ending in a space; '' when plain. */
  why: string;
  /** Commands that come first (annotating an SA that has no client ID). */
  before: string[];
  /** The nearest FIC's owner, offered only as a labelled guess when the identity is unknown. */
  guess?: string;
}

/**
 * The identity a new FIC belongs on: the one the request named, else the one the SA's client-id
 * annotation names. Never the nearest FIC's owner just for being nearest: that would grant this
 * workload another workload's identity.
 */
function federationTarget(index: SnapshotIndex, p: Presented, nearest: CandidateFic | undefined): FederationTarget {
  if (p.clientId) {
    const identity = index.identityByClientId.get(p.clientId.toLowerCase());
    return { owner: ficOwnerOf(identity, p.clientId), ownerClientId: p.clientId, ownerName: identity ? displayNameOf(identity) : p.clientId, why: '', before: [] };
  }
  const guess = nearest ? ownerLabel(nearest) : undefined;
  const guessText = nearest ? `${guess} owns the nearest FIC (${nearest.name}), but federating it would be only a guess: confirm it first. ` : '';
  if (p.sa) {
    return {
      why:
        `Service account ${p.sa.namespace}/${p.sa.name} (cluster ${p.sa.cluster}) has no ${WI.clientId} annotation, so idlens cannot tell which identity it should use: ` +
        `annotate it with that identity's client ID and create the FIC on that identity. ${guessText}`,
      before: [annotateServiceAccountCommand(p.sa.namespace, p.sa.name, WI.clientId, shellVariable('CLIENT_ID'))],
      guess,
    };
  }
  const parsed = p.subject !== undefined ? parseServiceAccountSubject(p.subject.trim()) : undefined;
  const clusters = index.cluster.clusters.map((c) => c.name);
  // The same name in a known cluster whose issuer the token does not carry is another workload's.
  const namesake = parsed && p.issuer !== undefined && p.issuerClusters.length === 0 ? clusters.filter((c) => index.serviceAccountByKey.has(serviceAccountKey(c, parsed.namespace, parsed.name))) : [];
  return {
    why: parsed
      ? namesake.length
        ? `The subject names service account ${parsed.namespace}/${parsed.name} of the cluster that issued the token, which is none idlens knows (cluster ${listOf(namesake)} has one of that name, but with another issuer), ` +
          `so idlens cannot tell which identity that workload should use. ${guessText}`
        : `The subject names service account ${parsed.namespace}/${parsed.name}, which idlens does not see in ${clusters.length ? `any known cluster (${listOf(clusters)})` : 'any cluster (none was read)'}, ` +
          `so it cannot tell which identity that workload should use. ${guessText}`
      : `idlens cannot tell which identity the workload should use. ${guessText}`,
    before: [],
    guess,
  };
}

function createFix(index: SnapshotIndex, target: FederationTarget, fic: FicValues): NonNullable<EntraErrorExplanation['fix']> {
  if (target.owner) return { description: `Create the FIC the token needs on ${target.ownerName}.`, commands: [...target.before, ...createFicCommands(target.owner, fic)] };
  // The identity is the user's to choose: the command names it by shell variables, never a guess.
  const command = shellCommand([
    'az', 'identity', 'federated-credential', 'create', '--name', fic.name,
    '--identity-name', shellVariable('IDENTITY_NAME'), '--resource-group', shellVariable('RESOURCE_GROUP'),
    '--issuer', fic.issuer, '--subject', fic.subject, '--audiences', ...fic.audiences,
  ]);
  return {
    description:
      `${target.before.length ? 'Set CLIENT_ID, ' : 'Set '}IDENTITY_NAME and RESOURCE_GROUP to the identity this workload should use` +
      `${target.guess ? ` (only a guess: ${target.guess}, which owns the nearest FIC; confirm it first)` : ''}, then create the FIC.`,
    commands: [...target.before, command],
  };
}

function ficFor(index: SnapshotIndex, ownerClientId: string | undefined, issuer: string, subject: string, sa: ServiceAccount | undefined, preferredName?: string): FicValues {
  const parsed = parseServiceAccountSubject(subject);
  const taken = new Set((ownerClientId ? (index.ficsByOwner.get(ownerClientId.toLowerCase()) ?? []) : []).map((f) => f.name.toLowerCase()));
  const base = preferredName ?? (sa ? ficNameFor(sa.cluster, sa.namespace, sa.name) : parsed ? ficNameFor(parsed.namespace, parsed.name) : ficNameFor('workload'));
  let name = base;
  for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${base.slice(0, 116)}-${n}`;
  return { name, issuer, subject, audiences: TOKEN_EXCHANGE_AUDIENCES };
}

/**
 * AADSTS700016 quoting a client ID: link it to the SAs annotated with it and say whether idlens
 * sees an identity with it (then the tenant is wrong) or none (the annotation names nothing).
 */
function applicationNotFound(index: SnapshotIndex, parsed: EntraErrorExplanation['parsed']): VerdictPart & Pick<EntraErrorExplanation, 'clientId' | 'annotatedServiceAccounts' | 'serviceAccount'> {
  const where = parsed.directory ? ` in the directory ${JSON.stringify(parsed.directory)}` : parsed.tenantId ? ` in tenant ${parsed.tenantId}` : '';
  const clientId = parsed.clientId;
  if (!clientId) {
    return {
      verdict: 'application-not-found',
      summary: `AADSTS700016: Entra found no application with the client ID the request named${where}; the message quotes no client ID. Check the ${WI.clientId} and ${WI.tenantId} annotations of the pod's service account.`,
    };
  }
  const key = clientId.toLowerCase();
  const sas = index.cluster.serviceAccounts.filter((sa) => annotatedClientId(sa)?.toLowerCase() === key);
  const refs = sas.map((sa) => serviceAccountRef(index, sa));
  const names = listOf(sas.map((sa) => `${sa.namespace}/${sa.name} (cluster ${sa.cluster})`));
  const annotated = sas.length
    ? `Service ${plural(sas.length, 'account', 'accounts')} ${names} ${plural(sas.length, 'is', 'are')} annotated with it (${WI.clientId}). `
    : `No service account idlens sees is annotated with it: look for AZURE_CLIENT_ID in the pod's environment or the app's configuration. `;
  // Each kubectl command names its cluster's context where kubectl's current one may be another.
  const ctx = (command: string, cluster: string) => inKubeContext(command, kubeContextOf(index, cluster));
  const restarts = [...new Set(sas.flatMap((sa) => (index.podsByServiceAccount.get(sa) ?? []).flatMap((pod) => restartPodCommands(pod).commands.map((c) => ctx(c, pod.cluster)))))];
  const identity = index.identityByClientId.get(key);
  const result = { clientId, annotatedServiceAccounts: refs, serviceAccount: refs.length === 1 ? refs[0] : undefined };
  if (!identity) {
    return {
      ...result,
      verdict: 'application-not-found',
      summary:
        `AADSTS700016: Entra found no application with client ID ${clientId}${where}. ${annotated}` +
        `idlens sees no managed identity or app registration with this client ID either: the ${sas.length ? 'annotation' : 'client ID'} names an identity that does not exist ` +
        `(deleted, or a copy-paste slip) or one in another tenant.` +
        (sas.length ? ` Annotate the service ${plural(sas.length, 'account', 'accounts')} with the client ID of the identity ${plural(sas.length, 'it', 'they')} should use, then restart the pods: the webhook injects AZURE_CLIENT_ID only when a pod is created.` : ''),
      fix: sas.length
        ? {
            description: `Set CLIENT_ID to the client ID of the identity the workload should use, annotate, then restart the pods.`,
            commands: [...sas.map((sa) => ctx(annotateServiceAccountCommand(sa.namespace, sa.name, WI.clientId, shellVariable('CLIENT_ID')), sa.cluster)), ...restarts],
          }
        : undefined,
    };
  }
  const tenant = identity.tenantId ?? index.azure.tenantId;
  const name = displayNameOf(identity);
  // The tenant the request went to, when the message names it by GUID (a name like `contoso` cannot be compared).
  const quotedTenant = parsed.directory !== undefined && GUID.test(parsed.directory.trim()) ? parsed.directory.trim() : parsed.tenantId;
  if (tenant && quotedTenant && quotedTenant.toLowerCase() === tenant.toLowerCase()) {
    // The right tenant: annotating it again would change nothing. What differs is the identity itself.
    const app = identity.kind === 'application';
    return {
      ...result,
      verdict: 'application-not-found',
      summary:
        `AADSTS700016: Entra found no application with client ID ${clientId} in tenant ${tenant}, which is the tenant where idlens saw ${name} with this client ID: ` +
        `the request went to the right tenant. ${annotated}Either ${name} was deleted or recreated since the Azure snapshot was read (a recreated ${app ? 'app registration' : 'identity'} gets a new client ID: ` +
        `refresh the map and annotate with the new one), or it was created moments ago and is still replicating in Entra (retry in a few minutes)` +
        (app ? `, or the app registration has no service principal in this tenant (az ad sp create --id ${clientId} creates it)` : '') +
        '.',
      fix: app
        ? {
            description: `Check that the app registration still exists and has a service principal in the tenant; only if the second command finds none, run the third.`,
            commands: [
              shellCommand(['az', 'ad', 'app', 'show', '--id', clientId, '--query', '{appId:appId,displayName:displayName}']),
              shellCommand(['az', 'ad', 'sp', 'show', '--id', clientId, '--query', '{id:id,appId:appId}']),
              shellCommand(['az', 'ad', 'sp', 'create', '--id', clientId]),
            ],
          }
        : {
            description: `Check that ${name} still exists with this client ID: "not found" means it was deleted; another client ID means it was recreated.`,
            commands: [shellCommand(['az', 'identity', 'show', '--ids', identity.resourceId, '--query', 'clientId', '-o', 'tsv'])],
          },
    };
  }
  // Annotating an SA that already names the identity's tenant would change nothing: only restart its pods.
  const toAnnotate = tenant ? sas.filter((sa) => sa.annotations[WI.tenantId]?.trim().toLowerCase() !== tenant.toLowerCase()) : [];
  return {
    ...result,
    verdict: 'application-not-found',
    summary:
      `AADSTS700016: Entra found no application with client ID ${clientId}${where}, but idlens sees ${name} with this client ID` +
      `${tenant ? ` in tenant ${tenant}` : ''}: the request went to another tenant. ${annotated}Check the ${WI.tenantId} annotation and AZURE_TENANT_ID of the pods.`,
    fix:
      tenant && sas.length
        ? {
            description: toAnnotate.length
              ? `Point the service ${plural(toAnnotate.length, 'account', 'accounts')} at ${name}'s tenant, then restart the pods.`
              : `The service ${plural(sas.length, 'account', 'accounts')} already name ${name}'s tenant: restart the pods (the webhook injects AZURE_TENANT_ID only when a pod is created), and check that no AZURE_TENANT_ID set in the pod spec overrides it.`,
            commands: [...toAnnotate.map((sa) => ctx(annotateServiceAccountCommand(sa.namespace, sa.name, WI.tenantId, tenant), sa.cluster)), ...restarts],
          }
        : undefined,
  };
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const describe = (d: SubjectDifference) =>
  ({
    'trailing-slash': 'differs by a trailing "/" from',
    case: 'differs in case from',
    whitespace: 'differs by whitespace from',
    namespace: 'names another namespace than',
    'service-account-name': 'names another service account than',
    different: 'differs from',
  })[d];
