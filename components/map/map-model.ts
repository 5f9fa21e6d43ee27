import type { IdentityMapData, MapEdge, MapFinding, MapNode, NodeKind, Severity } from '@/lib/api/identity-map-queries';
import { type MapSearch, NODE_KINDS, isFiltered } from '@/lib/api/map-search-params';
import { nodeId } from '@/lib/domain/ids';
import { naturalOrder } from '@/lib/domain/natural-order';
import { unreachableIssuerReason } from '@/lib/domain/oidc-issuer';
import { inKubeContext, shellCommand } from '@/lib/domain/fix-commands';

// Pure: the response of /api/identity-map indexed once per fetch, so that every filter keystroke
// only walks arrays and sets (no re-parsing, no graph rebuild). Runs in the browser and in unit tests.

export const TOKEN_EXCHANGE_AUDIENCE = 'api://AzureADTokenExchange';
const CLIENT_ID_ANNOTATION = 'azure.workload.identity/client-id';

/** The client ID a service account is annotated with, lower-cased (Entra compares GUIDs case-insensitively). */
function annotatedClientId(info: NodeInfo): string | undefined {
  return (str(info.node.data, 'clientId') ?? stringMap(info.node.data, 'annotations')[CLIENT_ID_ANNOTATION])?.toLowerCase();
}

export const KIND_LABELS: Record<NodeKind, string> = {
  pod: 'Pod',
  serviceAccount: 'Service account',
  federatedCredential: 'Federated credential',
  managedIdentity: 'Managed identity',
  application: 'Application',
};

export const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** What the graph's tooltip says about a node: its name, kind, where it is, and its findings by severity. */
export function hoverText(info: NodeInfo): string {
  const where = info.namespace !== undefined ? ` in ${info.namespace}${info.cluster ? ` (cluster ${info.cluster})` : ''}` : '';
  const counts = (['error', 'warning', 'info'] as const)
    .map((severity) => [severity, info.findings.filter((f) => f.severity === severity).length] as const)
    .filter(([, n]) => n > 0)
    .map(([severity, n]) => `${n} ${severity}${n === 1 ? '' : 's'}`);
  return `${info.name} · ${KIND_LABELS[info.node.kind]}${where}${counts.length ? ` · ${counts.join(', ')}` : ''}`;
}

export interface NodeInfo {
  node: MapNode;
  /** Kubernetes namespace (pods, service accounts); undefined for Azure objects. */
  namespace?: string;
  /** Cluster name for cluster-scoped objects. */
  cluster?: string;
  /** Object name without namespace (from data.name or the id). */
  name: string;
  findings: MapFinding[];
  /** Worst severity among the node's findings. */
  worst?: Severity;
  /**
   * Lower-cased text the search box matches: id, label, namespace, and what users copy from errors
   * (an SA's subject, a credential's subject and issuer, client and app IDs). Built once per map.
   */
  text: string;
}

/** A cluster of the map (`cluster:<name>` in finding refs): not a node, but a finding can be about it. */
export interface ClusterSummary {
  id: string;
  name: string;
  issuer?: string;
  /** Why Entra ID cannot reach the issuer; undefined when it looks usable (or is unknown). */
  issuerProblem?: string;
  serviceAccounts: number;
  pods: number;
  /** Findings whose refs name this cluster, worst first. */
  findings: MapFinding[];
  /** Lower-cased text the search box matches: the id and the name. */
  text: string;
}

