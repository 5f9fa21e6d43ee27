'use client';

import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { traceHref } from '@/lib/api/trace-search-params';
import { validateCorrelationId } from '@/lib/traces/correlate';

/**
 * The search box of the UI contract, labelled `Correlation ID`. The ID is checked here with the
 * server's own rule (lib/traces/correlate.ts), so a bad one is explained before any request.
 */
export function TraceSearchForm({ initial = '' }: { initial?: string }) {
  const router = useRouter();
  const [value, setValue] = useState(initial);
  const [problem, setProblem] = useState<string | undefined>();

  function submit(event: FormEvent) {
    event.preventDefault();
    // Surrounding whitespace comes with copy and paste; inner whitespace is reported.
    const id = value.trim();
    const validation = validateCorrelationId(id);
    if (!validation.ok) {
      setProblem(validation.reason);
      return;
    }
    setProblem(undefined);
    router.push(traceHref(id));
  }

  return (
    <form className="stack" role="search" onSubmit={submit} noValidate>
      <label htmlFor="correlation-id">Correlation ID</label>
      <div className="row search-row">
        <input
          id="correlation-id"
          type="search"
          value={value}
          onChange={(e) => {
            setValue(e.target.value);
            if (problem) setProblem(undefined);
          }}
          placeholder="e.g. 3f6c2a9e-… (the x-correlation-id of a request)"
          spellCheck={false}
          autoComplete="off"
          autoCapitalize="off"
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? 'correlation-id-problem' : 'correlation-id-hint'}
        />
        <button type="submit" className="primary">
          Search
        </button>
      </div>
      {problem ? (
        <p id="correlation-id-problem" role="alert" className="field-error">
          {problem}
        </p>
      ) : (
        <p id="correlation-id-hint" className="small muted m-0">
          Letters, digits, <code>.</code>, <code>_</code>, <code>:</code> and <code>-</code>, at most 128 characters. Every consumer and
          provider line that carries it is shown in order.
        </p>
      )}
    </form>
  );
}
