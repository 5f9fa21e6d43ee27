/** One raw log line as read from a source, before parsing (lib/traces parses it). */
export interface RawLogLine {
  /** Where it came from, for display: `file:/var/log/app.log:42`, `kube:shop/consumer-7d9f/app`, `sample:consumer`. */
  source: string;
  /** The line's text, at most 1 MiB (longer lines are cut and `cut` is set). */
  text: string;
  /** Service name when the source knows it (file name, pod/container name). */
  serviceHint?: string;
  cut?: boolean;
}

export interface LogSearchResult {
  lines: RawLogLine[];
  /** True when a cap (events per trace, bytes per pod log) stopped the read early. */
  truncated: boolean;
  /** Parts of the source that failed while the rest answered (an unreadable file, a pod whose log could not be read). */
  errors?: Array<{ source: string; message: string }>;
}

export interface LogSearchOptions {
  /** Stop after this many matching lines. */
  maxLines: number;
  signal?: AbortSignal;
}

export interface LogSource {
  /** `sample`, `file`, `kube`, `loganalytics` or `loki`. */
  readonly kind: string;
  /** What the user configured, e.g. `./logs/*.log` or `loki:http://loki:3100`. */
  readonly label: string;
  /** Lines that may belong to the correlation ID (callers re-check with lib/traces). */
  search(correlationId: string, options: LogSearchOptions): Promise<LogSearchResult>;
  /** The most recent lines, for listing recent correlation IDs. */
  recent(options: LogSearchOptions): Promise<LogSearchResult>;
}
