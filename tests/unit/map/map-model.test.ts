import { describe, expect, it } from 'vitest';
import type { IdentityMapData, MapFinding, MapNode } from '@/lib/api/identity-map-queries';
import { EMPTY_MAP_SEARCH, type MapSearch } from '@/lib/api/map-search-params';
import { bandLayout, graphHash, type LayoutEdge, type LayoutNode } from '@/components/map/band-layout';
import { escapeXml, graphToSvg } from '@/components/map/graph-export';
import { layoutInput } from '@/components/map/graph-layout';
import { buildMapModel, compareField, credentialComparisons, hoverText, sortInfos, tokenCommandFor, visibleFindings, visibleNodeIds } from '@/components/map/map-model';

// Small factories: a map reads like the world it describes.
const ISSUER = 'https://westeurope.oic.prod-aks.azure.com/tenant/cluster-1/';
const CLIENT = '11111111-1111-1111-1111-111111111111';

const aServiceAccount = (ns: string, name: string, clientId?: string): MapNode =>
  ({
    id: `sa:${ns}/${name}`,
    kind: 'serviceAccount',
    label: `${ns}/${name}`,
    data: { cluster: 'sample', namespace: ns, name, subject: `system:serviceaccount:${ns}:${name}`, issuer: ISSUER, clientId, annotations: clientId ? { 'azure.workload.identity/client-id': clientId } : {}, podCount: 1 },
  }) as MapNode;
const aPod = (ns: string, name: string): MapNode =>
  ({ id: `pod:${ns}/${name}`, kind: 'pod', label: name, data: { cluster: 'sample', namespace: ns, name, serviceAccountName: 'x', labels: { app: 'checkout' }, annotations: {}, injected: [], projectedTokens: [], usesWorkloadIdentity: true } }) as MapNode;
const aCredential = (name: string, fields: { issuer?: string; subject?: string; audiences?: string[] } = {}): MapNode =>
  ({
    id: `fic:${CLIENT}/${name}`,
    kind: 'federatedCredential',
    label: name,
    data: { name, ownerClientId: CLIENT, issuer: fields.issuer ?? ISSUER, subject: fields.subject, audiences: fields.audiences ?? ['api://AzureADTokenExchange'] },
  }) as MapNode;
const anIdentity = (): MapNode =>
  ({ id: `identity:${CLIENT}`, kind: 'managedIdentity', label: 'checkout-id', data: { name: 'checkout-id', clientId: CLIENT, principalId: 'p', tenantId: 't', resourceId: '/x', ficCount: 1 } }) as MapNode;
const aFinding = (severity: MapFinding['severity'], refs: string[], code = 'SA_NO_MATCHING_FIC'): MapFinding => ({ code, severity, message: `${code} message`, refs }) as MapFinding;

function aMap(): IdentityMapData {
  return {
    generatedAt: '2026-11-02T10:00:00.000Z',
    clusters: [{ name: 'sample', issuer: ISSUER }],
    nodes: [
      aPod('shop', 'checkout-1'),
      aServiceAccount('shop', 'checkout', CLIENT),
      aPod('web', 'frontend-1'),
      aServiceAccount('web', 'frontend'),
      aCredential('checkout-fic', { subject: 'system:serviceaccount:shop:checkout' }),
      aCredential('other-fic', { subject: 'system:serviceaccount:shop:Checkout', issuer: ISSUER.slice(0, -1) }),
      anIdentity(),
    ],
    edges: [
      { from: 'pod:shop/checkout-1', to: 'sa:shop/checkout', kind: 'runsAs' },
      { from: 'pod:web/frontend-1', to: 'sa:web/frontend', kind: 'runsAs' },
      { from: 'sa:shop/checkout', to: `fic:${CLIENT}/checkout-fic`, kind: 'federatesTo' },
      { from: `fic:${CLIENT}/checkout-fic`, to: `identity:${CLIENT}`, kind: 'credentialOf' },
      { from: `fic:${CLIENT}/other-fic`, to: `identity:${CLIENT}`, kind: 'credentialOf' },
    ],
    findings: [aFinding('error', ['pod:web/frontend-1'], 'POD_MISSING_USE_LABEL'), aFinding('info', [`identity:${CLIENT}`], 'IDENTITY_UNUSED'), aFinding('warning', [`fic:${CLIENT}/other-fic`], 'FIC_SUBJECT_NO_SERVICE_ACCOUNT')],
    sources: { cluster: { mode: 'sample', ok: true }, azure: { mode: 'sample', ok: true } },
  };
}

