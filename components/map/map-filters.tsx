'use client';

import { useRef } from 'react';
import type { NodeKind, Severity } from '@/lib/api/identity-map-queries';
import { type IgnoredParam, type MapSearch, NODE_KINDS, isFiltered } from '@/lib/api/map-search-params';
import { type FilterName, KIND_LABELS, isLastKind, toggleKind, withoutFilter } from './map-model';

// Props-only: search box and filters. The values come from the URL (via the panel) and every
// change goes back to it; the panel filters arrays, the graph only toggles visibility.

interface Props {
  query: string;
  search: MapSearch;
  namespaces: string[];
  shown: number;
  total: number;
  /** When nothing is shown: the filters whose removal alone would show nodes (see filtersHidingEverything). */
  hiding: FilterName[];
  /** Values of the URL the view ignores (`?kind=bogus`): reported, with a way to drop them. */
  ignored: IgnoredParam[];
  onQuery(q: string): void;
  /** `control`: the select that changed, so that a run of arrow-key steps through it is one history entry. */
  onChange(patch: Partial<MapSearch>, control?: 'ns' | 'severity'): void;
  onClear(): void;
  onDropIgnored(): void;
}

const SEVERITY_TEXT: Record<Severity, string> = { error: 'an error', warning: 'a warning', info: 'an info' };
const SEVERAL = '__several__';

/** "With an error or a warning": a severity filter as the Findings control shows it. */
function severityOption(severities: Severity[]): string {
  const parts = severities.map((s) => SEVERITY_TEXT[s]);
  return `With ${parts.length > 1 ? `${parts.slice(0, -1).join(', ')} or ${parts.at(-1)}` : parts[0]}`;
}

export function MapFilters({ query, search, namespaces, shown, total, hiding, ignored, onQuery, onChange, onClear, onDropIgnored }: Props) {
  // A clear button goes away once clicked: focus moves to the search box first, not to <body>.
  const searchRef = useRef<HTMLInputElement>(null);
  const focusSearch = () => searchRef.current?.focus({ preventScroll: true });
  const clear = () => {
    focusSearch();
    onClear();
  };
  const allKinds = search.kind.length === 0;
  const onKind = (kind: NodeKind, on: boolean) => onChange({ kind: toggleKind(search.kind, kind, on) });
  // The controls show the URL's state even when the map has no such namespace or the URL holds a
  // combination a single select cannot pick: such values get an option of their own.
  const known = new Set(namespaces);
  const nsText = (ns: string) => (known.has(ns) ? ns : `${ns} (not in this map)`);
  const unknownNs = search.ns.length === 1 && !known.has(search.ns[0]!) ? search.ns[0] : undefined;
  const nsValue = search.ns.length === 1 ? search.ns[0]! : search.ns.length === 0 ? '' : SEVERAL;
  const severityValue = search.severity.length === 1 ? search.severity[0]! : search.severity.length === 0 ? '' : SEVERAL;
  const kindsLocked = search.kind.length === 1;
  return (
    <form role="search" className="card map-filters" aria-label="Search and filters" onSubmit={(e) => e.preventDefault()}>
      <div className="map-filter-search">
        <label htmlFor="map-q">Search</label>
        <input
          id="map-q"
          ref={searchRef}
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
        <select id="map-ns" value={nsValue} onChange={(e) => onChange({ ns: e.target.value ? [e.target.value] : [] }, 'ns')}>
          <option value="">All namespaces</option>
          {nsValue === SEVERAL && <option value={SEVERAL}>{search.ns.map(nsText).join(', ')}</option>}
          {unknownNs !== undefined && <option value={unknownNs}>{nsText(unknownNs)}</option>}
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
          value={severityValue}
          onChange={(e) => {
            if (e.target.value === SEVERAL) return;
            onChange({ severity: e.target.value ? [e.target.value as Severity] : [] }, 'severity');
          }}
        >
          <option value="">Any (or none)</option>
          {severityValue === SEVERAL && <option value={SEVERAL}>{severityOption(search.severity)}</option>}
          <option value="error">With an error</option>
          <option value="warning">With a warning</option>
          <option value="info">With an info</option>
        </select>
      </div>
      <fieldset className="map-kinds" aria-describedby={kindsLocked ? 'map-kinds-note' : undefined}>
        <legend>Kinds</legend>
        {NODE_KINDS.map((kind) => (
          <label key={kind} className="map-check">
            {/* The last checked kind stays checked: an empty kind list means "every kind" (toggleKind). */}
            <input
              type="checkbox"
              checked={allKinds || search.kind.includes(kind)}
              disabled={isLastKind(search.kind, kind)}
              onChange={(e) => onKind(kind, e.target.checked)}
            />
            {KIND_LABELS[kind]}
          </label>
        ))}
        {kindsLocked && (
          <span id="map-kinds-note" className="small muted">
            At least one kind stays shown.
          </span>
        )}
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
          <button type="button" onClick={clear}>
            Clear filters
          </button>
        )}
      </div>
      {ignored.length > 0 && (
        <IgnoredParams
          ignored={ignored}
          onDrop={() => {
            focusSearch();
            onDropIgnored();
          }}
        />
      )}
      {shown === 0 && total > 0 && isFiltered(search) && (
        <NothingShown
          search={search}
          hiding={hiding}
          nsText={nsText}
          onChange={(patch) => {
            focusSearch();
            onChange(patch);
          }}
          onClear={clear}
        />
      )}
    </form>
  );
}

