import { describe, expect, it } from 'vitest';
import type { IdentityMapData, MapFinding, MapNode } from '@/lib/api/identity-map-queries';
import { EMPTY_MAP_SEARCH, type MapSearch } from '@/lib/api/map-search-params';
import {
  asSentence,
  buildMapModel,
  failedSources,
  filtersHidingEverything,
  isLastKind,
  partlyReadSources,
  resolveFocus,
  sortInfos,
  toggleKind,
  unreadCredentialsOf,
  visibleClusterIds,
  visibleFindings,
  visibleNodeIds,
} from '@/components/map/map-model';

// What the /map view does with its state: clusters as finding refs, focus ids without the cluster,
// search over subjects, the kind checkboxes, empty results, sorting with empty values.

const PUBLIC_ISSUER = 'https://westeurope.oic.prod-aks.azure.com/tenant/cluster-1/';
const DISABLED_ISSUER = 'https://kubernetes.default.svc.cluster.local';
const CLIENT = '11111111-1111-1111-1111-111111111111';

const aServiceAccount = (cluster: string, ns: string, name: string): MapNode =>
  ({
    id: `sa:${cluster}:${ns}/${name}`,
    kind: 'serviceAccount',
    label: `${ns}/${name}`,
    data: { cluster, namespace: ns, name, subject: `system:serviceaccount:${ns}:${name}`, issuer: PUBLIC_ISSUER, clientId: CLIENT, annotations: {}, podCount: 1 },
  }) as MapNode;
const aPod = (cluster: string, ns: string, name: string): MapNode =>
  ({ id: `pod:${cluster}:${ns}/${name}`, kind: 'pod', label: name, data: { cluster, namespace: ns, name, serviceAccountName: 'x', labels: {}, annotations: {}, injected: [], projectedTokens: [], usesWorkloadIdentity: true } }) as MapNode;
const aCredential = (name: string, subject: string): MapNode =>
  ({ id: `fic:${CLIENT}/${name}`, kind: 'federatedCredential', label: name, data: { name, ownerClientId: CLIENT, issuer: PUBLIC_ISSUER, subject, audiences: ['api://AzureADTokenExchange'] } }) as MapNode;
const anIdentity = (): MapNode =>
  ({ id: `identity:${CLIENT}`, kind: 'managedIdentity', label: 'checkout-id', data: { name: 'checkout-id', clientId: CLIENT, principalId: 'p', tenantId: 't', resourceId: '/x', ficCount: 1 } }) as MapNode;
const aFinding = (code: string, refs: string[], severity: MapFinding['severity'] = 'error'): MapFinding => ({ code, severity, message: `${code} message`, refs }) as MapFinding;

/** Two clusters: `prod` (shop/checkout, shop/cart) and `legacy` (reports/report-generator), whose issuer is the in-cluster default. */
function twoClusters(): IdentityMapData {
  return {
    generatedAt: '2026-11-02T10:00:00.000Z',
    clusters: [
      { name: 'prod', issuer: PUBLIC_ISSUER },
      { name: 'legacy', issuer: DISABLED_ISSUER },
    ],
    nodes: [
      aServiceAccount('prod', 'shop', 'checkout'),
      aPod('prod', 'shop', 'checkout-1'),
      aServiceAccount('prod', 'shop', 'cart'),
      aServiceAccount('legacy', 'reports', 'report-generator'),
      aPod('legacy', 'reports', 'report-generator-1'),
      aServiceAccount('legacy', 'shop', 'checkout'),
      aCredential('checkout-fic', 'system:serviceaccount:shop:checkout'),
      anIdentity(),
    ],
    edges: [
      { from: 'pod:prod:shop/checkout-1', to: 'sa:prod:shop/checkout', kind: 'runsAs' },
      { from: 'sa:prod:shop/checkout', to: `fic:${CLIENT}/checkout-fic`, kind: 'federatesTo' },
      { from: `fic:${CLIENT}/checkout-fic`, to: `identity:${CLIENT}`, kind: 'credentialOf' },
    ],
    findings: [
      aFinding('CLUSTER_OIDC_ISSUER_DISABLED', ['cluster:legacy', 'sa:legacy:reports/report-generator']),
      aFinding('SA_NO_MATCHING_FIC', ['sa:prod:shop/cart']),
      aFinding('ABOUT_NOTHING_LISTED', ['api:something-gone'], 'info'),
    ],
    sources: { cluster: { mode: 'sample', ok: true }, azure: { mode: 'sample', ok: true } },
  };
}

