// The trust graph of `GET /api/identity-map` (shared DESIGN.md): who runs as whom, which FIC lets
// which service account in, whose FIC it is, and which API that identity may call.
//
// Node ids follow lib/domain/ids.ts. An app registration is ONE node `identity:<appId>` of kind
// `application`, whether it owns FICs (a workload acting as the app), is called (a provider API),
// or both: splitting it into `identity:` and `api:` nodes would draw one Entra object twice and hide
// that its FICs and its app roles belong together. `api:<appId>` is used only for a called API the
// Azure snapshot does not list (an app role assignment names its appId, nothing else is known).
//
// Nodes carry a slim projection for the UI, never whole raw objects: the route serialises tens of
// thousands of them.

import { findingsForIndex, type Finding, type FindingOptions } from './findings';
import { nodeId } from './ids';
import { serviceAccountSubject, WI, type Application, type AppRoleAssignment, type StringMap } from './model';
import { ficAcceptsSubject } from './fic-matching';
import {
  annotatedClientId,
  ficIdOf,
  indexSnapshot,
  issuerOf,
  kubeContextOf,
  issuerSubjectKey,
  podIdOf,
  serviceAccountIdOf,
  type SnapshotIndex,
} from './snapshot-index';
import type { AzureSnapshot, ClusterSnapshot, FederatedCredential, ManagedIdentity, ProjectedTokenVolume, ServiceAccount } from './model';

export type NodeKind = 'pod' | 'serviceAccount' | 'federatedCredential' | 'managedIdentity' | 'application';
export type EdgeKind = 'runsAs' | 'federatesTo' | 'credentialOf' | 'canCall';

export interface PodNodeData {
  cluster: string;
  namespace: string;
  name: string;
  serviceAccountName: string;
  phase?: string;
  createdAt?: string;
  /** Label `azure.workload.identity/use` is exactly `"true"` (the webhook's selector). */
  usesWorkloadIdentity: boolean;
  /** Workload-identity labels only (`azure.workload.identity/*`, `aadpodidbinding`, `app`, …). */
  labels: StringMap;
  /** `azure.workload.identity/*` annotations only. */
  annotations: StringMap;
  /** Per container, the workload-identity variables set in its env (what the webhook injected). */
  injected: Array<{ container: string; env: StringMap }>;
  /** Audiences and paths of projected SA tokens (the token the exchange presents). */
  projectedTokens: ProjectedTokenVolume[];
}

export interface ServiceAccountNodeData {
  cluster: string;
  namespace: string;
  name: string;
  /** `system:serviceaccount:<ns>:<name>`: what a FIC's subject must equal. */
  subject: string;
  /** The cluster's issuer: what a FIC's issuer must equal. */
  issuer?: string;
  clientId?: string;
  tenantId?: string;
  tokenExpirationSeconds?: string;
  annotations: StringMap;
  podCount: number;
}

export interface FederatedCredentialNodeData {
  name: string;
  ownerClientId: string;
  issuer: string;
  subject?: string;
  claimsMatchingExpression?: string;
  audiences: string[];
  description?: string;
  /** The snapshot cluster whose issuer this FIC names exactly, if any. */
  cluster?: string;
}

export interface ManagedIdentityNodeData extends Omit<ManagedIdentity, 'kind'> {
  ficCount: number;
  /** Its FIC list could not be read (see the Azure source's `missing`): `ficCount` is then unknown. */
  ficsUnread?: true;
}

export interface ApplicationNodeData {
  displayName?: string;
  appId: string;
  objectId?: string;
  tenantId?: string;
  identifierUris: string[];
  appRoles: string[];
  servicePrincipalId?: string;
  ficCount: number;
  /** Its FIC list could not be read (see the Azure source's `missing`): `ficCount` is then unknown. */
  ficsUnread?: true;
  /** False for an API known only from an app role assignment (node id `api:<appId>`). */
  listed: boolean;
}

