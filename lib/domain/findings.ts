// The diagnosis: every finding code of shared DESIGN.md, with a message that says what is wrong,
// why the token exchange fails (the AADSTS code it will produce, where there is one) and how to
// fix it, plus copyable commands with the real values filled in.
//
// Rules of thumb that keep healthy set-ups quiet:
// - a FIC is checked against this snapshot's clusters only when its issuer is (up to a trailing
//   slash / case) one of their issuers: GitHub Actions and other clusters' FICs are none of our business;
// - one identity federated with several clusters is normal: an SA is fine as soon as one FIC
//   matches its cluster's issuer and subject exactly;
// - one root cause, one finding: an SA with a near-miss FIC gets FIC_ISSUER_MISMATCH or
//   FIC_SUBJECT_CASE_MISMATCH instead of also SA_NO_MATCHING_FIC; a cluster whose issuer is
//   unreachable gets CLUSTER_OIDC_ISSUER_DISABLED instead of one FIC finding per SA; pods of one
//   Deployment share one finding;
// - without the Azure side (`azureAvailable: false`) nothing is claimed about identities or FICs.

import { nodeId } from './ids';
import {
  parseServiceAccountSubject,
  serviceAccountSubject,
  WI,
  type FederatedCredential,
  type Identity,
  type Pod,
  type ServiceAccount,
  type AzureSnapshot,
  type ClusterInfo,
  type ClusterSnapshot,
} from './model';
import {
  ficAcceptsSubject,
  hasTokenExchangeAudience,
  intendedServiceAccountSubject,
  isWellFormedServiceAccountSubject,
  looseIssuerKey,
  valueDifference,
  type ValueDifference,
} from './fic-matching';
import {
  aksIssuerQueryCommand,
  annotateServiceAccountCommand,
  createFicCommands,
  deleteFicCommands,
  enableOidcIssuerCommand,
  ficNameFor,
  ficOwnerOf,
  inKubeContext,
  patchPodTemplateCommand,
  podOwnerLookUpCommand,
  restartPodCommands,
  shellCommand,
  shellVariable,
  TOKEN_EXCHANGE_AUDIENCES,
  updateFicCommands,
  workloadOf,
  type FicOwner,
} from './fix-commands';
import { unreachableIssuerReason } from './oidc-issuer';
import {
  annotatedClientId,
  clientIdReferenceKey,
  ficIdOf,
  indexSnapshot,
  issuerOf,
  kubeContextOf,
  issuerSubjectKey,
  namespaceKey,
  podIdOf,
  serviceAccountIdOf,
  serviceAccountKey,
  serviceAccountsWithLowerSubject,
  clustersWithIssuer,
  type SnapshotIndex,
} from './snapshot-index';

export type Severity = 'error' | 'warning' | 'info';

export type FindingCode =
  | 'POD_MISSING_USE_LABEL'
  | 'SA_CLIENT_ID_UNKNOWN'
  | 'SA_NO_MATCHING_FIC'
  | 'FIC_ISSUER_MISMATCH'
  | 'FIC_AUDIENCE_INVALID'
  | 'FIC_SUBJECT_NO_SERVICE_ACCOUNT'
  | 'FIC_SUBJECT_MALFORMED'
  | 'POD_LABEL_SA_NOT_ANNOTATED'
  | 'SA_TENANT_MISMATCH'
  | 'SA_TOKEN_EXPIRATION_INVALID'
  | 'FIC_LIMIT_NEAR'
  | 'POD_STALE_CLIENT_ID'
  | 'POD_NOT_INJECTED'
  | 'CLUSTER_OIDC_ISSUER_DISABLED'
  | 'FIC_SUBJECT_CASE_MISMATCH'
  | 'IDENTITY_UNUSED'
  | 'POD_LEGACY_POD_IDENTITY';

export interface Finding {
  code: FindingCode;
  severity: Severity;
  message: string;
  /** Node ids (lib/domain/ids.ts) the finding is about, the main one first. */
  refs: string[];
  fix?: { description: string; commands: string[] };
  /** The AADSTS error the token exchange will fail with, e.g. `AADSTS70021`. */
  aadsts?: string;
}

export interface FindingOptions {
  /**
   * Whether the Azure side was read. When false, codes that need it (unknown client IDs, FIC
   * checks, tenants, limits) are skipped rather than claimed. Default: the Azure snapshot is non-empty.
   */
  azureAvailable?: boolean;
}

/** Every code of the contract with its severity and a one-line summary, for the UI's legend and filters. */
export const FINDING_CODES: ReadonlyArray<{ code: FindingCode; severity: Severity; summary: string }> = [
  { code: 'CLUSTER_OIDC_ISSUER_DISABLED', severity: 'error', summary: 'the cluster issuer is not a public https URL while SAs use workload identity' },
  { code: 'POD_NOT_INJECTED', severity: 'error', summary: 'pod labelled for workload identity, but the webhook injected nothing (no token file, no projected token)' },
  { code: 'POD_MISSING_USE_LABEL', severity: 'error', summary: 'pod runs as an annotated SA but lacks label azure.workload.identity/use: "true"' },
  { code: 'SA_NO_MATCHING_FIC', severity: 'error', summary: "no FIC of the SA's identity has this cluster's issuer and the SA's subject" },
  { code: 'FIC_ISSUER_MISMATCH', severity: 'error', summary: 'a FIC has the SA subject but another issuer (a trailing / counts)' },
  { code: 'FIC_SUBJECT_CASE_MISMATCH', severity: 'error', summary: "a FIC's subject equals an SA's subject only when case is ignored" },
  { code: 'FIC_AUDIENCE_INVALID', severity: 'error', summary: "a FIC's audiences lack api://AzureADTokenExchange" },
  { code: 'SA_TENANT_MISMATCH', severity: 'error', summary: "the SA's tenant differs from the identity's tenant" },
  { code: 'SA_TOKEN_EXPIRATION_INVALID', severity: 'error', summary: 'service-account-token-expiration outside 3600–86400 seconds' },
  { code: 'SA_CLIENT_ID_UNKNOWN', severity: 'warning', summary: "the SA's client-id matches no identity or application seen" },
  { code: 'FIC_SUBJECT_NO_SERVICE_ACCOUNT', severity: 'warning', summary: 'a FIC for this cluster names an SA that does not exist' },
  { code: 'FIC_SUBJECT_MALFORMED', severity: 'warning', summary: 'a FIC for a cluster issuer whose subject is not system:serviceaccount:<ns>:<name>' },
  { code: 'POD_LABEL_SA_NOT_ANNOTATED', severity: 'warning', summary: 'pod labelled for workload identity, but its SA has no client-id annotation' },
  { code: 'POD_STALE_CLIENT_ID', severity: 'warning', summary: "a pod's AZURE_CLIENT_ID differs from its SA's current client-id annotation" },
  { code: 'FIC_LIMIT_NEAR', severity: 'warning', summary: 'an identity holds 18 or more of its 20 allowed FICs' },
  { code: 'IDENTITY_UNUSED', severity: 'info', summary: 'an identity federated with this cluster that no SA references' },
  { code: 'POD_LEGACY_POD_IDENTITY', severity: 'info', summary: 'pod still labelled aadpodidbinding (deprecated AAD Pod Identity)' },
];

