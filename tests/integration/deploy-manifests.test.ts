import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { runtimeStage } from '../support/dockerfile';
import { dryRunApply, requireKubectl, type KubeObject } from '../support/kubectl';

// deploy/ as `kubectl apply -k` sees it (the installed kubectl, client-side dry run against a
// loopback discovery-only API), then each object checked against what idlens needs: read-only
// RBAC and nothing more, the hardened pod, workload identity wiring, probes, the network policy.

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PLACEHOLDER = '00000000-0000-0000-0000-000000000000';
const NAMESPACE = 'idlens';
const POD_LABELS = { 'app.kubernetes.io/name': 'idlens', 'app.kubernetes.io/component': 'dashboard' };

const meta = (name: string, namespaced: boolean) =>
  z.looseObject({
    name: z.literal(name),
    namespace: namespaced ? z.literal(NAMESPACE) : z.never().optional(),
    labels: z.record(z.string(), z.string()).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
  });

const namespaceSchema = z.object({
  apiVersion: z.literal('v1'),
  kind: z.literal('Namespace'),
  metadata: z.looseObject({ name: z.literal(NAMESPACE), labels: z.looseObject({ 'pod-security.kubernetes.io/enforce': z.literal('restricted') }) }),
});

const serviceAccountSchema = z.object({
  apiVersion: z.literal('v1'),
  kind: z.literal('ServiceAccount'),
  metadata: meta('idlens', true).extend({
    annotations: z.looseObject({
      'azure.workload.identity/client-id': z.string().regex(GUID),
      'azure.workload.identity/tenant-id': z.string().regex(GUID),
    }),
  }),
  automountServiceAccountToken: z.literal(true).optional(),
});

// Exactly read-only: strict objects (no resourceNames tricks, no aggregationRule), verbs and
// resources from closed lists.
const READ = ['get', 'list', 'watch'] as const;
const resourceRule = z.strictObject({
  apiGroups: z.tuple([z.literal('')]),
  resources: z.array(z.enum(['serviceaccounts', 'pods', 'namespaces', 'pods/log'])).min(1),
  verbs: z.array(z.enum(READ)).min(1),
});
const nonResourceRule = z.strictObject({
  nonResourceURLs: z.array(z.enum(['/.well-known/openid-configuration', '/openid/v1/jwks'])).min(1),
  verbs: z.array(z.literal('get')).min(1),
});
const clusterRoleSchema = z.strictObject({
  apiVersion: z.literal('rbac.authorization.k8s.io/v1'),
  kind: z.literal('ClusterRole'),
  metadata: meta('idlens-reader', false),
  rules: z.array(z.union([resourceRule, nonResourceRule])).min(1),
});

const clusterRoleBindingSchema = z.strictObject({
  apiVersion: z.literal('rbac.authorization.k8s.io/v1'),
  kind: z.literal('ClusterRoleBinding'),
  metadata: meta('idlens-reader', false),
  roleRef: z.strictObject({ apiGroup: z.literal('rbac.authorization.k8s.io'), kind: z.literal('ClusterRole'), name: z.literal('idlens-reader') }),
  subjects: z.tuple([z.strictObject({ kind: z.literal('ServiceAccount'), name: z.literal('idlens'), namespace: z.literal(NAMESPACE) })]),
});

const probe = z.looseObject({
  httpGet: z.looseObject({ path: z.literal('/api/health'), port: z.union([z.literal(3000), z.literal('http')]) }),
  timeoutSeconds: z.number().int().min(11), // longer than the health check's 10 s per-source bound
  periodSeconds: z.number().int().positive(),
});
const quantity = z.union([z.string(), z.number()]);
const envVar = z.union([
  z.strictObject({ name: z.string(), value: z.string() }),
  z.strictObject({ name: z.string(), valueFrom: z.looseObject({}) }),
]);
const containerSchema = z.looseObject({
  name: z.literal('idlens'),
  image: z.string().min(1),
  ports: z.array(z.looseObject({ name: z.literal('http'), containerPort: z.literal(3000) })).length(1),
  env: z.array(envVar),
  securityContext: z.looseObject({
    allowPrivilegeEscalation: z.literal(false),
    readOnlyRootFilesystem: z.literal(true),
    capabilities: z.strictObject({ drop: z.tuple([z.literal('ALL')]) }),
    privileged: z.literal(false).optional(),
  }),
  resources: z.strictObject({
    requests: z.strictObject({ cpu: quantity, memory: quantity }),
    limits: z.strictObject({ cpu: quantity, memory: quantity }),
  }),
  readinessProbe: probe,
  livenessProbe: probe,
  volumeMounts: z.array(z.looseObject({ name: z.string(), mountPath: z.string() })),
});
const deploymentSchema = z.object({
  apiVersion: z.literal('apps/v1'),
  kind: z.literal('Deployment'),
  metadata: meta('idlens', true),
  spec: z.looseObject({
    selector: z.strictObject({ matchLabels: z.record(z.string(), z.string()) }),
    template: z.looseObject({
      metadata: z.looseObject({ labels: z.looseObject({ 'azure.workload.identity/use': z.literal('true') }) }),
      spec: z.looseObject({
        serviceAccountName: z.literal('idlens'),
        automountServiceAccountToken: z.literal(true),
        hostNetwork: z.never().optional(),
        hostPID: z.never().optional(),
        securityContext: z.looseObject({
          runAsNonRoot: z.literal(true),
          runAsUser: z.number().int().min(1),
          runAsGroup: z.number().int().min(1),
          seccompProfile: z.strictObject({ type: z.literal('RuntimeDefault') }),
        }),
        containers: z.tuple([containerSchema]),
        initContainers: z.never().optional(),
        volumes: z.array(z.looseObject({ name: z.string() })),
      }),
    }),
  }),
});

