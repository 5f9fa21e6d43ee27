import { queryOptions } from '@tanstack/react-query';
import type { LogSourceStatus } from '@/lib/server/traces';
import type { Trace, TraceOutcome } from '@/lib/traces/model';
import type { TraceListItem } from '@/lib/traces/trace';
import { fetchJson } from './http';

// The client side of `GET /api/traces` and `GET /api/traces/<id>` (shared DESIGN.md contract).
// Keys: a trace is `['traces', id]`; a list is `['traces', { outcome }]` — an object, so a list key
// can never equal the key of a trace whose ID happens to be `list`.

export type { LogSourceStatus };

/** `GET /api/traces/<id>`: the trace and, per configured log source, whether it answered. */
export type TraceResponse = Trace & { sources: LogSourceStatus[] };

/** `GET /api/traces`: recent correlation IDs with their summaries, newest first. */
export interface TraceListResponse {
  traces: TraceListItem[];
  sources: LogSourceStatus[];
}

/** How many recent traces the list asks for (the route allows up to 500). */
export const RECENT_TRACES_LIMIT = 200;

export const traceQueries = {
  detail: (correlationId: string) =>
    queryOptions({
      queryKey: ['traces', correlationId],
      queryFn: () => fetchJson<TraceResponse>(`/api/traces/${encodeURIComponent(correlationId)}`),
      // Logged lines do not change; a trace only grows while its calls are in flight. 30 s (the
      // client default) keeps back/forward navigation instant without hiding new lines for long.
    }),
  list: ({ outcome }: { outcome?: TraceOutcome } = {}) =>
    queryOptions({
      queryKey: ['traces', { outcome: outcome ?? 'all' }],
      queryFn: () => {
        const params = new URLSearchParams({ limit: String(RECENT_TRACES_LIMIT) });
        if (outcome) params.set('outcome', outcome);
        return fetchJson<TraceListResponse>(`/api/traces?${params}`);
      },
    }),
};
