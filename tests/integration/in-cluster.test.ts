import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_ACCOUNT_DIR } from '@/lib/sources/cluster/in-cluster';
import { KubeClusterSource } from '@/lib/sources/cluster/kube-cluster-source';
import { KubeLogSource } from '@/lib/sources/logs/kube-log-source';
import { SourceError } from '@/lib/sources/source-error';
import { startKubeStub, type KubeStub } from '../support/kube-api-stub';
import { startKubeLogsStub } from '../support/kube-logs-stub';
import { type RunningServer, startServer } from '../support/next-server';
import { makeTestCertificates, type TestCertificates } from '../support/tls-cert';

// In-cluster mode (IDLENS_CLUSTER=in-cluster) against a loopback API server speaking HTTPS, as a
// pod sees it: KUBERNETES_SERVICE_HOST/PORT, the mounted service-account token and ca.crt (under
// IDLENS_IN_CLUSTER_ROOT, client-node's path prefix, instead of the pod's /). client-node's own
// in-cluster loading, token-file auth and CA verification run unchanged.

const ISSUER = 'https://westeurope.oic.prod-aks.azure.com/00000000-0000-0000-0000-000000000001/11111111-2222-3333-4444-555555555555/';
const JWKS = { keys: [{ use: 'sig', kty: 'RSA', kid: 'k1', alg: 'RS256', n: 'xyz', e: 'AQAB' }] };
const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.in-cluster-sa-token.sig';

const serviceAccount = (i: number) => ({
  metadata: { name: `sa-${i}`, namespace: 'shop', uid: `uid-${i}`, annotations: { 'azure.workload.identity/client-id': `00000000-0000-4000-8000-00000000000${i}` } },
});
const pod = (i: number) => ({
  metadata: { name: `pod-${i}`, namespace: 'shop', labels: { 'azure.workload.identity/use': 'true' } },
  spec: { serviceAccountName: `sa-${i % 3}`, containers: [{ name: 'app' }] },
  status: { phase: 'Running' },
});

/** A directory laid out like a pod's / for the service-account files; `ca` is what ca.crt trusts. */
function podRoot(files: { token?: string; ca?: string }): string {
  const root = mkdtempSync(join(tmpdir(), 'idlens-in-cluster-'));
  const dir = join(root, SERVICE_ACCOUNT_DIR);
  mkdirSync(dir, { recursive: true });
  if (files.token !== undefined) writeFileSync(join(dir, 'token'), files.token);
  if (files.ca !== undefined) writeFileSync(join(dir, 'ca.crt'), files.ca);
  writeFileSync(join(dir, 'namespace'), 'idlens');
  return root;
}

