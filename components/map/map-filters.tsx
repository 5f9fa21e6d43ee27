'use client';

import type { NodeKind, Severity } from '@/lib/api/identity-map-queries';
import { type MapSearch, NODE_KINDS, isFiltered } from '@/lib/api/map-search-params';
import { KIND_LABELS } from './map-model';

// Props-only: search box and filters. The values come from the URL (via the panel) and every
// change goes back to it; the panel filters arrays, the graph only toggles visibility.

interface Props {
  query: string;
  search: MapSearch;
  namespaces: string[];
  shown: number;
  total: number;
  onQuery(q: string): void;
  onChange(patch: Partial<MapSearch>): void;
  onClear(): void;
}

export function MapFilters({ query, search, namespaces, shown, total, onQuery, onChange, onClear }: Props) {
  const allKinds = search.kind.length === 0;
  function toggleKind(kind: NodeKind, on: boolean) {
    const current = allKinds ? [...NODE_KINDS] : search.kind;
    const next = on ? [...current, kind] : current.filter((k) => k !== kind);
    // All kinds checked means no kind filter (a shorter URL, and new kinds are not hidden).
    onChange({ kind: next.length === NODE_KINDS.length ? [] : next });
  }
  const nsValue = search.ns.length === 1 ? search.ns[0]! : search.ns.length === 0 ? '' : '__several__';
  return (
    <form role="search" className="card map-filters" aria-label="Search and filters" onSubmit={(e) => e.preventDefault()}>
      <div className="map-filter-search">
        <label htmlFor="map-q">Search</label>
        <input
          id="map-q"
          type="search"
          value={query}
          placeholder="name, namespace or id (e.g. checkout)"
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => onQuery(e.target.value)}
        />
      </div>
      <div>
        <label htmlFor="map-ns">Namespace</label>
        <select id="map-ns" value={nsValue} onChange={(e) => onChange({ ns: e.target.value ? [e.target.value] : [] })}>
          <option value="">All namespaces</option>
          {nsValue === '__several__' && <option value="__several__">{search.ns.join(', ')}</option>}
          {namespaces.map((ns) => (
            <option key={ns} value={ns}>
              {ns}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="map-severity">Findings</label>
        <select
          id="map-severity"
          value={search.severity.length === 1 ? search.severity[0] : ''}
          onChange={(e) => onChange({ severity: e.target.value ? [e.target.value as Severity] : [] })}
        >
          <option value="">Any (or none)</option>
          <option value="error">With an error</option>
          <option value="warning">With a warning</option>
          <option value="info">With an info</option>
        </select>
      </div>
      <fieldset className="map-kinds">
        <legend>Kinds</legend>
        {NODE_KINDS.map((kind) => (
          <label key={kind} className="map-check">
            <input type="checkbox" checked={allKinds || search.kind.includes(kind)} onChange={(e) => toggleKind(kind, e.target.checked)} />
            {KIND_LABELS[kind]}
          </label>
        ))}
      </fieldset>
      <div className="row map-filter-footer">
        <label className="map-check">
          <input type="checkbox" checked={search.broken} onChange={(e) => onChange({ broken: e.target.checked })} />
          Only broken (errors and warnings)
        </label>
        <span role="status" className="small muted" data-testid="filter-count">
          {shown === total ? `All ${total} nodes` : `${shown} of ${total} nodes`}
        </span>
        {isFiltered(search) && (
          <button type="button" onClick={onClear}>
            Clear filters
          </button>
        )}
      </div>
    </form>
  );
}
