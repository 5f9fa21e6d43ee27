// Look-up tables over one cluster + Azure snapshot, built once in O(n) so the graph and the
// findings never scan lists inside loops (10,000 SAs × 10,000 FICs must stay well under 300 ms).

import { looseIssuerKey } from './fic-matching';
import { nodeId, type IdScope } from './ids';
import {
  serviceAccountSubject,
  WI,
  type AzureSnapshot,
  type ClusterInfo,
  type ClusterSnapshot,
  type FederatedCredential,
  type Identity,
  type Pod,
  type ServiceAccount,
} from './model';

export interface SnapshotIndex {
  cluster: ClusterSnapshot;
  azure: AzureSnapshot;
  scope: IdScope;
  clusterByName: Map<string, ClusterInfo>;
  /** Clusters whose issuer equals this one up to trailing slash, case and whitespace. */
  clustersByLooseIssuer: Map<string, ClusterInfo[]>;
  clustersByIssuerMemo: Map<string, ClusterInfo[]>;
  /** Clusters whose SAs were read: a real cluster always has `default` SAs, so none = not read. */
  clustersWithServiceAccounts: Set<string>;
  serviceAccountByKey: Map<string, ServiceAccount>;
  /** Key: cluster + lower-cased subject; finds SAs a FIC names with the wrong case. Built on first use. */
  serviceAccountsByLowerSubject?: Map<string, ServiceAccount[]>;
  podsByServiceAccount: Map<ServiceAccount, Pod[]>;
  /** The SA each pod runs as, parallel to `cluster.pods` (undefined when the SA was not read). */
  serviceAccountOfPod: Array<ServiceAccount | undefined>;
  /** Key: lower-cased client ID (GUIDs compare case-insensitively in Entra). */
  identityByClientId: Map<string, Identity>;
  identityByPrincipalId: Map<string, Identity>;
  /** Key: lower-cased owner client ID. */
  ficsByOwner: Map<string, FederatedCredential[]>;
  /** Lower-cased client IDs whose FICs were not read (AzureSnapshot.ficsUnreadFor): unknown, not none. */
  ficsUnread: Set<string>;
  /** Key: exact issuer + exact subject. */
  ficsByIssuerSubject: Map<string, FederatedCredential[]>;
  /** FICs with a `claimsMatchingExpression`, by exact issuer (rare; evaluated per SA). */
  expressionFicsByIssuer: Map<string, FederatedCredential[]>;
  /** `clientIdReferenceKey(cluster, clientId)` of every client ID an SA annotation or pod env names. */
  referencedClientIds: Set<string>;
  /** `cluster + namespace` of every namespace holding at least one SA (every namespace has `default`). */
  namespaces: Set<string>;
}

export const serviceAccountKey = (cluster: string, namespace: string, name: string) => `${cluster}\u0000${namespace}\u0000${name}`;
export const issuerSubjectKey = (issuer: string, subject: string) => `${issuer}\u0000${subject}`;
export const clientIdReferenceKey = (cluster: string, clientId: string) => `${cluster}\u0000${clientId.trim().toLowerCase()}`;
export const namespaceKey = (cluster: string, namespace: string) => `${cluster}\u0000${namespace}`;
const lowerSubjectKey = (cluster: string, subject: string) => `${cluster}\u0000${subject.toLowerCase()}`;