const search = (s: Partial<MapSearch>): MapSearch => ({ ...EMPTY_MAP_SEARCH, ...s });
const codes = (findings: MapFinding[]) => findings.map((f) => f.code);

describe('clusters in the model', () => {
  const model = buildMapModel(twoClusters());

  it('summarises each cluster: issuer, whether Entra can reach it, its SAs and pods, the findings about it', () => {
    const legacy = model.clusterById.get('cluster:legacy')!;
    expect(legacy).toMatchObject({ name: 'legacy', issuer: DISABLED_ISSUER, serviceAccounts: 2, pods: 1 });
    expect(legacy.issuerProblem).toMatch(/in-cluster default/);
    expect(codes(legacy.findings)).toEqual(['CLUSTER_OIDC_ISSUER_DISABLED']);
    const prod = model.clusterById.get('cluster:prod')!;
    expect(prod.issuerProblem).toBeUndefined();
    expect(prod).toMatchObject({ serviceAccounts: 2, pods: 1, findings: [] });
  });

  it('a cluster is in view when one of its nodes is, or when the search names it', () => {
    const shop = visibleNodeIds(model, search({ ns: ['reports'] }));
    expect([...visibleClusterIds(model, shop)]).toEqual(['cluster:legacy']);
    const identities = visibleNodeIds(model, search({ kind: ['managedIdentity'] }));
    expect([...visibleClusterIds(model, identities)]).toEqual([]);
    expect([...visibleClusterIds(model, identities, 'Legacy ')]).toEqual(['cluster:legacy']);
  });
});

describe('visibleFindings with cluster refs', () => {
  const model = buildMapModel(twoClusters());
  const shown = (s: Partial<MapSearch>) => codes(visibleFindings(model, visibleNodeIds(model, search(s)), true, s.q ?? ''));

  it('hides a finding about a cluster none of whose nodes is in view', () => {
    expect(shown({ q: 'zzzznothing' })).toEqual(['ABOUT_NOTHING_LISTED']);
    expect(shown({ ns: ['shop'], kind: ['pod'] })).toEqual(['ABOUT_NOTHING_LISTED']);
  });

  it('shows it when a node of that cluster is in view, or when the search matches the cluster name', () => {
    expect(shown({ ns: ['shop'] })).toEqual(['CLUSTER_OIDC_ISSUER_DISABLED', 'SA_NO_MATCHING_FIC', 'ABOUT_NOTHING_LISTED']);
    expect(shown({ q: 'legacy' })).toEqual(['CLUSTER_OIDC_ISSUER_DISABLED', 'ABOUT_NOTHING_LISTED']);
    expect(shown({ ns: ['reports'] })).toEqual(['CLUSTER_OIDC_ISSUER_DISABLED', 'ABOUT_NOTHING_LISTED']);
  });
});

