// The synthetic world of the identity-map benchmark (issue: 10,000 SAs, 30,000 pods, 10,000 FICs),
// shared by the unit scale test (correctness) and `npm run bench` (time): deterministic, no I/O.

import { buildIdentityMap } from '@/lib/domain/identity-map';
import { WI, serviceAccountSubject, type AzureSnapshot, type ClusterSnapshot, type FederatedCredential, type ManagedIdentity, type Pod, type ServiceAccount } from '@/lib/domain/model';

export interface SyntheticSize {
  serviceAccounts: number;
  podsPerServiceAccount: number;
  identities: number;
  namespaces: number;
  /** Every n-th SA gets a FIC whose issuer lacks the trailing slash (a FIC_ISSUER_MISMATCH); 0 = none. */
  brokenEvery: number;
}

export const BENCH_SIZE: SyntheticSize = { serviceAccounts: 10_000, podsPerServiceAccount: 3, identities: 1_000, namespaces: 100, brokenEvery: 1_000 };

export const SYNTHETIC_CLUSTER = 'bench';
export const SYNTHETIC_TENANT = '00000000-0000-4000-8000-00000000beef';
export const SYNTHETIC_ISSUER = `https://eastus.oic.prod-aks.azure.com/${SYNTHETIC_TENANT}/00000000-0000-4000-8000-0000000c1a55/`;

const clientIdOf = (i: number) => `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
const base36 = (n: number, width: number) => n.toString(36).padStart(width, '0').slice(-width);

export function syntheticSnapshot(size: SyntheticSize = BENCH_SIZE): { cluster: ClusterSnapshot; azure: AzureSnapshot } {
  const identities: ManagedIdentity[] = [];
  for (let i = 0; i < size.identities; i++) {
    identities.push({
      kind: 'managedIdentity',
      name: `id-${i}`,
      clientId: clientIdOf(i),
      principalId: `principal-${i}`,
      tenantId: SYNTHETIC_TENANT,
      resourceId: `/subscriptions/sub/resourceGroups/rg-bench/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-${i}`,
      resourceGroup: 'rg-bench',
    });
  }

  const serviceAccounts: ServiceAccount[] = [];
  const pods: Pod[] = [];
  const federatedCredentials: FederatedCredential[] = [];
  for (let i = 0; i < size.serviceAccounts; i++) {
    const namespace = `ns-${i % size.namespaces}`;
    const name = `sa-${i}`;
    const clientId = clientIdOf(i % size.identities);
    serviceAccounts.push({ cluster: SYNTHETIC_CLUSTER, namespace, name, labels: {}, annotations: { [WI.clientId]: clientId } });
    const broken = size.brokenEvery > 0 && i % size.brokenEvery === 0;
    federatedCredentials.push({
      ownerClientId: clientId,
      name: `fic-${i}`,
      issuer: broken ? SYNTHETIC_ISSUER.slice(0, -1) : SYNTHETIC_ISSUER,
      subject: serviceAccountSubject(namespace, name),
      audiences: [WI.tokenExchangeAudience],
    });
    const hash = base36(i * 7919 + 1, 9);
    for (let p = 0; p < size.podsPerServiceAccount; p++) {
      pods.push({
        cluster: SYNTHETIC_CLUSTER,
        namespace,
        name: `${name}-${hash}-${base36(p * 104729 + i, 5)}`,
        serviceAccountName: name,
        labels: { [WI.useLabel]: 'true', 'pod-template-hash': hash, app: name },
        annotations: {},
        containers: [{ name: 'app', env: { AZURE_CLIENT_ID: clientId, AZURE_FEDERATED_TOKEN_FILE: '/var/run/secrets/azure/tokens/azure-identity-token' } }],
        projectedTokens: [{ volumeName: 'azure-identity-token', audience: WI.tokenExchangeAudience, expirationSeconds: 3600 }],
        phase: 'Running',
      });
    }
  }

  return {
    cluster: { clusters: [{ name: SYNTHETIC_CLUSTER, issuer: SYNTHETIC_ISSUER }], serviceAccounts, pods },
    azure: { tenantId: SYNTHETIC_TENANT, identities, applications: [], federatedCredentials, appRoleAssignments: [] },
  };
}

/**
 * A whole /api/identity-map answer over the synthetic world, plus `apis` provider APIs that the
 * first `callersPerApi` identities may each call (canCall edges): what /map is given to draw.
 */
export function mapResponseWithCanCalls(size: SyntheticSize, calls: { apis: number; callersPerApi: number }): { json: string; nodes: number; edges: number } {
  const { cluster, azure } = syntheticSnapshot(size);
  for (let a = 0; a < calls.apis; a++) {
    const appId = `00000000-0000-4000-9000-${a.toString(16).padStart(12, '0')}`;
    const roleId = `00000000-0000-4000-a000-${a.toString(16).padStart(12, '0')}`;
    azure.applications.push({ kind: 'application', displayName: `api-${a}`, appId, objectId: `obj-${a}`, identifierUris: [`api://api-${a}`], appRoles: [{ id: roleId, value: 'Data.Read' }], servicePrincipalId: `sp-${a}` });
    for (const identity of azure.identities.slice(0, calls.callersPerApi)) azure.appRoleAssignments.push({ principalId: identity.principalId, resourceAppId: appId, appRoleId: roleId });
  }
  const map = buildIdentityMap(cluster, azure);
  const body = {
    generatedAt: new Date().toISOString(),
    ...map,
    sources: { cluster: { mode: 'bench', ok: true }, azure: { mode: 'bench', ok: true } },
  };
  return { json: JSON.stringify(body), nodes: map.nodes.length, edges: map.edges.length };
}
