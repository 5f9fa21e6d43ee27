'use client';

import { useSearchParams } from 'next/navigation';
import { useCallback, useEffect, useEffectEvent, useMemo, useRef, useState } from 'react';
import type { IdentityMapData, SourceState } from '@/lib/api/identity-map-queries';
import { EMPTY_MAP_SEARCH, type IgnoredParam, type MapSearch, ignoredMapParams, isFiltered, mapHref, parseMapSearch } from '@/lib/api/map-search-params';
import { downloadBlob } from '@/components/shell/browser-files';
import { exportFileName } from './export-file-name';
import { FindingsList } from './findings-list';
import { MapFilters } from './map-filters';
import { type GraphHandle, MapGraph } from './map-graph';
import {
  type MapModel,
  asSentence,
  buildMapModel,
  credentialComparisons,
  failedSources,
  filtersHidingEverything,
  namespaceScope,
  partlyReadSources,
  SOURCE_LABELS,
  resolveFocus,
  tokenCommandFor,
  unreadCredentialsOf,
  visibleClusterIds,
  visibleFindings,
  visibleNodeIds,
} from './map-model';
import { MapSkeleton } from './map-skeleton';
import { MapTable } from './map-table';
import { ClusterDetails, NodeDetails } from './node-details';
import { useIdentityMap } from './use-identity-map';

// Container of /map: fetches the map, reads the view state from the URL and hands plain props to
// the views. The URL is written with history.replaceState/pushState, which Next.js folds into its
// router (useSearchParams updates) without a server round trip — cheap enough for every keystroke.

const FILTER_MARK = 'idlens:map-filter:start';
/** Changes of one select closer together than this are one step of history (arrow keys through its options). */
const SAME_CONTROL_MS = 1500;

/**
 * `replace` for what changes per keystroke (the search text) or only rewrites the same view state
 * (a canonical form); `push` for a discrete change — a filter, opening or closing a node's details —
 * so Back undoes it.
 */
type HistoryMode = 'push' | 'replace';

function writeUrl(href: string, mode: HistoryMode = 'replace') {
  if (mode === 'push') window.history.pushState(null, '', href);
  else window.history.replaceState(null, '', href);
}

/** True when the details sit below the graph and the table (the one-column layout of a narrow window). */
function detailsBelowMain(main: HTMLElement | null, sidebar: HTMLElement | null): boolean {
  if (!main || !sidebar) return false;
  return sidebar.getBoundingClientRect().top >= main.getBoundingClientRect().bottom - 1;
}

/** True when `element` is inside the details card of the sidebar. */
function inDetails(sidebar: HTMLElement | null, element: Element | null): boolean {
  return Boolean(element && sidebar?.querySelector('.map-details')?.contains(element));
}

export function MapPanel() {
  const searchParams = useSearchParams();
  // The URL in canonical form: the view compares it with the URLs it wrote itself.
  const urlHref = mapHref(parseMapSearch(searchParams));
  // What the canonical form drops: said in the filter area, not silently ignored.
  const ignored = ignoredMapParams(searchParams);
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
      ignored={ignored}
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
  /** Values of the address bar that the view state ignores (`?kind=bogus`). */
  ignored: IgnoredParam[];
  refreshing: boolean;
  refreshError: string | undefined;
  onRefresh(): void;
}

function parseHref(href: string): MapSearch {
  return parseMapSearch(new URLSearchParams(href.split('?')[1] ?? ''));
}

