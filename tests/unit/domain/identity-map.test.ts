import { describe, expect, it } from 'vitest';
import { buildIdentityMap, type MapEdge, type MapNode } from '@/lib/domain/identity-map';
import { serviceAccountSubject } from '@/lib/domain/model';
import { BENCH_SIZE, syntheticSnapshot } from '@/tests/bench/identity-map.bench-case';
import {
  CLIENT_ID,
  CLUSTER,
  GITHUB_ISSUER,
  ISSUER,
  OTHER_CLIENT_ID,
  OTHER_CLUSTER,
  aClusterSnapshot,
  aFederatedCredential,
  aHealthyWorld,
  aManagedIdentity,
  aPod,
  aServiceAccount,
  aTwoClusterWorld,
  anAppRoleAssignment,
  anApplication,
  anAzureSnapshot,
} from './domain-factories';

const edgeList = (edges: MapEdge[]) => edges.map((e) => `${e.kind} ${e.from} -> ${e.to}`).sort();
const byId = (nodes: MapNode[], id: string) => nodes.find((n) => n.id === id);

describe('buildIdentityMap', () => {
  it('links pod → SA → FIC → identity with the contract ids and kinds', () => {
    const { cluster, azure } = aHealthyWorld();
    const map = buildIdentityMap(cluster, azure);
    expect(map.clusters).toEqual([{ name: CLUSTER, issuer: ISSUER }]);
    expect(map.nodes.map((n) => `${n.kind} ${n.id}`).sort()).toEqual(
      [
        `federatedCredential fic:${CLIENT_ID}/aks-prod-shop-checkout`,
        `managedIdentity identity:${CLIENT_ID}`,
        'pod pod:shop/checkout-7d9f8b6c5d-x2x4z',
        'serviceAccount sa:shop/checkout',
        'serviceAccount sa:shop/default',
      ].sort(),
    );
    expect(edgeList(map.edges)).toEqual(
      [
        `credentialOf fic:${CLIENT_ID}/aks-prod-shop-checkout -> identity:${CLIENT_ID}`,
        `federatesTo sa:shop/checkout -> fic:${CLIENT_ID}/aks-prod-shop-checkout`,
        'runsAs pod:shop/checkout-7d9f8b6c5d-x2x4z -> sa:shop/checkout',
      ].sort(),
    );
    expect(map.findings).toEqual([]);
  });

  it('gives nodes human labels and a slim projection (only workload-identity annotations and labels)', () => {
    const sa = aServiceAccount({ clientId: CLIENT_ID, annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{…huge…}' } });
    const pod = aPod({ clientId: CLIENT_ID, labels: { 'azure.workload.identity/use': 'true', 'pod-template-hash': '7d9f8b6c5d', team: 'payments' } });
    const { azure } = aHealthyWorld();
    const map = buildIdentityMap(aClusterSnapshot({ serviceAccounts: [sa], pods: [pod] }), azure);
    const saNode = byId(map.nodes, 'sa:shop/checkout')!;
    expect(saNode.label).toBe('shop/checkout');
    expect(saNode.data).toMatchObject({ subject: serviceAccountSubject('shop', 'checkout'), issuer: ISSUER, clientId: CLIENT_ID, podCount: 1 });
    expect(saNode.kind === 'serviceAccount' && Object.keys(saNode.data.annotations)).toEqual(['azure.workload.identity/client-id']);
    const podNode = byId(map.nodes, 'pod:shop/checkout-7d9f8b6c5d-x2x4z')!;
    expect(podNode.kind === 'pod' && podNode.data.labels).toEqual({ 'azure.workload.identity/use': 'true', 'pod-template-hash': '7d9f8b6c5d' });
    expect(podNode.kind === 'pod' && podNode.data.injected[0]!.env.AZURE_CLIENT_ID).toBe(CLIENT_ID);
    expect(byId(map.nodes, `identity:${CLIENT_ID}`)!.label).toBe('id-checkout');
    expect(byId(map.nodes, `fic:${CLIENT_ID}/aks-prod-shop-checkout`)!.data).toMatchObject({ issuer: ISSUER, cluster: CLUSTER });
  });

  it('draws no trust edge for a near-miss FIC (trailing slash) and none to FICs of other issuers', () => {
    const { cluster } = aHealthyWorld();
    const azure = anAzureSnapshot({
      identities: [aManagedIdentity()],
      federatedCredentials: [
        aFederatedCredential({ issuer: ISSUER.slice(0, -1) }),
        aFederatedCredential({ name: 'gh', issuer: GITHUB_ISSUER, subject: 'repo:contoso/shop:ref:refs/heads/main' }),
      ],
    });
    const map = buildIdentityMap(cluster, azure);
    expect(map.edges.filter((e) => e.kind === 'federatesTo')).toEqual([]);
    expect(map.edges.filter((e) => e.kind === 'credentialOf')).toHaveLength(2);
    expect(map.findings.map((f) => f.code)).toEqual(['FIC_ISSUER_MISMATCH']);
  });

  it('links an SA to every FIC that accepts it, whoever owns it, including a claimsMatchingExpression', () => {
    const { cluster } = aHealthyWorld();
    const azure = anAzureSnapshot({
      identities: [aManagedIdentity(), aManagedIdentity({ name: 'id-other', clientId: OTHER_CLIENT_ID, principalId: 'p-other' })],
      federatedCredentials: [
        aFederatedCredential(),
        aFederatedCredential({ ownerClientId: OTHER_CLIENT_ID, name: 'wildcard', subject: undefined, claimsMatchingExpression: "claims['sub'] matches 'system:serviceaccount:shop:*'" }),
      ],
    });
    const map = buildIdentityMap(cluster, azure);
    expect(edgeList(map.edges.filter((e) => e.kind === 'federatesTo'))).toEqual([
      `federatesTo sa:shop/checkout -> fic:${CLIENT_ID}/aks-prod-shop-checkout`,
      `federatesTo sa:shop/checkout -> fic:${OTHER_CLIENT_ID}/wildcard`,
      `federatesTo sa:shop/default -> fic:${OTHER_CLIENT_ID}/wildcard`,
    ]);
  });

  it('prefixes cluster-scoped ids with the cluster when there are several clusters', () => {
    const { cluster, azure } = aTwoClusterWorld();
    const map = buildIdentityMap(cluster, azure);
    expect(edgeList(map.edges)).toEqual(
      [
        `runsAs pod:${CLUSTER}:shop/checkout-7d9f8b6c5d-x2x4z -> sa:${CLUSTER}:shop/checkout`,
        `runsAs pod:${OTHER_CLUSTER}:shop/checkout-7d9f8b6c5d-x2x4z -> sa:${OTHER_CLUSTER}:shop/checkout`,
        `federatesTo sa:${CLUSTER}:shop/checkout -> fic:${CLIENT_ID}/aks-prod-shop-checkout`,
        `federatesTo sa:${OTHER_CLUSTER}:shop/checkout -> fic:${CLIENT_ID}/aks-dr-shop-checkout`,
        `credentialOf fic:${CLIENT_ID}/aks-prod-shop-checkout -> identity:${CLIENT_ID}`,
        `credentialOf fic:${CLIENT_ID}/aks-dr-shop-checkout -> identity:${CLIENT_ID}`,
      ].sort(),
    );
    expect(map.clusters.map((c) => c.name)).toEqual([CLUSTER, OTHER_CLUSTER]);
    // Each cluster's commands name its context (its name).
    expect(map.clusters.map((c) => c.kubeContext)).toEqual([CLUSTER, OTHER_CLUSTER]);
    expect(map.findings).toEqual([]);
  });

  it('keeps the ids scoped by cluster when one of several configured clusters could not be read', () => {
    const { cluster, azure } = aTwoClusterWorld();
    const east = { ...cluster, clusters: cluster.clusters.filter((c) => c.name === CLUSTER), serviceAccounts: cluster.serviceAccounts.filter((s) => s.cluster === CLUSTER), pods: cluster.pods.filter((p) => p.cluster === CLUSTER), unreadClusters: [OTHER_CLUSTER] };
    const map = buildIdentityMap(east, azure);
    expect(map.nodes.map((n) => n.id)).toContain(`sa:${CLUSTER}:shop/checkout`);
    expect(map.clusters).toEqual([expect.objectContaining({ name: CLUSTER, kubeContext: CLUSTER })]);
  });

  it('draws canCall from a managed identity to the API application with the granted role values', () => {
    const { cluster } = aHealthyWorld();
    const api = anApplication();
    const azure = anAzureSnapshot({
      identities: [aManagedIdentity()],
      applications: [api],
      federatedCredentials: [aFederatedCredential()],
      appRoleAssignments: [anAppRoleAssignment({ appRoleId: 'role-read' }), anAppRoleAssignment({ appRoleId: 'role-write' })],
    });
    const map = buildIdentityMap(cluster, azure);
    const canCall = map.edges.filter((e) => e.kind === 'canCall');
    expect(canCall).toEqual([{ from: `identity:${CLIENT_ID}`, to: `identity:${api.appId}`, kind: 'canCall', data: { roles: ['Orders.Read', 'Orders.Write'] } }]);
    expect(byId(map.nodes, `identity:${api.appId}`)).toMatchObject({ kind: 'application', label: 'orders-api', data: { appRoles: ['Orders.Read', 'Orders.Write'], listed: true } });
  });

  it('draws canCall from an application (by its service principal) and to an API the snapshot does not list (api:<appId>)', () => {
    const caller = anApplication({ appId: OTHER_CLIENT_ID, displayName: 'batch', servicePrincipalId: 'sp-batch', appRoles: [] });
    const azure = anAzureSnapshot({
      applications: [caller],
      appRoleAssignments: [anAppRoleAssignment({ principalId: 'sp-batch', resourceAppId: 'unlisted-api', appRoleId: '00000000-0000-0000-0000-000000000000' })],
    });
    const map = buildIdentityMap(aClusterSnapshot(), azure);
    expect(map.edges).toEqual([{ from: `identity:${OTHER_CLIENT_ID}`, to: 'api:unlisted-api', kind: 'canCall', data: { roles: ['default access'] } }]);
    expect(byId(map.nodes, 'api:unlisted-api')).toMatchObject({ kind: 'application', data: { listed: false } });
  });

  it('leaves out edges to nodes the snapshots do not hold (no dangling edges)', () => {
    const pod = aPod({ serviceAccountName: 'not-listed' });
    const fic = aFederatedCredential({ ownerClientId: OTHER_CLIENT_ID });
    const map = buildIdentityMap(aClusterSnapshot({ pods: [pod] }), anAzureSnapshot({ federatedCredentials: [fic] }));
    const ids = new Set(map.nodes.map((n) => n.id));
    expect(map.edges.every((e) => ids.has(e.from) && ids.has(e.to))).toBe(true);
    expect(map.edges).toEqual([]);
  });

  it('marks identities and applications whose FICs were not read, so the page does not call their count 0', () => {
    const { cluster, azure } = aHealthyWorld();
    const app = anApplication({ appId: OTHER_CLIENT_ID });
    const map = buildIdentityMap(cluster, { ...azure, applications: [app], federatedCredentials: [], ficsUnreadFor: [CLIENT_ID.toUpperCase(), OTHER_CLIENT_ID] });
    expect(byId(map.nodes, `identity:${CLIENT_ID}`)!.data).toMatchObject({ ficCount: 0, ficsUnread: true });
    expect(byId(map.nodes, `identity:${OTHER_CLIENT_ID}`)!.data).toMatchObject({ ficsUnread: true });
    const read = buildIdentityMap(cluster, azure);
    expect(byId(read.nodes, `identity:${CLIENT_ID}`)!.data).not.toHaveProperty('ficsUnread');
  });

  it('passes azureAvailable on to the findings', () => {
    const cluster = aClusterSnapshot({ serviceAccounts: [aServiceAccount({ clientId: OTHER_CLIENT_ID })] });
    const azure = anAzureSnapshot({ identities: [aManagedIdentity()] });
    expect(buildIdentityMap(cluster, azure, { azureAvailable: false }).findings).toEqual([]);
    expect(buildIdentityMap(cluster, azure, { azureAvailable: true }).findings.map((f) => f.code)).toEqual(['SA_CLIENT_ID_UNKNOWN']);
  });
});

describe('buildIdentityMap at scale', () => {
  it('maps 10,000 SAs, 30,000 pods and 10,000 FICs correctly', () => {
    const { cluster, azure } = syntheticSnapshot();
    expect(cluster.serviceAccounts).toHaveLength(10_000);
    expect(cluster.pods).toHaveLength(30_000);
    expect(azure.federatedCredentials).toHaveLength(10_000);

    const map = buildIdentityMap(cluster, azure);
    const count = (kind: string) => map.edges.filter((e) => e.kind === kind).length;
    const broken = 10_000 / BENCH_SIZE.brokenEvery;
    expect(map.nodes).toHaveLength(10_000 + 30_000 + 10_000 + BENCH_SIZE.identities);
    expect(new Set(map.nodes.map((n) => n.id)).size).toBe(map.nodes.length);
    expect(count('runsAs')).toBe(30_000);
    expect(count('credentialOf')).toBe(10_000);
    expect(count('federatesTo')).toBe(10_000 - broken);
    expect(map.findings.map((f) => f.code)).toEqual(Array.from({ length: broken }, () => 'FIC_ISSUER_MISMATCH'));
    expect(map.findings[0]!.refs).toContain('sa:ns-0/sa-0');
  });
});
