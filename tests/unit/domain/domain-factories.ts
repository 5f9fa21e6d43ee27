// Small factories for domain tests: a healthy default, overridden per test, so each test states
// only what makes it special (`aServiceAccount({ namespace: 'shop' })`).

import {
  WI,
  serviceAccountSubject,
  type Application,
  type AppRoleAssignment,
  type AzureSnapshot,
  type ClusterInfo,
  type ClusterSnapshot,
  type FederatedCredential,
  type ManagedIdentity,
  type Pod,
  type ServiceAccount,
} from '@/lib/domain/model';

export const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const OTHER_TENANT = '11111111-2222-3333-4444-555555555555';
export const CLUSTER = 'aks-prod';
export const ISSUER = `https://eastus.oic.prod-aks.azure.com/${TENANT}/5d1c3a9e-8b7f-4e2d-a6c1-0f9e8d7c6b5a/`;
export const OTHER_CLUSTER = 'aks-dr';
export const OTHER_ISSUER = `https://westeurope.oic.prod-aks.azure.com/${TENANT}/9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d/`;
export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';
export const CLIENT_ID = 'a1b2c3d4-0000-4000-8000-000000000001';
export const OTHER_CLIENT_ID = 'a1b2c3d4-0000-4000-8000-000000000002';

export function aCluster(overrides: Partial<ClusterInfo> = {}): ClusterInfo {
  return { name: CLUSTER, issuer: ISSUER, ...overrides };
}

export function aServiceAccount(overrides: Partial<ServiceAccount> & { clientId?: string } = {}): ServiceAccount {
  const { clientId, ...rest } = overrides;
  const sa: ServiceAccount = { cluster: CLUSTER, namespace: 'shop', name: 'checkout', labels: {}, annotations: {}, ...rest };
  if (clientId !== undefined) sa.annotations = { ...sa.annotations, [WI.clientId]: clientId };
  return sa;
}

/** A Deployment pod (`<deployment>-<hash>-<suffix>`) labelled for workload identity, injected with `clientId`. */
export function aPod(overrides: Partial<Pod> & { clientId?: string } = {}): Pod {
  const { clientId, ...rest } = overrides;
  const pod: Pod = {
    cluster: CLUSTER,
    namespace: 'shop',
    name: 'checkout-7d9f8b6c5d-x2x4z',
    serviceAccountName: 'checkout',
    labels: { [WI.useLabel]: 'true', 'pod-template-hash': '7d9f8b6c5d', app: 'checkout' },
    annotations: {},
    containers: [{ name: 'app', env: {} }],
    projectedTokens: [],
    phase: 'Running',
    ...rest,
  };
  if (clientId !== undefined) {
    pod.containers = pod.containers.map((c) => ({
      ...c,
      env: { ...c.env, AZURE_CLIENT_ID: clientId, AZURE_TENANT_ID: TENANT, AZURE_FEDERATED_TOKEN_FILE: '/var/run/secrets/azure/tokens/azure-identity-token' },
    }));
  }
  return pod;
}

export function aManagedIdentity(overrides: Partial<ManagedIdentity> = {}): ManagedIdentity {
  const name = overrides.name ?? 'id-checkout';
  return {
    kind: 'managedIdentity',
    name,
    clientId: CLIENT_ID,
    principalId: `p-${overrides.clientId ?? CLIENT_ID}`,
    tenantId: TENANT,
    resourceId: `/subscriptions/sub-1/resourceGroups/rg-shop/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`,
    subscriptionId: 'sub-1',
    resourceGroup: 'rg-shop',
    location: 'eastus',
    ...overrides,
  };
}

export function anApplication(overrides: Partial<Application> = {}): Application {
  return {
    kind: 'application',
    displayName: 'orders-api',
    appId: 'b0000000-0000-4000-8000-00000000000a',
    objectId: 'o-orders-api',
    tenantId: TENANT,
    identifierUris: ['api://orders-api'],
    appRoles: [
      { id: 'role-read', value: 'Orders.Read' },
      { id: 'role-write', value: 'Orders.Write' },
    ],
    servicePrincipalId: 'sp-orders-api',
    ...overrides,
  };
}

export function aFederatedCredential(overrides: Partial<FederatedCredential> = {}): FederatedCredential {
  return {
    ownerClientId: CLIENT_ID,
    name: 'aks-prod-shop-checkout',
    issuer: ISSUER,
    subject: serviceAccountSubject('shop', 'checkout'),
    audiences: [WI.tokenExchangeAudience],
    ...overrides,
  };
}

export function anAppRoleAssignment(overrides: Partial<AppRoleAssignment> = {}): AppRoleAssignment {
  return { principalId: `p-${CLIENT_ID}`, resourceAppId: anApplication().appId, appRoleId: 'role-read', ...overrides };
}

export function aClusterSnapshot(parts: Partial<ClusterSnapshot> = {}): ClusterSnapshot {
  return { clusters: [aCluster()], serviceAccounts: [], pods: [], ...parts };
}

export function anAzureSnapshot(parts: Partial<AzureSnapshot> = {}): AzureSnapshot {
  return { tenantId: TENANT, identities: [], applications: [], federatedCredentials: [], appRoleAssignments: [], ...parts };
}

/**
 * A healthy workload: SA shop/checkout annotated with the identity, a labelled pod injected with
 * its client ID, and an exactly matching FIC. Findings on it must be empty.
 */
export function aHealthyWorld() {
  return {
    cluster: aClusterSnapshot({
      serviceAccounts: [aServiceAccount({ clientId: CLIENT_ID }), aServiceAccount({ namespace: 'shop', name: 'default' })],
      pods: [aPod({ clientId: CLIENT_ID })],
    }),
    azure: anAzureSnapshot({ identities: [aManagedIdentity()], federatedCredentials: [aFederatedCredential()] }),
  };
}

/**
 * One identity federated with two clusters: the same SA and pod in each, and one FIC per cluster
 * issuer (the same subject). Healthy: one exact match per cluster.
 */
export function aTwoClusterWorld() {
  return {
    cluster: aClusterSnapshot({
      clusters: [aCluster(), aCluster({ name: OTHER_CLUSTER, issuer: OTHER_ISSUER })],
      serviceAccounts: [aServiceAccount({ clientId: CLIENT_ID }), aServiceAccount({ cluster: OTHER_CLUSTER, clientId: CLIENT_ID })],
      pods: [aPod({ clientId: CLIENT_ID }), aPod({ cluster: OTHER_CLUSTER, clientId: CLIENT_ID })],
    }),
    azure: anAzureSnapshot({
      identities: [aManagedIdentity()],
      federatedCredentials: [aFederatedCredential(), aFederatedCredential({ name: 'aks-dr-shop-checkout', issuer: OTHER_ISSUER })],
    }),
  };
}
