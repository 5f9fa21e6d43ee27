import Link from 'next/link';
import { mapHref } from '@/lib/api/map-search-params';
import { tracesHref } from '@/lib/api/trace-search-params';
import { aadstsMeaning } from '@/lib/traces/aadsts-meanings';
import type { TraceSummary } from '@/lib/traces/model';
import { rateLimitResetText } from '@/lib/traces/rate-limit-reset';
import { EntraMapLink } from './entra-map-link';
import { formatDuration, formatLocal } from './format';
import { OutcomeBadge } from './outcome-badge';
import { plainText } from './plain-text';

const OUTCOME_TEXT = {
  success: 'Every call succeeded.',
  recovered: 'A call failed, and a later attempt succeeded.',
  failed: 'The trace ends in an error.',
} as const;

/** The header of a trace: outcome, duration, services, and each error with its meaning and fix. */
export function TraceSummaryView({
  correlationId,
  summary,
  truncated,
}: {
  correlationId: string;
  summary: TraceSummary;
  truncated: boolean;
}) {
  const entra = summary.entra;
  const ficFamily = entra ? (aadstsMeaning(entra.code)?.federatedCredentialMismatch ?? false) : false;
  return (
    <section className="card stack" aria-labelledby="trace-summary-title">
      <h2 id="trace-summary-title" className="visually-hidden">
        Summary
      </h2>
      <div className="row trace-summary-head">
        <OutcomeBadge outcome={summary.outcome} />
        <span data-testid="trace-outcome-text">{OUTCOME_TEXT[summary.outcome]}</span>
      </div>
      <dl className="summary-facts">
        <div>
          <dt>Duration</dt>
          <dd data-testid="trace-duration">{formatDuration(summary.durationMs)}</dd>
        </div>
        <div>
          <dt>Started</dt>
          <dd>{formatLocal(summary.startedAt)}</dd>
        </div>
        <div>
          <dt>Events</dt>
          <dd>{summary.eventCount}</dd>
        </div>
        <div>
          <dt>Retries</dt>
          <dd data-testid="trace-retries">{summary.retries}</dd>
        </div>
        <div>
          <dt>Services</dt>
          <dd>
            <ul className="inline-list" aria-label="Services">
              {summary.services.map((s) => (
                <li key={s}>
                  <Link href={tracesHref({ service: s })} title={`Recent traces in which ${s} logged`}>
                    {plainText(s)}
                  </Link>
                </li>
              ))}
            </ul>
          </dd>
        </div>
      </dl>

      {truncated && (
        <div className="callout callout-warn" role="status" data-testid="trace-truncated">
          <strong>Truncated.</strong> This trace hit a cap (events per trace, or lines or bytes read from a source): some lines
          are not shown. The summary and the diagram cover what was read.
        </div>
      )}

      {summary.errors.length > 0 && (
        <div className="stack">
          <h3 className="m-0">Errors</h3>
          <ul className="error-list">
            {summary.errors.map((e, i) => (
              <li key={i} className="callout callout-error" data-error-code={e.code}>
                <div className="row">
                  <code>{e.code}</code>
                  {e.status !== undefined && <span className="badge badge-error">{e.status}</span>}
                  <span className="small muted">
                    {plainText(e.service)}
                    {e.retryAfterSeconds !== undefined ? ` · Retry-After ${e.retryAfterSeconds} s` : ''}
                    {e.rateLimitReset !== undefined ? ` · limit resets ${plainText(rateLimitResetText(e.rateLimitReset))}` : ''}
                  </span>
                </div>
                <p className="mt-1 mb-0">{plainText(e.message)}</p>
                {e.meaning && (
                  <p className="small mt-1 mb-0">
                    <strong>Meaning:</strong> {e.meaning}
                  </p>
                )}
                {e.fix && (
                  <p className="small mt-1 mb-0">
                    {entra?.nearestCredential && entra.code === e.code ? (
                      <>
                        <strong>Usual fix for {e.code}:</strong> {e.fix} The identity map&apos;s analysis below says what differs in this case.
                      </>
                    ) : (
                      <>
                        <strong>Fix:</strong> {e.fix}
                      </>
                    )}
                  </p>
                )}
              </li>
            ))}
          </ul>
        </div>
      )}

      {entra && (
        <div className="callout callout-info stack" data-testid="entra-failure">
          <div>
            <strong>{entra.code}</strong> at Entra ID{entra.meaning ? `: ${entra.meaning}` : ''}.
          </div>
          {(entra.issuer || entra.subject || entra.audience) && (
            <dl className="kv small">
              {entra.issuer && (
                <>
                  <dt>Issuer</dt>
                  <dd><code>{plainText(entra.issuer)}</code></dd>
                </>
              )}
              {entra.subject && (
                <>
                  <dt>Subject</dt>
                  <dd><code>{plainText(entra.subject)}</code></dd>
                </>
              )}
              {entra.audience && (
                <>
                  <dt>Audience</dt>
                  <dd><code>{plainText(entra.audience)}</code></dd>
                </>
              )}
            </dl>
          )}
          {entra.nearestCredential && (
            <p className="m-0" data-testid="entra-nearest-credential">
              Nearest federated credential:{' '}
              <Link href={mapHref({ focus: entra.nearestCredential.id })}>{plainText(entra.nearestCredential.name)}</Link>
              {entra.nearestCredential.owner ? <> on {plainText(entra.nearestCredential.owner)}</> : null}. {plainText(entra.nearestCredential.summary)}
            </p>
          )}
          {ficFamily && entra.serviceAccountId ? (
            <EntraMapLink serviceAccountId={entra.serviceAccountId} />
          ) : ficFamily ? (
            <p className="m-0">
              The logs do not name the service account (no subject or pod), so idlens cannot point at its node: open the{' '}
              <Link href={mapHref({ broken: true })}>identity map&apos;s broken nodes</Link>.
            </p>
          ) : null}
        </div>
      )}
      <p className="small muted m-0">
        Correlation ID <code data-testid="trace-correlation-id">{correlationId}</code>
      </p>
    </section>
  );
}