function MapView({ data, urlHref, ignored, refreshing, refreshError, onRefresh }: ViewProps) {
  const model = useMemo(() => buildMapModel(data), [data]);
  // The view state is this component's state, so inputs answer at once; every change is written to
  // the URL (search text and focus replace the entry, other filter changes push one), from which it
  // is read on load and on Back/Forward. Filters and focus are
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
  /** The last step of a select (see onChange below). */
  const lastSelectStep = useRef<{ control: string; at: number } | undefined>(undefined);
  // Back and Forward: the URL owns the state, so the entry's URL replaces it, even one this view
  // wrote itself (which the check above would take for the router's late report of a write).
  useEffect(() => {
    const onPopState = () => {
      lastSelectStep.current = undefined; // the next step of a select is a new history entry
      const next = parseMapSearch(new URLSearchParams(window.location.search));
      setFilters({ ...next, focus: undefined });
      setFocus(next.focus);
    };
    window.addEventListener('popstate', onPopState);
    return () => window.removeEventListener('popstate', onPopState);
  }, []);
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
  const findings = useMemo(() => visibleFindings(model, visible, filtered, filters.q), [model, visible, filtered, filters.q]);
  // Only computed when nothing is shown: which filter to clear (one more pass per active filter).
  const hiding = useMemo(() => (visible.size === 0 ? filtersHidingEverything(model, filters) : []), [model, filters, visible]);

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

  const commit = (nextFilters: MapSearch, nextFocus: string | undefined, mode: HistoryMode = 'replace') => {
    // Any change but a select's next step ends a run of steps (onChange sets it again after this).
    lastSelectStep.current = undefined;
    const href = mapHref({ ...nextFilters, focus: nextFocus });
    setWritten((list) => [...list.slice(-31), href]);
    writeUrl(href, mode);
  };
  const changeFilters = (next: MapSearch, mode: HistoryMode) => {
    startFilter();
    setFilters(next);
    commit(next, focus, mode);
  };
  // Typing replaces the entry (no history entry per keystroke); the other controls push one — but
  // a select stepped through with the arrow keys changes on every step: steps of the same select
  // less than SAME_CONTROL_MS apart replace the entry its first step pushed, so Back returns to
  // the view before the run, not to each namespace passed on the way.
  const onQuery = (q: string) => changeFilters({ ...filters, q }, 'replace');
  const onChange = (patch: Partial<MapSearch>, control?: string) => {
    const now = performance.now();
    const last = lastSelectStep.current;
    changeFilters({ ...filters, ...patch }, control && last?.control === control && now - last.at < SAME_CONTROL_MS ? 'replace' : 'push');
    if (control) lastSelectStep.current = { control, at: now };
  };
  const onClear = () => changeFilters(EMPTY_MAP_SEARCH, 'push');
  // Drops the ignored values: the canonical URL of the same view state has none of them.
  const onDropIgnored = () => commit(filters, focus);

  // The element that opened the details (a table row, a finding's link, the graph): focus goes
  // back to it when they close. A selection made from inside the details keeps the first opener.
  const openerRef = useRef<Element | null>(null);
  const mainRef = useRef<HTMLDivElement>(null);
  const detailsOpen = focus !== undefined;

  // Opening the details (a selection, or a focus in the URL on load): in the one-column layout they
  // sit below the graph and the table, out of sight, so they are scrolled to (see the effect below).
  const [revealDetails, setRevealDetails] = useState(() => (parseHref(urlHref).focus ? 1 : 0));

  const select = (id: string | undefined, from: 'graph' | 'table' | 'link') => {
    const active = document.activeElement;
    if (id && !inDetails(sidebarRef.current, active)) openerRef.current = active;
    setFocus(id);
    commit(filters, id, id === focus ? 'replace' : 'push');
    if (id && from !== 'graph') setCenterRequest((r) => ({ id, seq: (r?.seq ?? 0) + 1 }));
    if (id && from === 'link') setDetailsFocus((n) => n + 1);
    if (id && from !== 'link') setRevealDetails((n) => n + 1);
  };

  const closeDetails = () => {
    const closed = focus;
    const opener = openerRef.current;
    openerRef.current = null;
    select(undefined, 'graph');
    // After React removed the details: back to the opener if it is still on the page, else to the
    // closed node's row, else to the table (or the search box when the table is empty).
    requestAnimationFrame(() => {
      if (opener instanceof HTMLElement && opener.isConnected && opener !== document.body) {
        opener.focus();
        return;
      }
      const main = mainRef.current;
      const row = closed ? main?.querySelector<HTMLElement>(`tr[data-node-id="${CSS.escape(closed)}"] button`) : null;
      const fallback = row ?? main?.querySelector<HTMLElement>('.map-table-scroll') ?? document.getElementById('map-q');
      fallback?.focus();
    });
  };
  const closeFromKeyboard = useEffectEvent(closeDetails);

  // Escape closes the details from anywhere on the page, except in a form field outside them
  // (Escape clears a search box) or when something else already handled it.
  useEffect(() => {
    if (!detailsOpen) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || event.defaultPrevented) return;
      const target = event.target instanceof Element ? event.target : null;
      if (!inDetails(sidebarRef.current, target) && target?.closest('input, select, textarea, [contenteditable="true"]')) return;
      event.preventDefault();
      closeFromKeyboard();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [detailsOpen]);

  // After following a link in a finding, show and focus the details at the top of the sidebar.
  useEffect(() => {
    if (detailsFocus === 0) return;
    sidebarRef.current?.scrollTo({ top: 0 });
    headingRef.current?.focus({ preventScroll: false });
  }, [detailsFocus]);

  // Narrow layout only: beside the graph (wide) the details are already in view and nothing jumps.
  useEffect(() => {
    if (revealDetails === 0 || !detailsBelowMain(mainRef.current, sidebarRef.current)) return;
    const heading = headingRef.current;
    if (!heading) return;
    heading.focus({ preventScroll: true });
    // The whole card from its top: the kind label and the close button sit above the heading.
    (heading.closest('[data-testid$="-details"]') ?? heading).scrollIntoView({ block: 'start' });
  }, [revealDetails]);

  const target = useMemo(() => (focus ? resolveFocus(model, focus) : undefined), [model, focus]);
  const selected = target?.kind === 'node' ? target.info : undefined;
  // An id typed without its cluster (`sa:shop/checkout` in a two-cluster map) that fits one node:
  // the URL takes the node's full id, so what is shared is the stable id.
  const resolvedId = selected?.node.id;
  const [rewrittenHref, setRewrittenHref] = useState<string>();
  if (resolvedId && resolvedId !== focus) {
    const href = mapHref({ ...filters, focus: resolvedId });
    setFocus(resolvedId);
    setWritten((list) => [...list.slice(-31), href]);
    setRewrittenHref(href);
  }
  useEffect(() => {
    if (rewrittenHref) writeUrl(rewrittenHref);
  }, [rewrittenHref]);
  const hiddenByFilters = selected !== undefined && !visible.has(selected.node.id);
  // A cluster is out of view when none of its nodes is visible (the search naming it shows its
  // findings, but nothing of it is drawn).
  const clusterHidden = useMemo(
    () => target?.kind === 'cluster' && filtered && !visibleClusterIds(model, visible).has(target.cluster.id),
    [model, target, filtered, visible],
  );
  // From the details' "Clear filters": the button goes away, focus stays in the details.
  const clearFromDetails = () => {
    headingRef.current?.focus({ preventScroll: true });
    onClear();
  };
  const comparisons = useMemo(() => (selected ? credentialComparisons(model, selected.node.id) : []), [model, selected]);
  const labelOf = useCallback((id: string) => {
    const cluster = model.clusterById.get(id);
    return model.byId.get(id)?.node.label ?? (cluster ? `cluster ${cluster.name}` : undefined);
  }, [model]);
  const hrefFor = useCallback((id: string) => mapHref({ ...filters, focus: id }), [filters]);
  const focusFromLink = (id: string) => select(id, 'link');
  // What node and cluster details alike are wired to: the page's labels and links, focus, closing.
  const detailsWiring = { labelOf, hrefFor, onFocus: focusFromLink, onClose: closeDetails, headingRef };

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
  const failed = failedSources(data.sources);
  const partlyRead = partlyReadSources(data.sources);

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
          <button type="button" onClick={exportPng} disabled={empty} title="The graph as drawn now: only the nodes the filters show" aria-describedby="export-visible-note">
            Visible graph (PNG)
          </button>
          <button type="button" onClick={exportSvg} disabled={empty} title="The graph as drawn now: only the nodes the filters show" aria-describedby="export-visible-note">
            Visible graph (SVG)
          </button>
          <button type="button" onClick={exportJson} title="Every node, edge and finding of the map as read, whatever the filters" aria-describedby="export-json-note">
            Whole map (JSON)
          </button>
          <span id="export-visible-note" className="visually-hidden">
            Exports the graph as drawn now: only the nodes the current filters show.
          </span>
          <span id="export-json-note" className="visually-hidden">
            Exports the whole map as read from the sources, with every node, edge and finding, whatever the filters.
          </span>
        </div>
      </div>

      {refreshError && (
        <p role="alert" className="callout callout-error m-0">
          Refreshing failed: {asSentence(refreshError)} The map below is the one read at {new Date(data.generatedAt).toLocaleTimeString()}.
        </p>
      )}
      <SourceCallouts sources={data.sources} empty={empty} />

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
            hiding={hiding}
            ignored={ignored}
            onQuery={onQuery}
            onChange={onChange}
            onClear={onClear}
            onDropIgnored={onDropIgnored}
          />
          <div className="map-layout">
            <div className="stack map-main" ref={mainRef}>
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
                  {...detailsWiring}
                  info={selected}
                  comparisons={comparisons}
                  edges={model.edgesOf.get(selected.node.id) ?? []}
                  hiddenByFilters={hiddenByFilters}
                  unreadCredentials={unreadCredentialsOf(model, selected)}
                  tokenCommand={tokenCommandFor(model, selected)}
                  clusterWithFindings={model.clusters.find((c) => c.name === selected.cluster && c.findings.length > 0)}
                  onClearFilters={() => {
                    clearFromDetails();
                    setCenterRequest((r) => ({ id: selected.node.id, seq: (r?.seq ?? 0) + 1 }));
                  }}
                />
              ) : target?.kind === 'cluster' ? (
                <ClusterDetails
                  {...detailsWiring}
                  cluster={target.cluster}
                  hiddenByFilters={clusterHidden}
                  onClearFilters={clearFromDetails}
                />
              ) : target?.kind === 'ambiguous' ? (
                <div className="callout callout-warn stack" role="status" data-testid="focus-ambiguous">
                  <p className="m-0">
                    <code>{focus}</code> fits {target.ids.length} nodes (ids carry the cluster when the map has several). Pick one:
                  </p>
                  <ul className="m-0">
                    {target.ids.map((id) => (
                      <li key={id}>
                        <a
                          href={hrefFor(id)}
                          onClick={(event) => {
                            if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
                            event.preventDefault();
                            focusFromLink(id);
                          }}
                        >
                          <code>{id}</code>
                        </a>
                      </li>
                    ))}
                  </ul>
                </div>
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
              <FindingsList findings={findings} total={model.data.findings.length} failedSources={failed} partlyRead={partlyRead} labelOf={labelOf} hrefFor={hrefFor} onFocus={focusFromLink} />
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
      {/* A count of zero is not an alarm: neutral, not in the severity's colour. */}
      <span className={`badge ${counts.error ? 'badge-error' : 'badge-neutral'}`}>{counts.error} errors</span>
      <span className={`badge ${counts.warning ? 'badge-warn' : 'badge-neutral'}`}>{counts.warning} warnings</span>
      <span className={`badge ${counts.info ? 'badge-info' : 'badge-neutral'}`}>{counts.info} info</span>
    </p>
  );
}

