'use client';

import { useSearchParams } from 'next/navigation';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { IdentityMapData, SourceState } from '@/lib/api/identity-map-queries';
import { EMPTY_MAP_SEARCH, type MapSearch, isFiltered, mapHref, parseMapSearch } from '@/lib/api/map-search-params';
import { downloadBlob } from '@/components/shell/browser-files';
import { exportFileName } from './export-file-name';
import { FindingsList } from './findings-list';
import { MapFilters } from './map-filters';
import { type GraphHandle, MapGraph } from './map-graph';
import { type MapModel, buildMapModel, credentialComparisons, namespaceScope, visibleFindings, visibleNodeIds } from './map-model';
import { MapSkeleton } from './map-skeleton';
import { MapTable } from './map-table';
import { NodeDetails } from './node-details';
import { useIdentityMap } from './use-identity-map';

// Container of /map: fetches the map, reads the view state from the URL and hands plain props to
// the views. The URL is written with history.replaceState, which Next.js folds into its router
// (useSearchParams updates) without a server round trip — cheap enough for every keystroke.

const FILTER_MARK = 'idlens:map-filter:start';

function writeUrl(href: string) {
  window.history.replaceState(null, '', href);
}

export function MapPanel() {
  const searchParams = useSearchParams();
  // The URL in canonical form: the view compares it with the URLs it wrote itself.
  const urlHref = mapHref(parseMapSearch(searchParams));
  const { query: mapQuery, refresh, refreshing } = useIdentityMap();
  const data = mapQuery.data;

  useEffect(() => {
    if (data) performance.mark('idlens:map-data');
  }, [data]);

  if (mapQuery.isPending) return <MapSkeleton />;
  if (!data) {
    return (
      <div role="alert" className="callout callout-error stack">
        <p className="m-0">
          <strong>The identity map could not be loaded.</strong> {mapQuery.error?.message}
        </p>
        <div>
          <button type="button" className="primary" onClick={() => mapQuery.refetch()}>
            Try again
          </button>
        </div>
      </div>
    );
  }
  return (
    <MapView
      data={data}
      urlHref={urlHref}
      refreshing={refreshing}
      refreshError={mapQuery.isError ? mapQuery.error.message : undefined}
      onRefresh={refresh}
    />
  );
}

interface ViewProps {
  data: IdentityMapData;
  /** The address bar's view state, canonical (`mapHref`). */
  urlHref: string;
  refreshing: boolean;
  refreshError: string | undefined;
  onRefresh(): void;
}

function parseHref(href: string): MapSearch {
  return parseMapSearch(new URLSearchParams(href.split('?')[1] ?? ''));
}