export interface MapModel {
  data: IdentityMapData;
  infos: NodeInfo[];
  byId: Map<string, NodeInfo>;
  /** Edges touching each node, both directions. */
  edgesOf: Map<string, MapEdge[]>;
  namespaces: string[];
  multiCluster: boolean;
  counts: Record<Severity, number>;
  clusters: ClusterSummary[];
  clusterById: Map<string, ClusterSummary>;
  /** Pod and SA ids by their cluster-less form (`sa:shop/checkout`): ids typed without the cluster. */
  byUnscopedId: Map<string, string[]>;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function str(data: object, key: string): string | undefined {
  const v = (data as Record<string, unknown>)[key];
  return typeof v === 'string' ? v : undefined;
}

/** A string map (annotations, labels) from node data; non-string values are shown as JSON. */
export function stringMap(data: object, key: string): Record<string, string> {
  const v = (data as Record<string, unknown>)[key];
  if (!isRecord(v)) return {};
  return Object.fromEntries(Object.entries(v).map(([k, val]) => [k, typeof val === 'string' ? val : JSON.stringify(val)]));
}

export function stringList(data: object, key: string): string[] | undefined {
  const v = (data as Record<string, unknown>)[key];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  if (typeof v === 'string') return [v];
  return undefined;
}

/** `sa:shop/checkout` → { namespace: 'shop', name: 'checkout' }; `sa:prod:shop/checkout` carries the cluster. */
export function parseScopedId(id: string): { cluster?: string; namespace: string; name: string } | undefined {
  const m = /^(?:sa|pod):(?:([^:/]+):)?([^/]+)\/(.+)$/.exec(id);
  if (!m) return undefined;
  return { ...(m[1] ? { cluster: m[1] } : {}), namespace: m[2]!, name: m[3]! };
}

/** `sa:prod:shop/checkout` and `sa:shop/checkout` → `sa:shop/checkout`; other ids → undefined. */
function unscopedId(id: string): string | undefined {
  const m = /^(sa|pod):(?:[^:/]+:)?([^/]+\/.+)$/.exec(id);
  return m ? `${m[1]}:${m[2]}` : undefined;
}

/** What the search box matches for a node, beyond its id, label and namespace. */
function searchableFields(node: MapNode, namespace: string | undefined, name: string): Array<string | undefined> {
  const d = node.data;
  switch (node.kind) {
    case 'serviceAccount':
      return [str(d, 'subject') ?? (namespace === undefined ? undefined : `system:serviceaccount:${namespace}:${name}`), str(d, 'clientId')];
    case 'federatedCredential':
      return [str(d, 'subject'), str(d, 'issuer'), str(d, 'ownerClientId')];
    case 'managedIdentity':
      return [str(d, 'clientId'), str(d, 'principalId')];
    case 'application':
      return [str(d, 'appId'), ...(stringList(d, 'identifierUris') ?? [])];
    default:
      return [];
  }
}

function worstOf(findings: MapFinding[]): Severity | undefined {
  let worst: Severity | undefined;
  for (const f of findings) if (!worst || SEVERITY_RANK[f.severity] < SEVERITY_RANK[worst]) worst = f.severity;
  return worst;
}

export function buildMapModel(data: IdentityMapData): MapModel {
  const findingsByNode = new Map<string, MapFinding[]>();
  for (const f of data.findings) {
    for (const ref of f.refs) {
      const list = findingsByNode.get(ref);
      if (list) list.push(f);
      else findingsByNode.set(ref, [f]);
    }
  }
  /** The findings about `id`, worst first. */
  const findingsAbout = (id: string) => (findingsByNode.get(id) ?? []).slice().sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]);
  const multiCluster = data.clusters.length > 1;
  const onlyCluster = data.clusters.length === 1 ? data.clusters[0]!.name : undefined;
  const namespaces = new Set<string>();
  const infos: NodeInfo[] = data.nodes.map((node) => {
    const scoped = node.kind === 'pod' || node.kind === 'serviceAccount' ? parseScopedId(node.id) : undefined;
    const namespace = str(node.data, 'namespace') ?? scoped?.namespace;
    // Azure objects have no cluster, except a credential naming a cluster's issuer (data.cluster).
    const cluster = namespace === undefined ? str(node.data, 'cluster') : (str(node.data, 'cluster') ?? scoped?.cluster ?? onlyCluster);
    const name = str(node.data, 'name') ?? scoped?.name ?? node.label;
    if (namespace !== undefined) namespaces.add(namespace);
    const findings = findingsAbout(node.id);
    const text = [node.id, node.label, namespace ?? '', ...searchableFields(node, namespace, name)].filter(Boolean).join('\n').toLowerCase();
    return { node, namespace, cluster, name, findings, worst: worstOf(findings), text };
  });
  const byId = new Map(infos.map((i) => [i.node.id, i]));
  const byUnscopedId = new Map<string, string[]>();
  const perCluster = new Map<string, { serviceAccounts: number; pods: number }>();
  for (const info of infos) {
    const key = unscopedId(info.node.id);
    if (key !== undefined) {
      const list = byUnscopedId.get(key);
      if (list) list.push(info.node.id);
      else byUnscopedId.set(key, [info.node.id]);
    }
    if (info.cluster !== undefined && (info.node.kind === 'serviceAccount' || info.node.kind === 'pod')) {
      const c = perCluster.get(info.cluster) ?? { serviceAccounts: 0, pods: 0 };
      if (info.node.kind === 'serviceAccount') c.serviceAccounts += 1;
      else c.pods += 1;
      perCluster.set(info.cluster, c);
    }
  }
  const clusters: ClusterSummary[] = data.clusters.map((c) => {
    const id = nodeId.cluster(c.name);
    const findings = findingsAbout(id);
    const counts = perCluster.get(c.name) ?? { serviceAccounts: 0, pods: 0 };
    const issuerProblem = c.issuer === undefined ? undefined : unreachableIssuerReason(c.issuer);
    return { id, name: c.name, ...(c.issuer !== undefined ? { issuer: c.issuer } : {}), ...(issuerProblem ? { issuerProblem } : {}), ...counts, findings, text: `${id}\n${c.name}`.toLowerCase() };
  });
  const edgesOf = new Map<string, MapEdge[]>();
  const push = (id: string, e: MapEdge) => {
    const list = edgesOf.get(id);
    if (list) list.push(e);
    else edgesOf.set(id, [e]);
  };
  for (const e of data.edges) {
    push(e.from, e);
    if (e.to !== e.from) push(e.to, e);
  }
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of data.findings) counts[f.severity] += 1;
  return { data, infos, byId, edgesOf, namespaces: [...namespaces].sort(naturalOrder), multiCluster, counts, clusters, clusterById: new Map(clusters.map((c) => [c.id, c])), byUnscopedId };
}

