import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeStub, type KubeStub } from '../support/kube-api-stub';
import { type RunningServer, startServer } from '../support/next-server';

// Refresh on a slow cluster: requests that come while the map is being computed wait for that
// computation and get its map, instead of each building one from the shared read (on a 50,000-node
// map each is a few hundred ms of CPU and a 43.6 MB answer); a refresh after it has finished reads anew.

const ISSUER = 'https://westeurope.oic.prod-aks.azure.com/tenant/slow/';

describe('/api/identity-map?refresh=1 while a read is under way', () => {
  let kube: KubeStub;
  let server: RunningServer;
  let dir: string;

  beforeAll(async () => {
    kube = await startKubeStub({
      serviceAccounts: [{ metadata: { name: 'orders', namespace: 'shop' } }],
      pods: [{ metadata: { name: 'orders-1', namespace: 'shop' }, spec: { serviceAccountName: 'orders', containers: [{ name: 'app', image: 'orders:1' }] }, status: { phase: 'Running' } }],
      issuer: ISSUER,
      jwks: { keys: [] },
      delayMs: 400,
    });
    dir = mkdtempSync(join(tmpdir(), 'idlens-refresh-'));
    writeFileSync(join(dir, 'config'), kube.kubeconfig(['slow']));
    server = await startServer({ IDLENS_CLUSTER: 'kubeconfig', KUBECONFIG: join(dir, 'config'), IDLENS_KUBE_CONTEXTS: 'slow', IDLENS_AZURE: 'sample', IDLENS_LOGS: 'sample' });
  });
  afterAll(async () => {
    await server?.stop();
    await kube?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const lists = () => kube.requests.filter((r) => /\/serviceaccounts\b/.test(r.url)).length;
  const refresh = async () => {
    const response = await fetch(`${server.url}/api/identity-map?refresh=1`);
    const map = (await response.json()) as { generatedAt: string; nodes: Array<{ id: string }> };
    return { timing: response.headers.get('server-timing') ?? '', map };
  };

  it('answers three refreshes at once with one read of the cluster and one map, and a later refresh with a new one', async () => {
    const before = lists();
    const answers = await Promise.all([refresh(), refresh(), refresh()]);
    expect(lists() - before).toBe(1);
    expect(new Set(answers.map((a) => a.map.generatedAt)).size).toBe(1);
    // The same computation behind all three: its durations, not three computations' own.
    expect(new Set(answers.map((a) => a.timing.replace(/, cache;desc=joined$/, ''))).size).toBe(1);
    expect(answers.map((a) => a.map.nodes.some((n) => n.id === 'sa:shop/orders'))).toEqual([true, true, true]);
    // Two of them waited for the first one's read, and say so.
    expect(answers.filter((a) => a.timing.endsWith(', cache;desc=joined'))).toHaveLength(2);

    const later = await refresh();
    expect(lists() - before).toBe(2);
    expect(later.timing).not.toMatch(/cache;desc=/);
    expect(later.map.generatedAt > answers[0]!.map.generatedAt).toBe(true);
  });
});
