import { escapeControlChars, maskSecrets } from '@/lib/traces/mask';
import type { Exchange, TraceEvent } from '@/lib/traces/model';
import { formatClock, formatDuration, formatOffset } from './format';

interface Props {
  events: TraceEvent[];
  exchanges: Exchange[];
  /** Lane order: the services in the order the summary names them. */
  services: string[];
  /** Called with an event's index when its marker is chosen (the table opens that row). */
  onSelect: (index: number) => void;
}

const TICKS = [0, 0.25, 0.5, 0.75, 1];

function ms(iso: string | undefined): number | undefined {
  if (!iso) return undefined;
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : undefined;
}

/** Attribute text for a marker: masked and one line (it is read by screen readers and tooltips). */
function label(event: TraceEvent, offsetMs: number): string {
  const parts = [formatOffset(offsetMs), event.level, event.status !== undefined ? String(event.status) : undefined, event.errorCode, event.message];
  return escapeControlChars(maskSecrets(parts.filter(Boolean).join(' · ')).text).slice(0, 300);
}

function severity(event: TraceEvent): 'error' | 'warn' | 'ok' {
  if (event.level === 'error' || event.level === 'fatal' || (event.status !== undefined && event.status >= 500) || event.errorCode) return 'error';
  if (event.level === 'warn' || (event.status !== undefined && event.status >= 400)) return 'warn';
  return 'ok';
}

/**
 * One lane per service, events placed by time between the first and the last line. Each marker is
 * a button (keyboard and screen reader reachable) that opens its row in the events table; calls
 * (request→response) are drawn as bars behind the markers of the caller's lane.
 */
export function TraceTimeline({ events, exchanges, services, onSelect }: Props) {
  const timed = events.map((event, index) => ({ event, index, at: ms(event.time) })).filter((e): e is { event: TraceEvent; index: number; at: number } => e.at !== undefined);
  if (timed.length === 0) {
    return <p className="muted">No line of this trace carries a time, so there is nothing to place on a timeline. The events table below keeps their logged order.</p>;
  }
  const start = Math.min(...timed.map((e) => e.at));
  const end = Math.max(...timed.map((e) => e.at));
  const span = Math.max(end - start, 1);
  const pct = (at: number) => ((at - start) / span) * 100;
  const lanes = [...services, ...new Set(events.map((e) => e.service).filter((s) => !services.includes(s)))];
  const untimed = events.length - timed.length;

  return (
    <div className="stack">
      <div className="timeline" role="group" aria-label={`Timeline over ${formatDuration(end - start)}, one lane per service`}>
        <div className="timeline-lane timeline-axis" aria-hidden="true">
          <div className="timeline-label" />
          <div className="timeline-track">
            {TICKS.map((t) => (
              <span key={t} className="timeline-tick" style={{ left: `${t * 100}%` }}>
                {t === 0 ? formatClock(new Date(start).toISOString()) : formatOffset(span * t)}
              </span>
            ))}
          </div>
        </div>
        {lanes.map((service) => {
          const laneEvents = timed.filter((e) => e.event.service === service);
          const bars = exchanges.filter((x) => x.service === service && ms(x.startedAt) !== undefined && ms(x.endedAt) !== undefined);
          return (
            <div key={service} className="timeline-lane">
              <div className="timeline-label" title={service}>
                {service}
              </div>
              <div className="timeline-track">
                {bars.map((x, i) => {
                  const left = pct(ms(x.startedAt)!);
                  const width = Math.max(pct(ms(x.endedAt)!) - left, 0.4);
                  return (
                    <span
                      key={i}
                      className={`timeline-call timeline-call-${x.outcome}`}
                      style={{ left: `${left}%`, width: `${width}%` }}
                      title={`${x.kind === 'token' ? 'token request' : x.kind === 'served' ? 'request served' : 'API call'} ${x.method ?? ''} ${x.status ?? ''} ${formatDuration(x.durationMs)}`}
                      aria-hidden="true"
                    />
                  );
                })}
                <ol className="timeline-events" aria-label={`${service}: ${laneEvents.length} events`}>
                  {laneEvents.map(({ event, index, at }) => (
                    <li key={index} className="timeline-event" style={{ left: `${pct(at)}%` }}>
                      <button type="button" className={`timeline-marker timeline-marker-${severity(event)}`} aria-label={label(event, at - start)} title={label(event, at - start)} onClick={() => onSelect(index)} />
                    </li>
                  ))}
                </ol>
              </div>
            </div>
          );
        })}
      </div>
      <p className="small muted timeline-legend">
        <span className="timeline-marker timeline-marker-ok" aria-hidden="true" /> ok <span className="timeline-marker timeline-marker-warn" aria-hidden="true" /> warning / 4xx{' '}
        <span className="timeline-marker timeline-marker-error" aria-hidden="true" /> error · bars are calls from request to response · choose a marker to open its line
        {untimed > 0 ? ` · ${untimed} line${untimed === 1 ? '' : 's'} without a time not placed` : ''}
      </p>
    </div>
  );
}