function push<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export function indexSnapshot(cluster: ClusterSnapshot, azure: AzureSnapshot): SnapshotIndex {
  const clusterNames = new Set(cluster.clusters.map((c) => c.name));
  for (const sa of cluster.serviceAccounts) clusterNames.add(sa.cluster);
  const configured = new Set([...clusterNames, ...(cluster.unreadClusters ?? [])]);
  const scope: IdScope = { multiCluster: configured.size > 1 };

  const clusterByName = new Map<string, ClusterInfo>();
  const clustersByLooseIssuer = new Map<string, ClusterInfo[]>();
  for (const c of cluster.clusters) {
    clusterByName.set(c.name, c);
    if (c.issuer) push(clustersByLooseIssuer, looseIssuerKey(c.issuer), c);
  }

  const serviceAccountByKey = new Map<string, ServiceAccount>();
  const clustersWithServiceAccounts = new Set<string>();
  const referencedClientIds = new Set<string>();
  const namespaces = new Set<string>();
  for (const sa of cluster.serviceAccounts) {
    serviceAccountByKey.set(serviceAccountKey(sa.cluster, sa.namespace, sa.name), sa);
    clustersWithServiceAccounts.add(sa.cluster);
    namespaces.add(namespaceKey(sa.cluster, sa.namespace));
    const clientId = sa.annotations[WI.clientId];
    if (clientId) referencedClientIds.add(clientIdReferenceKey(sa.cluster, clientId));
  }

  const podsByServiceAccount = new Map<ServiceAccount, Pod[]>();
  const serviceAccountOfPod: Array<ServiceAccount | undefined> = new Array(cluster.pods.length);
  for (let i = 0; i < cluster.pods.length; i++) {
    const pod = cluster.pods[i]!;
    const sa = serviceAccountByKey.get(serviceAccountKey(pod.cluster, pod.namespace, pod.serviceAccountName));
    serviceAccountOfPod[i] = sa;
    if (sa) push(podsByServiceAccount, sa, pod);
    for (const c of pod.containers) {
      const clientId = c.env['AZURE_CLIENT_ID'];
      if (clientId) referencedClientIds.add(clientIdReferenceKey(pod.cluster, clientId));
    }
  }

  const identityByClientId = new Map<string, Identity>();
  const identityByPrincipalId = new Map<string, Identity>();
  for (const a of azure.applications) {
    identityByClientId.set(a.appId.toLowerCase(), a);
    if (a.servicePrincipalId) identityByPrincipalId.set(a.servicePrincipalId.toLowerCase(), a);
  }
  // Managed identities last: a UAMI and an app never share a client ID, but if a snapshot lists
  // a UAMI's service principal as an "application" too, the richer UAMI record wins.
  for (const i of azure.identities) {
    identityByClientId.set(i.clientId.toLowerCase(), i);
    identityByPrincipalId.set(i.principalId.toLowerCase(), i);
  }

  const ficsByOwner = new Map<string, FederatedCredential[]>();
  const ficsByIssuerSubject = new Map<string, FederatedCredential[]>();
  const expressionFicsByIssuer = new Map<string, FederatedCredential[]>();
  for (const fic of azure.federatedCredentials) {
    push(ficsByOwner, fic.ownerClientId.toLowerCase(), fic);
    if (fic.subject !== undefined) push(ficsByIssuerSubject, issuerSubjectKey(fic.issuer, fic.subject), fic);
    else if (fic.claimsMatchingExpression !== undefined) push(expressionFicsByIssuer, fic.issuer, fic);
  }

  return {
    cluster,
    azure,
    scope,
    clusterByName,
    clustersByLooseIssuer,
    clustersByIssuerMemo: new Map(),
    clustersWithServiceAccounts,
    serviceAccountByKey,
    podsByServiceAccount,
    serviceAccountOfPod,
    identityByClientId,
    identityByPrincipalId,
    ficsByOwner,
    ficsUnread: new Set((azure.ficsUnreadFor ?? []).map((id) => id.toLowerCase())),
    ficsByIssuerSubject,
    expressionFicsByIssuer,
    referencedClientIds,
    namespaces,
  };
}

export function serviceAccountsWithLowerSubject(index: SnapshotIndex, cluster: string, subject: string): ServiceAccount[] {
  // Lazy: only a FIC naming no existing SA needs it, and most snapshots have none.
  if (!index.serviceAccountsByLowerSubject) {
    const map = new Map<string, ServiceAccount[]>();
    for (const sa of index.cluster.serviceAccounts) push(map, lowerSubjectKey(sa.cluster, serviceAccountSubject(sa.namespace, sa.name)), sa);
    index.serviceAccountsByLowerSubject = map;
  }
  return index.serviceAccountsByLowerSubject.get(lowerSubjectKey(cluster, subject)) ?? [];
}

/** Snapshot clusters whose issuer equals `issuer` up to trailing slash / case (memoised per issuer string). */
export function clustersWithIssuer(index: SnapshotIndex, issuer: string): ClusterInfo[] {
  let found = index.clustersByIssuerMemo.get(issuer);
  if (!found) {
    found = index.clustersByLooseIssuer.get(looseIssuerKey(issuer)) ?? [];
    index.clustersByIssuerMemo.set(issuer, found);
  }
  return found;
}

export const serviceAccountIdOf = (index: SnapshotIndex, sa: ServiceAccount) =>
  nodeId.serviceAccount(index.scope, sa.cluster, sa.namespace, sa.name);
export const podIdOf = (index: SnapshotIndex, pod: Pod) => nodeId.pod(index.scope, pod.cluster, pod.namespace, pod.name);
export const ficIdOf = (fic: FederatedCredential) => nodeId.federatedCredential(fic.ownerClientId, fic.name);

/**
 * The kubeconfig context a kubectl fix for `cluster` must name: with several clusters, its name
 * (cluster names are the contexts); with one, its `kubeContext` when it was named explicitly;
 * undefined when kubectl's current context is the one.
 */
export const kubeContextOf = (index: SnapshotIndex, cluster: string): string | undefined =>
  index.scope.multiCluster ? cluster : index.clusterByName.get(cluster)?.kubeContext;

/** The issuer of the SA's cluster, when it was read. */
export const issuerOf = (index: SnapshotIndex, clusterName: string) => index.clusterByName.get(clusterName)?.issuer;

/** The (trimmed) client ID an SA is annotated with; undefined when it does not use workload identity. */
export function annotatedClientId(sa: ServiceAccount): string | undefined {
  const value = sa.annotations[WI.clientId]?.trim();
  return value ? value : undefined;
}

export const displayNameOf = (identity: Identity) => (identity.kind === 'managedIdentity' ? identity.name : identity.displayName);