function MapView({ data, urlHref, refreshing, refreshError, onRefresh }: ViewProps) {
  const model = useMemo(() => buildMapModel(data), [data]);
  // The view state is this component's state, so inputs answer at once; every change is written to
  // the URL (replaceState, no history entry), from which it is read on load. Filters and focus are
  // kept apart: selecting a node must not look like a filter change to the views below.
  const [filters, setFilters] = useState<MapSearch>(() => ({ ...parseHref(urlHref), focus: undefined }));
  const [focus, setFocus] = useState<string | undefined>(() => parseHref(urlHref).focus);
  // URLs this view wrote: the router reports them back later (in a transition), which is no reason
  // to reset the state; any other URL (e.g. the navigation's link to /map) is a new view state.
  const [written, setWritten] = useState<string[]>([]);
  const [seenHref, setSeenHref] = useState(urlHref);
  if (urlHref !== seenHref) {
    setSeenHref(urlHref);
    if (!written.includes(urlHref)) {
      const next = parseHref(urlHref);
      setFilters({ ...next, focus: undefined });
      setFocus(next.focus);
    }
  }
  const [centerRequest, setCenterRequest] = useState<{ id: string; seq: number }>();
  const [detailsFocus, setDetailsFocus] = useState(0);
  const graphRef = useRef<GraphHandle>(null);
  const sidebarRef = useRef<HTMLDivElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const filterPending = useRef(false);

  const scope = useMemo(() => namespaceScope(model, filters.ns), [model, filters.ns]);
  const visible = useMemo(() => visibleNodeIds(model, filters, scope), [model, filters, scope]);
  const filtered = isFiltered(filters);
  const rows = useMemo(() => (filtered ? model.infos.filter((i) => visible.has(i.node.id)) : model.infos), [model, visible, filtered]);
  const findings = useMemo(() => visibleFindings(model, visible, filtered), [model, visible, filtered]);

  // Children's effects (the graph's batch) have run by now: the measure spans input → graph updated.
  useEffect(() => {
    if (!filterPending.current) return;
    filterPending.current = false;
    performance.measure('idlens:map-filter', FILTER_MARK);
    performance.clearMarks(FILTER_MARK);
  }, [visible]);

  const startFilter = () => {
    filterPending.current = true;
    performance.mark(FILTER_MARK);
  };

  const commit = (nextFilters: MapSearch, nextFocus: string | undefined) => {
    const href = mapHref({ ...nextFilters, focus: nextFocus });
    setWritten((list) => [...list.slice(-31), href]);
    writeUrl(href);
  };
  const changeFilters = (next: MapSearch) => {
    startFilter();
    setFilters(next);
    commit(next, focus);
  };
  const onQuery = (q: string) => changeFilters({ ...filters, q });
  const onChange = (patch: Partial<MapSearch>) => changeFilters({ ...filters, ...patch });
  const onClear = () => changeFilters(EMPTY_MAP_SEARCH);

  const select = (id: string | undefined, from: 'graph' | 'table' | 'link') => {
    setFocus(id);
    commit(filters, id);
    if (id && from !== 'graph') setCenterRequest((r) => ({ id, seq: (r?.seq ?? 0) + 1 }));
    if (id && from === 'link') setDetailsFocus((n) => n + 1);
  };

  // After following a link in a finding, show and focus the details at the top of the sidebar.
  useEffect(() => {
    if (detailsFocus === 0) return;
    sidebarRef.current?.scrollTo({ top: 0 });
    headingRef.current?.focus({ preventScroll: false });
  }, [detailsFocus]);

  const selected = focus ? model.byId.get(focus) : undefined;
  const comparisons = useMemo(() => (selected ? credentialComparisons(model, selected.node.id) : []), [model, selected]);
  const labelOf = useCallback((id: string) => model.byId.get(id)?.node.label, [model]);
  const hrefFor = useCallback((id: string) => mapHref({ ...filters, focus: id }), [filters]);
  const focusFromLink = (id: string) => select(id, 'link');

  async function exportPng() {
    const background = getComputedStyle(document.documentElement).getPropertyValue('--surface').trim() || '#ffffff';
    const blob = await graphRef.current?.png(background);
    if (blob) downloadBlob(blob, exportFileName(data.generatedAt, 'png'));
  }
  function exportSvg() {
    const svg = graphRef.current?.svg();
    if (svg) downloadBlob(new Blob([svg], { type: 'image/svg+xml' }), exportFileName(data.generatedAt, 'svg'));
  }
  function exportJson() {
    downloadBlob(new Blob([`${JSON.stringify(data, null, 2)}\n`], { type: 'application/json' }), exportFileName(data.generatedAt, 'json'));
  }

  const empty = model.infos.length === 0;

  return (
    <div className="stack">
      <div className="row map-header">
        <Summary model={model} />
        <span className="small muted">
          Read <time dateTime={data.generatedAt}>{new Date(data.generatedAt).toLocaleTimeString()}</time>
        </span>
        <span className="map-header-spacer" />
        <button type="button" onClick={onRefresh} disabled={refreshing} aria-describedby="refresh-note">
          {refreshing ? 'Refreshing…' : 'Refresh'}
        </button>
        <span id="refresh-note" className="visually-hidden">
          Reads the cluster and Azure sources again instead of the server&apos;s 30-second cache.
        </span>
        <div className="row" role="group" aria-label="Export">
          <button type="button" onClick={exportPng} disabled={empty}>
            Export PNG
          </button>
          <button type="button" onClick={exportSvg} disabled={empty}>
            Export SVG
          </button>
          <button type="button" onClick={exportJson}>
            Export JSON
          </button>
        </div>
      </div>

      {refreshError && (
        <p role="alert" className="callout callout-error m-0">
          Refreshing failed: {refreshError} The map below is the one read at {new Date(data.generatedAt).toLocaleTimeString()}.
        </p>
      )}
      <SourceCallouts sources={data.sources} />

      {empty ? (
        <EmptyState sources={data.sources} />
      ) : (
        <>
          <MapFilters
            query={filters.q}
            search={filters}
            namespaces={model.namespaces}
            shown={visible.size}
            total={model.infos.length}
            onQuery={onQuery}
            onChange={onChange}
            onClear={onClear}
          />
          <div className="map-layout">
            <div className="stack map-main">
              <MapGraph
                ref={graphRef}
                model={model}
                visible={visible}
                selectedId={focus}
                centerRequest={centerRequest}
                onSelect={(id) => select(id, 'graph')}
              />
              <MapTable rows={rows} total={model.infos.length} selectedId={focus} onSelect={(id) => select(id, 'table')} />
            </div>
            <aside className="stack map-sidebar" ref={sidebarRef} aria-label="Details and findings">
              {selected ? (
                <NodeDetails
                  info={selected}
                  comparisons={comparisons}
                  edges={model.edgesOf.get(selected.node.id) ?? []}
                  labelOf={labelOf}
                  hrefFor={hrefFor}
                  onFocus={focusFromLink}
                  onClose={() => select(undefined, 'graph')}
                  headingRef={headingRef}
                />
              ) : focus ? (
                <p className="callout callout-warn" role="status">
                  No node has the id <code>{focus}</code> in this map.
                </p>
              ) : (
                <p className="callout callout-info small m-0">
                  Select a node in the graph, the table or a finding to see its details, how its credential compares with its
                  service account, and the fix commands.
                </p>
              )}
              <FindingsList findings={findings} total={model.data.findings.length} labelOf={labelOf} hrefFor={hrefFor} onFocus={focusFromLink} />
            </aside>
          </div>
        </>
      )}
    </div>
  );
}

