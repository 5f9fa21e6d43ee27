import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../support/next-server';

// A snapshot directory exactly as kubectl and az write it (DESIGN.md), served by the same build.

const TENANT = '11111111-2222-3333-4444-555555555555';
const ISSUER = `https://eastus.oic.prod-aks.azure.com/${TENANT}/9f0e7c1a-0000-4000-8000-000000000001/`;
const CLIENT = 'aaaaaaaa-0000-4000-8000-000000000001';
const APP = 'bbbbbbbb-0000-4000-8000-000000000002';

function writeSnapshot(dir: string) {
  const json = (file: string, value: unknown) => writeFileSync(join(dir, file), JSON.stringify(value, null, 2));
  json('kubernetes.json', {
    apiVersion: 'v1',
    kind: 'List',
    items: [
      {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: 'orders', namespace: 'shop', uid: 'sa-uid-1', annotations: { 'azure.workload.identity/client-id': CLIENT }, creationTimestamp: '2026-10-01T10:00:00Z' },
      },
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'shop', uid: 'sa-uid-2' } },
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'orders-7d9f8c6b5-x2x9q', namespace: 'shop', uid: 'pod-uid-1', labels: { app: 'orders', 'azure.workload.identity/use': 'true' }, creationTimestamp: '2026-10-01T10:05:00Z' },
        spec: {
          serviceAccountName: 'orders',
          containers: [
            {
              name: 'orders',
              image: 'contoso.azurecr.io/orders:1.4.2',
              env: [
                { name: 'AZURE_CLIENT_ID', value: CLIENT },
                { name: 'AZURE_TENANT_ID', value: TENANT },
                { name: 'AZURE_FEDERATED_TOKEN_FILE', value: '/var/run/secrets/azure/tokens/azure-identity-token' },
                { name: 'AZURE_AUTHORITY_HOST', value: 'https://login.microsoftonline.com/' },
              ],
              volumeMounts: [{ name: 'azure-identity-token', mountPath: '/var/run/secrets/azure/tokens', readOnly: true }],
            },
          ],
          volumes: [
            { name: 'azure-identity-token', projected: { defaultMode: 420, sources: [{ serviceAccountToken: { audience: 'api://AzureADTokenExchange', expirationSeconds: 3600, path: 'azure-identity-token' } }] } },
          ],
        },
        status: { phase: 'Running' },
      },
    ],
    metadata: { resourceVersion: '' },
  });
  json('openid-configuration.json', { issuer: ISSUER, jwks_uri: `${ISSUER}openid/v1/jwks`, response_types_supported: ['id_token'], subject_types_supported: ['public'], id_token_signing_alg_values_supported: ['RS256'] });
  json('jwks.json', { keys: [{ use: 'sig', kty: 'RSA', kid: 'k1', alg: 'RS256', n: 'sXch', e: 'AQAB' }] });
  json('identities.json', [
    {
      clientId: CLIENT,
      id: `/subscriptions/0ecd7468-9b14-4107-ab94-2fb486bf9f7b/resourcegroups/rg-shop/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-orders`,
      location: 'eastus',
      name: 'id-orders',
      principalId: 'cccccccc-0000-4000-8000-000000000003',
      resourceGroup: 'rg-shop',
      tags: {},
      tenantId: TENANT,
      type: 'Microsoft.ManagedIdentity/userAssignedIdentities',
    },
  ]);
  mkdirSync(join(dir, 'federated-credentials'));
  json('federated-credentials/id-orders.json', [
    {
      audiences: ['api://AzureADTokenExchange'],
      id: '/subscriptions/0ecd7468-9b14-4107-ab94-2fb486bf9f7b/resourcegroups/rg-shop/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-orders/federatedIdentityCredentials/orders',
      issuer: ISSUER.slice(0, -1),
      name: 'orders',
      resourceGroup: 'rg-shop',
      subject: 'system:serviceaccount:shop:orders',
      type: 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials',
    },
  ]);
  json('applications.json', [{ appId: APP, id: 'dddddddd-0000-4000-8000-000000000004', displayName: 'orders-api', identifierUris: ['api://orders-api'], appRoles: [{ id: 'eeeeeeee-0000-4000-8000-000000000005', value: 'Orders.Read', displayName: 'Read orders', allowedMemberTypes: ['Application'], isEnabled: true }] }]);
}

