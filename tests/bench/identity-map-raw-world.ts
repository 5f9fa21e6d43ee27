// The benchmark's synthetic world (identity-map.bench-case.ts) as the upstreams send it on the wire:
// ServiceAccounts and Pods as the Kubernetes API lists them (metadata with managedFields and
// ownerReferences, the webhook-mutated spec with both projected volumes, status), user-assigned
// identities and their FICs in ARM's shape, and a few Graph applications. Converted from the domain
// snapshot, so the served world and the in-process domain benchmark describe the same cluster.
// Deterministic, no I/O.

import { WI, type AzureSnapshot, type ClusterSnapshot, type Pod, type ServiceAccount } from '@/lib/domain/model';
import type { GraphStubOptions } from '../support/graph-stub';
import { SYNTHETIC_ISSUER, SYNTHETIC_TENANT } from './identity-map.bench-case';

const RAW_SUBSCRIPTION = '5b1e0000-0000-4000-8000-00000000be4c';
const CREATED = '2026-11-20T08:00:00Z';
const STARTED = '2026-11-20T08:00:04Z';

const hex = (n: number, width: number) => (n >>> 0).toString(16).padStart(width, '0').slice(-width);
/** A stable UUID-shaped uid per (kind, index). */
const uid = (kind: number, i: number) => `${hex(i * 2654435761, 8)}-${hex(kind, 4)}-4${hex(i, 3)}-8${hex(i * 40503, 3)}-${hex(i, 12)}`;
const digest = (seed: string) => {
  let h = 2166136261;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 16777619);
  return Array.from({ length: 8 }, (_, k) => hex(Math.imul(h, k + 1) ^ (h >>> k), 8)).join('');
};

function rawServiceAccount(sa: ServiceAccount, i: number): unknown {
  return {
    metadata: {
      name: sa.name,
      namespace: sa.namespace,
      uid: uid(1, i),
      resourceVersion: String(4_000_000 + i),
      creationTimestamp: CREATED,
      labels: { 'app.kubernetes.io/managed-by': 'Helm', 'app.kubernetes.io/name': sa.name, 'app.kubernetes.io/instance': sa.name, ...sa.labels },
      annotations: { 'meta.helm.sh/release-name': sa.name, 'meta.helm.sh/release-namespace': sa.namespace, ...sa.annotations },
      managedFields: [
        {
          manager: 'helm',
          operation: 'Update',
          apiVersion: 'v1',
          time: CREATED,
          fieldsType: 'FieldsV1',
          fieldsV1: {
            'f:metadata': {
              'f:annotations': { '.': {}, [`f:${WI.clientId}`]: {}, 'f:meta.helm.sh/release-name': {}, 'f:meta.helm.sh/release-namespace': {} },
              'f:labels': { '.': {}, 'f:app.kubernetes.io/instance': {}, 'f:app.kubernetes.io/managed-by': {}, 'f:app.kubernetes.io/name': {} },
            },
          },
        },
      ],
    },
  };
}

