'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { ApiError } from '@/lib/api/http';
import { traceQueries } from '@/lib/api/trace-queries';
import { tracesHref } from '@/lib/api/trace-search-params';
import { plainText } from './plain-text';
import { TraceView } from './trace-view';
import { TraceSkeleton } from './trace-skeleton';

/** Reads one trace from `/api/traces/<id>` and draws it; loading, not-found and error states. */
export function TraceDetail({ correlationId }: { correlationId: string }) {
  const query = useQuery(traceQueries.detail(correlationId));
  const notFound = query.error instanceof ApiError && query.error.status === 404;
  // For a not-found answer: which sources were searched (the list answer names every source).
  const searched = useQuery({ ...traceQueries.list(), enabled: notFound });

  if (query.isPending) return <TraceSkeleton />;
  if (query.error) {
    const error = query.error;
    if (notFound) {
      return (
        <div className="stack" data-testid="trace-not-found">
          <div className="callout callout-warn" role="alert">
            <strong>No trace found.</strong> {plainText(error.message)}
          </div>
          <div className="card stack">
            <h2 className="m-0">Sources searched</h2>
            {searched.data ? (
              <ul className="plain-list" aria-label="Sources searched">
                {searched.data.sources.map((s) => (
                  <li key={s.source}>
                    <code>{plainText(s.source)}</code> <span className="small muted">({s.kind})</span>{' '}
                    {s.ok ? <span className="badge badge-ok">answered</span> : <span className="badge badge-error">failed: {plainText(s.error?.message ?? 'error')}</span>}
                  </li>
                ))}
              </ul>
            ) : searched.error ? (
              <p className="muted">The list of sources could not be read: {searched.error.message}</p>
            ) : (
              <div className="skeleton h-40" role="status" aria-busy="true" aria-label="Loading the sources" />
            )}
            <p className="small muted m-0">
              A line belongs to a trace when a correlation field (<code>correlationId</code>, <code>x-correlation-id</code>, …) equals
              the ID, or the ID appears in its text as a whole word. Lines older than what the sources keep cannot be found.
            </p>
          </div>
          <p>
            <Link href={tracesHref()}>Back to recent traces</Link>
          </p>
        </div>
      );
    }
    const badId = error instanceof ApiError && error.status === 400;
    return (
      <div className="stack">
        <div className="callout callout-error" role="alert">
          <strong>{badId ? 'This is not a valid correlation ID.' : 'The trace could not be read.'}</strong> {plainText(error.message)}
        </div>
        {!badId && (
          <div>
            <button type="button" className="primary" onClick={() => query.refetch()}>
              Retry
            </button>
          </div>
        )}
      </div>
    );
  }
  return <TraceView trace={query.data} sources={query.data.sources} />;
}