const ids = (set: Set<string>) => [...set].sort();
const search = (s: Partial<MapSearch>): MapSearch => ({ ...EMPTY_MAP_SEARCH, ...s });

describe('buildMapModel', () => {
  it('indexes namespaces, clusters and findings per node', () => {
    const model = buildMapModel(aMap());
    expect(model.namespaces).toEqual(['shop', 'web']);
    expect(model.byId.get('pod:web/frontend-1')).toMatchObject({ namespace: 'web', cluster: 'sample', worst: 'error' });
    expect(model.byId.get(`identity:${CLIENT}`)).toMatchObject({ namespace: undefined, worst: 'info' });
    expect(model.counts).toEqual({ error: 1, warning: 1, info: 1 });
  });

  it('reads namespace and cluster from a multi-cluster id when data lacks them', () => {
    const data = aMap();
    data.clusters = [{ name: 'a' }, { name: 'b' }];
    data.nodes = [{ id: 'sa:b:ns1/x', kind: 'serviceAccount', label: 'x', data: {} } as MapNode];
    data.edges = [];
    data.findings = [];
    expect(buildMapModel(data).byId.get('sa:b:ns1/x')).toMatchObject({ cluster: 'b', namespace: 'ns1', name: 'x' });
  });
});

describe('hoverText', () => {
  it('names the node, its kind, where it is and its findings by severity', () => {
    const model = buildMapModel(aMap());
    expect(hoverText(model.byId.get('pod:web/frontend-1')!)).toBe('frontend-1 · Pod in web (cluster sample) · 1 error');
    expect(hoverText(model.byId.get('sa:shop/checkout')!)).toBe('checkout · Service account in shop (cluster sample)');
    expect(hoverText(model.byId.get(`identity:${CLIENT}`)!)).toBe('checkout-id · Managed identity · 1 info');
  });
});

describe('visibleNodeIds', () => {
  const model = buildMapModel(aMap());

  it('keeps everything without filters', () => {
    expect(visibleNodeIds(model, EMPTY_MAP_SEARCH).size).toBe(7);
  });

  it('matches the search text against id, label and namespace, ignoring case', () => {
    expect(ids(visibleNodeIds(model, search({ q: 'FRONTEND' })))).toEqual(['pod:web/frontend-1', 'sa:web/frontend']);
    expect(ids(visibleNodeIds(model, search({ q: 'web' })))).toEqual(['pod:web/frontend-1', 'sa:web/frontend']);
  });

  it('a namespace filter keeps the Azure objects its service accounts reach', () => {
    expect(ids(visibleNodeIds(model, search({ ns: ['shop'] })))).toEqual([
      `fic:${CLIENT}/checkout-fic`,
      `fic:${CLIENT}/other-fic`,
      `identity:${CLIENT}`,
      'pod:shop/checkout-1',
      'sa:shop/checkout',
    ]);
    expect(ids(visibleNodeIds(model, search({ ns: ['web'] })))).toEqual(['pod:web/frontend-1', 'sa:web/frontend']);
  });

  it('filters by kind, severity and "only broken"', () => {
    expect(ids(visibleNodeIds(model, search({ kind: ['managedIdentity', 'pod'] })))).toEqual([`identity:${CLIENT}`, 'pod:shop/checkout-1', 'pod:web/frontend-1']);
    expect(ids(visibleNodeIds(model, search({ severity: ['info'] })))).toEqual([`identity:${CLIENT}`]);
    expect(ids(visibleNodeIds(model, search({ broken: true })))).toEqual([`fic:${CLIENT}/other-fic`, 'pod:web/frontend-1']);
  });

  it('filters combine', () => {
    expect(ids(visibleNodeIds(model, search({ ns: ['shop'], broken: true })))).toEqual([`fic:${CLIENT}/other-fic`]);
  });

  it('5,000 nodes filter in well under a frame', () => {
    const data = aMap();
    data.nodes = Array.from({ length: 5000 }, (_, i) => aPod(`ns${i % 50}`, `pod-${i}`));
    data.edges = [];
    const big = buildMapModel(data);
    const started = performance.now();
    for (let i = 0; i < 20; i++) visibleNodeIds(big, search({ q: `pod-${i}`, ns: ['ns3'] }));
    expect((performance.now() - started) / 20).toBeLessThan(16);
  });
});

