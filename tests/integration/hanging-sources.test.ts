import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startArmStub } from '../support/arm-stub';
import { startEntraStub } from '../support/entra-stub';
import { startGraphStub } from '../support/graph-stub';
import { startKubeStub } from '../support/kube-api-stub';
import { type RunningServer, startServer } from '../support/next-server';
import type { StubServer } from '../support/stub-server';

// Issue 5: the server keeps answering while a source hangs. Every upstream here accepts the
// connection, reads the request and never answers. Each outbound call has its own deadline (30 s
// for a Kubernetes request, an Entra token request, an ARM or Graph call), so /api/identity-map
// answers with the failing source's error saying what timed out and where, within the route's
// deadline (lib/server/snapshots.ts, 60 s) — and other routes answer meanwhile.

const TENANT = '6f1c3a52-0000-4000-8000-00000000aaaa';
const CLIENT = '0b7e4d21-0000-4000-8000-00000000cccc';
/** Per-call timeouts (30 s) plus slack for a loaded machine; below the route's 60 s deadline. */
const DEADLINE_MS = 45_000;
/** A route that does not depend on the hung sources must answer promptly. */
const PROMPT_MS = 5_000;

interface MapBody {
  nodes: unknown[];
  sources: Record<'cluster' | 'azure', { ok: boolean; error?: { code: string; message: string } }>;
}

async function timed(url: string): Promise<{ ms: number; status: number; text: string }> {
  const t0 = performance.now();
  const response = await fetch(url);
  const text = await response.text();
  return { ms: performance.now() - t0, status: response.status, text };
}

