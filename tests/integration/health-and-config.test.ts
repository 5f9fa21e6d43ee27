import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer, startServerExpectingFailure } from '../support/next-server';

describe('GET /api/health with the built-in sample environment', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server?.stop());

  it('reports every source in sample mode and healthy', async () => {
    const response = await fetch(`${server.url}/api/health`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toContain('no-store');
    const body = await response.json();
    expect(body).toEqual({
      status: 'ok',
      sources: {
        cluster: { mode: 'sample', ok: true },
        azure: { mode: 'sample', ok: true },
        logs: { mode: 'sample', ok: true },
      },
    });
  });

  it('serves the app shell with its navigation', async () => {
    const html = await (await fetch(`${server.url}/`)).text();
    for (const label of ['Overview', 'Identity map', 'Tokens', 'Traces']) expect(html).toContain(`>${label}</a>`);
  });

  it('answers unknown API paths with a JSON 404', async () => {
    const response = await fetch(`${server.url}/api/nope/deeper`);
    expect(response.status).toBe(404);
    expect((await response.json()).error).toEqual({ code: 'not-found', message: 'There is no API at /api/nope/deeper. See README.md, "HTTP API".' });
  });

  it('refuses a Loki URL with credentials in it', async () => {
    const { code, output } = await startServerExpectingFailure({ IDLENS_LOGS: 'loki:https://user:secret@loki.example' });
    expect(code).toBe(78);
    expect(output).toContain('the Loki URL must not contain a user name or password');
  });
});

describe('configuration is read when the server starts, not when it is built', () => {
  it('the same build serves a snapshot directory and reports what the snapshot lacks', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'idlens-snapshot-'));
    writeFileSync(join(dir, 'openid-configuration.json'), JSON.stringify({ issuer: 'https://westeurope.oic.prod-aks.azure.com/t/abc/', jwks_uri: 'https://x/openid/v1/jwks' }));
    writeFileSync(join(dir, 'jwks.json'), JSON.stringify({ keys: [{ kty: 'RSA', kid: 'snap-1', use: 'sig', alg: 'RS256', n: 'AQAB', e: 'AQAB' }] }));
    const server = await startServer({ IDLENS_CLUSTER: dir, IDLENS_AZURE: dir });
    try {
      const health = await (await fetch(`${server.url}/api/health`)).json();
      expect(health.sources.cluster.mode).toBe(`snapshot:${dir}`);
      expect(health.sources.cluster.ok).toBe(true);
      expect(health.sources.cluster.missing).toEqual(['kubernetes.json (kubectl get serviceaccounts,pods -A -o json)']);
      expect(health.sources.azure.missing).toEqual(['identities.json (az identity list -o json)']);
      // Answered, but partly: the overview says degraded, not ok.
      expect(health.status).toBe('degraded');

      const jwks = await fetch(`${server.url}/api/jwks?issuer=${encodeURIComponent('https://westeurope.oic.prod-aks.azure.com/t/abc/')}`);
      expect(jwks.status).toBe(200);
      expect((await jwks.json()).jwks.keys[0].kid).toBe('snap-1');

      // Sample tokens belong to the sample world only.
      expect((await fetch(`${server.url}/api/sample/tokens`)).status).toBe(404);
    } finally {
      await server.stop();
    }
  });

  it('a snapshot file that is not what kubectl writes fails that source only, naming file and JSON path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'idlens-snapshot-'));
    writeFileSync(join(dir, 'kubernetes.json'), JSON.stringify({ items: [{ kind: 'Pod', metadata: { name: 'p' }, spec: {} }] }));
    writeFileSync(join(dir, 'identities.json'), '{not json');
    const server = await startServer({ IDLENS_CLUSTER: dir, IDLENS_AZURE: 'sample' });
    try {
      const health = await (await fetch(`${server.url}/api/health`)).json();
      expect(health.status).toBe('degraded');
      expect(health.sources.cluster.ok).toBe(false);
      expect(health.sources.cluster.error.code).toBe('invalid-response:cluster');
      expect(health.sources.cluster.error.message).toContain('kubernetes.json is not what `kubectl get serviceaccounts,pods -A -o json` writes: at $.items.0.spec.containers (Pod p): ');
      expect(health.sources.azure).toEqual({ mode: 'sample', ok: true });
    } finally {
      await server.stop();
    }
  });

  it('says down when every source failed, degraded while one still answers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'idlens-snapshot-'));
    writeFileSync(join(dir, 'kubernetes.json'), '{ "kind": "List", "items": [');
    writeFileSync(join(dir, 'identities.json'), '{not json');
    const server = await startServer({ IDLENS_CLUSTER: dir, IDLENS_AZURE: dir, IDLENS_LOGS: 'loki:http://127.0.0.1:1' });
    try {
      const health = await (await fetch(`${server.url}/api/health`)).json();
      expect(Object.values(health.sources).map((s) => (s as { ok: boolean }).ok)).toEqual([false, false, false]);
      expect(health.status).toBe('down');
    } finally {
      await server.stop();
    }
  });

  it('refuses to start on a bad value, naming the variable and the allowed values', async () => {
    const { code, output } = await startServerExpectingFailure({ IDLENS_CLUSTER: 'kubeconfg' });
    expect(code).toBe(78);
    expect(output).toContain('IDLENS_CLUSTER="kubeconfg" is neither one of sample, kubeconfig, in-cluster nor an existing snapshot directory');
  });

  it('refuses IDLENS_AZURE=live without a credential', async () => {
    const { code, output } = await startServerExpectingFailure({ IDLENS_AZURE: 'live', AZURE_TENANT_ID: 't', AZURE_CLIENT_ID: 'c' });
    expect(code).toBe(78);
    expect(output).toContain('AZURE_FEDERATED_TOKEN_FILE');
  });

  it('refuses a malformed IDLENS_LOGS entry', async () => {
    const { code, output } = await startServerExpectingFailure({ IDLENS_LOGS: 'loganalytics:not-a-guid' });
    expect(code).toBe(78);
    expect(output).toContain('IDLENS_LOGS entry "loganalytics:not-a-guid": the Log Analytics workspace id must be a GUID');
  });
});