const SEVERITY: Record<FindingCode, Severity> = Object.fromEntries(FINDING_CODES.map((c) => [c.code, c.severity])) as Record<FindingCode, Severity>;
const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Token lifetimes the webhook admits, in seconds (DOMAIN.md). */
const TOKEN_EXPIRATION_MIN_S = 3600;
const TOKEN_EXPIRATION_MAX_S = 86400;
/** FIC_LIMIT_NEAR fires at this many of the 20 allowed. */
const FIC_LIMIT_WARN_AT = 18;
/** refs of a cluster-wide finding name at most this many SAs (the message gives the total). */
const MAX_REFS = 20;

/**
 * Namespaces of the platform: add-ons there (e.g. AKS-managed ones) wire their tokens themselves,
 * so a missing pod label is not a finding there.
 */
const SYSTEM_NAMESPACES = new Set([
  'kube-system', 'kube-public', 'kube-node-lease', 'azure-workload-identity-system', 'gatekeeper-system',
  'calico-system', 'tigera-operator', 'azure-arc', 'app-routing-system', 'aks-istio-system', 'flux-system',
]);
const isSystemNamespace = (ns: string) => SYSTEM_NAMESPACES.has(ns) || ns.startsWith('kube-');

export function findingsFor(cluster: ClusterSnapshot, azure: AzureSnapshot, options: FindingOptions = {}): Finding[] {
  return findingsForIndex(indexSnapshot(cluster, azure), options);
}

/** Same as `findingsFor`, over an index the caller already built (the identity map shares it). */
export function findingsForIndex(index: SnapshotIndex, options: FindingOptions = {}): Finding[] {
  const { azure } = index;
  const azureAvailable =
    options.azureAvailable ?? (azure.identities.length + azure.applications.length + azure.federatedCredentials.length > 0);
  // kubectl fixes name their cluster's context where kubectl's current one may be another (FindingList.add).
  const out = new FindingList(index.cluster.clusters.map((c) => c.name), (cluster) => kubeContextOf(index, cluster));
  const unreachable = clusterIssuerFindings(index, out);
  for (const sa of index.cluster.serviceAccounts) serviceAccountFindings(index, sa, azureAvailable, unreachable, out);
  podFindings(index, out);
  if (azureAvailable) {
    const ficsReportedAsStale = federatedCredentialFindings(index, out);
    identityFindings(index, ficsReportedAsStale, out);
  }
  return out.sorted();
}

class FindingList {
  private readonly items: Finding[] = [];
  private readonly keys = new Set<string>();
  /** The clusters' names, longest first. */
  private readonly clusters: string[];
  /** With one cluster, ids name none and every kubectl command is about it. */
  private readonly sole: string | undefined;

  constructor(
    clusterNames: readonly string[],
    /** The context a kubectl command about a cluster must name (kubeContextOf); undefined = kubectl's current one. */
    private readonly contextOf: (cluster: string) => string | undefined,
  ) {
    this.clusters = [...clusterNames].sort((a, b) => b.length - a.length);
    this.sole = this.clusters.length === 1 ? this.clusters[0] : undefined;
  }

  /**
   * Adds a finding once. With several clusters, a kubectl fix must not act on whichever context is
   * current: its commands name `kubeContext` (for a finding about a FIC or an identity, whose refs
   * name no cluster) or else the cluster of its first cluster-scoped ref (`sa:<cluster>:…`,
   * `pod:<cluster>:…`, `cluster:<cluster>`) as `--context`. Cluster names are the kubeconfig
   * context names (IDLENS_KUBE_CONTEXTS), which may hold ':' (EKS ARNs): the longest that fits wins.
   */
  add(code: FindingCode, f: Omit<Finding, 'code' | 'severity'>, kubeContext?: string) {
    // The same root cause may be reached from the SA side and from the FIC side: report it once.
    const key = `${code}\u0000${[...f.refs].sort().join('\u0000')}`;
    if (this.keys.has(key)) return;
    this.keys.add(key);
    const cluster = f.fix ? (kubeContext ?? f.refs.map((ref) => this.clusterOf(ref)).find((c) => c !== undefined) ?? this.sole) : undefined;
    const context = cluster !== undefined ? this.contextOf(cluster) : undefined;
    const fix = context !== undefined && f.fix ? { ...f.fix, commands: f.fix.commands.map((command) => inKubeContext(command, context)) } : f.fix;
    this.items.push({ code, severity: SEVERITY[code], ...f, ...(fix ? { fix } : {}) });
  }

  private clusterOf(ref: string): string | undefined {
    return this.clusters.find((name) => ref.startsWith(`sa:${name}:`) || ref.startsWith(`pod:${name}:`) || ref === nodeId.cluster(name));
  }

  sorted(): Finding[] {
    return this.items
      .map((f, i) => ({ f, i }))
      .sort((a, b) => SEVERITY_RANK[a.f.severity] - SEVERITY_RANK[b.f.severity] || a.i - b.i)
      .map((x) => x.f);
  }
}

const identityNodeIdOf = (identity: Identity | undefined, clientId: string) =>
  nodeId.identity(identity ? (identity.kind === 'managedIdentity' ? identity.clientId : identity.appId) : clientId);

function ownerLabel(identity: Identity | undefined, clientId: string): string {
  if (!identity) return `identity ${clientId}`;
  return identity.kind === 'managedIdentity'
    ? `managed identity ${identity.name} (${identity.clientId})`
    : `app registration ${identity.displayName} (${identity.appId})`;
}

const describeDifference = (d: ValueDifference) =>
  ({
    'trailing-slash': 'differs only by a trailing "/"',
    case: 'differs only in upper/lower case',
    whitespace: 'differs only by surrounding whitespace',
    different: 'is a different value',
  })[d];

// ─── clusters ───────────────────────────────────────────────────────────────────────────────