describe('in-cluster mode against a loopback HTTPS API server', () => {
  let certs: TestCertificates;
  let stub: KubeStub;
  let port: string;
  let saved: { host?: string; port?: string } = {};
  const restore = (name: string, value: string | undefined) => {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  };
  const roots: string[] = [];
  const root = (files: { token?: string; ca?: string }) => {
    const r = podRoot(files);
    roots.push(r);
    return r;
  };

  beforeAll(async () => {
    certs = makeTestCertificates();
    stub = await startKubeStub({
      serviceAccounts: Array.from({ length: 3 }, (_, i) => serviceAccount(i)),
      pods: Array.from({ length: 7 }, (_, i) => pod(i)),
      issuer: ISSUER,
      jwks: JWKS,
      tls: { key: certs.key, cert: certs.cert },
    });
    port = new URL(stub.url).port;
    // As Kubernetes sets them in a pod; client-node reads them from the process environment.
    saved = { host: process.env.KUBERNETES_SERVICE_HOST, port: process.env.KUBERNETES_SERVICE_PORT };
    process.env.KUBERNETES_SERVICE_HOST = '127.0.0.1';
    process.env.KUBERNETES_SERVICE_PORT = port;
  });
  afterAll(async () => {
    restore('KUBERNETES_SERVICE_HOST', saved.host);
    restore('KUBERNETES_SERVICE_PORT', saved.port);
    await stub?.close();
    for (const r of roots) rmSync(r, { recursive: true, force: true });
  });

  it('lists through the pod service account: its token as Bearer, the server verified against ca.crt, pages followed', async () => {
    const source = new KubeClusterSource({ mode: 'in-cluster', contexts: [], pageSize: 2, inCluster: { host: '127.0.0.1', port, root: root({ token: TOKEN, ca: certs.ca }) } });
    const before = stub.requests.length;
    const snapshot = await source.list();
    expect(snapshot.clusters).toEqual([{ name: 'in-cluster', issuer: ISSUER, jwks: JWKS }]);
    expect(snapshot.serviceAccounts.map((s) => s.name)).toEqual(['sa-0', 'sa-1', 'sa-2']);
    expect(snapshot.pods.map((p) => p.name)).toEqual(['pod-0', 'pod-1', 'pod-2', 'pod-3', 'pod-4', 'pod-5', 'pod-6']);
    const requests = stub.requests.slice(before);
    expect(requests.filter((r) => r.url.startsWith('/api/v1/pods')).map((r) => new URL(r.url, 'https://x').searchParams.get('continue'))).toEqual([null, '2', '4', '6']);
    expect(requests.every((r) => r.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);
  });

  it('refuses an API server whose certificate the pod CA did not sign, and says so', async () => {
    const other = makeTestCertificates(); // an unrelated CA
    const source = new KubeClusterSource({ mode: 'in-cluster', contexts: [], inCluster: { host: '127.0.0.1', port, root: root({ token: TOKEN, ca: other.ca }) } });
    const before = stub.requests.length;
    const error = await source.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).message).toMatch(/TLS certificate was not accepted \([A-Z_]+\): the CA idlens trusts for it \(the pod's ca\.crt\) did not sign/);
    expect((error as SourceError).message).toMatch(/while listing (serviceaccounts|pods)/);
    expect(stub.requests.length).toBe(before); // no request got through the TLS handshake
  });

  it('explains a process outside a pod, a pod without a mounted token, and one without its ca.crt', async () => {
    const files = root({ token: TOKEN, ca: certs.ca });
    for (const settings of [{ root: files }, { host: '127.0.0.1', root: files }, { port, root: files }]) {
      const outside = new KubeClusterSource({ mode: 'in-cluster', contexts: [], inCluster: settings });
      const error = (await outside.list().catch((e: unknown) => e)) as SourceError;
      expect(error.code).toBe('config:cluster');
      expect(error.message).toMatch(/needs KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT.*not running in a pod.*IDLENS_CLUSTER=kubeconfig/);
    }

    const noToken = root({ ca: certs.ca });
    const unmounted = new KubeClusterSource({ mode: 'in-cluster', contexts: [], inCluster: { host: '127.0.0.1', port, root: noToken } });
    const e2 = (await unmounted.list().catch((e: unknown) => e)) as SourceError;
    expect(e2.code).toBe('config:cluster');
    expect(e2.message).toContain(`${noToken}${SERVICE_ACCOUNT_DIR}/token is missing`);
    expect(e2.message).toContain('automountServiceAccountToken');

    const noCa = root({ token: TOKEN });
    const e3 = (await new KubeClusterSource({ mode: 'in-cluster', contexts: [], inCluster: { host: '127.0.0.1', port, root: noCa } }).list().catch((e: unknown) => e)) as SourceError;
    expect(e3.code).toBe('config:cluster');
    expect(e3.message).toContain(`${noCa}${SERVICE_ACCOUNT_DIR}/ca.crt is missing, so the API server's certificate cannot be checked (the token is there)`);
  });

  it("names the pod's token, not a kubeconfig, when the API server refuses it", async () => {
    const refusing = await startKubeStub({ serviceAccounts: [], pods: [], failWith: 401, tls: { key: certs.key, cert: certs.cert } });
    const refusingPort = new URL(refusing.url).port;
    process.env.KUBERNETES_SERVICE_PORT = refusingPort;
    try {
      const source = new KubeClusterSource({ mode: 'in-cluster', contexts: [], inCluster: { host: '127.0.0.1', port: refusingPort, root: root({ token: TOKEN, ca: certs.ca }) } });
      const error = (await source.list().catch((e: unknown) => e)) as SourceError;
      expect(error.code).toBe('unauthorized:cluster');
      expect(error.message).toContain("the pod's service-account token was refused");
      expect(error.message).not.toContain('kubeconfig');
    } finally {
      process.env.KUBERNETES_SERVICE_PORT = port;
      await refusing.close();
    }
  });

  it('reads pod logs through the pod service account too', async () => {
    const logs = await startKubeLogsStub({
      namespace: 'shop',
      pods: [{ name: 'consumer-1', labels: { app: 'consumer' }, containers: [{ name: 'app', lines: [['2026-11-29T10:00:00Z', 'calling provider correlation=c0ffee42']] }] }],
      tls: { key: certs.key, cert: certs.cert },
    });
    process.env.KUBERNETES_SERVICE_PORT = new URL(logs.url).port;
    try {
      const source = new KubeLogSource({ namespace: 'shop', inCluster: { host: '127.0.0.1', port: new URL(logs.url).port, root: root({ token: TOKEN, ca: certs.ca }) } });
      const result = await source.search('c0ffee42', { maxLines: 10 });
      expect(result.errors).toBeUndefined();
      expect(result.lines.map((l) => l.source)).toEqual(['kube:shop/consumer-1/app']);
      expect(logs.requests.length).toBeGreaterThan(0);
      expect(logs.requests.every((r) => r.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);

      // A CA that did not sign the server's certificate: explained, not a bare fetch error.
      const untrusting = new KubeLogSource({ namespace: 'shop', inCluster: { host: '127.0.0.1', port: new URL(logs.url).port, root: root({ token: TOKEN, ca: makeTestCertificates().ca }) } });
      const refused = await untrusting.search('c0ffee42', { maxLines: 10 }).catch((e: unknown) => e);
      const message = refused instanceof Error ? refused.message : JSON.stringify((refused as { errors?: unknown }).errors);
      expect(message).toMatch(/TLS certificate was not accepted \([A-Z_]+\): the CA idlens trusts for it \(the pod's ca\.crt\)/);
    } finally {
      process.env.KUBERNETES_SERVICE_PORT = port;
      await logs.close();
    }
  });

  describe('the real server with IDLENS_CLUSTER=in-cluster', () => {
    let server: RunningServer;
    beforeAll(async () => {
      server = await startServer({
        IDLENS_CLUSTER: 'in-cluster',
        KUBERNETES_SERVICE_HOST: '127.0.0.1',
        KUBERNETES_SERVICE_PORT: port,
        IDLENS_IN_CLUSTER_ROOT: root({ token: TOKEN, ca: certs.ca }),
      });
    }, 60_000);
    afterAll(async () => server?.stop());

    it('draws the cluster read in-cluster on the map and reports it healthy', async () => {
      const response = await fetch(`${server.url}/api/identity-map?refresh=1`);
      expect(response.status).toBe(200);
      expect(response.headers.get('server-timing')).toMatch(/^cluster;dur=[\d.]+, azure;dur=[\d.]+, domain;dur=[\d.]+$/);
      const map = (await response.json()) as { sources: { cluster: { mode: string; ok: boolean } }; nodes: Array<{ id: string; kind: string }>; clusters: Array<{ name: string; issuer?: string }> };
      expect(map.sources.cluster).toMatchObject({ mode: 'in-cluster', ok: true });
      expect(map.clusters).toEqual([expect.objectContaining({ name: 'in-cluster', issuer: ISSUER })]);
      expect(map.nodes.filter((n) => n.kind === 'serviceAccount').map((n) => n.id).sort()).toEqual(['sa:shop/sa-0', 'sa:shop/sa-1', 'sa:shop/sa-2']);
      expect(map.nodes.filter((n) => n.kind === 'pod')).toHaveLength(7);

      // A second read within 30 s reuses that computation, and says so.
      const again = await fetch(`${server.url}/api/identity-map`);
      expect(again.headers.get('server-timing')).toMatch(/, cache;desc=hit$/);
      await again.arrayBuffer();

      const health = (await (await fetch(`${server.url}/api/health`)).json()) as { sources: { cluster: { ok: boolean; mode: string } } };
      expect(health.sources.cluster).toMatchObject({ ok: true, mode: 'in-cluster' });
    });
  });
});