describe('visibleFindings', () => {
  const model = buildMapModel(aMap());
  it('keeps findings about a visible node', () => {
    const visible = visibleNodeIds(model, search({ ns: ['web'] }));
    expect(visibleFindings(model, visible, true).map((f) => f.code)).toEqual(['POD_MISSING_USE_LABEL']);
    expect(visibleFindings(model, visible, false)).toHaveLength(3);
  });
});

describe('credentialComparisons', () => {
  const model = buildMapModel(aMap());

  it('puts a FIC beside the SA it trusts: all fields match', () => {
    const [c] = credentialComparisons(model, `fic:${CLIENT}/checkout-fic`);
    expect(c!.serviceAccount.node.id).toBe('sa:shop/checkout');
    expect(c!.linked).toBe(true);
    expect(c!.fields.map((f) => f.status)).toEqual(['match', 'match', 'match']);
  });

  it('finds the SA of a near-miss FIC by client ID and names each difference', () => {
    const [c] = credentialComparisons(model, `fic:${CLIENT}/other-fic`);
    expect(c!.serviceAccount.node.id).toBe('sa:shop/checkout');
    expect(c!.linked).toBe(false);
    expect(Object.fromEntries(c!.fields.map((f) => [f.field, f.status]))).toEqual({ Issuer: 'trailing-slash', Subject: 'case', Audience: 'match' });
  });

  it('from the SA side lists the identity\'s FICs, linked ones first', () => {
    const list = credentialComparisons(model, 'sa:shop/checkout');
    expect(list.map((c) => [c.credential.node.label, c.linked])).toEqual([
      ['checkout-fic', true],
      ['other-fic', false],
    ]);
  });

  it('does not compare an SA that works with the identity\'s credentials for other service accounts', () => {
    const data = aMap();
    data.nodes.push(
      aServiceAccount('shop', 'orders', CLIENT),
      aCredential('orders-fic', { subject: 'system:serviceaccount:shop:orders' }),
      aCredential('broken-fic', { subject: 'system:serviceaccount:shop:payments', issuer: ISSUER.slice(0, -1) }),
    );
    data.edges.push({ from: 'sa:shop/orders', to: `fic:${CLIENT}/orders-fic`, kind: 'federatesTo' });
    const big = buildMapModel(data);
    // The credential meant for another SA lists no working SA as a "mismatch".
    expect(credentialComparisons(big, `fic:${CLIENT}/broken-fic`)).toEqual([]);
    // A working SA: its own credential, and a near miss whose subject names it; not the others'.
    expect(credentialComparisons(big, 'sa:shop/orders').map((c) => c.credential.node.label)).toEqual(['orders-fic']);
    expect(credentialComparisons(big, 'sa:shop/checkout').map((c) => c.credential.node.label)).toEqual(['checkout-fic', 'other-fic']);
  });

  it("still compares an SA whose only accepting credential belongs to another identity than its annotation names", () => {
    const OTHER = '22222222-2222-2222-2222-222222222222';
    const data = aMap();
    data.nodes.push(
      aServiceAccount('shop', 'orders', CLIENT),
      { ...aCredential('b-fic', { subject: 'system:serviceaccount:shop:orders' }), id: `fic:${OTHER}/b-fic`, data: { name: 'b-fic', ownerClientId: OTHER, issuer: ISSUER, subject: 'system:serviceaccount:shop:orders', audiences: ['api://AzureADTokenExchange'] } } as MapNode,
      aCredential('typo-fic', { subject: 'system:serviceaccount:shpo:orders' }),
    );
    data.edges.push({ from: 'sa:shop/orders', to: `fic:${OTHER}/b-fic`, kind: 'federatesTo' });
    const model = buildMapModel(data);
    expect(credentialComparisons(model, 'sa:shop/orders').map((c) => c.credential.node.label)).toContain('typo-fic');
    expect(credentialComparisons(model, `fic:${CLIENT}/typo-fic`).map((c) => c.serviceAccount.node.id)).toContain('sa:shop/orders');
  });

  it("does not compare an SA with the identity's credential for another known cluster's issuer", () => {
    const OTHER_ISSUER = 'https://westeurope.oic.prod-aks.azure.com/tenant/cluster-2/';
    const data = aMap();
    data.clusters = [...data.clusters, { name: 'dr', issuer: OTHER_ISSUER }];
    data.nodes.push(aCredential('dr-fic', { subject: 'system:serviceaccount:shop:checkout', issuer: OTHER_ISSUER }));
    const model = buildMapModel(data);
    expect(credentialComparisons(model, 'sa:shop/checkout').map((c) => c.credential.node.label)).not.toContain('dr-fic');
    expect(credentialComparisons(model, `fic:${CLIENT}/dr-fic`)).toEqual([]);
  });

  it('calls a credential for an issuer no cluster has "another issuer", not a mismatch, beside an SA another credential serves', () => {
    const data = aMap();
    data.nodes.push(aCredential('neu-dr-fic', { subject: 'system:serviceaccount:shop:checkout', issuer: 'https://northeurope.oic.prod-aks.azure.com/tenant/dr/' }));
    const model = buildMapModel(data);
    const dr = credentialComparisons(model, 'sa:shop/checkout').find((c) => c.credential.node.label === 'neu-dr-fic')!;
    expect(dr.otherIssuer).toBe(true);
    // A near miss (a trailing '/', a subject in other case) stays a mismatch…
    expect(credentialComparisons(model, 'sa:shop/checkout').find((c) => c.credential.node.label === 'other-fic')!.otherIssuer).toBeUndefined();
    // …and so does any credential of an SA nothing accepts: it may be the one meant for it.
    data.edges = data.edges.filter((e) => e.kind !== 'federatesTo');
    const broken = buildMapModel(data);
    expect(credentialComparisons(broken, 'sa:shop/checkout').find((c) => c.credential.node.label === 'neu-dr-fic')!.otherIssuer).toBeUndefined();
  });

  it('flags a missing token-exchange audience', () => {
    expect(compareField('Audience', 'api://AzureADTokenExchange', 'api://other').status).toBe('differs');
    expect(compareField('Subject', 'a', undefined).status).toBe('missing');
  });
});

