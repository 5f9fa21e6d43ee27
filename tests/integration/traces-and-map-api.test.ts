import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_TRACES } from '@/lib/sample/logs';
import { type RunningServer, startServer } from '../support/next-server';

const DESIGN_FINDING_CODES = [
  'POD_MISSING_USE_LABEL', 'SA_CLIENT_ID_UNKNOWN', 'SA_NO_MATCHING_FIC', 'FIC_ISSUER_MISMATCH', 'FIC_AUDIENCE_INVALID',
  'FIC_SUBJECT_NO_SERVICE_ACCOUNT', 'FIC_SUBJECT_MALFORMED', 'POD_LABEL_SA_NOT_ANNOTATED', 'SA_TENANT_MISMATCH',
  'SA_TOKEN_EXPIRATION_INVALID', 'FIC_LIMIT_NEAR', 'POD_STALE_CLIENT_ID', 'CLUSTER_OIDC_ISSUER_DISABLED',
  'FIC_SUBJECT_CASE_MISMATCH', 'IDENTITY_UNUSED', 'POD_LEGACY_POD_IDENTITY',
];

describe('trace and identity-map routes on the sample world', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server?.stop());

  const get = async (path: string) => {
    const response = await fetch(`${server.url}${path}`);
    return { status: response.status, body: await response.json() };
  };

  it('GET /api/traces/<id> gives each sample trace its outcome, events in time order and a sequence', async () => {
    for (const sample of SAMPLE_TRACES) {
      const { status, body } = await get(`/api/traces/${sample.correlationId}`);
      expect(status, sample.scenario).toBe(200);
      expect(body.correlationId).toBe(sample.correlationId);
      expect(body.summary.outcome, sample.scenario).toBe(sample.expectedOutcome);
      expect(body.summary.services).toEqual(expect.arrayContaining(['checkout']));
      const times = body.events.map((e: { time: string }) => Date.parse(e.time));
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(body.sequence).toMatch(/^sequenceDiagram/);
      expect(body.sources).toEqual([{ source: 'sample', kind: 'sample', ok: true }]);
    }
  });

  it('links an AADSTS70021 failure to a service account node that exists in the identity map', async () => {
    const aadsts = SAMPLE_TRACES.find((t) => /AADSTS70021/i.test(t.scenario))!;
    const { body: trace } = await get(`/api/traces/${aadsts.correlationId}`);
    expect(trace.summary.errors.map((e: { code: string }) => e.code)).toContain('AADSTS70021');
    const saId = trace.summary.entra.serviceAccountId as string;
    expect(saId).toMatch(/^sa:sample:shop\//);
    const { body: map } = await get('/api/identity-map');
    expect(map.nodes.map((n: { id: string }) => n.id)).toContain(saId);
    // …and to the nearest federated credential, with how it differs.
    const nearest = trace.summary.entra.nearestCredential;
    expect(nearest).toMatchObject({ name: 'aks-sample-shop-checkout-canary', verdict: 'trailing-slash' });
    expect(map.nodes.map((n: { id: string }) => n.id)).toContain(nearest.id);
  });

  it('draws what the identity map found for an AADSTS70021 (the nearest credential and its difference), not only the code’s generic fix', async () => {
    const aadsts = SAMPLE_TRACES.find((t) => t.scenario === 'aadsts70021')!;
    const { body } = await get(`/api/traces/${aadsts.correlationId}`);
    expect(body.summary.entra.nearestCredential.name).toBe('aks-sample-shop-checkout-canary');
    expect(body.sequence).toMatch(/Note over pod: nearest credential aks-sample-shop-checkout-canary: .*trailing/);
    expect(body.sequence).not.toContain('Note over pod: fix:');
  });

  it('validates correlation IDs strictly (400) and answers 404 for an unknown one', async () => {
    for (const bad of ["x' or 1 eq 1", '"} |~ ".*', 'has space', 'a'.repeat(10_000)]) {
      const { status, body } = await get(`/api/traces/${encodeURIComponent(bad)}`);
      expect(status, bad).toBe(400);
      expect(body.error.code).toBe('bad-correlation-id');
    }
    const { status, body } = await get('/api/traces/c0ffee00-0000-4000-8000-00000000ffff');
    expect(status).toBe(404);
    expect(body.error.message).toContain('c0ffee00-0000-4000-8000-00000000ffff');
  });

  it('finds a GUID pasted in upper case under the lower-case form the logs write, and says which', async () => {
    const sample = SAMPLE_TRACES.find((t) => t.scenario === 'aadsts70021')!;
    const { status, body } = await get(`/api/traces/${sample.correlationId.toUpperCase()}`);
    expect(status).toBe(200);
    expect(body.correlationId).toBe(sample.correlationId);
    expect(body.summary.outcome).toBe(sample.expectedOutcome);
    // An absent one is still absent, named as it was asked for.
    const absent = await get('/api/traces/C0FFEE00-0000-4000-8000-00000000FFFF');
    expect(absent.status).toBe(404);
    expect(absent.body.error.message).toContain('C0FFEE00-0000-4000-8000-00000000FFFF');
  });

  it('names the service account of the pod the logs name, from the identity map, where the logs quote no subject', async () => {
    const sample = SAMPLE_TRACES.find((t) => t.scenario === 'token-expired')!;
    const { body } = await get(`/api/traces/${sample.correlationId}`);
    expect(body.workload).toMatchObject({ podName: expect.stringMatching(/^checkout-/), namespace: 'shop', serviceAccount: 'checkout', subject: 'system:serviceaccount:shop:checkout', subjectFromMap: true });
    expect(body.sequence).toContain('projected SA token (sub=system:serviceaccount:shop:checkout, the pod’s SA in the identity map,');
    expect(body.sequence).not.toContain('sub=?');
  });

  it('a different ID sharing a prefix never matches', async () => {
    const { body } = await get('/api/traces/c0ffee00-0000-4000-8000-000000000001');
    for (const event of body.events) expect(event.raw).not.toMatch(/c0ffee00-0000-4000-8000-000000000001[A-Za-z0-9._-]/);
  });

  it('GET /api/traces lists recent traces, filterable by outcome', async () => {
    const { body: all } = await get('/api/traces');
    const ids = all.traces.map((t: { correlationId: string }) => t.correlationId);
    for (const sample of SAMPLE_TRACES) expect(ids).toContain(sample.correlationId);
    const { body: failed } = await get('/api/traces?outcome=failed');
    expect(failed.traces.length).toBeGreaterThan(0);
    expect(failed.traces.every((t: { summary: { outcome: string } }) => t.summary.outcome === 'failed')).toBe(true);
    expect((await get('/api/traces?outcome=maybe')).status).toBe(400);
  });

  it('GET /api/identity-map follows the contract and shows every finding code of the sample world', async () => {
    const { status, body } = await get('/api/identity-map');
    expect(status).toBe(200);
    expect(Object.keys(body).sort()).toEqual(['clusters', 'edges', 'findings', 'generatedAt', 'nodes', 'sources']);
    expect(body.sources.cluster).toMatchObject({ mode: 'sample', ok: true });
    expect(body.sources.azure).toMatchObject({ mode: 'sample', ok: true });
    const codes = new Set(body.findings.map((f: { code: string }) => f.code));
    for (const code of [...DESIGN_FINDING_CODES, 'POD_NOT_INJECTED']) expect(codes, code).toContain(code);
    const kinds = new Set(body.nodes.map((n: { kind: string }) => n.kind));
    expect([...kinds].sort()).toEqual(['application', 'federatedCredential', 'managedIdentity', 'pod', 'serviceAccount']);
    const edgeKinds = new Set(body.edges.map((e: { kind: string }) => e.kind));
    expect([...edgeKinds].sort()).toEqual(['canCall', 'credentialOf', 'federatesTo', 'runsAs']);
    const ids = new Set(body.nodes.map((n: { id: string }) => n.id));
    for (const edge of body.edges) {
      expect(ids.has(edge.from), edge.from).toBe(true);
      expect(ids.has(edge.to), edge.to).toBe(true);
    }
    for (const finding of body.findings) expect(finding.message.length).toBeGreaterThan(40);
  });

  it('answers a method a route does not serve with 405 in the error shape, an Allow header, and OPTIONS naming only what it serves', async () => {
    const cases: Array<[string, string, string]> = [
      ['/api/identity-map', 'POST', 'GET, HEAD, OPTIONS'],
      ['/api/health', 'DELETE', 'GET, HEAD, OPTIONS'],
      ['/api/explain-error', 'GET', 'POST, OPTIONS'],
      ['/api/tokens/verify', 'PUT', 'POST, OPTIONS'],
      [`/api/traces/${SAMPLE_TRACES[0]!.correlationId}`, 'PATCH', 'GET, HEAD, OPTIONS'],
    ];
    for (const [path, method, allow] of cases) {
      const response = await fetch(`${server.url}${path}`, { method });
      expect(response.status, `${method} ${path}`).toBe(405);
      expect(response.headers.get('allow'), `${method} ${path}`).toBe(allow);
      const body = await response.json();
      expect(body.error.code).toBe('method-not-allowed');
      expect(body.error.message).toContain(`${path} does not answer ${method}: use ${allow.split(', ')[0]}`);
      const options = await fetch(`${server.url}${path}`, { method: 'OPTIONS' });
      expect(options.status, `OPTIONS ${path}`).toBe(204);
      expect(options.headers.get('allow'), `OPTIONS ${path}`).toBe(allow);
    }
    // The real method still answers.
    expect((await fetch(`${server.url}/api/identity-map`)).status).toBe(200);
  });
});

