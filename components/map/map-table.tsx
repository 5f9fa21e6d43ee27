'use client';

import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { KIND_LABELS, type NodeInfo, type SortColumn, type SortState, sortInfos } from './map-model';

// Props-only: the accessible alternative to the graph. A real <table> whose rows are virtualized
// (only the rows in view exist in the DOM, with spacer rows above and below), so thousands of
// nodes scroll smoothly. One row button is in the tab order (roving tabindex); arrow keys,
// Home/End and Page Up/Down move between rows.

const ROW_HEIGHT = 37;

const COLUMNS: Array<{ id: SortColumn; title: string; width: string; firstDescending?: boolean }> = [
  { id: 'kind', title: 'Kind', width: '13%' },
  { id: 'label', title: 'Name', width: '39%' },
  { id: 'namespace', title: 'Namespace', width: '16%' },
  { id: 'cluster', title: 'Cluster', width: '14%' },
  { id: 'findings', title: 'Findings', width: '18%', firstDescending: true },
];

/** Short enough for the narrow column; the full name is in the title. */
const KIND_SHORT: Record<string, string> = { pod: 'Pod', serviceAccount: 'SA', federatedCredential: 'FIC', managedIdentity: 'Identity', application: 'App' };

interface Props {
  rows: NodeInfo[];
  total: number;
  selectedId: string | undefined;
  onSelect(id: string): void;
}

export function MapTable({ rows, total, selectedId, onSelect }: Props) {
  const [sort, setSort] = useState<SortState>({ column: 'findings', descending: true });
  const sorted = useMemo(() => sortInfos(rows, sort), [rows, sort]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState(0);
  const [focusRequest, setFocusRequest] = useState(0);
  const activeIndex = Math.min(active, Math.max(sorted.length - 1, 0));

  // TanStack Virtual returns fresh functions on each render by design; the compiler is told so.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: sorted.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
    // The sticky header covers the first row's height: keep scrolled-to rows below it.
    scrollPaddingStart: ROW_HEIGHT,
    getItemKey: (index) => sorted[index]?.node.id ?? index,
  });

  const selectedIndex = useMemo(() => (selectedId ? sorted.findIndex((r) => r.node.id === selectedId) : -1), [sorted, selectedId]);

  // Bring the selected node's row into view when the selection comes from elsewhere.
  useEffect(() => {
    if (selectedIndex >= 0) virtualizer.scrollToIndex(selectedIndex, { align: 'auto' });
  }, [selectedIndex, virtualizer]);

  // After keyboard navigation, focus the new active row's button once it is rendered.
  useEffect(() => {
    if (focusRequest === 0) return;
    const frame = requestAnimationFrame(() => {
      scrollRef.current?.querySelector<HTMLButtonElement>(`tr[data-index="${activeIndex}"] button`)?.focus();
    });
    return () => cancelAnimationFrame(frame);
  }, [focusRequest, activeIndex]);

  function move(to: number) {
    const next = Math.max(0, Math.min(sorted.length - 1, to));
    setActive(next);
    virtualizer.scrollToIndex(next, { align: 'auto' });
    setFocusRequest((n) => n + 1);
  }

  function onKeyDown(event: KeyboardEvent<HTMLTableSectionElement>) {
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 400) / ROW_HEIGHT) - 1);
    const keys: Record<string, number> = { ArrowDown: activeIndex + 1, ArrowUp: activeIndex - 1, Home: 0, End: sorted.length - 1, PageDown: activeIndex + page, PageUp: activeIndex - page };
    if (!(event.key in keys)) return;
    event.preventDefault();
    move(keys[event.key]!);
  }

  function sortBy(column: SortColumn) {
    setSort((s) => (s.column === column ? { column, descending: !s.descending } : { column, descending: Boolean(COLUMNS.find((c) => c.id === column)?.firstDescending) }));
  }

  const items = virtualizer.getVirtualItems();
  const paddingTop = items[0]?.start ?? 0;
  const paddingBottom = items.length ? virtualizer.getTotalSize() - items[items.length - 1]!.end : 0;

  return (
    <section aria-labelledby="nodes-title" className="stack">
      <h2 id="nodes-title" className="m-0">
        Nodes{' '}
        <span className="small muted" data-testid="table-count">
          {rows.length === total ? `${total}` : `${rows.length} of ${total}`}
        </span>
      </h2>
      {sorted.length === 0 ? (
        <p className="muted">No node matches the filters.</p>
      ) : (
        <>
          {/* Shown only where the table is wider than its box (a phone): the last columns are off to the side. */}
          <p className="small muted m-0 map-table-hint" aria-hidden="true">
            Scroll the table sideways for the namespace, cluster and findings columns →
          </p>
          <div ref={scrollRef} className="map-table-scroll card" tabIndex={-1}>
            <table className="map-table" aria-labelledby="nodes-title" aria-rowcount={sorted.length + 1}>
              <colgroup>
                {COLUMNS.map((c) => (
                  <col key={c.id} style={{ width: c.width }} />
                ))}
              </colgroup>
              <thead>
                <tr aria-rowindex={1}>
                  {COLUMNS.map((c) => (
                    <th key={c.id} scope="col" aria-sort={sort.column === c.id ? (sort.descending ? 'descending' : 'ascending') : 'none'}>
                      <button type="button" className="map-sort" onClick={() => sortBy(c.id)}>
                        {c.title}
                        <span aria-hidden="true">{sort.column === c.id ? (sort.descending ? ' ▼' : ' ▲') : ''}</span>
                      </button>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody onKeyDown={onKeyDown}>
                {paddingTop > 0 && (
                  <tr aria-hidden="true" className="map-spacer">
                    <td colSpan={COLUMNS.length} style={{ height: paddingTop }} />
                  </tr>
                )}
                {items.map((item) => {
                  const info = sorted[item.index]!;
                  const selected = info.node.id === selectedId;
                  return (
                    <tr
                      key={item.key}
                      data-index={item.index}
                      data-node-id={info.node.id}
                      aria-rowindex={item.index + 2}
                      aria-current={selected ? 'true' : undefined}
                      className={selected ? 'map-row-selected' : undefined}
                      style={{ height: ROW_HEIGHT }}
                    >
                      <td title={KIND_LABELS[info.node.kind]}>{KIND_SHORT[info.node.kind] ?? KIND_LABELS[info.node.kind] ?? info.node.kind}</td>
                      <td>
                        <button
                          type="button"
                          className="map-row-button"
                          tabIndex={item.index === activeIndex ? 0 : -1}
                          onFocus={() => setActive(item.index)}
                          onClick={() => {
                            setActive(item.index);
                            onSelect(info.node.id);
                          }}
                          title={info.node.id}
                        >
                          {info.node.label}
                        </button>
                      </td>
                      <td>{info.namespace ?? <span className="muted">—</span>}</td>
                      <td>{info.cluster ?? <span className="muted">—</span>}</td>
                      <td>
                        {info.worst ? (
                          <>
                            <span className={`badge ${info.worst === 'error' ? 'badge-error' : info.worst === 'warning' ? 'badge-warn' : 'badge-info'}`}>{info.worst}</span>{' '}
                            <span className="small">{info.findings.length}</span>
                          </>
                        ) : (
                          <span className="muted small">none</span>
                        )}
                      </td>
                    </tr>
                  );
                })}
                {paddingBottom > 0 && (
                  <tr aria-hidden="true" className="map-spacer">
                    <td colSpan={COLUMNS.length} style={{ height: paddingBottom }} />
                  </tr>
                )}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