describe('tokenCommandFor', () => {
  it("mints the token of a service account or of a pod's service account; nothing for Azure objects", () => {
    const model = buildMapModel(aMap());
    const info = (id: string) => model.byId.get(id)!;
    expect(tokenCommandFor(model, info('sa:shop/checkout'))).toBe('kubectl create token checkout -n shop --audience api://AzureADTokenExchange');
    expect(tokenCommandFor(model, info('pod:shop/checkout-1'))).toBe('kubectl create token x -n shop --audience api://AzureADTokenExchange');
    expect(tokenCommandFor(model, info(`fic:${CLIENT}/checkout-fic`))).toBeUndefined();
  });

  it('names the cluster as --context when the map has several (the server gives each its kubeContext)', () => {
    const data = aMap();
    data.clusters = [...data.clusters.map((c) => ({ ...c, kubeContext: c.name })), { name: 'other', issuer: 'https://other/', kubeContext: 'other' }];
    const model = buildMapModel(data);
    expect(tokenCommandFor(model, model.byId.get('sa:shop/checkout')!)).toBe('kubectl --context sample create token checkout -n shop --audience api://AzureADTokenExchange');
  });

  it("names the one cluster's context when the map says it must (a context named in IDLENS_KUBE_CONTEXTS)", () => {
    const data = aMap();
    data.clusters = data.clusters.map((c) => ({ ...c, kubeContext: 'prod-weu' }));
    const model = buildMapModel(data);
    expect(tokenCommandFor(model, model.byId.get('sa:shop/checkout')!)).toBe('kubectl --context prod-weu create token checkout -n shop --audience api://AzureADTokenExchange');
  });
});

describe('sortInfos', () => {
  const model = buildMapModel(aMap());
  it('sorts by findings worst first, by kind in flow order, by namespace with Azure objects last', () => {
    expect(sortInfos(model.infos, { column: 'findings', descending: true })[0]!.node.id).toBe('pod:web/frontend-1');
    expect(sortInfos(model.infos, { column: 'kind', descending: false }).map((i) => i.node.kind)).toEqual([
      'pod',
      'pod',
      'serviceAccount',
      'serviceAccount',
      'federatedCredential',
      'federatedCredential',
      'managedIdentity',
    ]);
    const byNs = sortInfos(model.infos, { column: 'namespace', descending: false });
    expect(byNs.at(-1)!.namespace).toBeUndefined();
    expect(byNs[0]!.namespace).toBe('shop');
  });

  it('compares numbers in names as numbers: ns-2 before ns-10, fic-50 before fic-100', () => {
    const data = aMap();
    data.nodes = ['ns-10', 'ns-2', 'ns-1'].map((ns) => aServiceAccount(ns, 'api'));
    data.nodes.push(...['fic-100', 'fic-50', 'fic-7'].map((name) => aCredential(name, { subject: 'system:serviceaccount:ns-1:api' })));
    data.edges = [];
    data.findings = [];
    const m = buildMapModel(data);
    expect(m.namespaces).toEqual(['ns-1', 'ns-2', 'ns-10']);
    expect(sortInfos(m.infos, { column: 'namespace', descending: false }).slice(0, 3).map((i) => i.namespace)).toEqual(['ns-1', 'ns-2', 'ns-10']);
    const labels = sortInfos(m.infos, { column: 'label', descending: false }).map((i) => i.node.label);
    expect(labels.filter((l) => l.startsWith('fic-'))).toEqual(['fic-7', 'fic-50', 'fic-100']);
  });
});