function rawPod(pod: Pod, i: number): unknown {
  const replicaSet = pod.name.slice(0, pod.name.lastIndexOf('-'));
  const apiAccess = `kube-api-access-${pod.name.slice(-5)}`;
  const node = `aks-nodepool1-31718369-vmss${hex(i % 64, 6)}`;
  const image = `contoso.azurecr.io/${pod.serviceAccountName}:1.4.${i % 10}`;
  const podIP = `10.244.${(i >> 8) & 255}.${i & 255}`;
  const hostIP = `10.224.0.${4 + (i % 64)}`;
  const container = pod.containers[0]!;
  const env = [
    { name: 'ASPNETCORE_URLS', value: 'http://+:8080' },
    { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: 'http://otel-collector.observability.svc.cluster.local:4317' },
    { name: 'OTEL_SERVICE_NAME', value: pod.serviceAccountName },
    { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
    { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: `${pod.serviceAccountName}-db`, key: 'password' } } },
    // What the workload identity webhook injects (DOMAIN.md).
    ...Object.entries(container.env).map(([name, value]) => ({ name, value })),
    { name: 'AZURE_TENANT_ID', value: SYNTHETIC_TENANT },
    { name: 'AZURE_AUTHORITY_HOST', value: 'https://login.microsoftonline.com/' },
  ];
  const probe = (path: string) => ({ httpGet: { path, port: 8080, scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
  const condition = (type: string) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: STARTED });
  const token = pod.projectedTokens[0]!;
  return {
    metadata: {
      name: pod.name,
      generateName: `${replicaSet}-`,
      namespace: pod.namespace,
      uid: uid(2, i),
      resourceVersion: String(5_000_000 + i),
      creationTimestamp: CREATED,
      labels: { ...pod.labels, 'app.kubernetes.io/name': pod.serviceAccountName, version: 'v1' },
      annotations: { 'kubectl.kubernetes.io/restartedAt': CREATED, 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9090', ...pod.annotations },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: replicaSet, uid: uid(3, i), controller: true, blockOwnerDeletion: true }],
      managedFields: [
        {
          manager: 'kube-controller-manager',
          operation: 'Update',
          apiVersion: 'v1',
          time: CREATED,
          fieldsType: 'FieldsV1',
          fieldsV1: {
            'f:metadata': { 'f:generateName': {}, 'f:labels': { '.': {}, 'f:app': {}, 'f:pod-template-hash': {}, [`f:${WI.useLabel}`]: {} }, 'f:ownerReferences': { '.': {}, [`k:{"uid":"${uid(3, i)}"}`]: {} } },
            'f:spec': { 'f:containers': { 'k:{"name":"app"}': { '.': {}, 'f:env': {}, 'f:image': {}, 'f:name': {}, 'f:ports': {}, 'f:resources': {} } }, 'f:serviceAccountName': {} },
          },
        },
        {
          manager: 'kubelet',
          operation: 'Update',
          apiVersion: 'v1',
          time: STARTED,
          fieldsType: 'FieldsV1',
          fieldsV1: { 'f:status': { 'f:conditions': {}, 'f:containerStatuses': {}, 'f:hostIP': {}, 'f:phase': {}, 'f:podIP': {}, 'f:podIPs': {}, 'f:startTime': {} } },
          subresource: 'status',
        },
      ],
    },
    spec: {
      volumes: [
        {
          name: apiAccess,
          projected: {
            sources: [
              { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
              { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
              { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
            ],
            defaultMode: 420,
          },
        },
        {
          name: token.volumeName,
          projected: { sources: [{ serviceAccountToken: { audience: token.audience, expirationSeconds: token.expirationSeconds, path: 'azure-identity-token' } }], defaultMode: 420 },
        },
      ],
      containers: [
        {
          name: container.name,
          image,
          ports: [
            { name: 'http', containerPort: 8080, protocol: 'TCP' },
            { name: 'metrics', containerPort: 9090, protocol: 'TCP' },
          ],
          env,
          resources: { limits: { cpu: '500m', memory: '512Mi' }, requests: { cpu: '100m', memory: '128Mi' } },
          volumeMounts: [
            { name: apiAccess, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' },
            { name: token.volumeName, readOnly: true, mountPath: '/var/run/secrets/azure/tokens' },
          ],
          livenessProbe: probe('/healthz'),
          readinessProbe: probe('/ready'),
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
          imagePullPolicy: 'IfNotPresent',
          securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } },
        },
      ],
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      serviceAccountName: pod.serviceAccountName,
      serviceAccount: pod.serviceAccountName,
      nodeName: node,
      securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
      schedulerName: 'default-scheduler',
      tolerations: [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ],
      priority: 0,
      enableServiceLinks: true,
      preemptionPolicy: 'PreemptLowerPriority',
    },
    status: {
      phase: pod.phase,
      conditions: ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map(condition),
      hostIP,
      hostIPs: [{ ip: hostIP }],
      podIP,
      podIPs: [{ ip: podIP }],
      startTime: CREATED,
      containerStatuses: [
        {
          name: container.name,
          state: { running: { startedAt: STARTED } },
          lastState: {},
          ready: true,
          restartCount: 0,
          image,
          imageID: `contoso.azurecr.io/${pod.serviceAccountName}@sha256:${digest(image)}`,
          containerID: `containerd://${digest(pod.name)}${digest(pod.namespace)}`,
          started: true,
        },
      ],
      qosClass: 'Burstable',
    },
  };
}

interface RawArmWorld {
  subscription: string;
  identities: unknown[];
  /** Raw FIC objects per identity resource id. */
  federatedCredentials: Record<string, unknown[]>;
  /** Resource ids of the identities, in list order (what the source pages through). */
  identityIds: string[];
}

const identityResourceId = (name: string) => `/subscriptions/${RAW_SUBSCRIPTION}/resourceGroups/rg-bench/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;

function rawArmWorld(azure: AzureSnapshot): RawArmWorld {
  const identityIds: string[] = [];
  const byClientId = new Map<string, string>();
  const identities = azure.identities.map((identity, i) => {
    const id = identityResourceId(identity.name);
    identityIds.push(id);
    byClientId.set(identity.clientId, id);
    return {
      id,
      name: identity.name,
      type: 'Microsoft.ManagedIdentity/userAssignedIdentities',
      location: 'eastus',
      tags: { team: `team-${i % 20}`, env: 'bench' },
      properties: { tenantId: identity.tenantId, principalId: identity.principalId, clientId: identity.clientId },
    };
  });
  const federatedCredentials: Record<string, unknown[]> = Object.fromEntries(identityIds.map((id) => [id, [] as unknown[]]));
  for (const fic of azure.federatedCredentials) {
    const owner = byClientId.get(fic.ownerClientId);
    if (!owner) continue;
    federatedCredentials[owner]!.push({
      id: `${owner}/federatedIdentityCredentials/${fic.name}`,
      name: fic.name,
      type: 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials',
      properties: { issuer: fic.issuer, subject: fic.subject, audiences: fic.audiences },
    });
  }
  return { subscription: RAW_SUBSCRIPTION, identities, federatedCredentials, identityIds };
}

/** A handful of app registrations: one API with app roles granted to the first 50 identities, one GitHub-federated deployer. */
function rawGraphWorld(azure: AzureSnapshot): GraphStubOptions {
  const ordersApi = {
    id: 'obj-orders-api',
    appId: '0a0a0000-0000-4000-8000-00000000a001',
    displayName: 'orders-api',
    identifierUris: ['api://orders-api'],
    appRoles: [
      { id: 'role-orders-read', value: 'Orders.Read', displayName: 'Read orders', allowedMemberTypes: ['Application'], isEnabled: true, description: 'Read orders', origin: 'Application' },
      { id: 'role-orders-write', value: 'Orders.Write', displayName: 'Write orders', allowedMemberTypes: ['Application'], isEnabled: true, description: 'Write orders', origin: 'Application' },
    ],
  };
  const deployer = { id: 'obj-deployer', appId: '0a0a0000-0000-4000-8000-00000000a002', displayName: 'github-deployer', identifierUris: [], appRoles: [] };
  const others = [3, 4, 5].map((n) => ({ id: `obj-app-${n}`, appId: `0a0a0000-0000-4000-8000-00000000a00${n}`, displayName: `internal-tool-${n}`, identifierUris: [], appRoles: [] }));
  return {
    applications: [ordersApi, deployer, ...others],
    federatedCredentials: {
      'obj-deployer': [
        { id: 'f-gh', name: 'github-main', issuer: 'https://token.actions.githubusercontent.com', subject: 'repo:contoso/shop:ref:refs/heads/main', audiences: [WI.tokenExchangeAudience], description: 'deploys main' },
      ],
    },
    servicePrincipals: [
      { id: 'sp-orders-api', appId: ordersApi.appId },
      { id: 'sp-deployer', appId: deployer.appId },
    ],
    appRoleAssignedTo: {
      'sp-orders-api': azure.identities.slice(0, 50).map((identity, i) => ({
        id: `assignment-${i}`,
        principalId: identity.principalId,
        principalType: 'ServicePrincipal',
        principalDisplayName: identity.name,
        resourceId: 'sp-orders-api',
        resourceDisplayName: 'orders-api',
        appRoleId: i % 2 ? 'role-orders-write' : 'role-orders-read',
        createdDateTime: CREATED,
      })),
    },
    pageSize: 100,
  };
}

export interface RawWorld {
  serviceAccounts: unknown[];
  pods: unknown[];
  arm: RawArmWorld;
  graph: GraphStubOptions;
  issuer: string;
  jwks: { keys: Array<Record<string, string>> };
}

export function rawWorld(snapshot: { cluster: ClusterSnapshot; azure: AzureSnapshot }): RawWorld {
  return {
    serviceAccounts: snapshot.cluster.serviceAccounts.map(rawServiceAccount),
    pods: snapshot.cluster.pods.map(rawPod),
    arm: rawArmWorld(snapshot.azure),
    graph: rawGraphWorld(snapshot.azure),
    issuer: SYNTHETIC_ISSUER,
    jwks: { keys: [{ use: 'sig', kty: 'RSA', kid: 'bench-key', alg: 'RS256', n: 'x'.repeat(342), e: 'AQAB' }] },
  };
}
