// The built-in sample world: what idlens shows with no configuration (shared DESIGN.md, "The
// sample environment"). Pure and deterministic: no keys, no clock, no randomness, so tests and
// screenshots see the same world every time. Keys and tokens live in keys.ts / tokens.ts.
//
// The world holds two clusters on purpose:
// - `sample`: an AKS cluster with its OIDC issuer enabled, the healthy consumer (shop/checkout)
//   and provider (payments/payments-api), and one deliberately broken set-up per finding code;
// - `legacy-onprem`: a small self-managed cluster whose issuer is the in-cluster default, the
//   only way to show CLUSTER_OIDC_ISSUER_DISABLED without breaking the main cluster.
// Two clusters also exercise the multi-cluster ids of the contract (`sa:<cluster>:<ns>/<name>`).
//
// SAMPLE_FINDING_CASES names, per finding code, the objects a correct analyser flags; a test
// runs the analyser over this world and compares.

import { nodeId } from '@/lib/domain/ids';
import {
  serviceAccountSubject,
  WI,
  type Application,
  type AppRoleAssignment,
  type AzureSnapshot,
  type ClusterInfo,
  type ClusterSnapshot,
  type Container,
  type FederatedCredential,
  type ManagedIdentity,
  type Pod,
  type ProjectedTokenVolume,
  type ServiceAccount,
  type StringMap,
} from '@/lib/domain/model';

// ─── tenant, subscription, clusters ─────────────────────────────────────────────────────────

/** The sample Entra ID tenant (made up; no real tenant has this id). */
export const SAMPLE_TENANT_ID = 'b9943c7e-4014-4848-b1b5-d5f1bad65600';
/** Another tenant, named by a service account by mistake (SA_TENANT_MISMATCH). */
export const SAMPLE_OTHER_TENANT_ID = 'ab525198-eb26-488f-9491-60bf5b126ec7';
export const SAMPLE_SUBSCRIPTION_ID = '0ecd7468-9b14-4107-ab94-2fb486bf9f7b';
export const SAMPLE_LOCATION = 'westeurope';

export const SAMPLE_CLUSTER = 'sample';
/** AKS issuer form `https://<region>.oic.prod-aks.azure.com/<tenantId>/<uuid>/`: the trailing `/` belongs to it. */
export const SAMPLE_ISSUER = `https://westeurope.oic.prod-aks.azure.com/${SAMPLE_TENANT_ID}/243e8435-3b82-4861-b091-cd19005e2f85/`;
/**
 * The issuer of a disaster-recovery cluster in North Europe that is not part of this world. The
 * consumer's identity trusts it too: one identity federated with two clusters is normal.
 */
export const SAMPLE_DR_ISSUER = `https://northeurope.oic.prod-aks.azure.com/${SAMPLE_TENANT_ID}/209df4c1-1df6-4dfa-9243-31417df76e18/`;

export const LEGACY_CLUSTER = 'legacy-onprem';
/** A self-managed cluster that never set --service-account-issuer to a public URL. */
export const LEGACY_ISSUER = WI.disabledIssuer;

export const GITHUB_ACTIONS_ISSUER = 'https://token.actions.githubusercontent.com';
/** Entra's public-cloud authority, as the webhook injects it (trailing slash included). */
export const AUTHORITY_HOST = 'https://login.microsoftonline.com/';

// ─── identities and the provider app ────────────────────────────────────────────────────────

interface IdentitySeed {
  name: string;
  clientId: string;
  principalId: string;
  resourceGroup: string;
}

const RG_SHOP = 'rg-shop-weu';
const RG_PAYMENTS = 'rg-payments-weu';
const RG_PLATFORM = 'rg-platform-weu';

/** Every user-assigned managed identity of the sample subscription, by role in the story. */
export const SAMPLE_IDENTITIES = {
  checkout: { name: 'id-checkout', clientId: 'a21f600b-78c8-4a55-a802-9371bfe2e904', principalId: 'd6c1756b-ed87-4c81-8a04-a757d5ee6c9a', resourceGroup: RG_SHOP },
  paymentsApi: { name: 'id-payments-api', clientId: '94693878-5e91-4b39-993b-5b3a0a602e96', principalId: '90a982ea-3848-4c64-abb9-5c23684a6c68', resourceGroup: RG_PAYMENTS },
  checkoutCanary: { name: 'id-checkout-canary', clientId: '6e68840f-66c4-431c-bbfa-25396d3001ce', principalId: 'e8131416-7a53-4f21-9f6f-131d3f51970e', resourceGroup: RG_SHOP },
  cart: { name: 'id-cart', clientId: 'c8000462-8e74-4295-b97b-eb40fdedd567', principalId: 'a679b112-18f4-458f-b01f-e8feb0b057d3', resourceGroup: RG_SHOP },
  catalog: { name: 'id-catalog', clientId: '12672da1-19b2-44d8-b330-2a5e52231047', principalId: '1ebc4196-4d3c-40b3-8346-5a37033dba11', resourceGroup: RG_SHOP },
  catalogSync: { name: 'id-catalog-sync', clientId: '9c849d66-c96e-4474-a294-51edcc18bbb5', principalId: 'c14ef17f-bdea-4b16-a584-cc685382f0ca', resourceGroup: RG_SHOP },
  ledgerExport: { name: 'id-ledger-export', clientId: 'ade1156c-5d15-401d-a513-bd3c379e6717', principalId: '3a18c6cd-d6e4-47d1-bd40-b35755e00bed', resourceGroup: RG_PAYMENTS },
  recommendations: { name: 'id-recommendations', clientId: '143f2afe-ca9b-4ff3-ae2b-157dde1d8f85', principalId: '61231ddf-7d99-434b-991b-274ed6f1add6', resourceGroup: RG_SHOP },
  shopDeploy: { name: 'id-shop-deploy', clientId: 'ff89624d-d62f-4a1e-a410-c4abf9de7f4a', principalId: '219ffe46-eabb-432c-985b-fe0168428642', resourceGroup: RG_PLATFORM },
  ordersV2: { name: 'id-orders-v2', clientId: '87f544b6-6591-409d-90a0-03bb63df2016', principalId: '26a4924b-42b7-4ded-b642-715030e5a5f1', resourceGroup: RG_SHOP },
  inventory: { name: 'id-inventory', clientId: '9d85cde0-f63c-4f63-93ea-7437e187a8d5', principalId: 'a13baab1-4058-4b10-9b45-6b7b06bf7231', resourceGroup: RG_SHOP },
  notifications: { name: 'id-notifications', clientId: '83ccc5ea-7c96-4bee-b5a9-005105619478', principalId: '46e154f7-b1dd-4005-b499-c309f3c5e49d', resourceGroup: RG_SHOP },
  paymentsWorker: { name: 'id-payments-worker', clientId: '5e0c9bda-f795-406f-8b95-d40b9b3a6811', principalId: 'ecdb4933-8d28-46ce-833c-780bc864295f', resourceGroup: RG_PAYMENTS },
  reports: { name: 'id-reports', clientId: 'f7eedfe0-fa3f-4d84-982c-742bd98fd5ce', principalId: '1cabe6f4-474b-4647-990d-b67e327c8132', resourceGroup: RG_PLATFORM },
} as const satisfies Record<string, IdentitySeed>;

