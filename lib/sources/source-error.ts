// Errors are values with codes (`'forbidden:kubernetes'`, `'timeout:azure'`). Sources return or throw
// SourceError; routes turn it into the contract's `{ error: { code, message } }` or a per-source
// `sources.<name>.error` so that one failing source degrades its panel, not the page.

export type SourceKind = 'cluster' | 'azure' | 'logs';

export type SourceErrorCode =
  | `config:${SourceKind}`
  | `unreachable:${SourceKind}`
  | `timeout:${SourceKind}`
  | `unauthorized:${SourceKind}`
  | `forbidden:${SourceKind}`
  | `throttled:${SourceKind}`
  | `invalid-response:${SourceKind}`
  | `not-found:${SourceKind}`
  | `failed:${SourceKind}`;

export class SourceError extends Error {
  constructor(
    readonly code: SourceErrorCode,
    /** Safe to show: what failed, where, and what to do. Never contains credentials or tokens. */
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SourceError';
  }

  /** `error` as it is when it is a SourceError, else wrapped as `failed:<kind>` with its message. */
  static from(error: unknown, kind: SourceKind): SourceError {
    if (error instanceof SourceError) return error;
    return new SourceError(`failed:${kind}`, (error as Error)?.message ?? String(error), { cause: error });
  }
}

export interface SourceStatus {
  mode: string;
  ok: boolean;
  error?: { code: string; message: string };
}