/** Reports CLUSTER_OIDC_ISSUER_DISABLED; returns the clusters whose issuer Entra cannot reach. */
function clusterIssuerFindings(index: SnapshotIndex, out: FindingList): Set<string> {
  const unreachable = new Set<string>();
  const wiServiceAccounts = new Map<string, ServiceAccount[]>();
  for (const sa of index.cluster.serviceAccounts) {
    if (!annotatedClientId(sa)) continue;
    const list = wiServiceAccounts.get(sa.cluster) ?? [];
    list.push(sa);
    wiServiceAccounts.set(sa.cluster, list);
  }
  for (const c of index.cluster.clusters) {
    if (!c.issuer) continue;
    const reason = unreachableIssuerReason(c.issuer);
    if (!reason) continue;
    unreachable.add(c.name);
    const sas = wiServiceAccounts.get(c.name) ?? [];
    if (sas.length === 0) continue;
    const ficWithThisIssuer = index.azure.federatedCredentials.some((f) => f.issuer === c.issuer);
    const aadsts = ficWithThisIssuer ? 'AADSTS50166' : 'AADSTS700211';
    out.add('CLUSTER_OIDC_ISSUER_DISABLED', {
      message:
        `Cluster ${c.name} issues service-account tokens with issuer ${c.issuer}: ${reason}. ` +
        `Entra ID validates every federated token by fetching the issuer's discovery document and keys from the internet, ` +
        `so ${sas.length === 1 ? 'the service account' : `all ${sas.length} service accounts`} using workload identity here ${sas.length === 1 ? 'fails' : 'fail'} the token exchange ` +
        (ficWithThisIssuer
          ? `(${aadsts}: Entra could not reach the issuer named by a FIC). `
          : `(${aadsts}: no FIC can name this issuer usefully). `) +
        `Enable the AKS OIDC issuer and workload identity, then create the FICs with the new issuer URL (it ends with "/").`,
      refs: [nodeId.cluster(c.name), ...sas.slice(0, MAX_REFS).map((sa) => serviceAccountIdOf(index, sa))],
      fix: {
        description:
          `On AKS, set AKS_RESOURCE_GROUP to the cluster's resource group (the cluster name is taken from the kubeconfig context ${c.name}), ` +
          `enable the issuer, read its URL and use it in every FIC. A self-managed cluster needs --service-account-issuer set to a public https URL ` +
          `that serves /.well-known/openid-configuration and the JWKS.`,
        commands: [enableOidcIssuerCommand(c.name), aksIssuerQueryCommand(c.name)],
      },
      aadsts,
    });
  }
  return unreachable;
}

// ─── service accounts ───────────────────────────────────────────────────────────────────────

function tokenExpirationProblem(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim())) return `"${value}" is not a whole number of seconds`;
  const seconds = Number(value.trim());
  if (seconds < TOKEN_EXPIRATION_MIN_S || seconds > TOKEN_EXPIRATION_MAX_S) {
    return `${seconds} s is outside the allowed ${TOKEN_EXPIRATION_MIN_S}–${TOKEN_EXPIRATION_MAX_S} s`;
  }
  return undefined;
}

function podsOf(index: SnapshotIndex, sa: ServiceAccount): Pod[] {
  return index.podsByServiceAccount.get(sa) ?? [];
}

/** Restart commands for the controllers of an SA's pods (deduplicated), so a changed annotation takes effect. */
function restartCommandsFor(pods: Pod[]): string[] {
  const commands = new Set<string>();
  for (const pod of pods) for (const c of restartPodCommands(pod).commands) commands.add(c);
  return [...commands].slice(0, MAX_REFS);
}

const restartNote = (pods: Pod[]) =>
  pods.length === 0
    ? ''
    : ' Then restart its pods: the webhook reads the annotations only when a pod is created.';

function serviceAccountFindings(
  index: SnapshotIndex,
  sa: ServiceAccount,
  azureAvailable: boolean,
  unreachableClusters: Set<string>,
  out: FindingList,
) {
  const saId = serviceAccountIdOf(index, sa);
  const pods = podsOf(index, sa);

  const expirationProblem = tokenExpirationProblem(sa.annotations[WI.tokenExpiration]);
  if (expirationProblem) {
    out.add('SA_TOKEN_EXPIRATION_INVALID', {
      message:
        `Service account ${sa.namespace}/${sa.name} sets ${WI.tokenExpiration}: ${expirationProblem}. ` +
        `The workload-identity webhook refuses to admit its pods ("Expected value to be between 3600 and 86400"), ` +
        `so new pods of this service account are not created at all. Set it to a value in range (3600 is the default) or remove it.`,
      refs: [saId],
      fix: {
        description: `Set the annotation to 3600 seconds.${restartNote(pods)}`,
        commands: [annotateServiceAccountCommand(sa.namespace, sa.name, WI.tokenExpiration, '3600'), ...restartCommandsFor(pods)],
      },
    });
  }

  const clientId = annotatedClientId(sa);
  if (!clientId || !azureAvailable) return;
  const identity = index.identityByClientId.get(clientId.toLowerCase());
  const ownerFics = index.ficsByOwner.get(clientId.toLowerCase()) ?? [];
  const issuer = issuerOf(index, sa.cluster);
  const subject = serviceAccountSubject(sa.namespace, sa.name);
  // FICs of any owner that accept this SA exactly: they tell which client ID was probably meant.
  const exactElsewhere = issuer ? (index.ficsByIssuerSubject.get(issuerSubjectKey(issuer, subject)) ?? []) : [];

  if (!identity && ownerFics.length === 0) {
    // With some identities or applications unread, the client ID may be one of them: unknown, not wrong.
    if (!index.azure.identitiesUnread) clientIdUnknown(index, sa, clientId, exactElsewhere, pods, out);
    return;
  }

  tenantMismatch(index, sa, identity, clientId, pods, out);

  if (!issuer || unreachableClusters.has(sa.cluster)) return;
  // Its FIC list was not read (the source lists what is missing): nothing to compare, nothing guessed.
  if (index.ficsUnread.has(clientId.toLowerCase())) return;
  const verdicts = ownerFics.map((f) => ficAcceptsSubject(f, issuer, subject));
  if (verdicts.includes(true)) return;
  // A claimsMatchingExpression we cannot evaluate might accept it: say nothing rather than guess.
  if (verdicts.includes(undefined)) return;

  const owner = ficOwnerOf(identity, clientId);
  const ownerText = ownerLabel(identity, clientId);
  const identityRef = identityNodeIdOf(identity, clientId);
  const otherClusterIssuers = new Set(index.cluster.clusters.filter((c) => c.name !== sa.cluster && c.issuer).map((c) => c.issuer!));

  // 1. Same subject, another issuer.
  const sameSubject = ownerFics.filter((f) => f.subject === subject && f.issuer !== issuer);
  const forOtherClusters = sameSubject.filter((f) => otherClusterIssuers.has(f.issuer));
  const mismatched = sameSubject.filter((f) => !otherClusterIssuers.has(f.issuer));
  // Entra looks for the assertion's issuer among the identity's FICs first: when another FIC (for
  // another subject) has this cluster's exact issuer, the issuer is found and the subject is not,
  // so the error names the subject (AADSTS700213), as SA_NO_MATCHING_FIC says below.
  const issuerKnown = ownerFics.some((f) => f.issuer === issuer);
  const mismatchCode = issuerKnown ? 'AADSTS700213' : 'AADSTS700211';
  for (const fic of mismatched) {
    const difference = valueDifference(issuer, fic.issuer)!;
    const near = difference !== 'different';
    out.add('FIC_ISSUER_MISMATCH', {
      message:
        `FIC ${fic.name} of ${ownerText} has the subject of service account ${sa.namespace}/${sa.name} but issuer ${fic.issuer}, ` +
        `which ${describeDifference(difference)} from cluster ${sa.cluster}'s issuer ${issuer}. Entra compares issuers exactly, ` +
        `so the exchange fails with ${mismatchCode}` +
        (issuerKnown ? ` (another FIC of the identity has this issuer, so Entra finds the issuer and reports the subject as unmatched; older messages: AADSTS70021)` : ` (older messages: AADSTS70021 "No matching federated identity record")`) +
        `. ` +
        (near
          ? `Set the FIC's issuer to exactly ${issuer}.`
          : `If that issuer belongs to an old or another cluster that still uses this identity, keep this FIC and add one for ${issuer}; otherwise correct its issuer.`),
      refs: [ficIdOf(fic), saId, identityRef],
      fix: near
        ? {
            description: `Rewrite the FIC's issuer to the cluster's exact issuer URL.`,
            commands: updateFicCommands(owner, { name: fic.name, issuer, subject, audiences: fic.audiences }),
          }
        : {
            description: `Add a FIC for cluster ${sa.cluster}'s issuer (one identity may be federated with several clusters).`,
            commands: createFicCommands(owner, { name: uniqueFicName(ownerFics, sa), issuer, subject, audiences: TOKEN_EXCHANGE_AUDIENCES }),
          },
      aadsts: mismatchCode,
    });
  }
  if (mismatched.length > 0) return;

  // 2. Subject equal but for case (the FIC side reports it too; the list deduplicates).
  const caseNear = ownerFics.filter(
    (f) => f.subject !== undefined && f.subject !== subject && f.subject.toLowerCase() === subject.toLowerCase() && looseIssuerKey(f.issuer) === looseIssuerKey(issuer),
  );
  for (const fic of caseNear) out.add('FIC_SUBJECT_CASE_MISMATCH', caseMismatchFinding(index, fic, sa, identity));
  if (caseNear.length > 0) return;

  // 3. Nothing close: the FIC is missing.
  const sameIssuer = ownerFics.filter((f) => f.issuer === issuer && f.subject !== undefined).slice(0, 3);
  const hints: string[] = [];
  if (sameIssuer.length > 0) {
    hints.push(`Its FICs for this issuer name ${sameIssuer.map((f) => `${f.subject} (${f.name})`).join(', ')} instead.`);
  }
  if (forOtherClusters.length > 0) {
    hints.push(`It is federated with this subject for other cluster(s) (${forOtherClusters.map((f) => f.name).join(', ')}); each cluster's issuer needs its own FIC.`);
  }
  const otherOwners = exactElsewhere.filter((f) => f.ownerClientId.toLowerCase() !== clientId.toLowerCase());
  if (otherOwners.length > 0) {
    hints.push(`A FIC of another identity (${otherOwners[0]!.ownerClientId}) accepts this service account: perhaps the annotation names the wrong client ID.`);
  }
  if (ownerFics.length >= WI.maxFederatedCredentials) {
    hints.push(`The identity already holds ${ownerFics.length} of ${WI.maxFederatedCredentials} FICs: delete an unused one first.`);
  }
  const aadsts = sameIssuer.length > 0 ? 'AADSTS700213' : 'AADSTS700211';
  out.add('SA_NO_MATCHING_FIC', {
    message:
      `Service account ${sa.namespace}/${sa.name} (cluster ${sa.cluster}) acts as ${ownerText}, but none of its ${ownerFics.length} FIC(s) has issuer ${issuer} ` +
      `and subject ${subject}. Every token exchange from its pods fails with AADSTS70021 "No matching federated identity record found" (${aadsts} in newer messages). ` +
      (hints.length ? hints.join(' ') + ' ' : '') +
      `Create the FIC below.`,
    refs: [saId, identityRef],
    fix: {
      description: `Create a FIC on ${ownerText} for this cluster's issuer and this service account. A new FIC can take a few minutes to propagate.`,
      commands: createFicCommands(owner, { name: uniqueFicName(ownerFics, sa), issuer, subject, audiences: TOKEN_EXCHANGE_AUDIENCES }),
    },
    aadsts: 'AADSTS70021',
  });
}

