import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KubeClusterSource } from '@/lib/sources/cluster/kube-cluster-source';
import { SourceError } from '@/lib/sources/source-error';
import { startKubeStub, type KubeStub } from '../support/kube-api-stub';
import { stubKubeconfig } from '../support/stub-kubeconfig';

// The production client-node code against a loopback Kubernetes API (no mocks).

const ISSUER = 'https://westeurope.oic.prod-aks.azure.com/00000000-0000-0000-0000-000000000001/11111111-2222-3333-4444-555555555555/';
const JWKS = { keys: [{ use: 'sig', kty: 'RSA', kid: 'k1', alg: 'RS256', n: 'xyz', e: 'AQAB' }] };

const aServiceAccount = (i: number) => ({
  metadata: { name: `sa-${i}`, namespace: `ns-${i % 7}`, uid: `uid-${i}`, annotations: i % 2 ? { 'azure.workload.identity/client-id': `client-${i}` } : undefined },
});
const aPod = (i: number) => ({
  metadata: { name: `pod-${i}`, namespace: `ns-${i % 7}`, labels: { 'azure.workload.identity/use': 'true' }, creationTimestamp: '2026-11-01T00:00:00Z' },
  spec: {
    serviceAccountName: `sa-${i % 1200}`,
    containers: [
      {
        name: 'app',
        env: [{ name: 'AZURE_CLIENT_ID', value: `client-${i}` }, { name: 'FROM_SECRET', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }],
        volumeMounts: [{ name: 'azure-identity-token', mountPath: '/var/run/secrets/azure/tokens', readOnly: true }],
      },
    ],
    volumes: [{ name: 'azure-identity-token', projected: { sources: [{ serviceAccountToken: { audience: 'api://AzureADTokenExchange', expirationSeconds: 3600, path: 'azure-identity-token' } }] } }],
  },
  status: { phase: 'Running' },
});

