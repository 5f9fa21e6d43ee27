// Stable node ids (a contract: users deep-link with them, e.g. /map?focus=sa:shop/checkout).
// With several clusters, cluster-scoped ids carry the cluster: `sa:<cluster>:<namespace>/<name>`.

export interface IdScope {
  /** Set when more than one cluster is shown; otherwise ids omit the cluster. */
  multiCluster: boolean;
}

const scoped = (prefix: string, scope: IdScope, cluster: string, namespace: string, name: string) =>
  scope.multiCluster ? `${prefix}:${cluster}:${namespace}/${name}` : `${prefix}:${namespace}/${name}`;

export const nodeId = {
  cluster: (name: string) => `cluster:${name}`,
  serviceAccount: (scope: IdScope, cluster: string, namespace: string, name: string) =>
    scoped('sa', scope, cluster, namespace, name),
  pod: (scope: IdScope, cluster: string, namespace: string, name: string) => scoped('pod', scope, cluster, namespace, name),
  identity: (clientId: string) => `identity:${clientId}`,
  federatedCredential: (ownerClientId: string, name: string) => `fic:${ownerClientId}/${name}`,
  api: (appIdOrUri: string) => `api:${appIdOrUri}`,
};