function uniqueFicName(existing: FederatedCredential[], sa: ServiceAccount): string {
  const taken = new Set(existing.map((f) => f.name.toLowerCase()));
  const base = ficNameFor(sa.cluster, sa.namespace, sa.name);
  let name = base;
  for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${base.slice(0, 116)}-${n}`;
  return name;
}

function clientIdUnknown(
  index: SnapshotIndex,
  sa: ServiceAccount,
  clientId: string,
  exactElsewhere: FederatedCredential[],
  pods: Pod[],
  out: FindingList,
) {
  const suggested = exactElsewhere[0]?.ownerClientId;
  out.add('SA_CLIENT_ID_UNKNOWN', {
    message:
      (index.azure.applicationsUnread
        ? `Service account ${sa.namespace}/${sa.name} is annotated ${WI.clientId}=${clientId}, which is no managed identity idlens read; the app registrations ` +
          `could not be read, so it may be one of them. If it is neither, its pods request tokens for an unknown client and fail with AADSTS700016 ("Application … was not found in the directory"). `
        : `Service account ${sa.namespace}/${sa.name} is annotated ${WI.clientId}=${clientId}, but no managed identity or app registration ` +
          `with that client ID was found. Its pods request tokens for an unknown client and fail with AADSTS700016 ("Application … was not found in the directory"). `) +
      (suggested ? `The identity ${suggested} has a FIC for exactly this service account: the annotation probably should name it. ` : '') +
      `Correct the annotation to the identity's client ID and restart the pods.`,
    refs: [serviceAccountIdOf(index, sa)],
    fix: {
      description: suggested
        ? `Point the annotation at ${suggested}, then restart the pods.`
        : `Set CLIENT_ID to the client ID of the identity this workload should use (az identity show -g RG -n NAME --query clientId -o tsv), annotate, restart the pods.`,
      commands: [
        annotateServiceAccountCommand(sa.namespace, sa.name, WI.clientId, suggested ?? shellVariable('CLIENT_ID')),
        ...restartCommandsFor(pods),
      ],
    },
    aadsts: 'AADSTS700016',
  });
}

function tenantMismatch(
  index: SnapshotIndex,
  sa: ServiceAccount,
  identity: Identity | undefined,
  clientId: string,
  pods: Pod[],
  out: FindingList,
) {
  if (!identity) return;
  const identityTenant = identity.tenantId ?? index.azure.tenantId;
  const annotated = sa.annotations[WI.tenantId]?.trim();
  // Without the annotation the webhook injects its ConfigMap's AZURE_TENANT_ID: check that instead.
  const saTenant = annotated || index.clusterByName.get(sa.cluster)?.webhookTenantId;
  if (!identityTenant || !saTenant || saTenant.toLowerCase() === identityTenant.toLowerCase()) return;
  const source = annotated ? `annotation ${WI.tenantId}` : `the webhook's default tenant (ConfigMap azure-wi-webhook-config)`;
  out.add('SA_TENANT_MISMATCH', {
    message:
      `Service account ${sa.namespace}/${sa.name} requests tokens from tenant ${saTenant} (${source}), but ${ownerLabel(identity, clientId)} ` +
      `lives in tenant ${identityTenant}. Entra looks the client ID up in the wrong tenant and fails with AADSTS700016. ` +
      `Annotate the service account with the identity's tenant and restart its pods.`,
    refs: [serviceAccountIdOf(index, sa), identityNodeIdOf(identity, clientId)],
    fix: {
      description: `Set ${WI.tenantId} to ${identityTenant}.${restartNote(pods)}`,
      commands: [annotateServiceAccountCommand(sa.namespace, sa.name, WI.tenantId, identityTenant), ...restartCommandsFor(pods)],
    },
    aadsts: 'AADSTS700016',
  });
}