/**
 * The nodes a namespace filter keeps: that namespace's pods and service accounts, plus the Azure
 * objects (credentials, identities, applications) reachable from them through Azure objects only,
 * so `ns=shop` still shows what shop's workloads federate to.
 */
export function namespaceScope(model: MapModel, ns: string[]): Set<string> | undefined {
  if (ns.length === 0) return undefined;
  const wanted = new Set(ns);
  const scope = new Set<string>();
  const queue: string[] = [];
  for (const info of model.infos) {
    if (info.namespace !== undefined && wanted.has(info.namespace)) {
      scope.add(info.node.id);
      queue.push(info.node.id);
    }
  }
  while (queue.length) {
    const id = queue.pop()!;
    for (const e of model.edgesOf.get(id) ?? []) {
      const other = e.from === id ? e.to : e.from;
      const info = model.byId.get(other);
      if (!info || info.namespace !== undefined || scope.has(other)) continue;
      scope.add(other);
      queue.push(other);
    }
  }
  return scope;
}

/** Ids of the nodes the view state keeps. Cheap enough for every keystroke (one pass over the nodes). */
export function visibleNodeIds(model: MapModel, search: MapSearch, scope: Set<string> | undefined = namespaceScope(model, search.ns)): Set<string> {
  const q = search.q.trim().toLowerCase();
  const kinds = search.kind.length ? new Set<string>(search.kind) : undefined;
  const severities = search.severity.length ? new Set<string>(search.severity) : undefined;
  const visible = new Set<string>();
  for (const info of model.infos) {
    const id = info.node.id;
    if (scope && !scope.has(id)) continue;
    if (kinds && !kinds.has(info.node.kind)) continue;
    if (search.broken && !(info.worst === 'error' || info.worst === 'warning')) continue;
    if (severities && !info.findings.some((f) => severities.has(f.severity))) continue;
    if (q && !info.text.includes(q)) continue;
    visible.add(id);
  }
  return visible;
}

