// The shapes of lib/traces: a parsed log line, and the trace built from the lines of one
// correlation ID. `Trace` is what `GET /api/traces/<id>` returns (a contract, see shared
// DESIGN.md); fields beyond the contract are optional additions, never renamings.

/**
 * One raw line as a log source hands it over: the shape of `RawLogLine` in
 * lib/sources/logs/log-source.ts, restated because pure modules do not import sources (a
 * `RawLogLine` is assignable to it; tests/unit/traces/parse-line.test.ts keeps them in step).
 */
export interface LogLineInput {
  /** Where it came from, e.g. `file:/var/log/app.log:42`. */
  source: string;
  /** At most 1 MiB; longer lines are cut by the source and `cut` is set. */
  text: string;
  /** Service name when the source knows it (file name, pod/container name). */
  serviceHint?: string;
  cut?: boolean;
}

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/** How a line was read: JSON object, logfmt pairs, or neither (kept whole as text). */
export type LogFormat = 'json' | 'logfmt' | 'text';

export interface ParsedLogLine {
  /** ISO 8601 UTC, normalised from ISO strings or epoch s/ms/µs/ns. */
  time?: string;
  /** `time` as epoch milliseconds, for ordering. */
  timeMs?: number;
  level?: LogLevel;
  /** Field `service` (and its aliases), else the source's hint, else `unknown`. */
  service: string;
  message: string;
  /** Every correlation ID the line carries in a field, the top-level aliases first. */
  correlationIds: string[];
  requestId?: string;
  /** HTTP status code (100–599). */
  status?: number;
  /** Short error code, e.g. `token_expired`, `invalid_client`. */
  error?: string;
  /** Long error text, e.g. Entra's `error_description` (which carries the AADSTS code). */
  errorDescription?: string;
  retryAfterSeconds?: number;
  /** `X-RateLimit-Reset` as logged (epoch seconds, ISO date or seconds left: APIs differ). */
  rateLimitReset?: string;
  callerChain?: string;
  method?: string;
  path?: string;
  durationMs?: number;
  podName?: string;
  /** Assertion / SA subject, e.g. `system:serviceaccount:shop:checkout`. */
  subject?: string;
  clientId?: string;
  tenantId?: string;
  /** The scope a token was requested for, e.g. `api://provider-api/.default`. */
  scope?: string;
  /** The line's fields (JSON object or logfmt pairs; `{}` for text lines). */
  fields: Record<string, unknown>;
  format: LogFormat;
  source: string;
  raw: string;
  /** The source cut the line at 1 MiB. */
  cut?: boolean;
  /** What was wrong with the line (invalid JSON, invalid UTF-8, cut): shown, never fatal. */
  problems?: string[];
}

export type TraceOutcome = 'success' | 'recovered' | 'failed';

/**
 * Classified error codes: an AADSTS code (`AADSTS70021`), the seed's provider errors
 * (`token_expired`, `invalid_token`), or an HTTP class.
 */
export type TraceErrorCode =
  | `AADSTS${number}`
  | 'token_expired'
  | 'invalid_token'
  | 'unauthorized'
  | 'forbidden'
  | 'rate_limited'
  | 'client_error'
  | 'server_error'
  | 'error';

export interface TraceError {
  status?: number;
  code: TraceErrorCode;
  /** One sentence for people: what happened, with the logged detail. */
  message: string;
  /** For AADSTS codes: what the code means and the usual fix (shared DOMAIN.md). */
  meaning?: string;
  fix?: string;
  service: string;
  time?: string;
  requestId?: string;
  retryAfterSeconds?: number;
  rateLimitReset?: string;
}

export interface TraceEvent {
  /** Absent only when no line of the trace has a time. */
  time?: string;
  /** The line had no time: `time` is the one of the line logged before it in the same stream. */
  timeInferred?: boolean;
  service: string;
  level: LogLevel;
  message: string;
  requestId?: string;
  status?: number;
  error?: string;
  /** Set when the line itself is a classified error. */
  errorCode?: TraceErrorCode;
  method?: string;
  path?: string;
  durationMs?: number;
  source: string;
  /** The raw line, capped (see MAX_EVENT_RAW_CHARS in trace.ts). */
  raw: string;
  format: LogFormat;
}

/** One call: a request/response pair joined by `x-request-id`, or one line that logs a whole call. */
export interface Exchange {
  /** Absent when the call was logged without an `x-request-id`. */
  requestId?: string;
  /**
   * `token`: a token request to Entra ID; `api`: a call to the provider API; `served`: a request
   * the consumer itself answered (its own access log: the request from its caller that started
   * the work), not a call it made.
   */
  kind: 'token' | 'api' | 'served';
  /** `served` only: who called the consumer, from the request's caller chain (`x-caller-chain`). */
  caller?: string;
  /** The caller: the service that logged the call first. */
  service: string;
  services: string[];
  method?: string;
  path?: string;
  status?: number;
  /** Logged duration (the largest, i.e. the caller's), else the time between first and last line. */
  durationMs?: number;
  /** 1 for a first call; n+1 when the same method+path is repeated after a failure. */
  attempt: number;
  outcome: 'ok' | 'error' | 'pending';
  error?: TraceError;
  startedAt?: string;
  endedAt?: string;
  retryAfterSeconds?: number;
  rateLimitReset?: string;
  scope?: string;
}

/** An Entra ID token failure, with what is needed to link it to the identity map. */
export interface EntraFailure {
  /** e.g. `AADSTS70021`. */
  code: string;
  meaning?: string;
  issuer?: string;
  subject?: string;
  audience?: string;
  podName?: string;
  clientId?: string;
  /** Identity-map node id `sa:<namespace>/<name>`, derived from the subject. */
  serviceAccountId?: string;
  /** Identity-map node id `pod:<namespace>/<name>` (a pod runs as an SA of its own namespace). */
  podId?: string;
  /**
   * The federated credential nearest to the quoted assertion and how it differs (filled in by the
   * server, which knows the identity map; `verdict` as in lib/domain/error-explanation.ts).
   */
  nearestCredential?: { id: string; name: string; owner?: string; verdict: string; summary: string };
}

export interface TraceSummary {
  outcome: TraceOutcome;
  services: string[];
  /** Absent when no line has a time. */
  startedAt?: string;
  endedAt?: string;
  durationMs?: number;
  errors: TraceError[];
  eventCount: number;
  retries: number;
  entra?: EntraFailure;
}

/** What the trace tells about the calling workload (first value seen, token requests first). */
export interface WorkloadContext {
  consumer?: string;
  provider?: string;
  podName?: string;
  namespace?: string;
  serviceAccount?: string;
  subject?: string;
  /** The logs named no subject: it is the service account the identity map says the pod runs as. */
  subjectFromMap?: boolean;
  clientId?: string;
  tenantId?: string;
  scope?: string;
}

export interface Trace {
  correlationId: string;
  events: TraceEvent[];
  summary: TraceSummary;
  exchanges: Exchange[];
  workload: WorkloadContext;
  /** mermaid `sequenceDiagram` source. */
  sequence: string;
  /** Events were capped at `maxEvents` (or a source stopped early). */
  truncated: boolean;
}
