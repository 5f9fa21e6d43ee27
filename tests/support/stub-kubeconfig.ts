// The kubeconfig that points client-node or kubectl at a loopback Kubernetes stand-in: one
// cluster, one token user, a context per name (the first is current).

export interface StubKubeconfigOptions {
  contexts?: string[];
  cluster?: string;
  user?: string;
  token?: string;
  /** client-node 1.x refuses plain http unless the cluster says insecure-skip-tls-verify. */
  insecureSkipTlsVerify?: boolean;
}

export function stubKubeconfig(server: string, options: StubKubeconfigOptions = {}): string {
  const { contexts = ['stub'], cluster = 'stub-cluster', user = 'stub-user', token = 'stub-token', insecureSkipTlsVerify = true } = options;
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: cluster, cluster: { server, ...(insecureSkipTlsVerify ? { 'insecure-skip-tls-verify': true } : {}) } }],
    users: [{ name: user, user: { token } }],
    contexts: contexts.map((name) => ({ name, context: { cluster, user } })),
    'current-context': contexts[0],
  });
}