function Summary({ model }: { model: MapModel }) {
  const { counts } = model;
  return (
    <p className="row m-0" data-testid="map-summary">
      <span>
        <strong>{model.infos.length}</strong> nodes, <strong>{model.data.edges.length}</strong> edges
        {model.data.clusters.length > 0 && (
          <>
            {' '}
            in {model.data.clusters.length === 1 ? `cluster ${model.data.clusters[0]!.name}` : `${model.data.clusters.length} clusters`}
          </>
        )}
      </span>
      <span className="badge badge-error">{counts.error} errors</span>
      <span className="badge badge-warn">{counts.warning} warnings</span>
      <span className="badge badge-info">{counts.info} info</span>
    </p>
  );
}

const SOURCE_NAMES = { cluster: 'cluster', azure: 'Azure' } as const;

function SourceCallouts({ sources }: { sources: IdentityMapData['sources'] }) {
  const entries = (Object.keys(SOURCE_NAMES) as Array<keyof typeof SOURCE_NAMES>).map((key) => [key, sources[key]] as const);
  return (
    <>
      {entries.map(([key, source]) => {
        const other = key === 'cluster' ? 'Azure' : 'cluster';
        if (source?.error) {
          return (
            <div key={key} role="alert" className="callout callout-error" data-source={key}>
              <strong>The {SOURCE_NAMES[key]} source failed</strong> <span className="small muted">({source.mode}, {source.error.code})</span>:{' '}
              {source.error.message} The {other} part of the map is still shown; findings that need both sides are missing.
            </div>
          );
        }
        if (source?.missing?.length) {
          return (
            <div key={key} className="callout callout-warn" data-source={key}>
              The {SOURCE_NAMES[key]} snapshot lacks {source.missing.join(', ')}: what those files hold is not shown, and not guessed.
            </div>
          );
        }
        return null;
      })}
    </>
  );
}

function EmptyState({ sources }: { sources: IdentityMapData['sources'] }) {
  const mode = (s: SourceState | undefined) => (s ? s.mode : 'unknown');
  return (
    <div className="callout callout-info stack" role="status">
      <p className="m-0">
        <strong>The map is empty.</strong> It fills with the pods and service accounts the cluster source lists (now{' '}
        <code>{mode(sources.cluster)}</code>, set by <code>IDLENS_CLUSTER</code>) and the managed identities, applications and
        federated credentials the Azure source lists (now <code>{mode(sources.azure)}</code>, set by <code>IDLENS_AZURE</code>).
      </p>
      <p className="m-0">
        Point them at a cluster and a tenant, or at a snapshot directory of <code>kubectl</code> and <code>az</code> outputs (see the
        README), then press Refresh.
      </p>
    </div>
  );
}