describe('resolveFocus', () => {
  const model = buildMapModel(twoClusters());

  it('resolves node ids, cluster ids, and SA ids written without the cluster when one node fits', () => {
    expect(resolveFocus(model, 'sa:prod:shop/cart')).toMatchObject({ kind: 'node', info: { node: { id: 'sa:prod:shop/cart' } } });
    expect(resolveFocus(model, 'cluster:legacy')).toMatchObject({ kind: 'cluster', cluster: { name: 'legacy' } });
    expect(resolveFocus(model, 'sa:shop/cart')).toMatchObject({ kind: 'node', info: { node: { id: 'sa:prod:shop/cart' } } });
    expect(resolveFocus(model, 'pod:reports/report-generator-1')).toMatchObject({ kind: 'node', info: { node: { id: 'pod:legacy:reports/report-generator-1' } } });
  });

  it('lists every fitting node when several clusters have it', () => {
    expect(resolveFocus(model, 'sa:shop/checkout')).toEqual({ kind: 'ambiguous', ids: ['sa:legacy:shop/checkout', 'sa:prod:shop/checkout'] });
  });

  it('says missing for ids of nothing in the map', () => {
    expect(resolveFocus(model, 'sa:shop/nothing')).toEqual({ kind: 'missing' });
    expect(resolveFocus(model, 'sa:staging:shop/cart')).toEqual({ kind: 'missing' });
    expect(resolveFocus(model, 'cluster:nowhere')).toEqual({ kind: 'missing' });
  });

  it('in a single-cluster map, accepts an SA id that carries the cluster', () => {
    const data = twoClusters();
    data.clusters = [data.clusters[0]!];
    data.nodes = [{ ...aServiceAccount('prod', 'shop', 'cart'), id: 'sa:shop/cart' } as MapNode];
    expect(resolveFocus(buildMapModel(data), 'sa:prod:shop/cart')).toMatchObject({ kind: 'node', info: { node: { id: 'sa:shop/cart' } } });
  });

  it('in a single-cluster map, refuses a cluster part that names another cluster', () => {
    const data = twoClusters();
    data.clusters = [data.clusters[0]!];
    data.nodes = [{ ...aServiceAccount('prod', 'shop', 'cart'), id: 'sa:shop/cart', data: { namespace: 'shop', name: 'cart' } } as MapNode];
    const model = buildMapModel(data);
    expect(resolveFocus(model, 'sa:wrongcluster:shop/cart')).toEqual({ kind: 'missing' });
    expect(resolveFocus(model, 'pod:wrongcluster:shop/cart-1')).toEqual({ kind: 'missing' });
    expect(resolveFocus(model, 'sa:prod:shop/cart')).toMatchObject({ kind: 'node', info: { node: { id: 'sa:shop/cart' } } });
  });

  it('with no cluster in the map, refuses any cluster part', () => {
    const data = twoClusters();
    data.clusters = [];
    data.nodes = [{ ...aServiceAccount('prod', 'shop', 'cart'), id: 'sa:shop/cart', data: { namespace: 'shop', name: 'cart' } } as MapNode];
    expect(resolveFocus(buildMapModel(data), 'sa:prod:shop/cart')).toEqual({ kind: 'missing' });
    expect(resolveFocus(buildMapModel(data), 'sa:shop/cart')).toMatchObject({ kind: 'node' });
  });
});

describe('search text', () => {
  const model = buildMapModel(twoClusters());
  const found = (q: string) => [...visibleNodeIds(model, search({ q }))].sort();

  it('matches a service account by the subject users copy from errors', () => {
    expect(found('system:serviceaccount:shop:cart')).toEqual(['sa:prod:shop/cart']);
  });

  it('matches a credential by its subject and issuer, an identity by its client ID', () => {
    expect(found('system:serviceaccount:shop:checkout')).toEqual([`fic:${CLIENT}/checkout-fic`, 'sa:legacy:shop/checkout', 'sa:prod:shop/checkout']);
    expect(found('oic.prod-aks.azure.com/tenant/cluster-1')).toContain(`fic:${CLIENT}/checkout-fic`);
    expect(found(CLIENT.toUpperCase())).toContain(`identity:${CLIENT}`);
  });

  it('stays within the per-keystroke budget at 5,000 nodes (the text is built once per map)', () => {
    const data = twoClusters();
    data.nodes = Array.from({ length: 5000 }, (_, i) => (i % 2 ? aPod('prod', `ns${i % 50}`, `pod-${i}`) : aServiceAccount('prod', `ns${i % 50}`, `sa-${i}`)));
    const big = buildMapModel(data);
    const started = performance.now();
    for (let i = 0; i < 20; i++) visibleNodeIds(big, search({ q: `system:serviceaccount:ns${i}:sa-${i}` }));
    expect((performance.now() - started) / 20).toBeLessThan(16);
  });
});

describe('the kind checkboxes', () => {
  it('unchecking one of all five keeps the other four; checking it again is no filter', () => {
    const four = toggleKind([], 'pod', false);
    expect(four).toEqual(['serviceAccount', 'federatedCredential', 'managedIdentity', 'application']);
    expect(toggleKind(four, 'pod', true)).toEqual([]);
  });

  it('the last checked kind stays checked (an empty list would mean every kind)', () => {
    expect(toggleKind(['pod'], 'pod', false)).toEqual(['pod']);
    expect(isLastKind(['pod'], 'pod')).toBe(true);
    expect(isLastKind(['pod', 'serviceAccount'], 'pod')).toBe(false);
    expect(isLastKind([], 'pod')).toBe(false);
  });
});

