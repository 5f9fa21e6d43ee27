'use client';

import { useState, type ChangeEvent } from 'react';
import { MAX_TRACE_EXPORT_BYTES, parseTraceExport, type TraceExport } from './trace-export';

/**
 * "Open a file": reads an exported trace in the browser (FileReader, no request) and hands it
 * over once zod has checked it; a plain message when it is not an idlens trace export.
 */
export function TraceImport({ onOpen }: { onOpen: (file: TraceExport, fileName: string) => void }) {
  const [problem, setProblem] = useState<string | undefined>();

  async function open(event: ChangeEvent<HTMLInputElement>) {
    const input = event.target;
    const file = input.files?.[0];
    if (!file) return;
    // The same file chosen again must fire `change` again.
    input.value = '';
    if (file.size > MAX_TRACE_EXPORT_BYTES) {
      setProblem(`${file.name} is ${(file.size / 1024 / 1024).toFixed(0)} MB; an idlens trace export is at most ${MAX_TRACE_EXPORT_BYTES / 1024 / 1024} MB.`);
      return;
    }
    const parsed = parseTraceExport(await file.text());
    if (!parsed.ok) {
      setProblem(`${file.name}: ${parsed.reason}`);
      return;
    }
    setProblem(undefined);
    onOpen(parsed.value, file.name);
  }

  return (
    <div className="stack">
      <label htmlFor="trace-import">Open an exported trace</label>
      <input id="trace-import" type="file" accept="application/json,.json" onChange={open} aria-describedby={problem ? 'trace-import-problem' : 'trace-import-hint'} />
      {problem ? (
        <p id="trace-import-problem" role="alert" className="field-error">
          {problem}
        </p>
      ) : (
        <p id="trace-import-hint" className="small muted m-0">
          A file written by a trace page&apos;s Export button. It is read in this browser only.
        </p>
      )}
    </div>
  );
}
