import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeStub, type KubeStub } from '../support/kube-api-stub';
import { type RunningServer, startServer } from '../support/next-server';
import { stubKubeconfig } from '../support/stub-kubeconfig';

// Two contexts in IDLENS_KUBE_CONTEXTS, one of which refuses idlens (401): the map still shows the
// other, with the ids it has when both answer, and its kubectl fixes name its context.

const ISSUER = 'https://eastus.oic.prod-aks.azure.com/tenant/east/';
const UNKNOWN_CLIENT = '0d9e8f7a-0000-4000-8000-0000000000ff';

describe('/api/identity-map with one of two contexts refused', () => {
  let east: KubeStub;
  let west: KubeStub;
  let server: RunningServer;
  let dir: string;

  beforeAll(async () => {
    east = await startKubeStub({
      serviceAccounts: [{ metadata: { name: 'orders', namespace: 'shop', annotations: { 'azure.workload.identity/client-id': UNKNOWN_CLIENT } } }],
      pods: [],
      issuer: ISSUER,
      jwks: { keys: [] },
    });
    west = await startKubeStub({ serviceAccounts: [], pods: [], failWith: 401 });
    const a = JSON.parse(east.kubeconfig(['east'])) as { clusters: unknown[]; users: unknown[]; contexts: unknown[] };
    const b = JSON.parse(stubKubeconfig(west.url, { contexts: ['west'], cluster: 'west-cluster', user: 'west-user' })) as typeof a;
    dir = mkdtempSync(join(tmpdir(), 'idlens-contexts-'));
    // kubectl's current context is the refused one: fixes for east must not rely on it.
    writeFileSync(join(dir, 'config'), JSON.stringify({ ...a, clusters: [...a.clusters, ...b.clusters], users: [...a.users, ...b.users], contexts: [...a.contexts, ...b.contexts], 'current-context': 'west' }));
    server = await startServer({ IDLENS_CLUSTER: 'kubeconfig', KUBECONFIG: join(dir, 'config'), IDLENS_KUBE_CONTEXTS: 'east,west', IDLENS_AZURE: 'sample', IDLENS_LOGS: 'sample' });
  });
  afterAll(async () => {
    await server?.stop();
    await Promise.all([east?.close(), west?.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('draws the readable cluster with cluster-scoped ids, names the refused one, and gives --context to its fixes', async () => {
    const map = await (await fetch(`${server.url}/api/identity-map`)).json();
    expect(map.clusters).toEqual([{ name: 'east', issuer: ISSUER, kubeContext: 'east' }]);
    expect(map.nodes.map((n: { id: string }) => n.id)).toContain('sa:east:shop/orders');
    expect(map.sources.cluster.ok).toBe(true);
    expect(map.sources.cluster.missing).toEqual([expect.stringMatching(/^cluster west \(refused the credentials \(401\) while listing /)]);
    const kubectl = map.findings.flatMap((f: { fix?: { commands: string[] } }) => f.fix?.commands ?? []).filter((c: string) => c.startsWith('kubectl '));
    expect(kubectl.length).toBeGreaterThan(0);
    for (const c of kubectl) expect(c).toMatch(/^kubectl --context east /);
    const health = await (await fetch(`${server.url}/api/health`)).json();
    expect(health.status).toBe('degraded');
    expect(health.sources.cluster.missing[0]).toMatch(/^cluster west /);
  });
});