/**
 * Clusters the view shows: those with a visible node (pod, SA, or a credential naming the
 * cluster's issuer), and those whose name the search text matches.
 */
export function visibleClusterIds(model: MapModel, visible: Set<string>, q = ''): Set<string> {
  const shown = new Set<string>();
  if (model.clusters.length === 0) return shown;
  const query = q.trim().toLowerCase();
  for (const c of model.clusters) if (query && c.text.includes(query)) shown.add(c.id);
  for (const id of visible) {
    const cluster = model.byId.get(id)?.cluster;
    if (cluster !== undefined) shown.add(nodeId.cluster(cluster));
    if (shown.size === model.clusters.length) break;
  }
  return shown;
}

/**
 * Findings about at least one visible node or visible cluster (`q`, the search text, can show a
 * cluster by name). A finding none of whose refs this map knows (no refs, or ids of nothing
 * listed) always shows: no filter can say it is out of view.
 */
export function visibleFindings(model: MapModel, visible: Set<string>, filtered: boolean, q = ''): MapFinding[] {
  if (!filtered) return model.data.findings;
  let clusters: Set<string> | undefined;
  const shown = (ref: string) => visible.has(ref) || (model.clusterById.has(ref) && (clusters ??= visibleClusterIds(model, visible, q)).has(ref));
  const known = (ref: string) => model.byId.has(ref) || model.clusterById.has(ref);
  return model.data.findings.filter((f) => f.refs.some(shown) || !f.refs.some(known));
}

/** What a `?focus=` id points at. */
export type FocusTarget =
  | { kind: 'node'; info: NodeInfo }
  | { kind: 'cluster'; cluster: ClusterSummary }
  /** An id without (or with another form of) the cluster part that fits several nodes. */
  | { kind: 'ambiguous'; ids: string[] }
  | { kind: 'missing' };

/**
 * Resolves a focus id: exact node and cluster ids first; then a pod or SA id written without the
 * cluster (`sa:shop/checkout`, as in single-cluster ids and the docs), or with a cluster when the
 * map's ids lack it (a single-cluster map), matched against the map's own ids. A cluster part must
 * name the node's cluster: `sa:staging:shop/cart` is not `sa:shop/cart` of a map of `prod`.
 */
export function resolveFocus(model: MapModel, id: string): FocusTarget {
  const info = model.byId.get(id);
  if (info) return { kind: 'node', info };
  const cluster = model.clusterById.get(id);
  if (cluster) return { kind: 'cluster', cluster };
  const key = unscopedId(id);
  if (key === undefined) return { kind: 'missing' };
  const wantedCluster = parseScopedId(id)?.cluster;
  const ids = (model.byUnscopedId.get(key) ?? []).filter((c) => wantedCluster === undefined || model.byId.get(c)?.cluster === wantedCluster);
  if (ids.length === 1) return { kind: 'node', info: model.byId.get(ids[0]!)! };
  if (ids.length > 1) return { kind: 'ambiguous', ids: [...ids].sort() };
  return { kind: 'missing' };
}

export type FilterName = 'q' | 'ns' | 'kind' | 'severity' | 'broken';

