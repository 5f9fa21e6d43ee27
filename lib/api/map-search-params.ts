import type { NodeKind, Severity } from './identity-map-queries';
import { type ParamSource, readParam } from './search-param-source';

// The /map page's view state lives in its URL (STYLE.md §11), so a view can be shared and reloaded:
//   /map?q=checkout&ns=shop&kind=pod,serviceAccount&severity=error&broken=1&focus=sa:shop/checkout
// This module is the only place that reads or writes those parameters. Pure: no window, no React.

export const NODE_KINDS: readonly NodeKind[] = ['pod', 'serviceAccount', 'federatedCredential', 'managedIdentity', 'application'];
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

export interface MapSearch {
  /** Free text matched against id, label and namespace (case-insensitive). */
  q: string;
  /** Namespaces to show (empty = all). */
  ns: string[];
  /** Node kinds to show (empty = all). */
  kind: NodeKind[];
  /** Show only nodes with a finding of one of these severities (empty = no constraint). */
  severity: Severity[];
  /** Only nodes with an error or warning finding. */
  broken: boolean;
  /** The selected node's id. */
  focus?: string;
}

export const EMPTY_MAP_SEARCH: MapSearch = { q: '', ns: [], kind: [], severity: [], broken: false };

/** Longest value kept from the URL: ids and search text are short; anything longer is not ours. */
const MAX_VALUE = 512;

function read(source: ParamSource, name: string): string | undefined {
  return readParam(source, name)?.slice(0, MAX_VALUE);
}

/** `a,b,,c` → unique, trimmed, non-empty values in first-seen order. */
function list(value: string | undefined): string[] {
  if (!value) return [];
  return [...new Set(value.split(',').map((v) => v.trim()).filter(Boolean))];
}

function oneOf<T extends string>(values: string[], allowed: readonly T[]): T[] {
  return values.filter((v): v is T => (allowed as readonly string[]).includes(v));
}

/** Reads the page's view state from its search params; unknown or malformed values are dropped. */
export function parseMapSearch(source: ParamSource): MapSearch {
  const focus = read(source, 'focus')?.trim();
  const broken = read(source, 'broken');
  return {
    q: read(source, 'q') ?? '',
    ns: list(read(source, 'ns')),
    kind: oneOf(list(read(source, 'kind')), NODE_KINDS),
    severity: oneOf(list(read(source, 'severity')), SEVERITIES),
    broken: broken === '1' || broken === 'true',
    ...(focus ? { focus } : {}),
  };
}

/** A value of the URL that `parseMapSearch` drops, with why: the page reports it instead of hiding it. */
export interface IgnoredParam {
  name: 'kind' | 'severity' | 'broken';
  value: string;
  /** Why it is dropped, e.g. `not a node kind (pod, serviceAccount, …)`. */
  reason: string;
}

/** Longest dropped value quoted back to the user: the rest of a pasted blob says nothing more. */
const MAX_QUOTED = 60;
const quote = (value: string) => (value.length > MAX_QUOTED ? `${value.slice(0, MAX_QUOTED)}…` : value);

/**
 * The values `parseMapSearch` ignores (unknown kinds and severities, a `broken` that is not a
 * flag), one entry per value in URL order, so `?kind=bogus` is said rather than silently dropped.
 */
export function ignoredMapParams(source: ParamSource): IgnoredParam[] {
  const ignored: IgnoredParam[] = [];
  const unknown = (name: 'kind' | 'severity', allowed: readonly string[], what: string) => {
    for (const value of list(read(source, name))) {
      if (!allowed.includes(value)) ignored.push({ name, value: quote(value), reason: `not ${what} (${allowed.join(', ')})` });
    }
  };
  unknown('kind', NODE_KINDS, 'a node kind');
  unknown('severity', SEVERITIES, 'a finding severity');
  const broken = read(source, 'broken');
  if (broken !== undefined && !['', '0', '1', 'true', 'false'].includes(broken)) {
    ignored.push({ name: 'broken', value: quote(broken), reason: 'not a flag (1 or true; 0 or false)' });
  }
  return ignored;
}

/** The search params for a view state, defaults left out, in a stable order. */
export function mapSearchParams(search: MapSearch): URLSearchParams {
  const params = new URLSearchParams();
  if (search.q) params.set('q', search.q);
  if (search.ns.length) params.set('ns', search.ns.join(','));
  // Canonical order for the enumerations, so the same view always has the same URL.
  const kinds = NODE_KINDS.filter((k) => search.kind.includes(k));
  if (kinds.length) params.set('kind', kinds.join(','));
  const severities = SEVERITIES.filter((s) => search.severity.includes(s));
  if (severities.length) params.set('severity', severities.join(','));
  if (search.broken) params.set('broken', '1');
  if (search.focus) params.set('focus', search.focus);
  return params;
}

// `:`, `/` and `,` are legal in a query (RFC 3986) and make ids readable: `focus=sa:shop/checkout`.
const encode = (value: string) => encodeURIComponent(value).replace(/%3A/gi, ':').replace(/%2F/gi, '/').replace(/%2C/gi, ',');

/** `/map?…` for a view state: links, `history.replaceState`, deep links from other pages. */
export function mapHref(search: Partial<MapSearch> = {}): string {
  const params = mapSearchParams({ ...EMPTY_MAP_SEARCH, ...search });
  const query = [...params].map(([name, value]) => `${name}=${encode(value)}`).join('&');
  return query ? `/map?${query}` : '/map';
}

/** True when any filter (not focus) narrows the map. */
export function isFiltered(search: MapSearch): boolean {
  return Boolean(search.q.trim()) || search.ns.length > 0 || search.kind.length > 0 || search.severity.length > 0 || search.broken;
}
