'use client';

import { useMemo, useState } from 'react';
import type { LogSourceStatus } from '@/lib/api/trace-queries';
import { maskSecrets } from '@/lib/traces/mask';
import type { Trace } from '@/lib/traces/model';
import { downloadText } from '@/components/shell/browser-files';
import { buildTraceExport, traceExportFileName } from './trace-export';
import { SequenceDiagram } from './sequence-diagram';
import { SourceCallouts } from './source-callouts';
import { TraceEventsTable } from './trace-events-table';
import { TraceSummaryView } from './trace-summary';
import { TraceTimeline } from './trace-timeline';

interface Props {
  trace: Trace;
  sources?: LogSourceStatus[];
  /** Set when the trace was opened from an exported file rather than read from the logs. */
  imported?: { fileName: string; exportedAt: string };
}

/**
 * A trace, from props only: summary, timeline, events and the sequence diagram. Whether secrets
 * are shown and which rows are open is view state of this component (not worth a URL).
 */
export function TraceView({ trace, sources, imported }: Props) {
  const [showSecrets, setShowSecrets] = useState(false);
  const [expanded, setExpanded] = useState<ReadonlySet<number>>(new Set());
  const secretCount = useMemo(() => trace.events.reduce((n, e) => n + maskSecrets(e.raw).secrets.length, 0), [trace.events]);
  const startMs = trace.summary.startedAt ? Date.parse(trace.summary.startedAt) : undefined;

  const toggle = (index: number) =>
    setExpanded((current) => {
      const next = new Set(current);
      if (next.has(index)) next.delete(index);
      else next.add(index);
      return next;
    });

  function select(index: number) {
    setExpanded((current) => new Set(current).add(index));
    // After React has rendered the opened row.
    requestAnimationFrame(() => {
      const row = document.getElementById(`event-${index}`);
      row?.scrollIntoView({ block: 'center', behavior: 'smooth' });
      row?.querySelector<HTMLButtonElement>('button')?.focus({ preventScroll: true });
    });
  }

  function exportTrace() {
    const file = buildTraceExport({ ...trace, sources }, new Date());
    downloadText(traceExportFileName(trace.correlationId, file.exportedAt), `${JSON.stringify(file, null, 2)}\n`, 'application/json');
  }

  return (
    <div className="stack">
      {imported && (
        <div className="callout callout-info" role="status" data-testid="imported-notice">
          Opened from the file <code>{imported.fileName}</code>, exported {new Date(imported.exportedAt).toLocaleString()}. Nothing
          was requested from the server. idlens masks secrets when it writes an export; they stay masked here too.
        </div>
      )}
      <SourceCallouts sources={sources} />
      <TraceSummaryView correlationId={trace.correlationId} summary={trace.summary} truncated={trace.truncated} />

      <div className="row trace-actions">
        <button type="button" onClick={exportTrace}>
          Export
        </button>
        <span className="small muted">One redacted JSON file (secrets masked), for tickets and offline review.</span>
        <span className="spacer" />
        <label className="toggle">
          <input type="checkbox" checked={showSecrets} onChange={(e) => setShowSecrets(e.target.checked)} />
          Show secrets
        </label>
        <span className="small muted" data-testid="secret-count">
          {secretCount === 0 ? 'No tokens found in these lines.' : `${secretCount} token${secretCount === 1 ? '' : 's'} in these lines, ${showSecrets ? 'shown' : 'masked'}.`}
        </span>
      </div>

      <section aria-labelledby="timeline-title" className="card">
        <h2 id="timeline-title" className="mt-0">
          Timeline
        </h2>
        <TraceTimeline events={trace.events} exchanges={trace.exchanges} services={trace.summary.services} onSelect={select} />
      </section>

      <section aria-labelledby="sequence-title" className="card">
        <h2 id="sequence-title" className="mt-0">
          Sequence
        </h2>
        <p className="small muted">
          The token exchange as it happened in this trace: the SA token as <code>client_assertion</code> in a client-credentials
          request to Entra ID, then the calls to the provider with the access token.
        </p>
        <SequenceDiagram source={trace.sequence} fileName={`idlens-trace-${trace.correlationId}`} title={`Sequence diagram of trace ${trace.correlationId}`} />
      </section>

      <section aria-labelledby="events-title" className="card">
        <h2 id="events-title" className="mt-0">
          Events <span className="small muted">({trace.events.length}{trace.summary.eventCount > trace.events.length ? ` of ${trace.summary.eventCount}` : ''})</span>
        </h2>
        <TraceEventsTable events={trace.events} startMs={Number.isFinite(startMs) ? startMs : undefined} expanded={expanded} onToggle={toggle} showSecrets={showSecrets} />
      </section>
    </div>
  );
}