/** The filters a view state sets, in the order the controls show them. */
export function activeFilters(search: MapSearch): FilterName[] {
  const active: FilterName[] = [];
  if (search.q.trim()) active.push('q');
  if (search.ns.length) active.push('ns');
  if (search.kind.length) active.push('kind');
  if (search.severity.length) active.push('severity');
  if (search.broken) active.push('broken');
  return active;
}

const CLEARED: Record<FilterName, Partial<MapSearch>> = { q: { q: '' }, ns: { ns: [] }, kind: { kind: [] }, severity: { severity: [] }, broken: { broken: false } };

/** The view state without one filter. */
export function withoutFilter(search: MapSearch, filter: FilterName): MapSearch {
  return { ...search, ...CLEARED[filter] };
}

/**
 * When the filters keep no node: those whose removal alone would show nodes again (the culprits to
 * name). Empty when only dropping several of them helps, or when the map itself is empty.
 */
export function filtersHidingEverything(model: MapModel, search: MapSearch): FilterName[] {
  if (!isFiltered(search) || model.infos.length === 0) return [];
  return activeFilters(search).filter((f) => visibleNodeIds(model, withoutFilter(search, f)).size > 0);
}

/**
 * The kind filter after a checkbox changes. All kinds checked is no filter (`[]`: a shorter URL,
 * and new kinds are not hidden); the last checked kind cannot be unchecked, since an empty list
 * means "every kind" in the URL and unchecking it would show everything instead of nothing.
 */
export function toggleKind(kinds: readonly NodeKind[], kind: NodeKind, on: boolean): NodeKind[] {
  const current = kinds.length === 0 ? NODE_KINDS : kinds;
  const next = NODE_KINDS.filter((k) => (k === kind ? on : current.includes(k)));
  if (next.length === 0) return [...kinds];
  return next.length === NODE_KINDS.length ? [] : next;
}

/** True for the one kind still checked: its checkbox cannot be unchecked. */
export function isLastKind(kinds: readonly NodeKind[], kind: NodeKind): boolean {
  return kinds.length === 1 && kinds[0] === kind;
}

/** The sources as users name them (`cluster`, `Azure`). */
export const SOURCE_LABELS = { cluster: 'cluster', azure: 'Azure' } as const;
type SourceKey = keyof typeof SOURCE_LABELS;
export type SourceLabel = (typeof SOURCE_LABELS)[SourceKey];
const SOURCE_KEYS = Object.keys(SOURCE_LABELS) as SourceKey[];

/** The sources that failed to read, as users name them (`cluster`, `Azure`). */
export function failedSources(sources: IdentityMapData['sources']): SourceLabel[] {
  return SOURCE_KEYS.filter((k) => sources[k]?.error).map((k) => SOURCE_LABELS[k]);
}

/** A source that answered without part of what it reads (`missing`: files, or ARM/Graph calls). */
export interface PartlyReadSource {
  source: SourceLabel;
  missing: string[];
}

/**
 * The sources that answered but could not read everything. What they missed is unknown, not
 * empty: an identity whose federated credentials were not read gets no FIC finding at all, so
 * zero findings is no all-clear while this is not empty. A failed source is `failedSources`'.
 */
export function partlyReadSources(sources: IdentityMapData['sources']): PartlyReadSource[] {
  return SOURCE_KEYS.flatMap((k) => {
    const s = sources[k];
    return s && !s.error && s.missing?.length ? [{ source: SOURCE_LABELS[k], missing: s.missing }] : [];
  });
}

/**
 * The identity whose federated credentials were not read (`data.ficsUnread`) when it bears on this
 * node: the identity or application itself, or the one a service account's client-id names. Its
 * label, for the details panel: "nothing wrong" there means unknown, not fine.
 */
export function unreadCredentialsOf(model: MapModel, info: NodeInfo): string | undefined {
  const { node } = info;
  if (node.kind !== 'serviceAccount') return unreadCredentialsLabel(node);
  const clientId = str(node.data, 'clientId');
  const identity = clientId ? (model.byId.get(nodeId.identity(clientId)) ?? model.byId.get(nodeId.identity(clientId.toLowerCase()))) : undefined;
  return identity ? unreadCredentialsLabel(identity.node) : undefined;
}