describe('hanging upstreams', () => {
  const stubs: StubServer[] = [];
  let dir: string;
  /** Kubernetes API and Entra ID hang. */
  let clusterAndEntra: RunningServer;
  /** Entra ID answers; ARM and Microsoft Graph hang. */
  let armAndGraph: RunningServer;
  let kubeUrl: string;
  let entraUrl: string;
  let armUrl: string;
  let graphUrl: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'idlens-hang-'));
    const kube = await startKubeStub({ serviceAccounts: [], pods: [], hang: true });
    const hungEntra = await startEntraStub(TENANT, { hang: true });
    const entra = await startEntraStub(TENANT);
    const arm = await startArmStub({ subscriptions: [], identities: {}, federatedCredentials: {}, hang: true });
    const graph = await startGraphStub({ applications: [], federatedCredentials: {}, servicePrincipals: [], appRoleAssignedTo: {}, hang: true });
    stubs.push(kube, hungEntra, entra, arm, graph);
    kubeUrl = kube.url;
    entraUrl = hungEntra.url;
    armUrl = arm.url;
    graphUrl = graph.url;
    const kubeconfig = join(dir, 'kubeconfig');
    await writeFile(kubeconfig, kube.kubeconfig(['hung']));
    const azure = (authorityHost: string) => ({
      IDLENS_AZURE: 'live',
      AZURE_TENANT_ID: TENANT,
      AZURE_CLIENT_ID: CLIENT,
      AZURE_CLIENT_SECRET: 'test-secret',
      AZURE_AUTHORITY_HOST: authorityHost,
      IDLENS_ARM_URL: arm.url,
      IDLENS_GRAPH_URL: graph.url,
      IDLENS_AZURE_SUBSCRIPTIONS: '11111111-0000-4000-8000-000000000001',
    });
    [clusterAndEntra, armAndGraph] = await Promise.all([
      startServer({ IDLENS_CLUSTER: 'kubeconfig', KUBECONFIG: kubeconfig, IDLENS_KUBE_CONTEXTS: 'hung', IDLENS_LOGS: 'sample', ...azure(hungEntra.authorityHost) }),
      startServer({ IDLENS_CLUSTER: 'sample', IDLENS_LOGS: 'sample', ...azure(entra.authorityHost) }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([clusterAndEntra?.stop(), armAndGraph?.stop()]);
    await Promise.all(stubs.map((s) => s.close()));
    await rm(dir, { recursive: true, force: true });
  });

  it(
    'answers /api/identity-map within the deadline with each hung source timed out, and keeps answering other routes meanwhile',
    async () => {
      // Both maps are requested at once; while they hang, the other routes must answer.
      const pendingA = timed(`${clusterAndEntra.url}/api/identity-map?refresh=1`);
      const pendingB = timed(`${armAndGraph.url}/api/identity-map?refresh=1`);
      let settled = false;
      void Promise.all([pendingA, pendingB]).finally(() => (settled = true));

      await new Promise((r) => setTimeout(r, 1000)); // the hung calls are out by now
      for (const server of [clusterAndEntra, armAndGraph]) {
        const traces = await timed(`${server.url}/api/traces?outcome=failed&limit=5`);
        expect(traces.status).toBe(200);
        expect(traces.ms).toBeLessThan(PROMPT_MS);
        const overview = await timed(`${server.url}/`);
        expect(overview.status).toBe(200);
        expect(overview.ms).toBeLessThan(PROMPT_MS);
      }
      // /api/health probes every source with its own deadline (10 s) and answers degraded.
      const health = await timed(`${clusterAndEntra.url}/api/health`);
      expect(health.ms).toBeLessThan(15_000);
      const healthBody = JSON.parse(health.text) as { status: string; sources: Record<string, { ok: boolean; error?: { code: string } }> };
      expect(healthBody.status).toBe('degraded');
      expect(healthBody.sources.cluster).toMatchObject({ ok: false, error: { code: 'timeout:cluster' } });
      expect(healthBody.sources.azure).toMatchObject({ ok: false, error: { code: 'timeout:azure' } });
      expect(healthBody.sources.logs).toMatchObject({ ok: true });
      expect(settled).toBe(false); // the maps were still pending while all of the above answered

      const [a, b] = await Promise.all([pendingA, pendingB]);
      for (const r of [a, b]) {
        expect(r.status).toBe(200);
        expect(r.ms).toBeLessThan(DEADLINE_MS);
      }

      // What timed out, and where.
      const mapA = JSON.parse(a.text) as MapBody;
      const mapB = JSON.parse(b.text) as MapBody;
      console.log(`hung upstreams: maps answered in ${a.ms.toFixed(0)} and ${b.ms.toFixed(0)} ms; health in ${health.ms.toFixed(0)} ms\n  ${mapA.sources.cluster.error?.message}\n  ${mapA.sources.azure.error?.message}\n  ${mapB.sources.azure.error?.message}`);
      expect(mapA.sources.cluster.ok).toBe(false);
      expect(mapA.sources.cluster.error!.code).toBe('timeout:cluster');
      expect(mapA.sources.cluster.error!.message).toContain(kubeUrl);
      expect(mapA.sources.cluster.error!.message).toMatch(/did not answer GET \/api\/v1\/(serviceaccounts|pods)/);
      expect(mapA.sources.azure.ok).toBe(false);
      expect(mapA.sources.azure.error!.code).toBe('timeout:azure');
      expect(mapA.sources.azure.error!.message).toContain(`${entraUrl}/${TENANT}/oauth2/v2.0/token`);

      expect(mapB.sources.cluster.ok).toBe(true); // the sample cluster still answers
      expect(mapB.nodes.length).toBeGreaterThan(0);
      expect(mapB.sources.azure.ok).toBe(false);
      expect(mapB.sources.azure.error!.code).toBe('timeout:azure');
      expect(mapB.sources.azure.error!.message).toContain(`ARM did not answer GET ${armUrl}/subscriptions/`);
      expect(mapB.sources.azure.error!.message).toContain(`Microsoft Graph did not answer GET ${graphUrl}/v1.0/applications`);

      // Still answering after the hung reads gave up.
      const after = await timed(`${clusterAndEntra.url}/api/traces?limit=1`);
      expect(after.status).toBe(200);
    },
    120_000,
  );
});