const serviceSchema = z.object({
  apiVersion: z.literal('v1'),
  kind: z.literal('Service'),
  metadata: meta('idlens', true),
  spec: z.looseObject({
    type: z.literal('ClusterIP'),
    selector: z.record(z.string(), z.string()),
    ports: z.tuple([z.looseObject({ port: z.literal(80), targetPort: z.union([z.literal(3000), z.literal('http')]), protocol: z.literal('TCP') })]),
  }),
});

const port = (protocol: 'TCP' | 'UDP', n: number) => z.strictObject({ protocol: z.literal(protocol), port: z.literal(n) });
const networkPolicySchema = z.object({
  apiVersion: z.literal('networking.k8s.io/v1'),
  kind: z.literal('NetworkPolicy'),
  metadata: meta('idlens', true),
  spec: z.strictObject({
    podSelector: z.strictObject({ matchLabels: z.record(z.string(), z.string()) }),
    policyTypes: z.tuple([z.literal('Ingress'), z.literal('Egress')]),
    ingress: z.tuple([
      z.strictObject({
        from: z.array(z.strictObject({ namespaceSelector: z.strictObject({ matchLabels: z.record(z.string(), z.string()) }) })).min(1),
        ports: z.tuple([port('TCP', 3000)]),
      }),
    ]),
    // DNS, and HTTPS; no `to` that widens it, no other port.
    egress: z.tuple([
      z.strictObject({ ports: z.tuple([port('UDP', 53), port('TCP', 53)]) }),
      z.strictObject({ ports: z.tuple([port('TCP', 443)]) }),
    ]),
  }),
});

const SCHEMAS: Record<string, z.ZodType> = {
  Namespace: namespaceSchema,
  ServiceAccount: serviceAccountSchema,
  ClusterRole: clusterRoleSchema,
  ClusterRoleBinding: clusterRoleBindingSchema,
  Deployment: deploymentSchema,
  Service: serviceSchema,
  NetworkPolicy: networkPolicySchema,
};

function check<S extends z.ZodType>(schema: S, object: unknown): z.infer<S> {
  const result = schema.safeParse(object);
  if (!result.success) throw new Error(`${(object as KubeObject).kind}/${(object as KubeObject).metadata?.name}: ${z.prettifyError(result.error)}`);
  return result.data;
}

const only = (objects: KubeObject[], kind: string) => {
  const found = objects.filter((o) => o.kind === kind);
  expect(found, kind).toHaveLength(1);
  return found[0]!;
};

function envOf(deployment: z.infer<typeof deploymentSchema>) {
  return new Map(deployment.spec.template.spec.containers[0].env.map((e) => [e.name, e]));
}

