'use client';

import { useState } from 'react';
import type { TraceSearch } from '@/lib/api/trace-search-params';
import { RecentTraces } from './recent-traces';
import type { TraceExport } from './trace-export';
import { TraceImport } from './trace-import';
import { TraceSearchForm } from './trace-search-form';
import { TraceView } from './trace-view';

/**
 * /traces: the search box, "open a file", and the recent traces. An opened export is shown in the
 * same trace view from client state only (no request); closing it returns to the list.
 */
export function TracesHome({ search }: { search: TraceSearch }) {
  const [opened, setOpened] = useState<{ file: TraceExport; fileName: string } | undefined>();
  return (
    <div className="stack">
      <div className="card traces-search-card">
        <TraceSearchForm />
        <TraceImport onOpen={(file, fileName) => setOpened({ file, fileName })} />
      </div>
      {opened ? (
        <section className="stack" aria-labelledby="imported-title">
          <div className="row justify-between">
            <h2 id="imported-title" className="m-0">
              Trace <code>{opened.file.trace.correlationId}</code>
            </h2>
            <button type="button" onClick={() => setOpened(undefined)}>
              Close the file
            </button>
          </div>
          <TraceView key={`${opened.fileName}:${opened.file.exportedAt}`} trace={opened.file.trace} sources={opened.file.sources} imported={{ fileName: opened.fileName, exportedAt: opened.file.exportedAt }} />
        </section>
      ) : (
        <RecentTraces search={search} />
      )}
    </div>
  );
}
