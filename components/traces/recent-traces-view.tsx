import Link from 'next/link';
import type { TraceListResponse } from '@/lib/api/trace-queries';
import { TRACE_OUTCOMES, traceHref, tracesHref, type TraceSearch } from '@/lib/api/trace-search-params';
import { formatDuration, formatLocal, formatRelative } from './format';
import { OutcomeBadge } from './outcome-badge';
import { plainText } from './plain-text';
import { SourceCallouts } from './source-callouts';
import { TraceListSkeleton } from './trace-skeleton';

interface Props {
  search: TraceSearch;
  now: Date;
  data: TraceListResponse | undefined;
  loading: boolean;
  error: string | undefined;
  refreshing: boolean;
  onRetry: () => void;
}

const FILTERS = [{ label: 'All', outcome: undefined }, ...TRACE_OUTCOMES.map((outcome) => ({ label: outcome[0]!.toUpperCase() + outcome.slice(1), outcome }))];

/** Props-only: the outcome filter links and the recent traces, newest first. */
export function RecentTracesView({ search, now, data, loading, error, refreshing, onRetry }: Props) {
  const traces = (data?.traces ?? []).filter((t) => !search.service || t.summary.services.includes(search.service));
  return (
    <section className="stack" aria-labelledby="recent-title">
      <div className="row justify-between">
        <h2 id="recent-title" className="m-0">
          Recent traces
        </h2>
        <div className="row">
          <nav aria-label="Filter by outcome" className="filter-links">
            {FILTERS.map((f) => {
              const current = f.outcome === search.outcome;
              return (
                <Link key={f.label} href={tracesHref({ ...search, outcome: f.outcome })} aria-current={current ? 'page' : undefined} className="filter-link">
                  {f.label}
                </Link>
              );
            })}
          </nav>
        </div>
      </div>
      {search.service && (
        <p className="row small m-0" data-testid="service-filter">
          Only traces in which <strong>{plainText(search.service)}</strong> logged.
          <Link href={tracesHref({ outcome: search.outcome })}>Show every service</Link>
        </p>
      )}
      <SourceCallouts sources={data?.sources} />
      {loading ? (
        <TraceListSkeleton />
      ) : error ? (
        <div className="callout callout-error stack" role="alert">
          <div>
            <strong>The recent traces could not be read.</strong> {error}
          </div>
          <div>
            <button type="button" onClick={onRetry}>
              Retry
            </button>
          </div>
        </div>
      ) : traces.length === 0 ? (
        <div className="callout callout-info" data-testid="traces-empty">
          {data && data.traces.length > 0 && search.service ? (
            <>No recent {search.outcome ?? ''} trace involves {plainText(search.service)}. </>
          ) : search.outcome ? (
            <>No {search.outcome} traces among the recent lines. <Link href={tracesHref({ service: search.service })}>Show all outcomes</Link>.</>
          ) : (
            <>
              No correlated lines in the configured log sources yet. Lines with a correlation field (<code>correlationId</code>,{' '}
              <code>x-correlation-id</code>, …) fill this list; the log sources are set with <code>IDLENS_LOGS</code>.
            </>
          )}
        </div>
      ) : (
        <div className="table-scroll">
          <table className="traces-table" aria-busy={refreshing || undefined}>
            <caption className="visually-hidden">Recent traces, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Correlation ID</th>
                <th scope="col">Outcome</th>
                <th scope="col">Services</th>
                <th scope="col">Started</th>
                <th scope="col">Duration</th>
                <th scope="col">Errors</th>
              </tr>
            </thead>
            <tbody>
              {traces.map(({ correlationId, summary }) => (
                <tr key={correlationId} data-correlation-id={correlationId} data-outcome={summary.outcome}>
                  <td>
                    <Link href={traceHref(correlationId)}>
                      <code>{correlationId}</code>
                    </Link>
                  </td>
                  <td>
                    <OutcomeBadge outcome={summary.outcome} />
                  </td>
                  <td>
                    <ul className="inline-list">
                      {summary.services.map((s) => (
                        <li key={s}>
                          <Link href={tracesHref({ ...search, service: s })} className="quiet-link">
                            {plainText(s)}
                          </Link>
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td className="nowrap">
                    {formatRelative(summary.startedAt, now)}
                    <div className="small muted">{formatLocal(summary.startedAt)}</div>
                  </td>
                  <td className="nowrap">{formatDuration(summary.durationMs)}</td>
                  <td>
                    {summary.errors.length === 0 ? (
                      <span className="muted">—</span>
                    ) : (
                      <ul className="inline-list">
                        {[...new Set(summary.errors.map((e) => e.code))].map((code) => (
                          <li key={code}>
                            <code>{code}</code>
                          </li>
                        ))}
                      </ul>
                    )}
                    {summary.retries > 0 && <div className="small muted">{summary.retries} retr{summary.retries === 1 ? 'y' : 'ies'}</div>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
