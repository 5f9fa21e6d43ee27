import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dryRunApply, requireKubectl, type KubeObject } from '../support/kubectl';
import { repoRoot, startServer, type RunningServer } from '../support/next-server';

// "idlens's own map shows it healthy when deployed as documented": a snapshot directory (DESIGN.md)
// made from what deploy/ really renders and what deploy/README.md's commands really create — the
// ServiceAccount as `kubectl apply -k deploy/overlays/example` renders it, the Pod the API server
// and the workload-identity webhook (v1.5.x, the documented layout, DOMAIN.md) make from the
// Deployment's template, and the app registration with the FIC written by the README's own
// `idlens-fic.json` block — served by the real server.

const CLUSTER = 'aks-prod';
const TENANT = '9b1c2d3e-4f50-4a6b-8c7d-0e1f2a3b4c5d';
// As `az aks show --query oidcIssuerProfile.issuerUrl -o tsv` prints it: trailing slash included.
const ISSUER = `https://westeurope.oic.prod-aks.azure.com/${TENANT}/5b8c0f1e-7a2d-4c3b-9e4f-0a1b2c3d4e5f/`;
const POD_NAME = 'idlens-6d8f7b9c4d-x7k2p';

/** The README's `cat > idlens-fic.json <<EOF … EOF` block with its shell variables expanded. */
function documentedFic(variables: Record<string, string>): Record<string, unknown> {
  const readme = readFileSync(join(repoRoot, 'deploy', 'README.md'), 'utf8');
  const block = /cat > idlens-fic\.json <<EOF\n([\s\S]*?)\nEOF\naz ad app federated-credential create --id "\$APP_ID" --parameters idlens-fic\.json/.exec(readme);
  if (!block) throw new Error('deploy/README.md no longer documents the FIC as `cat > idlens-fic.json <<EOF … EOF` + `az ad app federated-credential create`: adapt this test');
  const expanded = block[1]!.replace(/\$([A-Z_]+)/g, (_, name: string) => {
    if (!(name in variables)) throw new Error(`deploy/README.md's FIC uses $${name}, unknown to this test`);
    return variables[name]!;
  });
  return JSON.parse(expanded) as Record<string, unknown>;
}

interface Container {
  name: string;
  env?: Array<{ name: string; value?: string }>;
  volumeMounts?: Array<{ name: string; mountPath: string; readOnly?: boolean }>;
  [key: string]: unknown;
}
interface PodTemplate {
  metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
  spec: { serviceAccountName: string; containers: Container[]; volumes?: unknown[]; [key: string]: unknown };
}

