import { stubKubeconfig } from './stub-kubeconfig';
import { sendJson, startStubServer, type StubServer } from './stub-server';

// A loopback Kubernetes API that knows the built-in kinds (legacy discovery documents) and holds
// no objects: every object GET is a 404 NotFound Status. Enough for `kubectl apply
// --dry-run=client`, which needs discovery to map kinds to resources and looks each object up
// before printing what it would create. Anything but GET is answered 405 and recorded, so a test
// can assert that nothing was written.

interface Resource {
  name: string;
  kind: string;
  namespaced: boolean;
}

const r = (name: string, kind: string, namespaced = true): Resource => ({ name, kind, namespaced });

const GROUPS: Record<string, Resource[]> = {
  v1: [
    r('namespaces', 'Namespace', false),
    r('serviceaccounts', 'ServiceAccount'),
    r('services', 'Service'),
    r('pods', 'Pod'),
    r('configmaps', 'ConfigMap'),
    r('secrets', 'Secret'),
  ],
  'apps/v1': [r('deployments', 'Deployment'), r('replicasets', 'ReplicaSet'), r('statefulsets', 'StatefulSet'), r('daemonsets', 'DaemonSet')],
  'rbac.authorization.k8s.io/v1': [r('clusterroles', 'ClusterRole', false), r('clusterrolebindings', 'ClusterRoleBinding', false), r('roles', 'Role'), r('rolebindings', 'RoleBinding')],
  'networking.k8s.io/v1': [r('networkpolicies', 'NetworkPolicy'), r('ingresses', 'Ingress')],
  'policy/v1': [r('poddisruptionbudgets', 'PodDisruptionBudget')],
};

function resourceList(groupVersion: string) {
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion,
    resources: GROUPS[groupVersion]!.map((x) => ({
      name: x.name,
      singularName: x.kind.toLowerCase(),
      namespaced: x.namespaced,
      kind: x.kind,
      verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    })),
  };
}

export async function startKubeDiscoveryStub(): Promise<StubServer & { kubeconfig(): string }> {
  const server = await startStubServer((req, res) => {
    const path = new URL(req.url, 'http://stub').pathname;
    if (req.method !== 'GET') {
      return sendJson(res, 405, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'MethodNotAllowed', code: 405, message: 'discovery stub: read-only' });
    }
    if (path === '/api') return sendJson(res, 200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] });
    if (path === '/apis') {
      const groups = Object.keys(GROUPS)
        .filter((gv) => gv.includes('/'))
        .map((gv) => {
          const [name, version] = gv.split('/') as [string, string];
          return { name, versions: [{ groupVersion: gv, version }], preferredVersion: { groupVersion: gv, version } };
        });
      return sendJson(res, 200, { kind: 'APIGroupList', apiVersion: 'v1', groups });
    }
    if (path === '/api/v1') return sendJson(res, 200, resourceList('v1'));
    const group = /^\/apis\/([^/]+\/[^/]+)$/.exec(path);
    if (group && GROUPS[group[1]!]) return sendJson(res, 200, resourceList(group[1]!));
    return sendJson(res, 404, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'NotFound', code: 404, message: `${path} not found` });
  });
  return {
    ...server,
    kubeconfig: () => stubKubeconfig(server.url, { contexts: ['discovery-stub'], cluster: 'discovery-stub', user: 'nobody', token: 'unused', insecureSkipTlsVerify: false }),
  };
}
