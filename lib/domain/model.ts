// The domain model idlens reasons about. Pure data: no I/O, no SDK types, browser-safe.
// Sources (lib/sources/**) translate kubectl / client-node / ARM / Graph shapes into these.

/** Annotation and label keys of Azure Workload Identity (see shared DOMAIN.md). */
export const WI = {
  clientId: 'azure.workload.identity/client-id',
  tenantId: 'azure.workload.identity/tenant-id',
  tokenExpiration: 'azure.workload.identity/service-account-token-expiration',
  useLabel: 'azure.workload.identity/use',
  skipContainers: 'azure.workload.identity/skip-containers',
  injectProxySidecar: 'azure.workload.identity/inject-proxy-sidecar',
  legacyPodIdentityLabel: 'aadpodidbinding',
  /** The audience Entra ID expects in the projected service-account token. */
  tokenExchangeAudience: 'api://AzureADTokenExchange',
  /** Issuer of a cluster whose OIDC issuer is not enabled: Entra cannot reach its keys. */
  disabledIssuer: 'https://kubernetes.default.svc.cluster.local',
  /** At most this many FICs per managed identity or application. */
  maxFederatedCredentials: 20,
} as const;

export type StringMap = Record<string, string>;

/** A JSON Web Key Set as published at `/openid/v1/jwks` or Entra's `discovery/v2.0/keys`. */
export interface JsonWebKeySet {
  keys: Array<Record<string, unknown> & { kid?: string; kty: string }>;
}

export interface ClusterInfo {
  /** kubeconfig context name, snapshot directory name, or `sample`. */
  name: string;
  /** `iss` of the cluster's service-account tokens; undefined when it could not be read. */
  issuer?: string;
  jwks?: JsonWebKeySet;
  /** Default tenant of the webhook (ConfigMap azure-wi-webhook-config), when known. */
  webhookTenantId?: string;
  /**
   * The kubeconfig context kubectl fix commands must name (`--context`) even when it is the only
   * cluster: set when it was read through a context named in IDLENS_KUBE_CONTEXTS, which need not
   * be kubectl's current one.
   */
  kubeContext?: string;
}

export interface ServiceAccount {
  cluster: string;
  namespace: string;
  name: string;
  uid?: string;
  labels: StringMap;
  annotations: StringMap;
}

export interface ProjectedTokenVolume {
  volumeName: string;
  audience?: string;
  expirationSeconds?: number;
  /** Where the token file is mounted in the containers, when known. */
  mountPath?: string;
}

export interface Container {
  name: string;
  image?: string;
  /** Only literal `value` env entries; `valueFrom` entries are not resolved. */
  env: StringMap;
}

export interface Pod {
  cluster: string;
  namespace: string;
  name: string;
  uid?: string;
  serviceAccountName: string;
  labels: StringMap;
  annotations: StringMap;
  containers: Container[];
  projectedTokens: ProjectedTokenVolume[];
  phase?: string;
  createdAt?: string;
}

export interface ClusterSnapshot {
  clusters: ClusterInfo[];
  serviceAccounts: ServiceAccount[];
  pods: Pod[];
  /** What the source could not read (e.g. a snapshot file that is absent): reported, never guessed. */
  missing?: string[];
  /**
   * Clusters the source was configured to read but could not (a failed kubeconfig context): the ids
   * stay scoped by cluster as with all of them, so links to the others keep working.
   */
  unreadClusters?: string[];
}

/** Owner of a FIC: a user-assigned managed identity or an app registration. */
export interface ManagedIdentity {
  kind: 'managedIdentity';
  name: string;
  clientId: string;
  principalId: string;
  tenantId: string;
  /** ARM resource id `/subscriptions/…/userAssignedIdentities/<name>`. */
  resourceId: string;
  subscriptionId?: string;
  resourceGroup?: string;
  location?: string;
}

export interface AppRole {
  id: string;
  value: string;
  displayName?: string;
  allowedMemberTypes?: string[];
}

export interface Application {
  kind: 'application';
  displayName: string;
  /** The client ID. */
  appId: string;
  objectId: string;
  tenantId?: string;
  identifierUris: string[];
  appRoles: AppRole[];
  /** Service principal object id in the tenant, when known (app role assignments point at it). */
  servicePrincipalId?: string;
}

export type Identity = ManagedIdentity | Application;

export interface FederatedCredential {
  /** Client ID of the owning managed identity or application. */
  ownerClientId: string;
  name: string;
  issuer: string;
  /** Absent when a `claimsMatchingExpression` replaces it (preview). */
  subject?: string;
  claimsMatchingExpression?: string;
  audiences: string[];
  description?: string;
}

/** A service principal (identity) granted an app role on a resource application. */
export interface AppRoleAssignment {
  /** Object/principal id of the identity holding the role. */
  principalId: string;
  /** appId (client ID) of the resource application (the provider API). */
  resourceAppId: string;
  appRoleId: string;
}

export interface AzureSnapshot {
  tenantId?: string;
  identities: ManagedIdentity[];
  applications: Application[];
  federatedCredentials: FederatedCredential[];
  appRoleAssignments: AppRoleAssignment[];
  /** What the source could not read (e.g. a snapshot file that is absent): reported, never guessed. */
  missing?: string[];
  /**
   * Client IDs whose FICs could not be read (their snapshot file is absent or unusable): their FIC
   * list is unknown, not empty, so no finding is drawn from it.
   */
  ficsUnreadFor?: string[];
  /**
   * Some managed identities could not be listed (a subscription's, or ARM at all, or identities.json):
   * a client ID that matches none of those read may be one of them, so no finding says it is unknown.
   */
  identitiesUnread?: boolean;
  /**
   * The app registrations could not be listed (Microsoft Graph, applications.json): a client ID that
   * matches no managed identity may be an application's, which its finding then says.
   */
  applicationsUnread?: boolean;
}

/** `system:serviceaccount:<namespace>:<name>`: the `sub` of a projected SA token. */
export function serviceAccountSubject(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

const SUBJECT_PATTERN = /^system:serviceaccount:([^:]+):([^:]+)$/;

/** Parses a Kubernetes SA subject; undefined when it is not of that exact form. */
export function parseServiceAccountSubject(subject: string): { namespace: string; name: string } | undefined {
  const m = SUBJECT_PATTERN.exec(subject);
  return m ? { namespace: m[1]!, name: m[2]! } : undefined;
}

export function identityClientId(identity: Identity): string {
  return identity.kind === 'managedIdentity' ? identity.clientId : identity.appId;
}