describe('bandLayout', () => {
  it('stacks namespaces and service accounts in natural order (ns-2 above ns-10, sa-9 above sa-10)', () => {
    const nodes = ['ns-10', 'ns-2', 'ns-1'].flatMap((ns) => ['sa-10', 'sa-9'].map((sa) => ({ id: `sa:${ns}/${sa}`, kind: 'serviceAccount', band: `c\u0000${ns}` })));
    const { positions } = bandLayout({ nodes, edges: [] });
    const y = (id: string) => positions[id]!.y;
    expect(y('sa:ns-1/sa-9')).toBeLessThan(y('sa:ns-2/sa-9'));
    expect(y('sa:ns-2/sa-9')).toBeLessThan(y('sa:ns-10/sa-9'));
    expect(y('sa:ns-2/sa-9')).toBeLessThan(y('sa:ns-2/sa-10'));
  });

  it('places every node, in flow order from left to right, and is deterministic', () => {
    const data = aMap();
    const input = {
      nodes: data.nodes.map((n) => ({ id: n.id, kind: n.kind, ...('namespace' in n.data ? { band: `sample\u0000${(n.data as { namespace: string }).namespace}` } : {}) })),
      edges: data.edges,
    };
    const { positions } = bandLayout(input);
    expect(Object.keys(positions).sort()).toEqual(data.nodes.map((n) => n.id).sort());
    const x = (id: string) => positions[id]!.x;
    expect(x('pod:shop/checkout-1')).toBeLessThan(x('sa:shop/checkout'));
    expect(x('sa:shop/checkout')).toBeLessThan(x(`fic:${CLIENT}/checkout-fic`));
    expect(x(`fic:${CLIENT}/checkout-fic`)).toBeLessThan(x(`identity:${CLIENT}`));
    // The FIC sits level with the SA it trusts.
    expect(positions[`fic:${CLIENT}/checkout-fic`]!.y).toBe(positions['sa:shop/checkout']!.y);
    expect(bandLayout(input)).toEqual(bandLayout(input));
    expect(graphHash(input)).toBe(graphHash({ ...input }));
    expect(graphHash(input)).not.toBe(graphHash({ ...input, edges: input.edges.slice(1) }));
  });

  it('lays out 5,000 nodes quickly and without overlaps in a column', () => {
    const nodes: LayoutNode[] = [];
    const edges: LayoutEdge[] = [];
    for (let i = 0; i < 1000; i++) {
      const ns = `ns${i % 40}`;
      nodes.push({ id: `sa:${ns}/sa${i}`, kind: 'serviceAccount', band: `c\u0000${ns}` });
      for (let p = 0; p < 2; p++) {
        nodes.push({ id: `pod:${ns}/p${i}-${p}`, kind: 'pod', band: `c\u0000${ns}` });
        edges.push({ from: `pod:${ns}/p${i}-${p}`, to: `sa:${ns}/sa${i}` });
      }
      nodes.push({ id: `fic:x/f${i}`, kind: 'federatedCredential' });
      edges.push({ from: `sa:${ns}/sa${i}`, to: `fic:x/f${i}` });
      nodes.push({ id: `identity:i${i}`, kind: 'managedIdentity' });
      edges.push({ from: `fic:x/f${i}`, to: `identity:i${i}` });
    }
    const started = performance.now();
    const { positions, sections } = bandLayout({ nodes, edges });
    expect(performance.now() - started).toBeLessThan(500);
    expect(Object.keys(positions)).toHaveLength(5000);
    expect(new Set(Object.values(sections)).size).toBeGreaterThan(1);
    const seen = new Set<string>();
    for (const p of Object.values(positions)) {
      const key = `${Math.round(p.x)},${Math.round(p.y)}`;
      expect(seen.has(key)).toBe(false);
      seen.add(key);
    }
  });
});