/** What the URL held that the view ignores, so a mistyped link does not look like "no filter". */
function IgnoredParams({ ignored, onDrop }: { ignored: IgnoredParam[]; onDrop(): void }) {
  return (
    <div className="callout callout-warn row justify-between map-ignored" role="status" data-testid="ignored-params">
      <ul className="m-0">
        {ignored.map((p, i) => (
          <li key={`${p.name}=${p.value}:${i}`}>
            Ignored{' '}
            <code>
              {p.name}={p.value}
            </code>
            : {p.reason}.
          </li>
        ))}
      </ul>
      <button type="button" onClick={onDrop}>
        {ignored.length === 1 ? 'Remove it from the URL' : 'Remove them from the URL'}
      </button>
    </div>
  );
}

const FILTER_NAMES: Record<FilterName, string> = { q: 'search', ns: 'namespace filter', kind: 'kind filter', severity: 'findings filter', broken: '"only broken" filter' };

function describeFilter(filter: FilterName, search: MapSearch, nsText: (ns: string) => string): string {
  switch (filter) {
    case 'q':
      return `the search "${search.q.trim()}"`;
    case 'ns':
      return `the namespace filter ${search.ns.map(nsText).join(', ')}`;
    case 'kind':
      return `the kind filter (${search.kind.map((k) => KIND_LABELS[k]).join(', ')})`;
    case 'severity':
      return `the findings filter (${severityOption(search.severity).toLowerCase()})`;
    case 'broken':
      return 'the "only broken" filter';
  }
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** Why the view is empty: the filters that hide everything, each with a one-click clear. */
function NothingShown({ search, hiding, nsText, onChange, onClear }: { search: MapSearch; hiding: FilterName[]; nsText(ns: string): string; onChange(patch: Partial<MapSearch>): void; onClear(): void }) {
  return (
    <div className="callout callout-warn stack map-nothing-shown" data-testid="filters-hide-everything">
      <p className="m-0">
        <strong>No node matches.</strong>{' '}
        {hiding.length === 0
          ? 'No single filter is the cause: together they leave nothing.'
          : hiding.length === 1
            ? `${capitalize(describeFilter(hiding[0]!, search, nsText))} hides every node.`
            : `Clearing any one of these shows nodes again: ${hiding.map((f) => describeFilter(f, search, nsText)).join('; ')}.`}
      </p>
      <div className="row">
        {hiding.map((f) => (
          <button key={f} type="button" onClick={() => onChange(withoutFilter(search, f))}>
            Clear the {FILTER_NAMES[f]}
          </button>
        ))}
        <button type="button" onClick={onClear}>
          Clear all filters
        </button>
      </div>
    </div>
  );
}