export type MapNode =
  | { id: string; kind: 'pod'; label: string; data: PodNodeData }
  | { id: string; kind: 'serviceAccount'; label: string; data: ServiceAccountNodeData }
  | { id: string; kind: 'federatedCredential'; label: string; data: FederatedCredentialNodeData }
  | { id: string; kind: 'managedIdentity'; label: string; data: ManagedIdentityNodeData }
  | { id: string; kind: 'application'; label: string; data: ApplicationNodeData };

export type MapEdge =
  | { from: string; to: string; kind: 'runsAs' | 'federatesTo' | 'credentialOf' }
  | { from: string; to: string; kind: 'canCall'; data: { roles: string[] } };

export interface IdentityMap {
  /** `kubeContext`: the context kubectl commands about this cluster name, where it must be named (ClusterInfo). */
  clusters: Array<{ name: string; issuer?: string; kubeContext?: string }>;
  nodes: MapNode[];
  edges: MapEdge[];
  findings: Finding[];
}

export function buildIdentityMap(cluster: ClusterSnapshot, azure: AzureSnapshot, options: FindingOptions = {}): IdentityMap {
  const index = indexSnapshot(cluster, azure);
  const nodes: MapNode[] = [];
  const edges: MapEdge[] = [];
  const nodeIds = new Set<string>();
  const add = (node: MapNode) => {
    // Duplicates (the same SA listed twice by an overlapping snapshot) would break the renderer.
    if (nodeIds.has(node.id)) return;
    nodeIds.add(node.id);
    nodes.push(node);
  };

  addIdentities(index, add);
  const ficNodeIds = addFederatedCredentials(index, add, edges, nodeIds);
  const serviceAccountIds = addServiceAccounts(index, add, edges, ficNodeIds);
  addPods(index, add, edges, serviceAccountIds);
  addCanCall(index, add, edges, nodeIds);

  return {
    clusters: cluster.clusters.map((c) => {
      const kubeContext = kubeContextOf(index, c.name);
      return { name: c.name, issuer: c.issuer, ...(kubeContext ? { kubeContext } : {}) };
    }),
    nodes,
    edges,
    findings: findingsForIndex(index, options),
  };
}

function addIdentities(index: SnapshotIndex, add: (n: MapNode) => void) {
  const ficCount = (clientId: string) => index.ficsByOwner.get(clientId.toLowerCase())?.length ?? 0;
  const unread = (clientId: string): { ficsUnread?: true } => (index.ficsUnread.has(clientId.toLowerCase()) ? { ficsUnread: true } : {});
  for (const i of index.azure.identities) {
    add({
      id: nodeId.identity(i.clientId),
      kind: 'managedIdentity',
      label: i.name,
      data: {
        name: i.name,
        clientId: i.clientId,
        principalId: i.principalId,
        tenantId: i.tenantId,
        resourceId: i.resourceId,
        subscriptionId: i.subscriptionId,
        resourceGroup: i.resourceGroup,
        location: i.location,
        ficCount: ficCount(i.clientId),
        ...unread(i.clientId),
      },
    });
  }
  for (const a of index.azure.applications) add(applicationNode(a, ficCount(a.appId), index.azure.tenantId, unread(a.appId)));
}

function applicationNode(a: Application, ficCount: number, tenantId: string | undefined, unread: { ficsUnread?: true } = {}): MapNode {
  return {
    id: nodeId.identity(a.appId),
    kind: 'application',
    label: a.displayName || a.appId,
    data: {
      displayName: a.displayName,
      appId: a.appId,
      objectId: a.objectId,
      tenantId: a.tenantId ?? tenantId,
      identifierUris: a.identifierUris,
      appRoles: a.appRoles.map((r) => r.value),
      servicePrincipalId: a.servicePrincipalId,
      ficCount,
      ...unread,
      listed: true,
    },
  };
}