describe.each([
  // The literal command: kubectl apply --dry-run=client --validate=false -k deploy/
  ['deploy', { placeholder: true }],
  ['deploy/base', { placeholder: true }],
  ['deploy/overlays/example', { placeholder: false }],
])('kubectl apply --dry-run=client -k %s', (dir, { placeholder }) => {
  let objects: KubeObject[];
  let methods: string[];

  it('renders with the installed kubectl, sending nothing but GETs', async () => {
    await requireKubectl();
    ({ objects, methods } = await dryRunApply(dir));
    expect(methods).toEqual(['GET']);
    expect(objects.map((o) => o.kind).sort()).toEqual(Object.keys(SCHEMAS).sort());
  }, 90_000);

  it('every object matches its schema; everything namespaced lives in idlens', () => {
    for (const o of objects) check(SCHEMAS[o.kind]!, o);
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
  });

  it('the ServiceAccount names the app registration; the base only as a placeholder', () => {
    const sa = check(serviceAccountSchema, only(objects, 'ServiceAccount'));
    const clientId = sa.metadata.annotations['azure.workload.identity/client-id'];
    if (placeholder) expect(clientId).toBe(PLACEHOLDER);
    else expect(clientId).not.toBe(PLACEHOLDER);
  });

  it('the ClusterRole grants exactly the read-only permissions the README lists', () => {
    const role = check(clusterRoleSchema, only(objects, 'ClusterRole'));
    const granted = new Set<string>();
    for (const rule of role.rules) {
      if ('resources' in rule) for (const r of rule.resources) for (const v of rule.verbs) granted.add(`${r}:${v}`);
      else for (const u of rule.nonResourceURLs) for (const v of rule.verbs) granted.add(`${u}:${v}`);
    }
    expect([...granted].sort()).toEqual(
      [
        ...['serviceaccounts', 'pods', 'namespaces'].flatMap((r) => READ.map((v) => `${r}:${v}`)),
        'pods/log:get',
        '/.well-known/openid-configuration:get',
        '/openid/v1/jwks:get',
      ].sort(),
    );
  });

  it('the Deployment runs the hardened, workload-identity pod the image expects', () => {
    const deployment = check(deploymentSchema, only(objects, 'Deployment'));
    const pod = deployment.spec.template;
    const container = pod.spec.containers[0];
    // The image's numeric USER and port (Dockerfile).
    const image = runtimeStage();
    expect(`${pod.spec.securityContext.runAsUser}:${pod.spec.securityContext.runAsGroup}`).toBe(image.user);
    expect(image.expose).toEqual([String(container.ports[0]!.containerPort)]);
    expect(pod.metadata.labels).toMatchObject(POD_LABELS);
    expect(deployment.spec.selector.matchLabels).toEqual(POD_LABELS);
    // /tmp is the only writable place: an emptyDir.
    const tmp = container.volumeMounts.find((m) => m.mountPath === '/tmp');
    expect(tmp).toBeDefined();
    expect(pod.spec.volumes.find((v) => v.name === tmp!.name)).toMatchObject({ emptyDir: expect.any(Object) });
    expect(container.image).toMatch(placeholder ? /^idlens:/ : /^[a-z0-9.-]+\.[a-z]+\/idlens:/);
  });

  it('configures idlens for in-cluster use, with the session secret from a Secret and nothing the webhook injects', () => {
    const env = envOf(check(deploymentSchema, only(objects, 'Deployment')));
    const value = (name: string) => {
      const e = env.get(name);
      return e && 'value' in e ? e.value : undefined;
    };
    expect(value('IDLENS_MODE')).toBe('server');
    expect(value('IDLENS_AUTH')).toBe('entra');
    expect(value('IDLENS_CLUSTER')).toBe('in-cluster');
    expect(value('IDLENS_AZURE')).toBe('live');
    expect(value('IDLENS_LOGS')).toMatch(/^kube:[a-z0-9-]+(\/.+)?$/);
    expect(value('IDLENS_PUBLIC_URL')).toMatch(/^https:\/\/[^/]+$/);
    expect(value('HOSTNAME')).toBe('0.0.0.0');
    expect(value('PORT')).toBe('3000');
    expect(env.get('IDLENS_SESSION_SECRET')).toEqual({ name: 'IDLENS_SESSION_SECRET', valueFrom: { secretKeyRef: { name: 'idlens-session', key: 'secret' } } });
    for (const injected of ['AZURE_CLIENT_ID', 'AZURE_TENANT_ID', 'AZURE_FEDERATED_TOKEN_FILE', 'AZURE_AUTHORITY_HOST', 'AZURE_CLIENT_SECRET']) {
      expect(env.has(injected), `${injected} is the webhook's to set`).toBe(false);
    }
  });

  it('the Service and NetworkPolicy select the pod and expose only port 3000', () => {
    const pod = check(deploymentSchema, only(objects, 'Deployment')).spec.template;
    const service = check(serviceSchema, only(objects, 'Service'));
    const policy = check(networkPolicySchema, only(objects, 'NetworkPolicy'));
    expect(pod.metadata.labels).toMatchObject(service.spec.selector);
    expect(pod.metadata.labels).toMatchObject(policy.spec.podSelector.matchLabels);
  });
});