/** The map's other source: a callout about one says what the other still shows. */
const OTHER_SOURCE = { cluster: 'azure', azure: 'cluster' } as const;

/** `empty`: the map has no node at all, so no callout may say the other part is still shown. */
function SourceCallouts({ sources, empty }: { sources: IdentityMapData['sources']; empty: boolean }) {
  const entries = (Object.keys(SOURCE_LABELS) as Array<keyof typeof SOURCE_LABELS>).map((key) => [key, sources[key]] as const);
  return (
    <>
      {entries.map(([key, source]) => {
        const other = SOURCE_LABELS[OTHER_SOURCE[key]];
        const otherFailed = Boolean(sources[OTHER_SOURCE[key]]?.error);
        if (source?.error) {
          return (
            <div key={key} role="alert" className="callout callout-error" data-source={key}>
              <strong>The {SOURCE_LABELS[key]} source failed</strong> <span className="small muted">({source.mode}, {source.error.code})</span>:{' '}
              {asSentence(source.error.message)}{' '}
              {otherFailed
                ? `The ${other} source failed too (${key === 'cluster' ? 'below' : 'above'}), so the map has nothing to show.`
                : empty
                  ? `The ${other} source lists nothing, so the map has nothing to show.`
                  : `The ${other} part of the map is still shown; findings that need both sides are missing.`}
            </div>
          );
        }
        if (source?.missing?.length) {
          const what = source.missing.join('; ');
          return (
            <div key={key} className="callout callout-warn" data-source={key}>
              {isSnapshot(source.mode) ? (
                <>
                  The {SOURCE_LABELS[key]} snapshot lacks {what}: what {source.missing.length === 1 ? 'that file holds' : 'those files hold'} is not shown, and
                  not guessed.
                </>
              ) : (
                <>
                  The {SOURCE_LABELS[key]} source <span className="small muted">({source.mode})</span> could not read {what}: what{' '}
                  {source.missing.length === 1 ? 'that holds' : 'those hold'} is not shown, and not guessed.
                </>
              )}
              {key === 'azure' && ' No federated credential findings are drawn for identities whose federated credentials were not read: for them, no finding means unknown.'}
            </div>
          );
        }
        return null;
      })}
    </>
  );
}

/** `snapshot:<dir>` (and a bare `snapshot`): the source reads files, so what it lacks is files. */
function isSnapshot(mode: string): boolean {
  return mode === 'snapshot' || mode.startsWith('snapshot:');
}

function EmptyState({ sources }: { sources: IdentityMapData['sources'] }) {
  const mode = (s: SourceState | undefined) => (s ? s.mode : 'unknown');
  const failed = (['cluster', 'azure'] as const).filter((k) => sources[k]?.error);
  if (failed.length > 0) {
    // The failures are said above, with what to do: not "point them at a cluster" as if nothing were set.
    return (
      <div className="callout callout-info" role="status">
        <strong>The map is empty</strong>{' '}
        {failed.length === 2
          ? 'because both sources failed: fix what the messages above say, then press Refresh.'
          : `because the ${SOURCE_LABELS[failed[0]!]} source failed and the ${SOURCE_LABELS[OTHER_SOURCE[failed[0]!]]} source lists nothing: fix what is said above, then press Refresh.`}
      </div>
    );
  }
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