/** Identity node id of a FIC's owner, or undefined when the owner was not listed. */
function ownerNodeId(index: SnapshotIndex, fic: FederatedCredential): string | undefined {
  const owner = index.identityByClientId.get(fic.ownerClientId.toLowerCase());
  if (!owner) return undefined;
  return nodeId.identity(owner.kind === 'managedIdentity' ? owner.clientId : owner.appId);
}

function addFederatedCredentials(index: SnapshotIndex, add: (n: MapNode) => void, edges: MapEdge[], nodeIds: Set<string>) {
  const clusterByExactIssuer = new Map<string, string>();
  for (const c of index.cluster.clusters) if (c.issuer && !clusterByExactIssuer.has(c.issuer)) clusterByExactIssuer.set(c.issuer, c.name);
  const ids = new Map<FederatedCredential, string>();
  for (const fic of index.azure.federatedCredentials) {
    const id = ficIdOf(fic);
    ids.set(fic, id);
    add({
      id,
      kind: 'federatedCredential',
      label: fic.name,
      data: {
        name: fic.name,
        ownerClientId: fic.ownerClientId,
        issuer: fic.issuer,
        subject: fic.subject,
        claimsMatchingExpression: fic.claimsMatchingExpression,
        audiences: fic.audiences,
        description: fic.description,
        cluster: clusterByExactIssuer.get(fic.issuer),
      },
    });
    const owner = ownerNodeId(index, fic);
    // No edge to an owner the snapshot did not list: a dangling edge would break the layout.
    if (owner && nodeIds.has(owner)) edges.push({ from: id, to: owner, kind: 'credentialOf' });
  }
  return ids;
}

const WI_PREFIX = 'azure.workload.identity/';
const wiAnnotations = (annotations: StringMap): StringMap => {
  const out: StringMap = {};
  for (const k in annotations) if (k.startsWith(WI_PREFIX)) out[k] = annotations[k]!;
  return out;
};
/** Labels that explain workload identity or name the workload; the rest stay in the cluster. */
const RELEVANT_LABELS = new Set([WI.useLabel, WI.legacyPodIdentityLabel, 'app', 'app.kubernetes.io/name', 'app.kubernetes.io/instance', 'pod-template-hash']);
const relevantLabels = (labels: StringMap): StringMap => {
  const out: StringMap = {};
  for (const k in labels) if (RELEVANT_LABELS.has(k) || k.startsWith(WI_PREFIX)) out[k] = labels[k]!;
  return out;
};
const INJECTED_ENV = ['AZURE_CLIENT_ID', 'AZURE_TENANT_ID', 'AZURE_FEDERATED_TOKEN_FILE', 'AZURE_AUTHORITY_HOST'];

function addServiceAccounts(index: SnapshotIndex, add: (n: MapNode) => void, edges: MapEdge[], ficIds: Map<FederatedCredential, string>) {
  const ids = new Map<ServiceAccount, string>();
  for (const sa of index.cluster.serviceAccounts) {
    const id = serviceAccountIdOf(index, sa);
    ids.set(sa, id);
    const issuer = issuerOf(index, sa.cluster);
    const subject = serviceAccountSubject(sa.namespace, sa.name);
    add({
      id,
      kind: 'serviceAccount',
      label: `${sa.namespace}/${sa.name}`,
      data: {
        cluster: sa.cluster,
        namespace: sa.namespace,
        name: sa.name,
        subject,
        issuer,
        clientId: annotatedClientId(sa),
        tenantId: sa.annotations[WI.tenantId],
        tokenExpirationSeconds: sa.annotations[WI.tokenExpiration],
        annotations: wiAnnotations(sa.annotations),
        podCount: index.podsByServiceAccount.get(sa)?.length ?? 0,
      },
    });
    if (!issuer) continue;
    // Every FIC that accepts this SA's token is a trust edge, whoever owns it: a pod of this SA
    // can exchange its token for that identity by setting AZURE_CLIENT_ID, annotation or not.
    for (const fic of index.ficsByIssuerSubject.get(issuerSubjectKey(issuer, subject)) ?? []) {
      edges.push({ from: id, to: ficIds.get(fic)!, kind: 'federatesTo' });
    }
    for (const fic of index.expressionFicsByIssuer.get(issuer) ?? []) {
      if (ficAcceptsSubject(fic, issuer, subject) === true) edges.push({ from: id, to: ficIds.get(fic)!, kind: 'federatesTo' });
    }
  }
  return ids;
}