// ─── pods ───────────────────────────────────────────────────────────────────────────────────

/** Pods of one controller share a finding: one root cause, one line. */
function podGroupKey(pod: Pod): string {
  const w = workloadOf(pod);
  return `${pod.cluster}\u0000${pod.namespace}\u0000${w ? `${w.kind}/${w.name}` : `pod/${pod.name}`}`;
}

const subjectOfPod = (pod: Pod) => {
  const w = workloadOf(pod);
  return w ? `${w.kind} ${pod.namespace}/${w.name}` : `pod ${pod.namespace}/${pod.name}`;
};

function isSkippedContainer(pod: Pod, container: string): boolean {
  const skip = pod.annotations[WI.skipContainers];
  return skip !== undefined && skip.split(';').some((s) => s.trim() === container);
}

function podFindings(index: SnapshotIndex, out: FindingList) {
  // Group pods per (code, controller): e.g. 30 replicas missing the label are one finding with 30 refs.
  const groups = new Map<string, { code: FindingCode; pods: Pod[]; sa?: ServiceAccount; detail: string }>();
  const group = (code: FindingCode, pod: Pod, sa: ServiceAccount | undefined, detail = '') => {
    const key = `${code}\u0000${podGroupKey(pod)}\u0000${detail}`;
    const g = groups.get(key);
    if (g) g.pods.push(pod);
    else groups.set(key, { code, pods: [pod], sa, detail });
  };

  const pods = index.cluster.pods;
  for (let i = 0; i < pods.length; i++) {
    const pod = pods[i]!;
    if (pod.labels[WI.legacyPodIdentityLabel] !== undefined) group('POD_LEGACY_POD_IDENTITY', pod, undefined, pod.labels[WI.legacyPodIdentityLabel]);
    const podExpiration = pod.annotations[WI.tokenExpiration];
    if (tokenExpirationProblem(podExpiration)) group('SA_TOKEN_EXPIRATION_INVALID', pod, undefined, podExpiration);

    const sa = index.serviceAccountOfPod[i];
    const labelled = pod.labels[WI.useLabel] === 'true';
    const hasEnv = (name: string) => pod.containers.some((c) => c.env[name] !== undefined);
    // Labelled, yet neither the token file variable nor the projected token is there: the webhook
    // never mutated this pod (it adds the volume even when every container is skipped). Needs no SA.
    const notInjected = labelled && !hasEnv('AZURE_FEDERATED_TOKEN_FILE') && !pod.projectedTokens.some((t) => t.audience === WI.tokenExchangeAudience);
    if (notInjected) group('POD_NOT_INJECTED', pod, sa, sa && !annotatedClientId(sa) ? 'unannotated' : '');

    if (!sa) continue; // SA not read (or deleted): nothing reliable to say about the pod's identity.
    const clientId = annotatedClientId(sa);

    // Wired by hand (token file env present): works without the webhook, so no label needed.
    if (clientId && !labelled && !isSystemNamespace(pod.namespace) && !hasEnv('AZURE_FEDERATED_TOKEN_FILE')) {
      group('POD_MISSING_USE_LABEL', pod, sa, pod.labels[WI.useLabel] ?? '');
    }
    // A container that sets AZURE_CLIENT_ID itself does not need the annotation. A pod the webhook
    // never mutated is POD_NOT_INJECTED, which names the missing annotation too.
    if (labelled && !notInjected && !clientId && !hasEnv('AZURE_CLIENT_ID')) group('POD_LABEL_SA_NOT_ANNOTATED', pod, sa);

    if (clientId) {
      const stale = pod.containers.filter((c) => {
        const injected = c.env['AZURE_CLIENT_ID'];
        return injected !== undefined && injected !== clientId && injected.trim().toLowerCase() !== clientId.toLowerCase() && !isSkippedContainer(pod, c.name);
      });
      if (stale.length > 0) group('POD_STALE_CLIENT_ID', pod, sa, stale[0]!.env['AZURE_CLIENT_ID']!);
    }
  }

  // How many pods each controller has, for POD_NOT_INJECTED: some replicas mutated means the webhook works now.
  let podsPerGroup: Map<string, number> | undefined;
  const groupSize = (pod: Pod) => {
    if (!podsPerGroup) {
      podsPerGroup = new Map();
      for (const p of pods) {
        const key = podGroupKey(p);
        podsPerGroup.set(key, (podsPerGroup.get(key) ?? 0) + 1);
      }
    }
    return podsPerGroup.get(podGroupKey(pod)) ?? 1;
  };
  for (const g of groups.values()) {
    out.add(g.code, podFinding(index, g.code, g.pods, g.sa, g.detail, g.code === 'POD_NOT_INJECTED' ? groupSize(g.pods[0]!) : undefined));
  }
}

