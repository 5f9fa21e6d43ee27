import { Fragment } from 'react';
import type { TraceEvent } from '@/lib/traces/model';
import { formatClock, formatOffset } from './format';
import { LogText } from './log-text';
import { plainText } from './plain-text';

interface Props {
  events: TraceEvent[];
  /** Epoch ms of the first event, for "+n ms" offsets. */
  startMs: number | undefined;
  expanded: ReadonlySet<number>;
  onToggle: (index: number) => void;
  showSecrets: boolean;
}

function levelClass(event: TraceEvent): string {
  if (event.level === 'error' || event.level === 'fatal') return 'badge-error';
  if (event.level === 'warn') return 'badge-warn';
  return 'badge-neutral';
}

function statusClass(status: number): string {
  if (status >= 500) return 'badge-error';
  if (status >= 400) return 'badge-warn';
  return 'badge-ok';
}

/** Where the line came from and the call it belongs to; log-derived, so shown through LogText. */
function meta(event: TraceEvent): string {
  return [event.source, event.format, event.requestId ? `x-request-id ${event.requestId}` : '', event.method ? `${event.method} ${event.path ?? ''}` : '']
    .filter(Boolean)
    .join(' · ');
}

/** Every line of the trace in time order; a row opens to its raw line (masked like the message). */
export function TraceEventsTable({ events, startMs, expanded, onToggle, showSecrets }: Props) {
  return (
    <div className="table-scroll">
      <table className="events-table">
        <caption className="visually-hidden">Events of this trace in time order</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Service</th>
            <th scope="col">Level</th>
            <th scope="col">Status</th>
            <th scope="col">Message</th>
            <th scope="col">
              <span className="visually-hidden">Raw line</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {events.map((event, index) => {
            const open = expanded.has(index);
            const at = event.time ? Date.parse(event.time) : NaN;
            return (
              <Fragment key={index}>
                <tr id={`event-${index}`} className={open ? 'event-row event-row-open' : 'event-row'} data-level={event.level}>
                  <td className="nowrap">
                    <code title={event.time}>{formatClock(event.time)}</code>
                    {startMs !== undefined && Number.isFinite(at) && <div className="small muted">{formatOffset(at - startMs)}{event.timeInferred ? ' (inferred)' : ''}</div>}
                  </td>
                  <td className="nowrap">{plainText(event.service)}</td>
                  <td>
                    <span className={`badge ${levelClass(event)}`}>{event.level}</span>
                  </td>
                  <td>
                    {event.status !== undefined && <span className={`badge ${statusClass(event.status)}`}>{event.status}</span>}
                    {event.errorCode && <div className="small"><code>{event.errorCode}</code></div>}
                  </td>
                  <td className="log-message">
                    <LogText text={event.message} showSecrets={showSecrets} />
                  </td>
                  <td>
                    <button type="button" className="small-button" aria-expanded={open} aria-controls={`event-raw-${index}`} onClick={() => onToggle(index)}>
                      {open ? 'Hide raw' : 'Raw line'}
                    </button>
                  </td>
                </tr>
                {open && (
                  <tr id={`event-raw-${index}`} className="event-raw-row">
                    <td colSpan={6}>
                      <div className="small muted">
                        <LogText text={meta(event)} showSecrets={showSecrets} />
                      </div>
                      <pre className="log-pre" role="region" tabIndex={0} aria-label={`Raw line of event ${index + 1}`}>
                        <LogText text={event.raw} showSecrets={showSecrets} />
                      </pre>
                    </td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
