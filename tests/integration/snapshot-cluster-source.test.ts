import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SnapshotClusterSource } from '@/lib/sources/cluster/snapshot-cluster-source';
import { SourceError } from '@/lib/sources/source-error';

// The kubectl outputs of a snapshot directory, read from disk: a file another command wrote is
// refused with its path and JSON path; an unusable OIDC file costs only the issuer or the keys.

const ISSUER = 'https://eastus.oic.prod-aks.azure.com/tenant/cluster/';
const serviceAccount = (name: string) => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: 'shop' } });
const pod = (name: string, extra: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'shop' }, spec: { serviceAccountName: 'orders', containers: [{ name: 'app' }] }, ...extra });

describe('SnapshotClusterSource', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const snapshot = (files: Record<string, unknown>) => {
    const dir = mkdtempSync(join(tmpdir(), 'idlens-kube-snap-'));
    dirs.push(dir);
    for (const [file, value] of Object.entries(files)) writeFileSync(join(dir, file), typeof value === 'string' ? value : JSON.stringify(value, null, 2));
    return { dir, source: new SnapshotClusterSource(dir) };
  };
  const oidc = { 'openid-configuration.json': { issuer: ISSUER, jwks_uri: `${ISSUER}openid/v1/jwks` }, 'jwks.json': { keys: [] } };
  const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (e: unknown) => e as SourceError);

  it('refuses a list of another kind, naming the file, $.kind and the command to write it', async () => {
    const { dir, source } = snapshot({ 'kubernetes.json': { apiVersion: 'v1', kind: 'ConfigMapList', items: [] }, ...oidc });
    const error = await failure(source.list());
    expect(error).toBeInstanceOf(SourceError);
    expect(error!.message).toBe(
      `Snapshot file ${join(dir, 'kubernetes.json')} is not what \`kubectl get serviceaccounts,pods -A -o json\` writes: at $.kind: kind is "ConfigMapList", not List (the file holds something else)`,
    );
  });

  it('refuses a misspelt ServiceAccount or Pod item by its JSON path, instead of dropping it; passes over other kinds', async () => {
    const misspelt = snapshot({ 'kubernetes.json': { kind: 'List', items: [serviceAccount('orders'), { ...serviceAccount('billing'), kind: 'ServiceAcount' }] }, ...oidc });
    expect((await failure(misspelt.source.list()))!.message).toContain('at $.items.1.kind: kind is "ServiceAcount", not ServiceAccount (an edited file?)');
    const lower = snapshot({ 'kubernetes.json': { kind: 'List', items: [serviceAccount('orders'), { ...pod('orders-1'), kind: 'pod' }] }, ...oidc });
    expect((await failure(lower.source.list()))!.message).toContain('at $.items.1.kind: kind is "pod", not Pod');
    // kubectl get all,sa -A -o json: Deployments, Services, Nodes… are not read, and not an error.
    const all = snapshot({ 'kubernetes.json': { kind: 'List', items: [serviceAccount('orders'), pod('orders-1'), { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'orders', namespace: 'shop' } }, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } }] }, ...oidc });
    const result = await all.source.list();
    expect(result.serviceAccounts.map((s) => s.name)).toEqual(['orders']);
    expect(result.pods.map((p) => p.name)).toEqual(['orders-1']);
  });

  it('refuses pods without any service account: the output of kubectl get pods alone', async () => {
    const { dir, source } = snapshot({ 'kubernetes.json': { kind: 'List', items: [pod('orders-1'), pod('orders-2')] }, ...oidc });
    const error = await failure(source.list());
    expect(error!.message).toBe(
      `Snapshot file ${join(dir, 'kubernetes.json')} holds 2 pods but no ServiceAccount (the output of \`kubectl get pods\` alone?): every pod would point at a missing service account. Produce it with: kubectl get serviceaccounts,pods -A -o json`,
    );
  });

  it('names the object whose field is wrong', async () => {
    const { source } = snapshot({ 'kubernetes.json': { kind: 'List', items: [serviceAccount('orders'), pod('orders-1', { spec: { serviceAccountName: 7, containers: [] } })] }, ...oidc });
    const error = await failure(source.list());
    expect(error!.message).toMatch(/at \$\.items\.1\.spec\.serviceAccountName \(Pod shop\/orders-1\): /);
  });

  it('keeps service accounts and pods when jwks.json or openid-configuration.json is unusable, naming each once', async () => {
    const { source } = snapshot({ 'kubernetes.json': { kind: 'List', items: [serviceAccount('orders'), pod('orders-1')] }, 'openid-configuration.json': '{ "issuer": ', 'jwks.json': { keys: 'nope' } });
    const result = await source.list();
    expect(result.serviceAccounts.map((s) => s.name)).toEqual(['orders']);
    expect(result.pods.map((p) => p.name)).toEqual(['orders-1']);
    expect(result.clusters[0]).toMatchObject({ issuer: undefined, jwks: undefined });
    expect(result.missing).toEqual([
      'a usable openid-configuration.json (it is not JSON (Unexpected end of JSON input). Produce it with: kubectl get --raw /.well-known/openid-configuration)',
      expect.stringMatching(/^a usable jwks\.json \(it is not what `kubectl get --raw \/openid\/v1\/jwks` writes: at \$\.keys: /),
    ]);
  });

  it('says a kubernetes.json that is a directory is one', async () => {
    const { dir, source } = snapshot(oidc);
    mkdirSync(join(dir, 'kubernetes.json'));
    expect((await failure(source.list()))!.message).toBe(`Snapshot file ${join(dir, 'kubernetes.json')} is a directory, not a file. Produce it with: kubectl get serviceaccounts,pods -A -o json`);
  });
});