/** The Pod the ReplicaSet controller creates from the template, after the webhook mutated it. */
function podFromDeployment(deployment: KubeObject, serviceAccount: KubeObject): KubeObject {
  const template = (deployment.spec as { template: PodTemplate }).template;
  const annotations = serviceAccount.metadata.annotations ?? {};
  const hash = POD_NAME.split('-').at(-2)!;
  const injectedEnv = [
    { name: 'AZURE_CLIENT_ID', value: annotations['azure.workload.identity/client-id'] },
    { name: 'AZURE_TENANT_ID', value: annotations['azure.workload.identity/tenant-id'] },
    { name: 'AZURE_FEDERATED_TOKEN_FILE', value: '/var/run/secrets/azure/tokens/azure-identity-token' },
    { name: 'AZURE_AUTHORITY_HOST', value: 'https://login.microsoftonline.com/' },
  ];
  const apiAccess = 'kube-api-access-q8w4z';
  const containers = template.spec.containers.map((c) => ({
    ...c,
    env: [...(c.env ?? []), ...injectedEnv],
    volumeMounts: [
      ...(c.volumeMounts ?? []),
      { name: apiAccess, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true },
      { name: 'azure-identity-token', mountPath: '/var/run/secrets/azure/tokens', readOnly: true },
    ],
  }));
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: POD_NAME,
      namespace: deployment.metadata.namespace,
      uid: '1d2c3b4a-0000-4000-8000-00000000000a',
      labels: { ...template.metadata.labels, 'pod-template-hash': hash },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${deployment.metadata.name}-${hash}`, controller: true, blockOwnerDeletion: true, uid: 'rs-uid' }],
      creationTimestamp: '2026-11-20T09:00:00Z',
    },
    spec: {
      ...template.spec,
      containers,
      nodeName: 'aks-nodepool1-12345678-vmss000000',
      volumes: [
        ...(template.spec.volumes ?? []),
        {
          name: apiAccess,
          projected: {
            defaultMode: 420,
            sources: [
              { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
              { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
              { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
            ],
          },
        },
        {
          name: 'azure-identity-token',
          projected: { defaultMode: 420, sources: [{ serviceAccountToken: { audience: 'api://AzureADTokenExchange', expirationSeconds: 3600, path: 'azure-identity-token' } }] },
        },
      ],
    },
    status: { phase: 'Running', podIP: '10.244.1.17' },
  };
}

function writeSnapshot(root: string, objects: KubeObject[], fic: Record<string, unknown>): string {
  const dir = join(root, CLUSTER); // the snapshot directory's name is the cluster's
  mkdirSync(join(dir, 'application-federated-credentials'), { recursive: true });
  const json = (file: string, value: unknown) => writeFileSync(join(dir, file), JSON.stringify(value, null, 2));
  const sa = objects.find((o) => o.kind === 'ServiceAccount')!;
  const deployment = objects.find((o) => o.kind === 'Deployment')!;
  const appId = sa.metadata.annotations!['azure.workload.identity/client-id']!;
  const withServerFields = (o: KubeObject, uid: string) => ({ ...o, metadata: { ...o.metadata, uid, creationTimestamp: '2026-11-20T08:59:00Z', resourceVersion: '4711' } });

  json('kubernetes.json', {
    apiVersion: 'v1',
    kind: 'List',
    items: [
      // Every namespace has its `default` service account.
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'idlens', uid: 'sa-default-uid', creationTimestamp: '2026-11-20T08:58:00Z' } },
      withServerFields(sa, 'sa-idlens-uid'),
      podFromDeployment(deployment, sa),
    ],
    metadata: { resourceVersion: '' },
  });
  json('openid-configuration.json', {
    issuer: ISSUER,
    jwks_uri: `${ISSUER}openid/v1/jwks`,
    response_types_supported: ['id_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
  });
  json('identities.json', []); // no user-assigned identities: idlens uses an app registration
  json('applications.json', [
    {
      appId,
      id: 'c4a5b6d7-1111-4222-8333-944455556666',
      displayName: 'idlens',
      signInAudience: 'AzureADMyOrg',
      identifierUris: [],
      appRoles: [],
      web: { redirectUris: ['https://idlens.contoso.com/api/auth/callback'] },
      requiredResourceAccess: [{ resourceAppId: '00000003-0000-0000-c000-000000000000', resourceAccess: [{ id: '9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30', type: 'Role' }] }],
    },
  ]);
  // `az ad app federated-credential list --id APPID -o json`: what `create` made, plus its id.
  json(`application-federated-credentials/${appId}.json`, [{ id: '7e6d5c4b-2222-4333-8444-a55566667777', ...fic }]);
  return dir;
}

interface IdentityMap {
  nodes: Array<{ id: string; kind: string }>;
  edges: Array<{ from: string; to: string; kind: string }>;
  findings: Array<{ code: string; severity: string; refs: string[]; message: string }>;
  sources: Record<string, { ok: boolean }>;
}

async function mapOf(dir: string): Promise<IdentityMap> {
  const server = await startServer({ IDLENS_CLUSTER: dir, IDLENS_AZURE: dir, IDLENS_LOGS: 'sample' });
  servers.push(server);
  const response = await fetch(`${server.url}/api/identity-map`);
  expect(response.status).toBe(200);
  return (await response.json()) as IdentityMap;
}

const servers: RunningServer[] = [];
let root: string;
let objects: KubeObject[];
let appId: string;
let fic: Record<string, unknown>;

beforeAll(async () => {
  await requireKubectl();
  ({ objects } = await dryRunApply('deploy/overlays/example'));
  appId = objects.find((o) => o.kind === 'ServiceAccount')!.metadata.annotations!['azure.workload.identity/client-id']!;
  fic = documentedFic({ ISSUER, CLUSTER_NAME: CLUSTER });
  root = mkdtempSync(join(tmpdir(), 'idlens-self-map-'));
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  if (root) rmSync(root, { recursive: true, force: true });
});

describe("idlens's own map", () => {
  it('shows it healthy when deployed as documented', async () => {
    expect(fic).toMatchObject({ subject: 'system:serviceaccount:idlens:idlens', audiences: ['api://AzureADTokenExchange'], issuer: ISSUER });
    const map = await mapOf(writeSnapshot(join(root, 'documented'), objects, fic));
    expect(map.sources.cluster!.ok).toBe(true);
    expect(map.sources.azure!.ok).toBe(true);

    const sa = 'sa:idlens/idlens';
    const pod = `pod:idlens/${POD_NAME}`;
    const ficId = `fic:${appId}/idlens-${CLUSTER}`;
    const identity = `identity:${appId}`;
    const kinds = new Map(map.nodes.map((n) => [n.id, n.kind]));
    expect(kinds.get(sa)).toBe('serviceAccount');
    expect(kinds.get(pod)).toBe('pod');
    expect(kinds.get(ficId)).toBe('federatedCredential');
    expect(kinds.get(identity)).toBe('application');
    expect(map.edges).toEqual(
      expect.arrayContaining([
        { from: pod, to: sa, kind: 'runsAs' },
        { from: sa, to: ficId, kind: 'federatesTo' },
        { from: ficId, to: identity, kind: 'credentialOf' },
      ]),
    );
    expect(map.findings).toEqual([]);
  });

  // Negative controls: the same deployment with the two mistakes people make in the FIC command.
  it.each([
    ['names another subject', { subject: 'system:serviceaccount:default:idlens' }, 'SA_NO_MATCHING_FIC'],
    ['has the issuer typed without its trailing "/"', { issuer: ISSUER.slice(0, -1) }, 'FIC_ISSUER_MISMATCH'],
  ])('flags the same deployment when the FIC %s', async (name, change, code) => {
    const map = await mapOf(writeSnapshot(join(root, name.replace(/\W+/g, '-')), objects, { ...fic, ...change }));
    const finding = map.findings.find((f) => f.code === code);
    expect(finding, `${code} among ${map.findings.map((f) => f.code).join(', ')}`).toBeDefined();
    expect(finding!.severity).toBe('error');
    expect(finding!.refs).toEqual(expect.arrayContaining(['sa:idlens/idlens', `identity:${appId}`]));
  });
});