describe('IDLENS_CLUSTER=<dir> IDLENS_AZURE=<dir>', () => {
  let server: RunningServer;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'prod-eastus-'));
    writeSnapshot(dir);
    server = await startServer({ IDLENS_CLUSTER: dir, IDLENS_AZURE: dir, IDLENS_LOGS: 'sample' });
  });
  afterAll(() => server?.stop());

  it("offers no \"Try the sample world's error\" on /explain: the sample error names objects this map does not have", async () => {
    const html = await (await fetch(`${server.url}/explain`)).text();
    expect(html).toContain('Explain an Entra ID error');
    expect(html).not.toContain('Try the sample world');
    const sample = await startServer();
    try {
      expect(await (await fetch(`${sample.url}/explain`)).text()).toContain('Try the sample world');
    } finally {
      await sample.stop();
    }
  }, 120_000); // starts a second server

  it('maps the snapshot: nodes, edges, and the trailing-slash FIC', async () => {
    const map = await (await fetch(`${server.url}/api/identity-map`)).json();
    const cluster = dir.split('/').pop();
    expect(map.clusters).toEqual([{ name: cluster, issuer: ISSUER }]);
    expect(map.sources.cluster).toEqual({ mode: `snapshot:${dir}`, ok: true });
    expect(map.sources.azure).toEqual({ mode: `snapshot:${dir}`, ok: true });
    const ids = map.nodes.map((n: { id: string }) => n.id).sort();
    expect(ids).toEqual(
      [`identity:${APP}`, `identity:${CLIENT}`, `fic:${CLIENT}/orders`, 'pod:shop/orders-7d9f8c6b5-x2x9q', 'sa:shop/default', 'sa:shop/orders'].sort(),
    );
    expect(map.edges).toContainEqual({ from: 'pod:shop/orders-7d9f8c6b5-x2x9q', to: 'sa:shop/orders', kind: 'runsAs' });
    expect(map.edges).toContainEqual({ from: `fic:${CLIENT}/orders`, to: `identity:${CLIENT}`, kind: 'credentialOf' });
    const mismatch = map.findings.find((f: { code: string }) => f.code === 'FIC_ISSUER_MISMATCH');
    expect(mismatch.refs).toEqual(expect.arrayContaining(['sa:shop/orders', `fic:${CLIENT}/orders`]));
    expect(mismatch.fix.commands.join('\n')).toContain(`--issuer ${ISSUER}`);
    // The snapshot's jwks.json verifies that cluster's tokens offline.
    const jwks = await (await fetch(`${server.url}/api/jwks?issuer=${encodeURIComponent(ISSUER)}`)).json();
    expect(jwks.jwks.keys[0].kid).toBe('k1');
  });

  it('keeps the Azure side when one FIC file is corrupt: that file is named, its identity stays, nothing is guessed from the unread FICs', async () => {
    writeFileSync(join(dir, 'federated-credentials/id-orders.json'), '[{"audiences": ["api://AzureADTokenExchange"], "issuer": ');
    const map = await (await fetch(`${server.url}/api/identity-map?refresh=1`)).json();
    expect(map.sources.azure.ok).toBe(true);
    expect(map.sources.azure.missing).toHaveLength(1);
    expect(map.sources.azure.missing[0]).toContain('a usable federated-credentials/id-orders.json (it is not JSON');
    expect(map.sources.azure.missing[0]).toContain('is not JSON');
    const ids = map.nodes.map((n: { id: string }) => n.id);
    expect(ids).toEqual(expect.arrayContaining([`identity:${CLIENT}`, `identity:${APP}`, 'sa:shop/orders']));
    expect(ids).not.toContain(`fic:${CLIENT}/orders`);
    const codes = map.findings.map((f: { code: string }) => f.code);
    expect(codes).not.toContain('SA_NO_MATCHING_FIC');
    expect(codes).not.toContain('FIC_ISSUER_MISMATCH');
    const health = await (await fetch(`${server.url}/api/health`)).json();
    expect(health.sources.azure.missing[0]).toContain('a usable federated-credentials/id-orders.json');
  });
});

describe('IDLENS_CLUSTER=<dir> with identities.json absent from IDLENS_AZURE', () => {
  let server: RunningServer;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'prod-eastus-'));
    writeSnapshot(dir);
    rmSync(join(dir, 'identities.json'));
    server = await startServer({ IDLENS_CLUSTER: dir, IDLENS_AZURE: dir, IDLENS_LOGS: 'sample' });
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('calls no annotated client ID unknown while the identities are unread: the banner says nothing is guessed', async () => {
    const map = await (await fetch(`${server.url}/api/identity-map`)).json();
    expect(map.sources.azure.missing).toContain('identities.json (az identity list -o json)');
    expect(map.nodes.map((n: { id: string }) => n.id)).toContain('sa:shop/orders');
    expect(map.findings.map((f: { code: string }) => f.code)).not.toContain('SA_CLIENT_ID_UNKNOWN');
  });

  it("keeps the cluster when its jwks.json is unusable, and /api/jwks says the keys are unreadable, not that the issuer is unknown", async () => {
    writeFileSync(join(dir, 'jwks.json'), JSON.stringify({ keys: 'nope' }));
    const map = await (await fetch(`${server.url}/api/identity-map?refresh=1`)).json();
    expect(map.sources.cluster.ok).toBe(true);
    expect(map.sources.cluster.missing).toEqual([expect.stringMatching(/^a usable jwks\.json \(it is not what `kubectl get --raw \/openid\/v1\/jwks` writes: at \$\.keys: /)]);
    expect(map.nodes.map((n: { id: string }) => n.id)).toContain('sa:shop/orders');
    const response = await fetch(`${server.url}/api/jwks?issuer=${encodeURIComponent(ISSUER)}`);
    expect(response.status).toBe(404);
    const { error } = await response.json();
    expect(error.message).toMatch(/^The cluster source could not tell whether .* is its cluster's issuer or give its keys: Snapshot file .*jwks\.json is not what/);
    expect(error.message).not.toContain('does not know the issuer');
  });
});
