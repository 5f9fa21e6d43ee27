import { z } from 'zod';

// zod would probe `new Function` once to decide whether to compile its parsers; under the page's CSP
// (no 'unsafe-eval') that probe is reported as a violation. Parse without compiling.
z.config({ jitless: true });
import type { LogSourceStatus } from '@/lib/api/trace-queries';
import { validateCorrelationId } from '@/lib/traces/correlate';
import { maskSecrets } from '@/lib/traces/mask';
import type { Trace } from '@/lib/traces/model';

// A trace as one JSON file, for tickets and offline review. Exports are redacted: every string
// in it passes through `maskSecrets`, so a token a service logged never ends up in a ticket.
// Importing validates the file with zod: an export is untrusted input like any log line.

export const TRACE_EXPORT_KIND = 'idlens-trace-export';
export const TRACE_EXPORT_VERSION = 1;
/** Larger files are refused before being read (a trace holds at most 2000 capped events). */
export const MAX_TRACE_EXPORT_BYTES = 50 * 1024 * 1024;

export interface TraceExport {
  kind: typeof TRACE_EXPORT_KIND;
  version: typeof TRACE_EXPORT_VERSION;
  redacted: true;
  exportedAt: string;
  trace: Trace;
  sources?: LogSourceStatus[];
}

/** Every string inside `value` with its secrets replaced by the masked form. */
export function redact<T>(value: T): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return maskSecrets(v).text;
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}

export function buildTraceExport(trace: Trace & { sources?: LogSourceStatus[] }, now: Date): TraceExport {
  const { sources, ...rest } = trace;
  const redacted = redact(rest);
  return {
    kind: TRACE_EXPORT_KIND,
    version: TRACE_EXPORT_VERSION,
    redacted: true,
    exportedAt: now.toISOString(),
    trace: redacted,
    ...(sources ? { sources: redact(sources) } : {}),
  };
}

/** `idlens-trace-<id>-20250304T100000Z.json`. */
export function traceExportFileName(correlationId: string, exportedAt: string): string {
  const stamp = exportedAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `idlens-trace-${correlationId.replace(/[^A-Za-z0-9._-]/g, '_')}-${stamp}.json`;
}

const level = z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']);
const outcome = z.enum(['success', 'recovered', 'failed']);
const errorCode = z.string().refine((code): code is Trace['summary']['errors'][number]['code'] => code.length > 0 && code.length <= 64);

const traceError = z.looseObject({
  status: z.number().optional(),
  code: errorCode,
  message: z.string(),
  meaning: z.string().optional(),
  fix: z.string().optional(),
  service: z.string(),
  time: z.string().optional(),
  requestId: z.string().optional(),
  retryAfterSeconds: z.number().optional(),
  rateLimitReset: z.string().optional(),
});

const traceEvent = z.looseObject({
  time: z.string().optional(),
  timeInferred: z.boolean().optional(),
  service: z.string(),
  level,
  message: z.string(),
  requestId: z.string().optional(),
  status: z.number().optional(),
  error: z.string().optional(),
  errorCode: errorCode.optional(),
  method: z.string().optional(),
  path: z.string().optional(),
  durationMs: z.number().optional(),
  source: z.string(),
  raw: z.string(),
  format: z.enum(['json', 'logfmt', 'text']),
});

const exchange = z.looseObject({
  requestId: z.string().optional(),
  kind: z.enum(['token', 'api', 'served']),
  caller: z.string().optional(),
  service: z.string(),
  services: z.array(z.string()),
  method: z.string().optional(),
  path: z.string().optional(),
  status: z.number().optional(),
  durationMs: z.number().optional(),
  attempt: z.number(),
  outcome: z.enum(['ok', 'error', 'pending']),
  error: traceError.optional(),
  startedAt: z.string().optional(),
  endedAt: z.string().optional(),
  retryAfterSeconds: z.number().optional(),
  rateLimitReset: z.string().optional(),
  scope: z.string().optional(),
});

const optionalStrings = <K extends string>(keys: readonly K[]) =>
  z.looseObject(Object.fromEntries(keys.map((k) => [k, z.string().optional()])) as Record<K, z.ZodOptional<z.ZodString>>);

const traceSchema = z.looseObject({
  correlationId: z.string().refine((id) => validateCorrelationId(id).ok, 'correlationId is not a valid correlation ID'),
  events: z.array(traceEvent),
  summary: z.looseObject({
    outcome,
    services: z.array(z.string()),
    startedAt: z.string().optional(),
    endedAt: z.string().optional(),
    durationMs: z.number().optional(),
    errors: z.array(traceError),
    eventCount: z.number(),
    retries: z.number(),
    entra: optionalStrings(['code', 'meaning', 'issuer', 'subject', 'audience', 'podName', 'clientId', 'serviceAccountId', 'podId'] as const)
      .extend({
        code: z.string(),
        nearestCredential: z.object({ id: z.string(), name: z.string(), owner: z.string().optional(), verdict: z.string(), summary: z.string() }).optional(),
      })
      .optional(),
  }),
  exchanges: z.array(exchange),
  workload: optionalStrings(['consumer', 'provider', 'podName', 'namespace', 'serviceAccount', 'subject', 'clientId', 'tenantId', 'scope'] as const),
  sequence: z.string(),
  truncated: z.boolean(),
});

const sourceStatus = z.looseObject({
  source: z.string(),
  kind: z.string(),
  ok: z.boolean(),
  truncated: z.boolean().optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});

const exportSchema = z.object({
  kind: z.literal(TRACE_EXPORT_KIND),
  version: z.literal(TRACE_EXPORT_VERSION),
  redacted: z.literal(true),
  exportedAt: z.string(),
  trace: traceSchema,
  sources: z.array(sourceStatus).optional(),
});

export type TraceExportParse = { ok: true; value: TraceExport } | { ok: false; reason: string };

/** Reads an exported trace; a plain, specific reason when the text is not one. */
export function parseTraceExport(text: string): TraceExportParse {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'This file is not JSON, so it is not an idlens trace export.' };
  }
  if (json === null || typeof json !== 'object' || (json as { kind?: unknown }).kind !== TRACE_EXPORT_KIND) {
    return { ok: false, reason: `This JSON file is not an idlens trace export (it has no "kind": "${TRACE_EXPORT_KIND}").` };
  }
  const parsed = exportSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 3).map((issue) => `${issue.path.join('.') || '(file)'}: ${issue.message}`);
    return { ok: false, reason: `This idlens trace export is damaged or from an unsupported version: ${issues.join('; ')}.` };
  }
  // The schema checks every field the pages read; unknown extra fields are kept and ignored.
  return { ok: true, value: parsed.data as unknown as TraceExport };
}