describe('one failing source degrades its panel, not the map', () => {
  it('a broken Azure snapshot is reported while the cluster part still answers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'idlens-azure-'));
    writeFileSync(join(dir, 'identities.json'), '[{"name": 1}]');
    const server = await startServer({ IDLENS_AZURE: dir });
    try {
      const response = await fetch(`${server.url}/api/identity-map`);
      expect(response.status).toBe(200);
      const body = await response.json();
      expect(body.sources.azure.ok).toBe(false);
      expect(body.sources.azure.error.message).toContain('identities.json');
      expect(body.sources.azure.error.message).toContain('az identity list -o json');
      expect(body.sources.cluster.ok).toBe(true);
      expect(body.nodes.some((n: { kind: string }) => n.kind === 'serviceAccount')).toBe(true);
      // Without Azure data, nothing is claimed about identities.
      expect(body.findings.some((f: { code: string }) => f.code === 'SA_CLIENT_ID_UNKNOWN')).toBe(false);
    } finally {
      await server.stop();
    }
  });
});

describe('POST /api/explain-error', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server?.stop());
  const post = (body: string) => fetch(`${server.url}/api/explain-error`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  it('finds the SA and the FIC whose issuer lacks the trailing slash, inside a JSON log line', async () => {
    const { SAMPLE_ISSUER } = await import('@/lib/sample/world');
    const description = `AADSTS70021: No matching federated identity record found for presented assertion. Assertion Issuer: '${SAMPLE_ISSUER}'. Assertion Subject: 'system:serviceaccount:shop:checkout-canary'. Assertion Audience: 'api://AzureADTokenExchange'.`;
    const line = JSON.stringify({ level: 50, msg: 'token request failed', error: { error: 'invalid_request', error_description: description } });
    const response = await post(JSON.stringify({ text: line }));
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.verdict).toBe('trailing-slash');
    expect(body.serviceAccount.id).toBe('sa:sample:shop/checkout-canary');
    expect(body.candidates[0].diffs[0]).toMatchObject({ field: 'issuer', presented: SAMPLE_ISSUER, configured: SAMPLE_ISSUER.replace(/\/$/, '') });
    expect(body.fix.commands.join('\n')).toContain('az identity federated-credential');
  });

  it('answers bad input with specific 4xx errors', async () => {
    expect((await post('{"text": ""}')).status).toBe(400);
    expect((await post('nope')).status).toBe(400);
    expect((await post(JSON.stringify({ text: 'x'.repeat(70 * 1024) }))).status).toBe(413);
  });
});