describe('bandLayout with unlinked Azure objects', () => {
  it('spreads credentials tied to nothing over the sections instead of one endless column', () => {
    const nodes: LayoutNode[] = [];
    const edges: LayoutEdge[] = [];
    for (let i = 0; i < 600; i++) {
      nodes.push({ id: `sa:ns${i % 30}/sa${i}`, kind: 'serviceAccount', band: `c\u0000ns${i % 30}` });
      nodes.push({ id: `fic:x/other-cluster-${i}`, kind: 'federatedCredential' });
      nodes.push({ id: `identity:i${i}`, kind: 'managedIdentity' });
      edges.push({ from: `fic:x/other-cluster-${i}`, to: `identity:i${i}` });
    }
    const { positions, sections } = bandLayout({ nodes, edges });
    const ficSections = new Set(nodes.filter((n) => n.kind === 'federatedCredential').map((n) => sections[n.id]));
    expect(ficSections.size).toBeGreaterThan(1);
    const maxY = (kind: string) => Math.max(...nodes.filter((n) => n.kind === kind).map((n) => positions[n.id]!.y));
    expect(maxY('federatedCredential')).toBeLessThanOrEqual(maxY('serviceAccount') + 200);
    // Each identity sits level with its credential.
    expect(positions['identity:i7']!.y).toBe(positions['fic:x/other-cluster-7']!.y);
  });

  it('places a credential the graph does not link beside the service account its finding names', () => {
    const nodes = [
      { id: 'sa:a/one', kind: 'serviceAccount', band: 'c\u0000a' },
      { id: 'sa:b/two', kind: 'serviceAccount', band: 'c\u0000b' },
      { id: 'fic:x/for-two', kind: 'federatedCredential' },
    ];
    const { positions } = bandLayout({ nodes, edges: [], hints: [{ from: 'fic:x/for-two', to: 'sa:b/two' }] });
    expect(positions['fic:x/for-two']!.y).toBe(positions['sa:b/two']!.y);
  });
});

describe('graphToSvg', () => {
  it('escapes labels and ids from the cluster', () => {
    expect(escapeXml(`<script>"x" & 'y'</script>\u0001`)).toBe('&lt;script&gt;&quot;x&quot; &amp; &apos;y&apos;&lt;/script&gt;');
    const svg = graphToSvg({
      nodes: [
        { id: 'sa:a/<b>', label: '<img src=x onerror=alert(1)>', kind: 'serviceAccount', x: 0, y: 0, fill: '#123456', ring: '#ff0000' },
        { id: 'fic:1/"q"', label: 'f & g', kind: 'federatedCredential', x: 200, y: 0, fill: '#654321' },
      ],
      edges: [{ from: 'sa:a/<b>', to: 'fic:1/"q"', kind: 'federatesTo' }],
      groups: [{ label: 'namespace <a>', x1: -50, y1: -50, x2: 50, y2: 50 }],
      colors: { background: '#fff', text: '#000', edge: '#666', groupFill: '#eee', groupBorder: '#ccc', font: 'sans-serif' },
      title: 'map',
    });
    expect(svg).not.toContain('<img');
    expect(svg).not.toContain('<b>');
    expect(svg).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(svg).toContain('f &amp; g');
    expect(svg).toContain('<line ');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  });
});

describe('layoutInput of a filtered view', () => {
  it('ties an identity to the service accounts its hidden credentials federate, so it is laid out beside them', () => {
    const model = buildMapModel(aMap());
    const shown = new Set(['pod:shop/checkout-1', 'sa:shop/checkout', `identity:${CLIENT}`]);
    const input = layoutInput(model, shown);
    expect(input.nodes.map((n) => n.id).sort()).toEqual([...shown].sort());
    expect(input.hints).toContainEqual({ from: 'sa:shop/checkout', to: `identity:${CLIENT}` });
    // Laid out: the identity level with the service account (was: at the top of its column, tied to nothing).
    const { positions } = bandLayout(input);
    expect(positions[`identity:${CLIENT}`]!.y).toBe(positions['sa:shop/checkout']!.y);
    // Nothing is tied across a credential that is shown.
    expect(layoutInput(model, new Set([...shown, `fic:${CLIENT}/checkout-fic`])).hints).not.toContainEqual({ from: 'sa:shop/checkout', to: `identity:${CLIENT}` });
  });
});