/** An identity's or application's label when its own federated credentials were not read. */
function unreadCredentialsLabel(node: MapNode): string | undefined {
  return (node.kind === 'managedIdentity' || node.kind === 'application') && node.data.ficsUnread === true ? node.label : undefined;
}

/** A message that may lack its full stop (an upstream error ending in a command), ready for more sentences. */
export function asSentence(text: string): string {
  const t = text.trim();
  // A quotation that ends a sentence inside it ("… 09:00:00Z.") ends this one too.
  return t === '' || /[.!?…]["”'’)]?$/.test(t) ? t : `${t}.`;
}

/**
 * For a service account or a pod: the kubectl command that mints a token like the one its pods
 * present (issuer, subject, the token-exchange audience), to paste into the token decoder.
 * Names the cluster's `--context` where the map gives one (its `kubeContext`).
 */
export function tokenCommandFor(model: MapModel, info: NodeInfo): string | undefined {
  const sa = info.node.kind === 'serviceAccount' ? info.name : info.node.kind === 'pod' ? (str(info.node.data, 'serviceAccountName') ?? 'default') : undefined;
  if (sa === undefined || info.namespace === undefined) return undefined;
  // The server says which clusters' commands must name a context (kubeContextOf).
  const context = model.data.clusters.find((c) => c.name === info.cluster)?.kubeContext;
  return inKubeContext(shellCommand(['kubectl', 'create', 'token', sa, '-n', info.namespace, '--audience', TOKEN_EXCHANGE_AUDIENCE]), context);
}

/** A service name for the traces page: the app label, else the object's name. */
export function serviceNameOf(info: NodeInfo): string {
  const labels = stringMap(info.node.data, 'labels');
  return labels['app.kubernetes.io/name'] ?? labels.app ?? info.name;
}

export type FieldStatus = 'match' | 'trailing-slash' | 'case' | 'differs' | 'missing';

export interface FieldComparison {
  field: 'Issuer' | 'Subject' | 'Audience';
  expected: string;
  actual: string | undefined;
  status: FieldStatus;
}

export interface CredentialComparison {
  credential: NodeInfo;
  serviceAccount: NodeInfo;
  /** True when the graph links them (the domain found them to be the same trust). */
  linked: boolean;
  fields: FieldComparison[];
  /**
   * A credential for another issuer (another cluster, CI) with this SA's subject, beside an SA
   * another credential already serves: not a near miss (no finding), so not shown as an error.
   */
  otherIssuer?: boolean;
}

export function compareField(field: FieldComparison['field'], expected: string | undefined, actual: string | undefined): FieldComparison {
  const exp = expected ?? '(unknown)';
  if (actual === undefined) return { field, expected: exp, actual, status: 'missing' };
  if (expected === undefined) return { field, expected: exp, actual, status: 'differs' };
  if (expected === actual) return { field, expected, actual, status: 'match' };
  if (expected.replace(/\/+$/, '') === actual.replace(/\/+$/, '')) return { field, expected, actual, status: 'trailing-slash' };
  if (expected.toLowerCase() === actual.toLowerCase()) return { field, expected, actual, status: 'case' };
  return { field, expected, actual, status: 'differs' };
}

export function expectedSubject(info: NodeInfo): string | undefined {
  return info.namespace === undefined ? undefined : `system:serviceaccount:${info.namespace}:${info.name}`;
}

function clusterIssuer(model: MapModel, cluster: string | undefined): string | undefined {
  const c = cluster === undefined ? model.data.clusters[0] : model.data.clusters.find((x) => x.name === cluster);
  return c?.issuer;
}

/** The issuer a service account's tokens carry: its own data, else its cluster's. */
function tokenIssuerOf(model: MapModel, sa: NodeInfo): string | undefined {
  return str(sa.node.data, 'issuer') ?? clusterIssuer(model, sa.cluster);
}

/** Client ID of a credential's owner: data.ownerClientId, else the id `fic:<clientId>/<name>`. */
export function ownerClientIdOf(info: NodeInfo): string | undefined {
  return str(info.node.data, 'ownerClientId') ?? /^fic:([^/]+)\//.exec(info.node.id)?.[1];
}

function compare(model: MapModel, fic: NodeInfo, sa: NodeInfo, linked: boolean): CredentialComparison {
  const audiences = stringList(fic.node.data, 'audiences');
  const audience: FieldComparison =
    audiences === undefined
      ? { field: 'Audience', expected: TOKEN_EXCHANGE_AUDIENCE, actual: undefined, status: 'missing' }
      : audiences.includes(TOKEN_EXCHANGE_AUDIENCE)
        ? { field: 'Audience', expected: TOKEN_EXCHANGE_AUDIENCE, actual: audiences.join(', '), status: 'match' }
        : compareField('Audience', TOKEN_EXCHANGE_AUDIENCE, audiences.join(', ') || '(none)');
  return {
    credential: fic,
    serviceAccount: sa,
    linked,
    fields: [
      compareField('Issuer', tokenIssuerOf(model, sa), str(fic.node.data, 'issuer')),
      compareField('Subject', str(sa.node.data, 'subject') ?? expectedSubject(sa), str(fic.node.data, 'subject')),
      audience,
    ],
  };
}

const MAX_COMPARISONS = 4;

/**
 * For a federated credential or a service account: the FIC's issuer, subject and audience beside
 * what the SA's token will carry. Pairs the graph links come first, then SAs annotated with the
 * credential owner's client ID (where a mismatch hides: the domain draws no edge for those) —
 * for an SA some credential accepts, only the credentials whose subject names it.
 */
export function credentialComparisons(model: MapModel, id: string): CredentialComparison[] {
  const info = model.byId.get(id);
  if (!info) return [];
  const pairs = new Map<string, CredentialComparison>();
  const add = (fic: NodeInfo | undefined, sa: NodeInfo | undefined, linked: boolean) => {
    if (!fic || !sa || fic.node.kind !== 'federatedCredential' || sa.node.kind !== 'serviceAccount') return;
    const key = `${fic.node.id}\n${sa.node.id}`;
    if (pairs.has(key)) return;
    const comparison = compare(model, fic, sa, linked);
    const [issuer, ...rest] = comparison.fields;
    if (!linked && issuer?.status === 'differs' && rest.every((f) => f.status === 'match') && works(sa)) comparison.otherIssuer = true;
    pairs.set(key, comparison);
  };
  const linkedEdges = (model.edgesOf.get(id) ?? []).filter((e) => e.kind === 'federatesTo');
  // An SA that works — accepted (a federatesTo edge) by a credential of the identity its annotation
  // names; an edge to another identity's credential does not make that exchange work — is compared
  // beside the owner's other credentials only with those whose subject names it (even in other
  // case), a near miss meant for it, not with every credential of the identity ("mismatches" that
  // break nothing).
  const ownsCredential = (ficId: string, clientId: string | undefined) => {
    const fic = model.byId.get(ficId);
    return clientId !== undefined && fic !== undefined && ownerClientIdOf(fic)?.toLowerCase() === clientId;
  };
  const works = (sa: NodeInfo) => (model.edgesOf.get(sa.node.id) ?? []).some((e) => e.kind === 'federatesTo' && e.from === sa.node.id && ownsCredential(e.to, annotatedClientId(sa)));
  const meantFor = (fic: NodeInfo, sa: NodeInfo) => str(fic.node.data, 'subject')?.toLowerCase() === expectedSubject(sa)?.toLowerCase();
  // A credential for another known cluster's exact issuer serves that cluster (one identity
  // federated with several): it is no near miss of this SA, whatever its subject.
  const clusterIssuers = new Set(model.data.clusters.map((c) => c.issuer).filter((i): i is string => Boolean(i)));
  const forAnotherCluster = (fic: NodeInfo, sa: NodeInfo) => {
    const issuer = str(fic.node.data, 'issuer');
    return issuer !== undefined && clusterIssuers.has(issuer) && issuer !== tokenIssuerOf(model, sa);
  };
  const unlinkedPair = (fic: NodeInfo, sa: NodeInfo) => !forAnotherCluster(fic, sa) && (!works(sa) || meantFor(fic, sa));
  if (info.node.kind === 'federatedCredential') {
    for (const e of linkedEdges) add(info, model.byId.get(e.from), true);
    const owner = ownerClientIdOf(info)?.toLowerCase();
    if (owner) {
      const sas = model.infos.filter((i) => i.node.kind === 'serviceAccount' && annotatedClientId(i) === owner && unlinkedPair(info, i));
      // Closest first: the SA the subject names (even with other case), then the rest.
      const subject = str(info.node.data, 'subject')?.toLowerCase();
      sas.sort((a, b) => Number(expectedSubject(b)?.toLowerCase() === subject) - Number(expectedSubject(a)?.toLowerCase() === subject));
      for (const sa of sas) add(info, sa, false);
    }
  } else if (info.node.kind === 'serviceAccount') {
    for (const e of linkedEdges) add(model.byId.get(e.to), info, true);
    const clientId = annotatedClientId(info);
    if (clientId) {
      for (const fic of model.infos) {
        if (fic.node.kind === 'federatedCredential' && ownerClientIdOf(fic)?.toLowerCase() === clientId && unlinkedPair(fic, info)) add(fic, info, false);
      }
    }
  }
  return [...pairs.values()].slice(0, MAX_COMPARISONS);
}

export type SortColumn = 'kind' | 'label' | 'namespace' | 'cluster' | 'findings';
export interface SortState {
  column: SortColumn;
  descending: boolean;
}

const KIND_ORDER: Record<NodeKind, number> = { pod: 0, serviceAccount: 1, federatedCredential: 2, managedIdentity: 3, application: 4 };

/** Findings column order: worst severity first, then how many. */
function findingsScore(info: NodeInfo): number {
  if (!info.worst) return 0;
  return (3 - SEVERITY_RANK[info.worst]) * 100_000 + info.findings.length;
}

export function sortInfos(infos: NodeInfo[], sort: SortState): NodeInfo[] {
  const dir = sort.descending ? -1 : 1;
  // Empty values (Azure objects have no namespace or cluster) go last in both directions: the
  // direction only reverses the values, so `dir` is undone for a comparison with an empty one.
  const cmpText = (a: string | undefined, b: string | undefined) =>
    a === undefined || b === undefined ? (a === b ? 0 : a === undefined ? dir : -dir) : naturalOrder(a, b);
  const byLabel = (a: NodeInfo, b: NodeInfo) => naturalOrder(a.node.label, b.node.label) || naturalOrder(a.node.id, b.node.id);
  const primary: (a: NodeInfo, b: NodeInfo) => number =
    sort.column === 'kind'
      ? (a, b) => (KIND_ORDER[a.node.kind] ?? 9) - (KIND_ORDER[b.node.kind] ?? 9)
      : sort.column === 'label'
        ? () => 0
        : sort.column === 'namespace'
          ? (a, b) => cmpText(a.namespace, b.namespace)
          : sort.column === 'cluster'
            ? (a, b) => cmpText(a.cluster, b.cluster)
            : (a, b) => findingsScore(a) - findingsScore(b);
  return infos.slice().sort((a, b) => primary(a, b) * dir || byLabel(a, b) * (sort.column === 'label' ? dir : 1));
}