describe('filtersHidingEverything', () => {
  const model = buildMapModel(twoClusters());

  it('names the filter whose removal alone shows nodes again', () => {
    expect(filtersHidingEverything(model, search({ ns: ['doesnotexist'] }))).toEqual(['ns']);
    expect(filtersHidingEverything(model, search({ ns: ['shop'], q: 'report' }))).toEqual(['q', 'ns']);
    expect(filtersHidingEverything(model, search({ ns: ['reports'], kind: ['managedIdentity'] }))).toEqual(['ns', 'kind']);
  });

  it('is empty without filters', () => {
    expect(filtersHidingEverything(model, search({}))).toEqual([]);
  });
});

describe('sortInfos with empty values', () => {
  const data = twoClusters();
  const model = buildMapModel(data);
  const order = (descending: boolean) => sortInfos(model.infos, { column: 'namespace', descending }).map((i) => i.namespace ?? '—');

  it('puts empty namespaces last, ascending and descending', () => {
    expect(order(false)).toEqual(['reports', 'reports', 'shop', 'shop', 'shop', 'shop', '—', '—']);
    expect(order(true)).toEqual(['shop', 'shop', 'shop', 'shop', 'reports', 'reports', '—', '—']);
    const clusters = sortInfos(model.infos, { column: 'cluster', descending: true }).map((i) => i.cluster ?? '—');
    expect(clusters.slice(-2)).toEqual(['—', '—']);
  });
});

describe('source failures and messages', () => {
  it('names the sources that failed', () => {
    expect(failedSources({ cluster: { mode: 'sample', ok: true }, azure: { mode: 'snapshot', ok: false, error: { code: 'invalid:azure', message: 'x' } } })).toEqual(['Azure']);
    expect(failedSources({ cluster: { mode: 'sample', ok: true }, azure: { mode: 'sample', ok: true } })).toEqual([]);
  });

  it('names the sources that answered without part of what they read, apart from the failed ones', () => {
    const missing = ['federated-credentials/checkout-id.json (az identity federated-credential list -g rg --identity-name checkout-id -o json)'];
    const sources = { cluster: { mode: 'sample', ok: true }, azure: { mode: 'snapshot:/snap', ok: true, missing } };
    expect(partlyReadSources(sources)).toEqual([{ source: 'Azure', missing }]);
    expect(failedSources(sources)).toEqual([]);
    expect(partlyReadSources({ cluster: { mode: 'sample', ok: true }, azure: { mode: 'sample', ok: true, missing: [] } })).toEqual([]);
    // A failed source is reported as failed, not as partly read.
    expect(partlyReadSources({ cluster: { mode: 'sample', ok: true }, azure: { mode: 'live', ok: false, error: { code: 'timeout:azure', message: 'x' }, missing } })).toEqual([]);
  });

  it('ends an upstream message with a full stop before the next sentence', () => {
    expect(asSentence('Run kubectl get sa -A -o json')).toBe('Run kubectl get sa -A -o json.');
    expect(asSentence('It failed.')).toBe('It failed.');
    expect(asSentence('Entra ID said: "expiry 09:00:00Z."')).toBe('Entra ID said: "expiry 09:00:00Z."');
    expect(asSentence('Produce it with: az identity list (optional)')).toBe('Produce it with: az identity list (optional).');
    expect(asSentence('Is it running? ')).toBe('Is it running?');
  });
});

describe('unreadCredentialsOf', () => {
  it("names the identity whose FICs were not read, on the identity and on an SA that uses it, and nothing once they were read", () => {
    const read = buildMapModel(twoClusters());
    const unreadData = twoClusters();
    unreadData.nodes = unreadData.nodes.map((n) => (n.kind === 'managedIdentity' ? ({ ...n, data: { ...n.data, ficsUnread: true } } as MapNode) : n));
    const unread = buildMapModel(unreadData);
    const at = (model: ReturnType<typeof buildMapModel>, id: string) => unreadCredentialsOf(model, model.byId.get(id)!);
    expect(at(unread, `identity:${CLIENT}`)).toBe('checkout-id');
    expect(at(unread, 'sa:prod:shop/checkout')).toBe('checkout-id');
    expect(at(unread, 'pod:prod:shop/checkout-1')).toBeUndefined();
    expect(at(read, `identity:${CLIENT}`)).toBeUndefined();
    expect(at(read, 'sa:prod:shop/checkout')).toBeUndefined();
  });
});