function addPods(index: SnapshotIndex, add: (n: MapNode) => void, edges: MapEdge[], saIds: Map<ServiceAccount, string>) {
  const pods = index.cluster.pods;
  for (let i = 0; i < pods.length; i++) {
    const pod = pods[i]!;
    const id = podIdOf(index, pod);
    const injected: PodNodeData['injected'] = [];
    for (const c of pod.containers) {
      let env: StringMap | undefined;
      for (const k of INJECTED_ENV) {
        const v = c.env[k];
        if (v !== undefined) (env ??= {})[k] = v;
      }
      if (env) injected.push({ container: c.name, env });
    }
    add({
      id,
      kind: 'pod',
      label: pod.name,
      data: {
        cluster: pod.cluster,
        namespace: pod.namespace,
        name: pod.name,
        serviceAccountName: pod.serviceAccountName,
        phase: pod.phase,
        createdAt: pod.createdAt,
        usesWorkloadIdentity: pod.labels[WI.useLabel] === 'true',
        labels: relevantLabels(pod.labels),
        annotations: wiAnnotations(pod.annotations),
        injected,
        // Already the domain's slim shape (name, audience, lifetime, path): shared, not copied.
        projectedTokens: pod.projectedTokens,
      },
    });
    const sa = index.serviceAccountOfPod[i];
    const saId = sa && saIds.get(sa);
    if (saId) edges.push({ from: id, to: saId, kind: 'runsAs' });
  }
}

function addCanCall(index: SnapshotIndex, add: (n: MapNode) => void, edges: MapEdge[], nodeIds: Set<string>) {
  const applicationByAppId = new Map<string, Application>();
  for (const a of index.azure.applications) applicationByAppId.set(a.appId.toLowerCase(), a);

  // One edge per (caller, API), carrying every role granted: several assignments are several roles.
  const grouped = new Map<string, { from: string; to: string; roles: string[] }>();
  for (const assignment of index.azure.appRoleAssignments) {
    const caller = index.identityByPrincipalId.get(assignment.principalId.toLowerCase());
    if (!caller) continue;
    const from = nodeId.identity(caller.kind === 'managedIdentity' ? caller.clientId : caller.appId);
    const resource = applicationByAppId.get(assignment.resourceAppId.toLowerCase());
    let to: string;
    if (resource) {
      to = nodeId.identity(resource.appId);
    } else {
      to = nodeId.api(assignment.resourceAppId);
      if (!nodeIds.has(to)) {
        add({
          id: to,
          kind: 'application',
          label: assignment.resourceAppId,
          data: { appId: assignment.resourceAppId, identifierUris: [], appRoles: [], ficCount: 0, listed: false },
        });
      }
    }
    const key = `${from}\u0000${to}`;
    const entry = grouped.get(key) ?? { from, to, roles: [] };
    grouped.set(key, entry);
    const role = roleValue(resource, assignment);
    if (!entry.roles.includes(role)) entry.roles.push(role);
  }
  for (const e of grouped.values()) edges.push({ from: e.from, to: e.to, kind: 'canCall', data: { roles: e.roles } });
}

const DEFAULT_ACCESS_ROLE_ID = '00000000-0000-0000-0000-000000000000';

function roleValue(resource: Application | undefined, assignment: AppRoleAssignment): string {
  const role = resource?.appRoles.find((r) => r.id === assignment.appRoleId);
  if (role) return role.value || role.displayName || role.id;
  // Graph's all-zero role id is "default access": assigned without a specific app role.
  if (assignment.appRoleId === DEFAULT_ACCESS_ROLE_ID) return 'default access';
  return assignment.appRoleId;
}