describe('KubeClusterSource against a loopback Kubernetes API', () => {
  let stub: KubeStub | undefined;
  afterEach(async () => {
    await stub?.close();
    stub = undefined;
  });

  it('reads service accounts and pods of all namespaces page by page, following continue to the end', async () => {
    stub = await startKubeStub({
      serviceAccounts: Array.from({ length: 1200 }, (_, i) => aServiceAccount(i)),
      pods: Array.from({ length: 2501 }, (_, i) => aPod(i)),
      issuer: ISSUER,
      jwks: JWKS,
    });
    const source = new KubeClusterSource({ mode: 'kubeconfig', contexts: [], kubeconfigText: stub.kubeconfig(), pageSize: 500 });
    const snapshot = await source.list();
    expect(snapshot.serviceAccounts).toHaveLength(1200);
    expect(snapshot.pods).toHaveLength(2501);
    expect(snapshot.clusters).toEqual([{ name: 'stub', issuer: ISSUER, jwks: JWKS }]);

    const podPages = stub.requests.filter((r) => r.url.startsWith('/api/v1/pods'));
    expect(podPages.map((r) => new URL(r.url, 'http://x').searchParams.get('continue'))).toEqual([null, '500', '1000', '1500', '2000', '2500']);
    expect(podPages.every((r) => new URL(r.url, 'http://x').searchParams.get('limit') === '500')).toBe(true);
    expect(stub.requests[0]!.headers.authorization).toBe('Bearer stub-token');

    const pod = snapshot.pods[3]!;
    expect(pod).toMatchObject({ cluster: 'stub', namespace: 'ns-3', name: 'pod-3', serviceAccountName: 'sa-3', phase: 'Running' });
    expect(pod.containers[0]!.env).toEqual({ AZURE_CLIENT_ID: 'client-3' });
    expect(pod.projectedTokens).toEqual([
      { volumeName: 'azure-identity-token', audience: 'api://AzureADTokenExchange', expirationSeconds: 3600, mountPath: '/var/run/secrets/azure/tokens/azure-identity-token' },
    ]);
    expect(snapshot.serviceAccounts[1]!.annotations).toEqual({ 'azure.workload.identity/client-id': 'client-1' });
    expect(await source.jwksFor(ISSUER)).toEqual(JWKS);
    expect(await source.jwksFor('https://other/')).toBeUndefined();
  });

  it('reads several contexts as several clusters', async () => {
    stub = await startKubeStub({ serviceAccounts: [aServiceAccount(1)], pods: [], issuer: ISSUER, jwks: JWKS });
    const source = new KubeClusterSource({ mode: 'kubeconfig', contexts: ['east', 'west'], kubeconfigText: stub.kubeconfig(['east', 'west']) });
    const snapshot = await source.list();
    expect(snapshot.clusters.map((c) => c.name)).toEqual(['east', 'west']);
    // Named in IDLENS_KUBE_CONTEXTS: kubectl fixes must name them (kubectl's current context may be another).
    expect(snapshot.clusters.map((c) => c.kubeContext)).toEqual(['east', 'west']);
    expect(snapshot.serviceAccounts.map((s) => s.cluster)).toEqual(['east', 'west']);
  });

  it('keeps the clusters it can read when one context is refused and another is missing, and says which', async () => {
    stub = await startKubeStub({ serviceAccounts: [aServiceAccount(1)], pods: [aPod(1)], issuer: ISSUER, jwks: JWKS });
    const refusing = await startKubeStub({ serviceAccounts: [], pods: [], failWith: 401, issuer: 'https://refusing.example/', jwks: JWKS });
    try {
      const good = JSON.parse(stub.kubeconfig(['east'])) as { clusters: unknown[]; users: unknown[]; contexts: unknown[] };
      const bad = JSON.parse(stubKubeconfig(refusing.url, { contexts: ['west'], cluster: 'west-cluster', user: 'west-user' })) as typeof good;
      const kubeconfigText = JSON.stringify({ ...good, clusters: [...good.clusters, ...bad.clusters], users: [...good.users, ...bad.users], contexts: [...good.contexts, ...bad.contexts] });
      const snapshot = await new KubeClusterSource({ mode: 'kubeconfig', contexts: ['east', 'west', 'north'], kubeconfigText }).list();
      // The refused cluster is left out whole: no issuer of it, so nothing is concluded from its absent service accounts.
      expect(snapshot.clusters.map((c) => c.name)).toEqual(['east']);
      expect(snapshot.serviceAccounts.map((s) => `${s.cluster}/${s.name}`)).toEqual(['east/sa-1']);
      expect(snapshot.pods).toHaveLength(1);
      expect(snapshot.missing).toHaveLength(2);
      expect(snapshot.unreadClusters).toEqual(['north', 'west']);
      expect(snapshot.missing![0]).toBe('cluster north (The kubeconfig has no context "north" (IDLENS_KUBE_CONTEXTS). Known contexts: east, west)');
      // The cluster is named once.
      expect(snapshot.missing![1]).toMatch(/^cluster west \(refused the credentials \(401\) while listing (serviceaccounts|pods)/);
      // Every context failing fails the source, naming each.
      const none = await new KubeClusterSource({ mode: 'kubeconfig', contexts: ['west', 'north'], kubeconfigText }).list().catch((e: unknown) => e);
      expect(none).toBeInstanceOf(SourceError);
      expect((none as SourceError).message).toMatch(/^No context could be read\. The kubeconfig has no context "north".* Cluster west refused the credentials \(401\)/);
    } finally {
      await refusing.close();
    }
  });

  it('keeps the lists when OIDC discovery is forbidden, and names the RBAC rule it lacks (no client dump)', async () => {
    stub = await startKubeStub({ serviceAccounts: [aServiceAccount(1)], pods: [], issuer: ISSUER, jwks: JWKS, failOidcWith: 403 });
    const snapshot = await new KubeClusterSource({ mode: 'kubeconfig', contexts: [], kubeconfigText: stub.kubeconfig() }).list();
    expect(snapshot.serviceAccounts).toHaveLength(1);
    expect(snapshot.clusters).toEqual([{ name: 'stub' }]);
    expect(snapshot.missing).toEqual([
      'the OIDC issuer and keys of cluster stub (GET /.well-known/openid-configuration is forbidden (403): the identity needs "get" on the non-resource URLs /.well-known/openid-configuration and /openid/v1/jwks, e.g. a ClusterRoleBinding to the built-in ClusterRole system:service-account-issuer-discovery)',
    ]);
    await stub.close();
    stub = await startKubeStub({ serviceAccounts: [aServiceAccount(1)], pods: [], issuer: ISSUER, jwks: JWKS, failOidcWith: 404 });
    const missing = (await new KubeClusterSource({ mode: 'kubeconfig', contexts: [], kubeconfigText: stub.kubeconfig() }).list()).missing!;
    expect(missing[0]).toMatch(/^the OIDC issuer and keys of cluster stub \(GET \/\.well-known\/openid-configuration answered 404: the API server does not serve service-account issuer discovery/);
    expect(missing.join()).not.toMatch(/HTTP-Code|Headers|Body/);
    // The token decoder's key lookup says the same instead of "unknown issuer".
    await expect(new KubeClusterSource({ mode: 'kubeconfig', contexts: [], kubeconfigText: stub.kubeconfig() }).jwksFor(ISSUER)).rejects.toThrow(
      /^No cluster read has this issuer, and idlens could not read the OIDC issuer and keys of cluster stub \(GET \/\.well-known\/openid-configuration answered 404/,
    );
  });

  it('names the missing RBAC permission on 403', async () => {
    stub = await startKubeStub({ serviceAccounts: [], pods: [], failWith: 403 });
    const source = new KubeClusterSource({ mode: 'kubeconfig', contexts: [], kubeconfigText: stub.kubeconfig() });
    const error = await source.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).code).toBe('forbidden:cluster');
    expect((error as SourceError).message).toMatch(/RBAC verb "list" on "(serviceaccounts|pods)"/);
  });

  it('explains refused credentials on 401', async () => {
    stub = await startKubeStub({ serviceAccounts: [], pods: [], failWith: 401 });
    const source = new KubeClusterSource({ mode: 'kubeconfig', contexts: [], kubeconfigText: stub.kubeconfig() });
    await expect(source.list()).rejects.toMatchObject({ code: 'unauthorized:cluster' });
  });

  it('reports an unparsable kubeconfig and a missing context clearly', async () => {
    await expect(new KubeClusterSource({ mode: 'kubeconfig', contexts: [], kubeconfigText: 'clusters: [oops' }).list()).rejects.toMatchObject({ code: 'config:cluster' });
    // Read by the standard rules from KUBECONFIG: the file is named, the YAML error is one line (no code frame).
    const dir = mkdtempSync(join(tmpdir(), 'idlens-kubeconfig-'));
    const saved = process.env.KUBECONFIG;
    try {
      writeFileSync(join(dir, 'broken'), 'clusters:\n- name: a\n  cluster: {server: "http://x\nusers: [\n');
      writeFileSync(join(dir, 'list'), '- a\n- b\n');
      process.env.KUBECONFIG = join(dir, 'broken');
      const broken = (await new KubeClusterSource({ mode: 'kubeconfig', contexts: [], kubeconfigFiles: join(dir, 'broken') }).list().catch((e: unknown) => e)) as SourceError;
      expect(broken.message).toMatch(new RegExp(`^The kubeconfig in KUBECONFIG=${join(dir, 'broken')} could not be loaded: [^\\n]*\\(\\d+:\\d+\\)\\. Fix the file; \`kubectl config view\` shows what kubectl reads from it\\.$`));
      process.env.KUBECONFIG = join(dir, 'list');
      const notAKubeconfig = (await new KubeClusterSource({ mode: 'kubeconfig', contexts: [], kubeconfigFiles: join(dir, 'list') }).list().catch((e: unknown) => e)) as SourceError;
      expect(notAKubeconfig.message).toBe(`The kubeconfig in KUBECONFIG=${join(dir, 'list')} names no context: is it a kubeconfig? \`kubectl config view\` shows what kubectl reads; \`az aks get-credentials\` writes one.`);
    } finally {
      if (saved === undefined) delete process.env.KUBECONFIG;
      else process.env.KUBECONFIG = saved;
      rmSync(dir, { recursive: true, force: true });
    }
    stub = await startKubeStub({ serviceAccounts: [], pods: [] });
    await expect(new KubeClusterSource({ mode: 'kubeconfig', contexts: ['nope'], kubeconfigText: stub.kubeconfig() }).list()).rejects.toThrow('The kubeconfig has no context "nope" (IDLENS_KUBE_CONTEXTS). Known contexts: stub.');
  });

  it('reports an unreachable API server', async () => {
    stub = await startKubeStub({ serviceAccounts: [], pods: [] });
    const kubeconfig = stub.kubeconfig();
    await stub.close();
    stub = undefined;
    await expect(new KubeClusterSource({ mode: 'kubeconfig', contexts: [], kubeconfigText: kubeconfig }).list()).rejects.toMatchObject({ code: 'unreachable:cluster' });
  });
});