/** Client ID of `id-orders`, deleted after shop/orders moved to `id-orders-v2`; old pods still carry it. */
export const DELETED_ORDERS_CLIENT_ID = '5792cdaa-b47b-4c36-9253-271182c370d2';
/** A client ID that belongs to nothing in the tenant (a copy-paste slip in catalog/price-feed). */
export const UNKNOWN_CLIENT_ID = 'e6c4deba-7c86-47ca-af33-6d033c56468b';

/** The provider API's app registration: what the consumer requests tokens for. */
export const SAMPLE_PROVIDER_APP = {
  displayName: 'payments-api',
  appId: '5ebdb0a2-ae3e-4bb6-b2f1-59a9b9e786b7',
  objectId: '5966572e-9c96-42cc-ab4a-b23259309b37',
  servicePrincipalId: 'e959690c-3a8c-4689-ae6f-d0f289cc6995',
  identifierUri: 'api://payments-api',
  /** The scope a client-credentials request names: one resource + `/.default`. */
  scope: 'api://payments-api/.default',
  roles: {
    charge: { id: '2b63219b-9394-4398-83fa-aed54d685687', value: 'Payments.Charge' },
    refund: { id: '6a83ec50-cf0c-4911-8b56-a1dfc405d8ea', value: 'Payments.Refund' },
  },
} as const;

export function identityResourceId(seed: IdentitySeed): string {
  return (
    `/subscriptions/${SAMPLE_SUBSCRIPTION_ID}/resourceGroups/${seed.resourceGroup}` +
    `/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${seed.name}`
  );
}

// ─── deterministic Kubernetes uids ──────────────────────────────────────────────────────────

/**
 * A uuid-shaped uid derived from names (FNV-1a, four seeds). Kubernetes uids are random; the
 * sample's must be stable so the consumer's token names the same pod and SA uid as the map.
 */