/** `ofPods`: how many pods the pods' controller has in all (more than `pods.length` when only some replicas are concerned). */
function podFinding(index: SnapshotIndex, code: FindingCode, pods: Pod[], sa: ServiceAccount | undefined, detail: string, ofPods = pods.length): Omit<Finding, 'code' | 'severity'> {
  const pod = pods[0]!;
  const workload = workloadOf(pod);
  const who = subjectOfPod(pod);
  const count = pods.length > 1 ? ` (${pods.length} pods)` : '';
  const refs = [...pods.map((p) => podIdOf(index, p)), ...(sa ? [serviceAccountIdOf(index, sa)] : [])];
  const restart = restartPodCommands(pod);
  const clientId = sa ? annotatedClientId(sa) : undefined;

  switch (code) {
    case 'POD_MISSING_USE_LABEL': {
      const labels = { [WI.useLabel]: 'true' };
      return {
        message:
          `${capitalise(who)}${count} runs as service account ${sa!.namespace}/${sa!.name}, which is annotated for workload identity (client ID ${clientId}), ` +
          (detail ? `but its label ${WI.useLabel} is "${detail}", not exactly "true". ` : `but lacks the label ${WI.useLabel}: "true". `) +
          `The webhook selects pods by that label, so nothing is injected: no AZURE_CLIENT_ID, no AZURE_FEDERATED_TOKEN_FILE, no projected token. ` +
          `The SDK never reaches Entra ID (DefaultAzureCredential may even fall back to the node's identity). ` +
          `Add the label to the pod template; labelling a running pod does nothing because the webhook acts on pod creation only.`,
        refs,
        fix: workload
          ? {
              description: `Patch the ${workload.kind}'s pod template; the patch rolls out new pods, which the webhook mutates.`,
              commands: [patchPodTemplateCommand(workload, pod.namespace, { labels })],
            }
          : {
              description: `Add the label under the pod template's metadata.labels of the pod's controller (found with the command below) and recreate the pod.`,
              commands: [podOwnerLookUpCommand(pod)],
            },
      };
    }
    case 'POD_LABEL_SA_NOT_ANNOTATED': {
      const subject = serviceAccountSubject(sa!.namespace, sa!.name);
      const issuer = issuerOf(index, sa!.cluster);
      const candidate = issuer ? index.ficsByIssuerSubject.get(issuerSubjectKey(issuer, subject))?.[0]?.ownerClientId : undefined;
      return {
        message:
          `${capitalise(who)}${count} is labelled ${WI.useLabel}: "true", but its service account ${sa!.namespace}/${sa!.name} has no ${WI.clientId} annotation. ` +
          `The webhook injects the token file but no AZURE_CLIENT_ID, so the SDK does not know which identity to request a token for and fails before calling Entra ID. ` +
          (candidate ? `Identity ${candidate} has a FIC for exactly this service account. ` : '') +
          `Annotate the service account, then ${restart.how}.`,
        refs,
        fix: {
          description: candidate
            ? `Annotate with ${candidate}, then ${restart.how}.`
            : `Set CLIENT_ID to the client ID of the identity to use, annotate, then ${restart.how}.`,
          commands: [annotateServiceAccountCommand(sa!.namespace, sa!.name, WI.clientId, candidate ?? shellVariable('CLIENT_ID')), ...restart.commands],
        },
      };
    }
    case 'POD_NOT_INJECTED': {
      // Only some replicas unmutated: the webhook mutated their siblings, so it works now and deleting
      // just these pods (their controller recreates them) fixes it without restarting the others.
      const some = pods.length < ofPods;
      const names = pods.map((p) => p.name);
      const subject = some ? `${pods.length} of the ${ofPods} pods of ${who} (${names.join(', ')})` : `${capitalise(who)}${count}`;
      const deletePods = shellCommand(['kubectl', 'delete', 'pod', '-n', pod.namespace, ...names]);
      return {
        message:
          `${subject} ${some && pods.length > 1 ? 'are' : 'is'} labelled ${WI.useLabel}: "true", yet nothing was injected: no AZURE_FEDERATED_TOKEN_FILE in any container and no projected ` +
          `service account token with audience ${WI.tokenExchangeAudience}. The webhook did not mutate it when it was created: it was not installed or not answering then ` +
          `(a webhook with failurePolicy Ignore lets pods through unchanged), or the label was added to the running pod afterwards (the webhook acts on pod creation only). ` +
          `The SDK finds no federated token, so no exchange with Entra ID ever starts (DefaultAzureCredential may fall back to another credential, such as the node's identity). ` +
          (some
            ? `The other pods of ${who} were injected, so the webhook works now: delete these pods and their controller recreates them, mutated.`
            : `Check that the webhook's mutating configuration exists and its pods run, then recreate these pods.`) +
          (detail === 'unannotated' && sa
            ? ` Its service account ${sa.namespace}/${sa.name} has no ${WI.clientId} annotation either: annotate it first, or the recreated pods get no AZURE_CLIENT_ID.`
            : ''),
        refs,
        fix: some
          ? { description: `Delete the unmutated pods; ${who} recreates them and the webhook mutates the new ones.`, commands: [deletePods] }
          : {
              description: `Check that the workload identity webhook is installed (azure-wi-webhook-mutating-webhook-configuration) and its pods run, then ${restart.how}.`,
              commands: ['kubectl get mutatingwebhookconfigurations -l azure-workload-identity.io/system=true', 'kubectl get pods -A -l azure-workload-identity.io/system=true', ...restart.commands],
            },
      };
    }
    case 'POD_STALE_CLIENT_ID':
      return {
        message:
          `${capitalise(who)}${count} has AZURE_CLIENT_ID=${detail}, but its service account ${sa!.namespace}/${sa!.name} is now annotated with ${clientId}. ` +
          `The webhook injects the variable only when a pod is created, so these pods still request tokens as the old identity ` +
          `(AADSTS70021 once that identity's FIC for this service account is gone, or access denied by the API). ` +
          `Restart them; if the manifest sets AZURE_CLIENT_ID itself, remove it, since the webhook never overrides a variable that is already set.`,
        refs,
        fix: { description: `${capitalise(restart.how)} so the webhook injects the current client ID.`, commands: restart.commands },
      };
    case 'SA_TOKEN_EXPIRATION_INVALID': {
      const annotations = { [WI.tokenExpiration]: '3600' };
      return {
        message:
          `${capitalise(who)}${count} sets ${WI.tokenExpiration}: ${tokenExpirationProblem(detail)}. ` +
          `The pod annotation overrides the service account's, and the webhook refuses to admit such pods ("Expected value to be between 3600 and 86400"): ` +
          `new replicas are not created. Set it in range (3600 is the default) in the pod template.`,
        refs,
        fix: workload
          ? { description: `Patch the ${workload.kind}'s pod template.`, commands: [patchPodTemplateCommand(workload, pod.namespace, { annotations })] }
          : { description: `Fix the annotation in the pod's controller (found with the command below) and recreate the pod.`, commands: [podOwnerLookUpCommand(pod)] },
      };
    }
    case 'POD_LEGACY_POD_IDENTITY': {
      const labels = { [WI.legacyPodIdentityLabel]: null, [WI.useLabel]: 'true' };
      const steps: string[] = [];
      if (sa && !clientId) steps.push(annotateServiceAccountCommand(sa.namespace, sa.name, WI.clientId, shellVariable('CLIENT_ID')));
      steps.push(workload ? patchPodTemplateCommand(workload, pod.namespace, { labels }) : podOwnerLookUpCommand(pod));
      return {
        message:
          `${capitalise(who)}${count} is still labelled ${WI.legacyPodIdentityLabel}=${detail} for AAD Pod Identity, which is deprecated and no longer supported on AKS. ` +
          `Migrate to workload identity: create a FIC for the service account on the identity, annotate the service account with the identity's client ID, ` +
          `and replace the label with ${WI.useLabel}: "true" in the pod template.`,
        refs,
        fix: {
          description:
            (sa && !clientId ? `Set CLIENT_ID to the identity's client ID and annotate the service account; ` : '') +
            (workload ? `switch the labels in the pod template (rolls the pods).` : `switch the labels in the pod's controller and recreate the pod.`),
          commands: steps,
        },
      };
    }
    default:
      throw new Error(`not a pod finding: ${code}`);
  }
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

// ─── federated credentials ──────────────────────────────────────────────────────────────────

/** The snapshot clusters whose issuer this FIC names (up to trailing slash / case), SAs read. */
function clustersOfFic(index: SnapshotIndex, fic: FederatedCredential): ClusterInfo[] {
  return clustersWithIssuer(index, fic.issuer);
}

/** Returns the FICs reported as naming no (well-formed, existing) SA, so IDENTITY_UNUSED does not repeat them. */
function federatedCredentialFindings(index: SnapshotIndex, out: FindingList): Set<FederatedCredential> {
  const stale = new Set<FederatedCredential>();
  for (const fic of index.azure.federatedCredentials) {
    const clusters = clustersOfFic(index, fic);
    if (clusters.length === 0) continue; // GitHub Actions, other clusters: not ours to judge.
    const identity = index.identityByClientId.get(fic.ownerClientId.toLowerCase());
    const owner = ficOwnerOf(identity, fic.ownerClientId);
    const ficId = ficIdOf(fic);
    const identityRef = identityNodeIdOf(identity, fic.ownerClientId);

    audienceFinding(index, fic, clusters, owner, ficId, identityRef, out);

    if (fic.subject === undefined) continue;
    if (!isWellFormedServiceAccountSubject(fic.subject)) {
      stale.add(fic);
      const guess = intendedServiceAccountSubject(fic.subject);
      out.add('FIC_SUBJECT_MALFORMED', {
        message:
          `FIC ${fic.name} of ${ownerLabel(identity, fic.ownerClientId)} is for cluster issuer ${fic.issuer}, but its subject "${fic.subject}" ` +
          `is not of the form system:serviceaccount:<namespace>:<name>. No Kubernetes token ever carries that subject, ` +
          `so it matches nothing (AADSTS700213 for the workload it was meant for). ` +
          (guess ? `It probably means ${guess}.` : `Set the subject to the service account's exact subject.`),
        refs: [ficId, identityRef],
        fix: guess
          ? { description: `Rewrite the subject to ${guess}.`, commands: updateFicCommands(owner, { name: fic.name, issuer: fic.issuer, subject: guess, audiences: fic.audiences }) }
          : { description: `Rewrite the subject to system:serviceaccount:<namespace>:<name> of the intended service account (set SUBJECT).`, commands: updateFicSubjectWithVariable(owner, fic) },
        aadsts: 'AADSTS700213',
      });
      continue;
    }

    const known = clusters.filter((c) => index.clustersWithServiceAccounts.has(c.name));
    if (known.length === 0) continue; // SAs not read: cannot tell whether the subject exists.
    const parsed = parseServiceAccountSubject(fic.subject)!;
    if (known.some((c) => index.serviceAccountByKey.has(serviceAccountKey(c.name, parsed.namespace, parsed.name)))) continue;

    const caseMatches = known.flatMap((c) => serviceAccountsWithLowerSubject(index, c.name, fic.subject!));
    if (caseMatches.length > 0) {
      for (const sa of caseMatches) out.add('FIC_SUBJECT_CASE_MISMATCH', caseMismatchFinding(index, fic, sa, identity));
      continue;
    }

    stale.add(fic);
    const namespaceExists = known.some((c) => index.namespaces.has(namespaceKey(c.name, parsed.namespace)));
    // Its kubectl commands go to the cluster whose issuer the FIC has (when that is one).
    const kubeContext = known.length === 1 ? known[0]!.name : undefined;
    out.add('FIC_SUBJECT_NO_SERVICE_ACCOUNT', {
      message:
        `FIC ${fic.name} of ${ownerLabel(identity, fic.ownerClientId)} trusts service account ${parsed.namespace}/${parsed.name} of cluster ${known.map((c) => c.name).join(', ')}, ` +
        (namespaceExists ? `which does not exist. ` : `but namespace ${parsed.namespace} does not exist there. `) +
        `No pod can present that subject, so this FIC grants nothing; a workload that expects it (e.g. a renamed service account) fails with AADSTS700213. ` +
        `Create the service account (annotated with the identity's client ID), or delete the FIC if the workload is gone.`,
      refs: [ficId, identityRef],
      fix: {
        description: `Either create and annotate the service account (first two commands), or delete the stale FIC (last).`,
        commands: [
          ...(namespaceExists ? [] : [shellCommand(['kubectl', 'create', 'namespace', parsed.namespace])]),
          shellCommand(['kubectl', 'create', 'serviceaccount', '-n', parsed.namespace, parsed.name]),
          annotateServiceAccountCommand(parsed.namespace, parsed.name, WI.clientId, fic.ownerClientId),
          ...deleteFicCommands(owner, fic.name),
        ],
      },
    }, kubeContext);
  }
  return stale;
}

function updateFicSubjectWithVariable(owner: FicOwner, fic: FederatedCredential): string[] {
  // Placeholder subject rendered as a variable so the command is still pasteable.
  const marker = '__SUBJECT__';
  // Inside a single-quoted JSON body the variable must close and reopen the quotes to expand.
  return updateFicCommands(owner, { name: fic.name, issuer: fic.issuer, subject: marker, audiences: fic.audiences }).map((c) =>
    c.includes(`"subject":"${marker}"`)
      ? c.replace(`"subject":"${marker}"`, () => `"subject":"'"$SUBJECT"'"`)
      : c.replace(marker, () => '"$SUBJECT"'),
  );
}

function audienceFinding(
  index: SnapshotIndex,
  fic: FederatedCredential,
  clusters: ClusterInfo[],
  owner: FicOwner,
  ficId: string,
  identityRef: string,
  out: FindingList,
) {
  if (hasTokenExchangeAudience(fic)) return;
  // A pod may project its own token with a custom audience (without the webhook): then that
  // audience is what the FIC must hold, and holding it is correct.
  if (fic.subject !== undefined) {
    const parsed = parseServiceAccountSubject(fic.subject);
    if (parsed) {
      for (const c of clusters) {
        const sa = index.serviceAccountByKey.get(serviceAccountKey(c.name, parsed.namespace, parsed.name));
        if (!sa) continue;
        for (const pod of podsOf(index, sa)) {
          if (pod.projectedTokens.some((t) => t.audience !== undefined && fic.audiences.includes(t.audience))) return;
        }
      }
    }
  }
  const near = fic.audiences.map((a) => ({ a, d: valueDifference(WI.tokenExchangeAudience, a) })).find((x) => x.d !== 'different');
  const identity = index.identityByClientId.get(fic.ownerClientId.toLowerCase());
  // The service accounts whose exchange this breaks (the FIC's subject, annotated with its owner):
  // the finding is theirs too, so they and their pods show as broken.
  const parsedSubject = fic.subject !== undefined ? parseServiceAccountSubject(fic.subject) : undefined;
  const affected = parsedSubject
    ? clusters
        .map((c) => index.serviceAccountByKey.get(serviceAccountKey(c.name, parsedSubject.namespace, parsedSubject.name)))
        .filter((sa): sa is ServiceAccount => sa !== undefined && annotatedClientId(sa)?.toLowerCase() === fic.ownerClientId.toLowerCase())
    : [];
  out.add('FIC_AUDIENCE_INVALID', {
    message:
      `FIC ${fic.name} of ${ownerLabel(identity, fic.ownerClientId)} (issuer ${fic.issuer}) has audiences ${JSON.stringify(fic.audiences)}` +
      (near ? ` ("${near.a}" ${describeDifference(near.d!)} from ${WI.tokenExchangeAudience})` : '') +
      `, but the token the webhook projects carries audience ${WI.tokenExchangeAudience}. Entra compares the audience exactly, ` +
      `so the exchange fails with AADSTS700212` +
      (affected.length ? ` for service account ${affected.map((sa) => `${sa.namespace}/${sa.name}`).join(', ')}` : '') +
      `. Set the FIC's audience to ${WI.tokenExchangeAudience}.`,
    refs: [ficId, identityRef, ...affected.map((sa) => serviceAccountIdOf(index, sa))],
    fix: {
      description: `Rewrite the FIC's audiences.`,
      commands: updateFicCommands(owner, { name: fic.name, issuer: fic.issuer, subject: fic.subject, audiences: TOKEN_EXCHANGE_AUDIENCES }),
    },
    aadsts: 'AADSTS700212',
  });
}

function caseMismatchFinding(
  index: SnapshotIndex,
  fic: FederatedCredential,
  sa: ServiceAccount,
  identity: Identity | undefined,
): Omit<Finding, 'code' | 'severity'> {
  const subject = serviceAccountSubject(sa.namespace, sa.name);
  const issuer = issuerOf(index, sa.cluster) ?? fic.issuer;
  const owner = ficOwnerOf(identity, fic.ownerClientId);
  const issuerAlsoDiffers = fic.issuer !== issuer;
  return {
    message:
      `FIC ${fic.name} of ${ownerLabel(identity, fic.ownerClientId)} has subject ${fic.subject}, which equals service account ${sa.namespace}/${sa.name}'s ` +
      `subject ${subject} only when case is ignored. Kubernetes names are lower case and Entra compares subjects case-sensitively, ` +
      `so the exchange fails with AADSTS7002138. ` +
      (issuerAlsoDiffers ? `Its issuer ${fic.issuer} also ${describeDifference(valueDifference(issuer, fic.issuer)!)} from ${issuer}. ` : '') +
      `Set the subject to exactly ${subject}.`,
    refs: [ficIdOf(fic), serviceAccountIdOf(index, sa), identityNodeIdOf(identity, fic.ownerClientId)],
    fix: {
      description: `Rewrite the FIC's subject${issuerAlsoDiffers ? ' and issuer' : ''}.`,
      commands: updateFicCommands(owner, { name: fic.name, issuer, subject, audiences: fic.audiences }),
    },
    aadsts: 'AADSTS7002138',
  };
}

// ─── identities ─────────────────────────────────────────────────────────────────────────────

function identityFindings(index: SnapshotIndex, staleFics: Set<FederatedCredential>, out: FindingList) {
  for (const fics of index.ficsByOwner.values()) {
    const ownerClientId = fics[0]!.ownerClientId;
    const identity = index.identityByClientId.get(ownerClientId.toLowerCase());
    const owner = ficOwnerOf(identity, ownerClientId);
    const identityRef = identityNodeIdOf(identity, ownerClientId);
    const label = ownerLabel(identity, ownerClientId);

    if (fics.length >= FIC_LIMIT_WARN_AT) {
      out.add('FIC_LIMIT_NEAR', {
        message:
          `${capitalise(label)} holds ${fics.length} of the ${WI.maxFederatedCredentials} federated credentials an identity may have. ` +
          `Creating a FIC for a new cluster or service account ${fics.length >= WI.maxFederatedCredentials ? 'already fails' : 'will soon fail'}, ` +
          `and that workload then fails with AADSTS70021. Delete FICs of clusters and service accounts that are gone, split workloads across identities, ` +
          `or use one FIC with a claimsMatchingExpression (preview) for many service accounts.`,
        refs: [identityRef, ...fics.slice(0, MAX_REFS).map(ficIdOf)],
        fix: {
          description: `List the FICs and delete the unused ones.`,
          commands: [listFicsCommand(owner)],
        },
      });
    }

    // IDENTITY_UNUSED, per cluster this identity is federated with.
    const byCluster = new Map<string, FederatedCredential[]>();
    for (const fic of fics) {
      for (const c of clustersOfFic(index, fic)) {
        if (!index.clustersWithServiceAccounts.has(c.name)) continue;
        const list = byCluster.get(c.name) ?? [];
        list.push(fic);
        byCluster.set(c.name, list);
      }
    }
    for (const [clusterName, clusterFics] of byCluster) {
      if (index.referencedClientIds.has(clientIdReferenceKey(clusterName, ownerClientId))) continue;
      // Every FIC already reported as naming no service account: that finding says it all.
      if (clusterFics.every((f) => staleFics.has(f))) continue;
      const target = clusterFics
        .map((f) => (f.subject ? parseServiceAccountSubject(f.subject) : undefined))
        .find((p) => p && index.serviceAccountByKey.has(serviceAccountKey(clusterName, p.namespace, p.name)));
      out.add('IDENTITY_UNUSED', {
        message:
          `${capitalise(label)} is federated with cluster ${clusterName} (${clusterFics.map((f) => `${f.name}: ${f.subject ?? f.claimsMatchingExpression}`).join(', ')}), ` +
          `but no service account there is annotated with its client ID and no pod sets it. Nothing fails, but the trust is unused: ` +
          (target
            ? `annotate ${target.namespace}/${target.name} if it should use this identity, or delete the FIC(s).`
            : `delete the FIC(s) if no workload needs them.`),
        refs: [identityRef, ...clusterFics.map(ficIdOf)],
        fix: {
          description: target ? `Annotate the service account the FIC names (then restart its pods), or delete the FIC(s).` : `Delete the unused FIC(s).`,
          commands: [
            ...(target ? [annotateServiceAccountCommand(target.namespace, target.name, WI.clientId, ownerClientId)] : []),
            ...clusterFics.flatMap((f) => deleteFicCommands(owner, f.name)),
          ].filter((c, i, all) => all.indexOf(c) === i),
        },
      }, clusterName); // its kubectl annotate goes to this cluster
    }
  }
}

function listFicsCommand(owner: FicOwner): string {
  if (owner.kind === 'application') return shellCommand(['az', 'ad', 'app', 'federated-credential', 'list', '--id', owner.appId, '-o', 'table']);
  if (owner.kind === 'managedIdentity') {
    return shellCommand([
      'az', 'identity', 'federated-credential', 'list', '--identity-name', owner.name,
      '--resource-group', owner.resourceGroup ?? shellVariable('RESOURCE_GROUP'), '-o', 'table',
    ]);
  }
  return shellCommand(['az', 'identity', 'federated-credential', 'list', '--identity-name', shellVariable('IDENTITY_NAME'), '--resource-group', shellVariable('RESOURCE_GROUP'), '-o', 'table']);
}