export function stableUid(...parts: string[]): string {
  const text = parts.join('\u0000');
  let hex = '';
  for (let seed = 0; seed < 4; seed++) {
    let h = (0x811c9dc5 ^ Math.imul(seed + 1, 0x9e3779b1)) >>> 0;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    hex += h.toString(16).padStart(8, '0');
  }
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

// ─── the consumer and the provider ──────────────────────────────────────────────────────────

/** Everything tokens.ts and logs.ts need to speak about the consumer exactly as the world does. */
export const SAMPLE_CONSUMER = {
  cluster: SAMPLE_CLUSTER,
  namespace: 'shop',
  serviceAccount: 'checkout',
  subject: serviceAccountSubject('shop', 'checkout'),
  pods: ['checkout-6d8f7b9c4-2xk7p', 'checkout-6d8f7b9c4-h9m4t'],
  /** The node the first pod runs on (the `kubernetes.io.node` claim of its token). */
  node: 'aks-user-38472916-vmss000001',
  identity: SAMPLE_IDENTITIES.checkout,
} as const;

export const SAMPLE_PROVIDER = {
  cluster: SAMPLE_CLUSTER,
  namespace: 'payments',
  serviceAccount: 'payments-api',
  pods: ['payments-api-7f9c6b8d5-4kq2m', 'payments-api-7f9c6b8d5-9zt7w'],
  url: 'http://payments-api.payments.svc.cluster.local',
  app: SAMPLE_PROVIDER_APP,
} as const;

/** The canary of checkout, whose identity's FIC lacks the issuer's trailing `/` (the AADSTS70021 trace). */
export const SAMPLE_CANARY = {
  namespace: 'shop',
  serviceAccount: 'checkout-canary',
  subject: serviceAccountSubject('shop', 'checkout-canary'),
  pod: 'checkout-canary-5f7b9c8d6-q8w2n',
  identity: SAMPLE_IDENTITIES.checkoutCanary,
  /** The issuer as (wrongly) written in its FIC. */
  ficIssuer: SAMPLE_ISSUER.replace(/\/$/, ''),
} as const;

export const nodeUid = (node: string) => stableUid('node', node);

// ─── builders ───────────────────────────────────────────────────────────────────────────────

/** Token paths of the two webhook generations (shared DOMAIN.md): read from the pod, never assumed. */
type WebhookStyle = 'v1.5' | 'v1.6';

interface Injection {
  clientId?: string;
  tenantId: string;
  style: WebhookStyle;
  expirationSeconds?: number;
}

/** The kubelet's default API token volume every pod has (audience: the API server, 3607 s). */
function apiAccessToken(podName: string): ProjectedTokenVolume {
  return {
    volumeName: `kube-api-access-${stableUid('kube-api-access', podName).slice(0, 5)}`,
    expirationSeconds: 3607,
    mountPath: '/var/run/secrets/kubernetes.io/serviceaccount/token',
  };
}

/** What the mutating webhook adds to a pod labelled `azure.workload.identity/use: "true"`. */
function injectedByWebhook(podName: string, injection: Injection): { env: StringMap; token: ProjectedTokenVolume } {
  // v1.6 names the volume per pod and mounts a directory of its own; mountPath in the model is
  // the token file's full path (as the kube source computes it from volumeMounts + path).
  const tokenFile =
    injection.style === 'v1.5'
      ? '/var/run/secrets/azure/tokens/azure-identity-token'
      : '/var/run/secrets/azure/wi/token/azure-identity-token';
  const volumeName =
    injection.style === 'v1.5' ? 'azure-identity-token' : `azure-workload-identity-reserved-${stableUid('wi-volume', podName)}`;
  const env: StringMap = {};
  // The webhook injects only non-empty values: no client-id annotation, no AZURE_CLIENT_ID.
  if (injection.clientId) env.AZURE_CLIENT_ID = injection.clientId;
  env.AZURE_TENANT_ID = injection.tenantId;
  env.AZURE_FEDERATED_TOKEN_FILE = tokenFile;
  env.AZURE_AUTHORITY_HOST = AUTHORITY_HOST;
  return {
    env,
    token: {
      volumeName,
      audience: WI.tokenExchangeAudience,
      expirationSeconds: injection.expirationSeconds ?? 3600,
      mountPath: tokenFile,
    },
  };
}

interface PodSeed {
  cluster?: string;
  namespace: string;
  name: string;
  serviceAccountName: string;
  image: string;
  labels?: StringMap;
  annotations?: StringMap;
  env?: StringMap;
  /** Set when the webhook mutated the pod at creation. */
  injection?: Injection;
  /** Extra containers (sidecars) that the webhook also injects into. */
  sidecars?: Array<{ name: string; image: string }>;
}

/** `checkout-6d8f7b9c4-2xk7p` → the ReplicaSet's pod-template-hash `6d8f7b9c4`. */
function templateHashOf(podName: string): string | undefined {
  return /-([a-z0-9]{6,10})-[a-z0-9]{5}$/.exec(podName)?.[1];
}

function pod(seed: PodSeed): Pod {
  const cluster = seed.cluster ?? SAMPLE_CLUSTER;
  const injected = seed.injection ? injectedByWebhook(seed.name, seed.injection) : undefined;
  const hash = templateHashOf(seed.name);
  const app = seed.labels?.app ?? seed.name.replace(/-[a-z0-9]{6,10}-[a-z0-9]{5}$/, '');
  const labels: StringMap = { app, ...(hash && !seed.labels?.['job-name'] ? { 'pod-template-hash': hash } : {}), ...seed.labels };
  const containers: Container[] = [
    { name: app, image: seed.image, env: { ...seed.env, ...injected?.env } },
    ...(seed.sidecars ?? []).map((s) => ({ name: s.name, image: s.image, env: { ...injected?.env } })),
  ];
  return {
    cluster,
    namespace: seed.namespace,
    name: seed.name,
    uid: stableUid('pod', cluster, seed.namespace, seed.name),
    serviceAccountName: seed.serviceAccountName,
    labels,
    annotations: seed.annotations ?? {},
    containers,
    projectedTokens: [apiAccessToken(seed.name), ...(injected ? [injected.token] : [])],
    phase: 'Running',
  };
}

function serviceAccount(namespace: string, name: string, annotations: StringMap = {}, labels: StringMap = {}, cluster = SAMPLE_CLUSTER): ServiceAccount {
  return { cluster, namespace, name, uid: stableUid('sa', cluster, namespace, name), labels, annotations };
}

/** Annotations of an SA that uses workload identity. */
const usesIdentity = (clientId: string, extra: StringMap = {}): StringMap => ({ [WI.clientId]: clientId, ...extra });
const WI_LABEL: StringMap = { [WI.useLabel]: 'true' };

function managedIdentity(seed: IdentitySeed): ManagedIdentity {
  return {
    kind: 'managedIdentity',
    name: seed.name,
    clientId: seed.clientId,
    principalId: seed.principalId,
    tenantId: SAMPLE_TENANT_ID,
    resourceId: identityResourceId(seed),
    subscriptionId: SAMPLE_SUBSCRIPTION_ID,
    resourceGroup: seed.resourceGroup,
    location: SAMPLE_LOCATION,
  };
}

function fic(owner: IdentitySeed, name: string, issuer: string, subject: string, audiences: string[] = [WI.tokenExchangeAudience], description?: string): FederatedCredential {
  return { ownerClientId: owner.clientId, name, issuer, subject, audiences, ...(description ? { description } : {}) };
}

/** The FIC Azure's docs tell you to create for an SA of the sample cluster (exact issuer and subject). */
const aksFic = (owner: IdentitySeed, namespace: string, sa: string) =>
  fic(owner, `aks-${SAMPLE_CLUSTER}-${namespace}-${sa}`, SAMPLE_ISSUER, serviceAccountSubject(namespace, sa));

// ─── the cluster side ───────────────────────────────────────────────────────────────────────

const IMAGE = (repo: string, tag: string) => `contososhop.azurecr.io/${repo}:${tag}`;
const v15 = (clientId: string | undefined, extra: Partial<Injection> = {}): Injection => ({ clientId, tenantId: SAMPLE_TENANT_ID, style: 'v1.5', ...extra });

function sampleServiceAccounts(): ServiceAccount[] {
  const I = SAMPLE_IDENTITIES;
  const namespaces = ['default', 'kube-system', 'shop', 'payments', 'catalog', 'legacy'];
  return [
    // Every namespace has its `default` SA; none of them uses workload identity.
    ...namespaces.map((ns) => serviceAccount(ns, 'default')),
    serviceAccount('kube-system', 'coredns'),
    serviceAccount('kube-system', 'konnectivity-agent'),
    serviceAccount('kube-system', 'metrics-server'),
    serviceAccount('kube-system', 'azure-wi-webhook-admin'),

    // shop
    serviceAccount('shop', 'checkout', usesIdentity(I.checkout.clientId)),
    serviceAccount('shop', 'checkout-canary', usesIdentity(I.checkoutCanary.clientId)),
    serviceAccount('shop', 'cart', usesIdentity(I.cart.clientId)),
    serviceAccount('shop', 'inventory', usesIdentity(I.inventory.clientId)),
    serviceAccount('shop', 'orders', usesIdentity(I.ordersV2.clientId)),
    serviceAccount('shop', 'recommendations', usesIdentity(I.recommendations.clientId, { [WI.tokenExpiration]: '600' })),
    serviceAccount('shop', 'db-migrate', usesIdentity(I.shopDeploy.clientId)),
    serviceAccount('shop', 'storefront'),
    serviceAccount('shop', 'notifications'),

    // payments
    serviceAccount('payments', 'payments-api', usesIdentity(I.paymentsApi.clientId)),
    // The pre-v1.0 habit: the use label on the SA instead of the pod. The webhook ignores it there.
    serviceAccount('payments', 'payments-worker', usesIdentity(I.paymentsWorker.clientId), { ...WI_LABEL }),
    serviceAccount('payments', 'ledger-export', usesIdentity(I.ledgerExport.clientId, { [WI.tenantId]: SAMPLE_OTHER_TENANT_ID })),

    // catalog
    serviceAccount('catalog', 'catalog-api', usesIdentity(I.catalog.clientId)),
    serviceAccount('catalog', 'catalog-sync', usesIdentity(I.catalogSync.clientId)),
    serviceAccount('catalog', 'catalog-web'),
    serviceAccount('catalog', 'price-feed', usesIdentity(UNKNOWN_CLIENT_ID)),

    // legacy: still on AAD Pod Identity
    serviceAccount('legacy', 'invoice-archiver'),
  ];
}

function samplePods(): Pod[] {
  const I = SAMPLE_IDENTITIES;
  const paymentsEnv = { PAYMENTS_API_URL: SAMPLE_PROVIDER.url, PAYMENTS_API_SCOPE: SAMPLE_PROVIDER_APP.scope, LOG_LEVEL: 'info' };
  return [
    // kube-system: platform pods, no workload identity, never flagged.
    pod({ namespace: 'kube-system', name: 'coredns-789789675-8hx2m', serviceAccountName: 'coredns', image: 'mcr.microsoft.com/oss/v2/kubernetes/coredns:v1.11.3-8', labels: { app: 'coredns', 'k8s-app': 'kube-dns' } }),
    pod({ namespace: 'kube-system', name: 'konnectivity-agent-6c7b8d9f5-zr4lq', serviceAccountName: 'konnectivity-agent', image: 'mcr.microsoft.com/oss/kubernetes/apiserver-network-proxy/agent:v0.30.3-hotfix.20240819' }),
    pod({ namespace: 'kube-system', name: 'metrics-server-5dfc656944-j7wqs', serviceAccountName: 'metrics-server', image: 'mcr.microsoft.com/oss/v2/kubernetes/metrics-server:v0.7.2-1' }),
    pod({ namespace: 'kube-system', name: 'azure-wi-webhook-controller-manager-7f5b9c6d8-n4m2v', serviceAccountName: 'azure-wi-webhook-admin', image: 'mcr.microsoft.com/oss/azure/workload-identity/webhook:v1.5.1', labels: { app: 'azure-wi-webhook-controller-manager', 'azure-workload-identity.io/system': 'true' } }),

    // The healthy consumer: two replicas created by the v1.5 webhook.
    ...SAMPLE_CONSUMER.pods.map((name) =>
      pod({ namespace: 'shop', name, serviceAccountName: 'checkout', image: IMAGE('shop/checkout', '2.14.1'), labels: { ...WI_LABEL }, env: { ...paymentsEnv }, injection: v15(I.checkout.clientId) }),
    ),
    // The canary: its identity's FIC has the issuer without the trailing `/` (AADSTS70021 in the logs).
    pod({ namespace: 'shop', name: SAMPLE_CANARY.pod, serviceAccountName: 'checkout-canary', image: IMAGE('shop/checkout', '2.15.0-rc.2'), labels: { app: 'checkout-canary', ...WI_LABEL }, env: { ...paymentsEnv }, injection: v15(I.checkoutCanary.clientId) }),
    pod({ namespace: 'shop', name: 'cart-7c5d9f8b6-m3n8r', serviceAccountName: 'cart', image: IMAGE('shop/cart', '1.8.0'), labels: { ...WI_LABEL }, injection: v15(I.cart.clientId) }),
    pod({ namespace: 'shop', name: 'inventory-84b6c7d9f5-t6v2x', serviceAccountName: 'inventory', image: IMAGE('shop/inventory', '3.2.4'), labels: { ...WI_LABEL }, injection: v15(I.inventory.clientId) }),
    // Created before the SA's annotation moved to id-orders-v2: the webhook only acts on CREATE.
    ...['orders-5b8c9d7f6-k2p9w', 'orders-5b8c9d7f6-r7x4z'].map((name) =>
      pod({ namespace: 'shop', name, serviceAccountName: 'orders', image: IMAGE('shop/orders', '4.0.3'), labels: { ...WI_LABEL }, injection: v15(DELETED_ORDERS_CLIENT_ID) }),
    ),
    pod({ namespace: 'shop', name: 'storefront-6c9d8b7f5-w8q3n', serviceAccountName: 'storefront', image: IMAGE('shop/storefront', '5.1.0') }),
    pod({ namespace: 'shop', name: 'notifications-59d8c7b6f4-h2k5p', serviceAccountName: 'notifications', image: IMAGE('shop/notifications', '1.3.2') }),
    // A Job's pod (schema migration at release time), federated through the deploy identity.
    pod({
      namespace: 'shop',
      name: 'db-migrate-28963200-x7k2p',
      serviceAccountName: 'db-migrate',
      image: IMAGE('shop/db-migrate', '4.0.3'),
      labels: { app: 'db-migrate', 'job-name': 'db-migrate-28963200', 'batch.kubernetes.io/job-name': 'db-migrate-28963200', ...WI_LABEL },
      injection: v15(I.shopDeploy.clientId),
    }),
    // No pod for shop/recommendations: its token-expiration annotation makes the webhook refuse admission.

    // The healthy provider: one replica was recreated after the webhook moved to v1.6 paths.
    pod({ namespace: 'payments', name: SAMPLE_PROVIDER.pods[0], serviceAccountName: 'payments-api', image: IMAGE('payments/payments-api', '7.3.0'), labels: { ...WI_LABEL }, env: { ASPNETCORE_URLS: 'http://+:8080', AzureAd__Audience: SAMPLE_PROVIDER_APP.identifierUri }, injection: v15(I.paymentsApi.clientId) }),
    pod({ namespace: 'payments', name: SAMPLE_PROVIDER.pods[1], serviceAccountName: 'payments-api', image: IMAGE('payments/payments-api', '7.3.0'), labels: { ...WI_LABEL }, env: { ASPNETCORE_URLS: 'http://+:8080', AzureAd__Audience: SAMPLE_PROVIDER_APP.identifierUri }, injection: { ...v15(I.paymentsApi.clientId), style: 'v1.6' } }),
    // Missing pod label: nothing injected at all.
    ...['payments-worker-6b7c8d9f4-p5l8s', 'payments-worker-6b7c8d9f4-w3e6y'].map((name) =>
      pod({ namespace: 'payments', name, serviceAccountName: 'payments-worker', image: IMAGE('payments/payments-worker', '7.3.0') }),
    ),
    // The SA names another tenant: the webhook injects that tenant, Entra looks the client up there.
    pod({ namespace: 'payments', name: 'ledger-export-5d6e7f8a9-c4r8t', serviceAccountName: 'ledger-export', image: IMAGE('payments/ledger-export', '1.1.0'), labels: { ...WI_LABEL }, injection: { ...v15(I.ledgerExport.clientId), tenantId: SAMPLE_OTHER_TENANT_ID } }),

    pod({ namespace: 'catalog', name: 'catalog-api-7d8e9f6a5-b9n3k', serviceAccountName: 'catalog-api', image: IMAGE('catalog/catalog-api', '2.0.7'), labels: { ...WI_LABEL }, injection: v15(I.catalog.clientId) }),
    // The second replica was created while the webhook was not answering: labelled, nothing injected.
    pod({ namespace: 'catalog', name: 'catalog-api-7d8e9f6a5-h6j2q', serviceAccountName: 'catalog-api', image: IMAGE('catalog/catalog-api', '2.0.7'), labels: { ...WI_LABEL } }),
    pod({ namespace: 'catalog', name: 'catalog-sync-6f7a8b9c5-d2x6m', serviceAccountName: 'catalog-sync', image: IMAGE('catalog/catalog-sync', '2.0.7'), labels: { ...WI_LABEL }, injection: v15(I.catalogSync.clientId) }),
    // Labelled, but its SA has no client-id: token file injected, AZURE_CLIENT_ID not.
    pod({ namespace: 'catalog', name: 'catalog-web-58c9d6e7f4-q1w5e', serviceAccountName: 'catalog-web', image: IMAGE('catalog/catalog-web', '2.0.7'), labels: { ...WI_LABEL }, injection: v15(undefined) }),
    pod({ namespace: 'catalog', name: 'price-feed-7b6c5d4e3-z8y7x', serviceAccountName: 'price-feed', image: IMAGE('catalog/price-feed', '0.9.1'), labels: { ...WI_LABEL }, injection: v15(UNKNOWN_CLIENT_ID) }),

    pod({ namespace: 'legacy', name: 'invoice-archiver-6d5c4b3a2-m9n8b', serviceAccountName: 'invoice-archiver', image: IMAGE('legacy/invoice-archiver', '0.14.0'), labels: { [WI.legacyPodIdentityLabel]: 'invoice-archiver-identity' } }),
  ];
}

function legacyClusterObjects(): { serviceAccounts: ServiceAccount[]; pods: Pod[] } {
  const sa = (ns: string, name: string, annotations: StringMap = {}) => serviceAccount(ns, name, annotations, {}, LEGACY_CLUSTER);
  return {
    serviceAccounts: [
      sa('default', 'default'),
      sa('kube-system', 'default'),
      sa('kube-system', 'coredns'),
      sa('azure-workload-identity-system', 'default'),
      sa('azure-workload-identity-system', 'azure-wi-webhook-admin'),
      sa('reports', 'default'),
      sa('reports', 'report-generator', usesIdentity(SAMPLE_IDENTITIES.reports.clientId)),
    ],
    pods: [
      pod({ cluster: LEGACY_CLUSTER, namespace: 'kube-system', name: 'coredns-5d78c9869d-6wz7k', serviceAccountName: 'coredns', image: 'registry.k8s.io/coredns/coredns:v1.10.1', labels: { app: 'coredns', 'k8s-app': 'kube-dns' } }),
      pod({ cluster: LEGACY_CLUSTER, namespace: 'azure-workload-identity-system', name: 'azure-wi-webhook-controller-manager-6c8d7b5f9-r2t4y', serviceAccountName: 'azure-wi-webhook-admin', image: 'mcr.microsoft.com/oss/azure/workload-identity/webhook:v1.5.1', labels: { app: 'workload-identity-webhook', 'azure-workload-identity.io/system': 'true' } }),
      // Injected and labelled correctly: it is the issuer that Entra can never reach.
      pod({ cluster: LEGACY_CLUSTER, namespace: 'reports', name: 'report-generator-7c6b5a4d3-k8j7h', serviceAccountName: 'report-generator', image: IMAGE('reports/report-generator', '3.4.0'), labels: { ...WI_LABEL }, injection: v15(SAMPLE_IDENTITIES.reports.clientId) }),
    ],
  };
}

export function sampleClusterSnapshot(): ClusterSnapshot {
  const legacy = legacyClusterObjects();
  const clusters: ClusterInfo[] = [
    { name: SAMPLE_CLUSTER, issuer: SAMPLE_ISSUER, webhookTenantId: SAMPLE_TENANT_ID },
    { name: LEGACY_CLUSTER, issuer: LEGACY_ISSUER, webhookTenantId: SAMPLE_TENANT_ID },
  ];
  return {
    clusters,
    serviceAccounts: [...sampleServiceAccounts(), ...legacy.serviceAccounts],
    pods: [...samplePods(), ...legacy.pods],
  };
}

// ─── the Azure side ─────────────────────────────────────────────────────────────────────────

/** Repositories whose GitHub Actions deploy through id-shop-deploy: enough to bring it to 17 FICs + 1. */
const DEPLOY_REPOS = ['shop', 'shop-infra', 'checkout', 'cart', 'orders', 'inventory', 'storefront', 'notifications'];

function githubFic(owner: IdentitySeed, name: string, subject: string): FederatedCredential {
  return fic(owner, name, GITHUB_ACTIONS_ISSUER, subject, [WI.tokenExchangeAudience], 'GitHub Actions deployment');
}

function sampleFederatedCredentials(): FederatedCredential[] {
  const I = SAMPLE_IDENTITIES;
  const deployFics: FederatedCredential[] = [];
  for (const repo of DEPLOY_REPOS) {
    deployFics.push(githubFic(I.shopDeploy, `gh-${repo}-production`, `repo:contoso/${repo}:environment:production`));
    deployFics.push(githubFic(I.shopDeploy, `gh-${repo}-staging`, `repo:contoso/${repo}:environment:staging`));
  }
  deployFics.push(githubFic(I.shopDeploy, 'gh-shop-main', 'repo:contoso/shop:ref:refs/heads/main'));
  deployFics.push(aksFic(I.shopDeploy, 'shop', 'db-migrate'));

  return [
    // Consumer: this cluster, the DR cluster (same subject, another issuer) and its CI.
    aksFic(I.checkout, 'shop', 'checkout'),
    fic(I.checkout, 'aks-neu-dr-shop-checkout', SAMPLE_DR_ISSUER, serviceAccountSubject('shop', 'checkout'), [WI.tokenExchangeAudience], 'DR cluster in North Europe'),
    githubFic(I.checkout, 'gh-checkout-production', 'repo:contoso/checkout:environment:production'),
    // Provider.
    aksFic(I.paymentsApi, 'payments', 'payments-api'),
    githubFic(I.paymentsApi, 'gh-payments-api-main', 'repo:contoso/payments-api:ref:refs/heads/main'),
    // Issuer copied without its trailing `/`.
    fic(I.checkoutCanary, `aks-${SAMPLE_CLUSTER}-shop-checkout-canary`, SAMPLE_CANARY.ficIssuer, SAMPLE_CANARY.subject),
    // Cart: federated for CI only, never for the cluster.
    githubFic(I.cart, 'gh-cart-production', 'repo:contoso/cart:environment:production'),
    // Catalog: one good FIC, one for an SA that was renamed away, one with a malformed subject.
    aksFic(I.catalog, 'catalog', 'catalog-api'),
    fic(I.catalog, `aks-${SAMPLE_CLUSTER}-catalog-indexer`, SAMPLE_ISSUER, serviceAccountSubject('catalog', 'catalog-indexer')),
    fic(I.catalog, `aks-${SAMPLE_CLUSTER}-catalog-importer`, SAMPLE_ISSUER, 'system:serviceaccount:catalog/catalog-importer'),
    // Audience with a stray trailing `/`.
    fic(I.catalogSync, `aks-${SAMPLE_CLUSTER}-catalog-catalog-sync`, SAMPLE_ISSUER, serviceAccountSubject('catalog', 'catalog-sync'), ['api://AzureADTokenExchange/']),
    aksFic(I.ledgerExport, 'payments', 'ledger-export'),
    aksFic(I.recommendations, 'shop', 'recommendations'),
    ...deployFics,
    aksFic(I.ordersV2, 'shop', 'orders'),
    // Subject typed with a capital letter.
    fic(I.inventory, `aks-${SAMPLE_CLUSTER}-shop-inventory`, SAMPLE_ISSUER, 'system:serviceaccount:shop:Inventory'),
    // Trust prepared for shop/notifications, which was never annotated.
    aksFic(I.notifications, 'shop', 'notifications'),
    aksFic(I.paymentsWorker, 'payments', 'payments-worker'),
    fic(I.reports, 'onprem-reports-report-generator', LEGACY_ISSUER, serviceAccountSubject('reports', 'report-generator')),
  ];
}

function providerApplication(): Application {
  const app = SAMPLE_PROVIDER_APP;
  return {
    kind: 'application',
    displayName: app.displayName,
    appId: app.appId,
    objectId: app.objectId,
    tenantId: SAMPLE_TENANT_ID,
    identifierUris: [app.identifierUri],
    appRoles: [
      { id: app.roles.charge.id, value: app.roles.charge.value, displayName: 'Create charges', allowedMemberTypes: ['Application'] },
      { id: app.roles.refund.id, value: app.roles.refund.value, displayName: 'Refund charges', allowedMemberTypes: ['Application'] },
    ],
    servicePrincipalId: app.servicePrincipalId,
  };
}

export function sampleAzureSnapshot(): AzureSnapshot {
  const I = SAMPLE_IDENTITIES;
  const appRoleAssignments: AppRoleAssignment[] = [
    // The consumer (and its canary) may charge; nobody in the sample may refund.
    { principalId: I.checkout.principalId, resourceAppId: SAMPLE_PROVIDER_APP.appId, appRoleId: SAMPLE_PROVIDER_APP.roles.charge.id },
    { principalId: I.checkoutCanary.principalId, resourceAppId: SAMPLE_PROVIDER_APP.appId, appRoleId: SAMPLE_PROVIDER_APP.roles.charge.id },
  ];
  return {
    tenantId: SAMPLE_TENANT_ID,
    identities: Object.values(I).map(managedIdentity),
    applications: [providerApplication()],
    federatedCredentials: sampleFederatedCredentials(),
    appRoleAssignments,
  };
}

export function sampleWorld(): { cluster: ClusterSnapshot; azure: AzureSnapshot } {
  return { cluster: sampleClusterSnapshot(), azure: sampleAzureSnapshot() };
}

// ─── the deliberate cases ───────────────────────────────────────────────────────────────────

// The world has two clusters, so cluster-scoped ids carry the cluster (DESIGN.md, stable ids).
const MULTI = { multiCluster: true };
const saId = (ns: string, name: string, cluster = SAMPLE_CLUSTER) => nodeId.serviceAccount(MULTI, cluster, ns, name);
const podId = (ns: string, name: string, cluster = SAMPLE_CLUSTER) => nodeId.pod(MULTI, cluster, ns, name);
const identityId = (seed: IdentitySeed) => nodeId.identity(seed.clientId);
const ficId = (seed: IdentitySeed, name: string) => nodeId.federatedCredential(seed.clientId, name);

export interface SampleFindingCase {
  code: string;
  /** Ids a correct analyser names in the refs of one finding of this code. */
  refs: string[];
  why: string;
}

export const SAMPLE_FINDING_CASES: SampleFindingCase[] = (() => {
  const I = SAMPLE_IDENTITIES;
  return [
    {
      code: 'POD_MISSING_USE_LABEL',
      refs: [podId('payments', 'payments-worker-6b7c8d9f4-p5l8s'), podId('payments', 'payments-worker-6b7c8d9f4-w3e6y'), saId('payments', 'payments-worker')],
      why: 'payments/payments-worker is annotated with id-payments-worker, but the use label sits on the SA instead of the pod template: nothing is injected.',
    },
    {
      code: 'SA_CLIENT_ID_UNKNOWN',
      refs: [saId('catalog', 'price-feed')],
      why: `catalog/price-feed is annotated with ${UNKNOWN_CLIENT_ID}, which is no identity or app of the tenant.`,
    },
    {
      code: 'SA_NO_MATCHING_FIC',
      refs: [saId('shop', 'cart'), identityId(I.cart)],
      why: 'id-cart exists but is federated with GitHub Actions only; no FIC names the sample issuer and system:serviceaccount:shop:cart.',
    },
    {
      code: 'FIC_ISSUER_MISMATCH',
      refs: [ficId(I.checkoutCanary, `aks-${SAMPLE_CLUSTER}-shop-checkout-canary`), saId('shop', 'checkout-canary'), identityId(I.checkoutCanary)],
      why: "id-checkout-canary's only FIC has the subject of shop/checkout-canary but the issuer without its trailing '/' (the AADSTS70021 trace).",
    },
    {
      code: 'FIC_AUDIENCE_INVALID',
      refs: [ficId(I.catalogSync, `aks-${SAMPLE_CLUSTER}-catalog-catalog-sync`), identityId(I.catalogSync)],
      why: "The FIC of catalog/catalog-sync has audience 'api://AzureADTokenExchange/' (stray trailing '/').",
    },
    {
      code: 'FIC_SUBJECT_NO_SERVICE_ACCOUNT',
      refs: [ficId(I.catalog, `aks-${SAMPLE_CLUSTER}-catalog-indexer`), identityId(I.catalog)],
      why: 'id-catalog still trusts catalog/catalog-indexer, an SA that no longer exists (id-catalog itself is in use by catalog/catalog-api).',
    },
    {
      code: 'FIC_SUBJECT_MALFORMED',
      refs: [ficId(I.catalog, `aks-${SAMPLE_CLUSTER}-catalog-importer`), identityId(I.catalog)],
      why: "A FIC of id-catalog for the sample issuer has subject 'system:serviceaccount:catalog/catalog-importer' ('/' instead of ':').",
    },
    {
      code: 'POD_LABEL_SA_NOT_ANNOTATED',
      refs: [podId('catalog', 'catalog-web-58c9d6e7f4-q1w5e'), saId('catalog', 'catalog-web')],
      why: 'The catalog-web pod is labelled for workload identity, but catalog/catalog-web has no client-id annotation (no AZURE_CLIENT_ID injected).',
    },
    {
      code: 'SA_TENANT_MISMATCH',
      refs: [saId('payments', 'ledger-export'), identityId(I.ledgerExport)],
      why: `payments/ledger-export is annotated with tenant ${SAMPLE_OTHER_TENANT_ID}; id-ledger-export lives in ${SAMPLE_TENANT_ID}.`,
    },
    {
      code: 'SA_TOKEN_EXPIRATION_INVALID',
      refs: [saId('shop', 'recommendations')],
      why: 'shop/recommendations sets service-account-token-expiration "600" (below 3600): the webhook refuses its pods, so it has none.',
    },
    {
      code: 'FIC_LIMIT_NEAR',
      refs: [identityId(I.shopDeploy)],
      why: 'id-shop-deploy holds 18 FICs (17 GitHub Actions environments/branches + shop/db-migrate), of the 20 allowed.',
    },
    {
      code: 'POD_NOT_INJECTED',
      refs: [podId('catalog', 'catalog-api-7d8e9f6a5-h6j2q'), saId('catalog', 'catalog-api')],
      why: "catalog-api's second replica was created while the webhook was not answering: it carries the use label but no token file and no projected token.",
    },
    {
      code: 'POD_STALE_CLIENT_ID',
      refs: [podId('shop', 'orders-5b8c9d7f6-k2p9w'), podId('shop', 'orders-5b8c9d7f6-r7x4z'), saId('shop', 'orders')],
      why: `shop/orders now names id-orders-v2, but its pods were created before and still carry AZURE_CLIENT_ID=${DELETED_ORDERS_CLIENT_ID} (the deleted id-orders).`,
    },
    {
      code: 'CLUSTER_OIDC_ISSUER_DISABLED',
      refs: [nodeId.cluster(LEGACY_CLUSTER), saId('reports', 'report-generator', LEGACY_CLUSTER)],
      why: `Cluster ${LEGACY_CLUSTER} issues tokens as ${LEGACY_ISSUER} while reports/report-generator uses workload identity.`,
    },
    {
      code: 'FIC_SUBJECT_CASE_MISMATCH',
      refs: [ficId(I.inventory, `aks-${SAMPLE_CLUSTER}-shop-inventory`), saId('shop', 'inventory')],
      why: "id-inventory's FIC has subject 'system:serviceaccount:shop:Inventory' (capital I); the SA is shop/inventory.",
    },
    {
      code: 'IDENTITY_UNUSED',
      refs: [identityId(I.notifications), ficId(I.notifications, `aks-${SAMPLE_CLUSTER}-shop-notifications`)],
      why: 'id-notifications is federated with shop/notifications, which exists but is not annotated and no pod uses the identity.',
    },
    {
      code: 'POD_LEGACY_POD_IDENTITY',
      refs: [podId('legacy', 'invoice-archiver-6d5c4b3a2-m9n8b')],
      why: 'The invoice-archiver pod still carries aadpodidbinding=invoice-archiver-identity (AAD Pod Identity).',
    },
  ];
})();

/**
 * Ids that no finding may name: the healthy consumer and provider (the DR-cluster FIC and the
 * GitHub Actions FICs included), SAs without workload identity and the platform's pods.
 */
export const SAMPLE_HEALTHY_REFS: string[] = (() => {
  const I = SAMPLE_IDENTITIES;
  return [
    saId('shop', 'checkout'),
    ...SAMPLE_CONSUMER.pods.map((p) => podId('shop', p)),
    identityId(I.checkout),
    ficId(I.checkout, `aks-${SAMPLE_CLUSTER}-shop-checkout`),
    ficId(I.checkout, 'aks-neu-dr-shop-checkout'),
    ficId(I.checkout, 'gh-checkout-production'),
    saId('payments', 'payments-api'),
    ...SAMPLE_PROVIDER.pods.map((p) => podId('payments', p)),
    identityId(I.paymentsApi),
    ficId(I.paymentsApi, 'gh-payments-api-main'),
    nodeId.identity(SAMPLE_PROVIDER_APP.appId),
    saId('shop', 'storefront'),
    podId('shop', 'storefront-6c9d8b7f5-w8q3n'),
    podId('kube-system', 'coredns-789789675-8hx2m'),
    podId('kube-system', 'azure-wi-webhook-controller-manager-7f5b9c6d8-n4m2v'),
    nodeId.cluster(SAMPLE_CLUSTER),
  ];
})();
