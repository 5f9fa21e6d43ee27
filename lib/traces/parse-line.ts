// One raw log line → ParsedLogLine, following the log-field contract of shared DESIGN.md:
// JSON lines (pino, Serilog compact JSON, ContainerLogV2 rows, docker json-file), logfmt, and
// anything else kept whole as text. Log text is attacker-controlled and sources hand over what
// they read (invalid UTF-8 already replaced, lines cut at 1 MiB): nothing here throws.

import type { LogFormat, LogLevel, LogLineInput, ParsedLogLine } from '@/lib/traces/model';

export interface ParseLineOptions {
  /** Extra field names carrying the correlation ID (`IDLENS_CORRELATION_FIELDS`). */
  correlationFields?: string[];
}

/** Sources cut longer lines; this is a second guard for callers that did not. */
export const MAX_LINE_CHARS = 1024 * 1024;

// "First present wins", in the order of the contract.
const TIME_FIELDS = ['time', 'timestamp', '@t', 'ts', 'TimeGenerated'];
const MESSAGE_FIELDS = ['msg', 'message', '@m', '@mt', 'log', 'LogMessage'];
const LEVEL_FIELDS = ['level', 'severity', '@l', 'lvl'];
const SERVICE_FIELDS = ['service', 'service.name', 'app', 'logger', 'PodName'];
const CORRELATION_FIELDS = ['correlationId', 'correlation_id', 'x-correlation-id', 'CorrelationId', 'correlation.id'];

// Explicit paths only: a nested `status` or `method` may belong to anything. Besides the
// contract's names: pino-http (`req`, `res`), ASP.NET/Serilog request logging (`RequestMethod`,
// `RequestPath`, `StatusCode`, `Elapsed` in ms) and OpenTelemetry (`http.*`).
const STATUS_FIELDS = ['status', 'statusCode', 'StatusCode', 'status_code', 'res.statusCode', 'response.status', 'response.statusCode', 'http.status_code'];
const METHOD_FIELDS = ['method', 'Method', 'RequestMethod', 'req.method', 'request.method', 'httpMethod', 'http.method'];
const PATH_FIELDS = ['path', 'Path', 'RequestPath', 'url', 'req.url', 'request.path', 'request.url', 'uri', 'http.target', 'http.url'];
const POD_FIELDS = ['podName', 'pod', 'pod_name', 'PodName', 'k8s.pod.name', 'kubernetes.pod_name', 'kubernetes.pod.name'];
const SUBJECT_FIELDS = ['subject', 'sub', 'assertionSubject'];
const CLIENT_ID_FIELDS = ['clientId', 'client_id', 'azureClientId', 'AZURE_CLIENT_ID'];
const TENANT_ID_FIELDS = ['tenantId', 'tenant_id', 'tid', 'AZURE_TENANT_ID'];
const SCOPE_FIELDS = ['scope', 'scopes'];
const ERROR_FIELDS = ['error', 'err'];
const ERROR_DESCRIPTION_FIELDS = ['error_description', 'errorDescription'];

// Header-like names: also looked up case-insensitively inside nested objects (`headers`,
// `req.headers`, `res.headers`), where HTTP libraries put them with whatever case they got.
const REQUEST_ID_FIELDS = ['requestId', 'request_id', 'x-request-id'];
const CALLER_CHAIN_FIELDS = ['x-caller-chain', 'callerChain', 'caller_chain'];
const RETRY_AFTER_FIELDS = ['Retry-After', 'retryAfter', 'retry_after', 'retryAfterSeconds'];
const RATE_LIMIT_RESET_FIELDS = ['X-RateLimit-Reset', 'rateLimitReset', 'ratelimit-reset'];
const DURATION_FIELDS = ['durationMs', 'duration_ms', 'duration', 'x-request-duration', 'responseTime', 'Elapsed', 'elapsedMs', 'latencyMs'];

type Fields = Record<string, unknown>;

function isObject(value: unknown): value is Fields {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** `key` as a flat property (`service.name` as one key), else as a dotted path through objects. */
function getPath(fields: Fields, key: string): unknown {
  if (Object.hasOwn(fields, key)) return fields[key];
  if (!key.includes('.')) return undefined;
  let current: unknown = fields;
  for (const part of key.split('.')) {
    if (!isObject(current) || !Object.hasOwn(current, part)) return undefined;
    current = current[part];
  }
  return current;
}

function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

function first(fields: Fields, keys: readonly string[]): unknown {
  for (const key of keys) {
    const value = getPath(fields, key);
    if (isPresent(value)) return value;
  }
  return undefined;
}

// Bounds the breadth-first search for header names in nested objects.
const MAX_NESTED_OBJECTS = 200;
const MAX_NESTED_DEPTH = 4;

/**
 * Every value under a key whose lower-cased name is in `names`, breadth-first (top level
 * first), case-insensitive: `X-Correlation-ID` in `req.headers` counts as `x-correlation-id`.
 */
function findNested(fields: Fields, names: ReadonlySet<string>): unknown[] {
  const found: unknown[] = [];
  let queue: Fields[] = [fields];
  let seen = 0;
  for (let depth = 0; depth <= MAX_NESTED_DEPTH && queue.length > 0; depth++) {
    const next: Fields[] = [];
    for (const object of queue) {
      if (++seen > MAX_NESTED_OBJECTS) return found;
      for (const [key, value] of Object.entries(object)) {
        if (names.has(key.toLowerCase()) && isPresent(value)) found.push(value);
        else if (isObject(value)) next.push(value);
      }
    }
    queue = next;
  }
  return found;
}

function lowerSet(keys: readonly string[]): Set<string> {
  return new Set(keys.map((k) => k.toLowerCase()));
}

/** Explicit paths first, then the same names case-insensitively in nested objects. */
function firstHeaderLike(fields: Fields, keys: readonly string[]): unknown {
  return first(fields, keys) ?? findNested(fields, lowerSet(keys))[0];
}

function asText(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() || undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (Array.isArray(value) && value.length > 0) return asText(value[0]); // a header logged as an array
  return undefined;
}

function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  if (Array.isArray(value) && value.length > 0) return asNumber(value[0]);
  return undefined;
}

// ---- time ----------------------------------------------------------------------------------

const ISO_LIKE = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(?:[.,](\d+))?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/** Epoch number → ms, the unit told by its magnitude (s ≈ 1.7e9, ms ≈ 1.7e12, µs, ns). */
function epochToMs(value: number): number {
  const magnitude = Math.abs(value);
  if (magnitude >= 1e17) return value / 1e6; // nanoseconds (Go, OpenTelemetry)
  if (magnitude >= 1e14) return value / 1e3; // microseconds
  if (magnitude >= 1e11) return value; // milliseconds (pino, Date.now())
  return value * 1000; // seconds, possibly fractional (zap `ts`)
}

/** Epoch ms of an ISO 8601 string or epoch number; a zone-less ISO time is taken as UTC. */
export function parseTimestamp(value: unknown): number | undefined {
  let ms: number | undefined;
  if (typeof value === 'number') ms = epochToMs(value);
  else if (typeof value === 'string') {
    const text = value.trim();
    if (/^\d+(\.\d+)?$/.test(text)) ms = epochToMs(Number(text));
    else {
      const m = ISO_LIKE.exec(text);
      if (!m) return undefined;
      // Pure and deterministic: never let the host's time zone decide (Date.parse would for a
      // zone-less date-time), and cut fractions to milliseconds (.NET writes 7 digits).
      const fraction = (m[3] ?? '').slice(0, 3).padEnd(3, '0');
      const seconds = m[2]!.length === 5 ? `${m[2]}:00` : m[2];
      let zone = m[4] ?? 'Z';
      if (/^[+-]\d{4}$/.test(zone)) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`;
      ms = Date.parse(`${m[1]}T${seconds}.${fraction}${zone.toUpperCase()}`);
    }
  }
  if (ms === undefined || !Number.isFinite(ms)) return undefined;
  // Outside what Date can represent (or year 0 garbage): not a time.
  if (Math.abs(ms) > 8.64e15) return undefined;
  return Math.round(ms);
}

// ---- level ---------------------------------------------------------------------------------

const LEVEL_WORDS: Record<string, LogLevel> = {
  trace: 'trace',
  verbose: 'trace',
  debug: 'debug',
  dbg: 'debug',
  info: 'info',
  information: 'info',
  notice: 'info',
  warn: 'warn',
  warning: 'warn',
  error: 'error',
  err: 'error',
  fatal: 'fatal',
  critical: 'fatal',
  crit: 'fatal',
  panic: 'fatal',
  alert: 'fatal',
  emergency: 'fatal',
};

/** Normalises pino numbers (10…60), syslog-ish words and Serilog's names. */
export function normalizeLevel(value: unknown): LogLevel | undefined {
  const numeric = asNumber(value);
  if (numeric !== undefined) {
    if (numeric <= 10) return 'trace';
    if (numeric <= 20) return 'debug';
    if (numeric <= 30) return 'info';
    if (numeric <= 40) return 'warn';
    if (numeric <= 50) return 'error';
    return 'fatal';
  }
  const word = asText(value)?.toLowerCase();
  // Own keys only: `constructor` or `__proto__` must not find Object.prototype's members.
  return word && Object.hasOwn(LEVEL_WORDS, word) ? LEVEL_WORDS[word] : undefined;
}

// ---- message -------------------------------------------------------------------------------

function renderValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    // JSON.parse takes thousands of nesting levels; JSON.stringify (and String() of an array)
    // recurse and overflow the stack on them. The raw line still shows everything.
    return `(${Array.isArray(value) ? 'an array' : 'an object'} nested too deeply to show)`;
  }
}

/**
 * Renders a Serilog message template (`@mt`) with the line's properties: `{Name}`,
 * `{@Name}`, `{$Name}`, `{Name:format}`, `{Name,align}`; `{{`/`}}` are literal braces. A
 * property the line lacks stays as written, so nothing is silently lost.
 */
export function renderMessageTemplate(template: string, properties: Fields): string {
  return template.replace(/\{\{|\}\}|\{([@$]?)([A-Za-z0-9_.]+)(?:,[^:}]*)?(?::[^}]*)?\}/g, (token, _sigil, name: string) => {
    if (token === '{{') return '{';
    if (token === '}}') return '}';
    return Object.hasOwn(properties, name) ? renderValue(properties[name]) : token;
  });
}

// ---- formats -------------------------------------------------------------------------------

/** `kubectl logs --timestamps` and CRI (`<time> stdout F <line>`) prefixes before the line. */
const KUBE_PREFIX = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}))\s(?:(?:stdout|stderr)\s[FP]\s)?/;

function parseJsonObject(text: string): Fields | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{') || !trimmed.endsWith('}')) return undefined;
  try {
    const value: unknown = JSON.parse(trimmed);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

const LOGFMT_KEY = /^[A-Za-z_@][A-Za-z0-9_.@/-]*$/;

/**
 * logfmt: `key=value`, `key="quoted \"value\""`, bare `key` (= true). A line is logfmt only
 * when key=value pairs are at least half of its tokens, so prose with one `a=b` stays text.
 */
export function parseLogfmt(text: string): Fields | undefined {
  const fields: Fields = {};
  let pairs = 0;
  let others = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && (text[i] === ' ' || text[i] === '\t')) i++;
    if (i >= n) break;
    const keyStart = i;
    while (i < n && text[i] !== '=' && text[i] !== ' ' && text[i] !== '\t') i++;
    const key = text.slice(keyStart, i);
    if (text[i] !== '=') {
      others++;
      continue;
    }
    i++; // '='
    let value = '';
    if (text[i] === '"') {
      i++;
      let closed = false;
      while (i < n) {
        const ch = text[i]!;
        if (ch === '\\' && i + 1 < n) {
          const next = text[i + 1]!;
          value += next === 'n' ? '\n' : next === 't' ? '\t' : next === 'r' ? '\r' : next;
          i += 2;
        } else if (ch === '"') {
          i++;
          closed = true;
          break;
        } else {
          value += ch;
          i++;
        }
      }
      if (!closed) others++; // an unterminated quote: still keep what was read
    } else {
      const valueStart = i;
      while (i < n && text[i] !== ' ' && text[i] !== '\t') i++;
      value = text.slice(valueStart, i);
    }
    if (LOGFMT_KEY.test(key)) {
      pairs++;
      if (!Object.hasOwn(fields, key)) fields[key] = value;
    } else others++;
  }
  return pairs > 0 && pairs >= others ? fields : undefined;
}

// Recovers `"key": scalar` pairs from a JSON line that does not parse (cut at 1 MiB, or
// garbled): the time, level and IDs of a cut line usually come before the long part.
const JSON_PAIR = /"([A-Za-z0-9_.@$-]{1,64})"\s*:\s*("(?:[^"\\]|\\.){0,4096}"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/g;
const MAX_SALVAGED_FIELDS = 200;

function salvageJsonFields(text: string): Fields {
  const fields: Fields = {};
  let count = 0;
  for (const m of text.matchAll(JSON_PAIR)) {
    if (++count > MAX_SALVAGED_FIELDS) break;
    const key = m[1]!;
    if (Object.hasOwn(fields, key)) continue;
    try {
      fields[key] = JSON.parse(m[2]!);
    } catch {
      // a pair cut mid-escape: skip it
    }
  }
  return fields;
}

const TEXT_LEVEL = /\b(TRACE|DEBUG|INFO|INFORMATION|NOTICE|WARN|WARNING|ERROR|ERR|FATAL|CRITICAL|PANIC)\b/i;
const LEADING_TIME = /^\[?(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2})?(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?)\]?\s*/i;

/** What a plain-text line reveals: a leading timestamp and a level word near the start. */
function parseTextLine(text: string): { timeMs?: number; level?: LogLevel } {
  const timeMatch = LEADING_TIME.exec(text);
  const timeMs = timeMatch ? parseTimestamp(timeMatch[1]) : undefined;
  const head = text.slice(timeMatch ? timeMatch[0].length : 0, (timeMatch ? timeMatch[0].length : 0) + 40);
  const levelMatch = TEXT_LEVEL.exec(head);
  return { timeMs, level: levelMatch ? normalizeLevel(levelMatch[1]) : undefined };
}

// ---- HTTP and identity fields --------------------------------------------------------------

function parseStatus(value: unknown): number | undefined {
  const n = asNumber(value);
  return n !== undefined && Number.isInteger(n) && n >= 100 && n <= 599 ? n : undefined;
}

const DURATION_WITH_UNIT = /^\s*(\d+(?:\.\d+)?)\s*(ns|us|µs|ms|s|m)?\s*$/;

/** A number is milliseconds; a string may carry a unit (`123ms`, `1.5s`, Go's `250µs`). */
function parseDurationMs(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  const text = asText(value);
  if (!text) return undefined;
  const m = DURATION_WITH_UNIT.exec(text);
  if (!m) return undefined;
  const amount = Number(m[1]);
  const factor = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000 }[m[2] ?? 'ms'] ?? 1;
  return Math.round(amount * factor * 1000) / 1000;
}

/** `Retry-After` is seconds or an HTTP date; a date is turned into seconds from the line's time. */
function parseRetryAfter(value: unknown, lineTimeMs: number | undefined): number | undefined {
  const seconds = asNumber(value);
  if (seconds !== undefined) return seconds >= 0 ? seconds : undefined;
  const text = asText(value);
  if (!text || lineTimeMs === undefined) return undefined;
  const dateMs = Date.parse(text); // HTTP dates carry "GMT": no host time zone involved
  return Number.isFinite(dateMs) && /GMT$/i.test(text) ? Math.max(0, Math.round((dateMs - lineTimeMs) / 1000)) : undefined;
}

function parseMethod(value: unknown): string | undefined {
  const text = asText(value);
  return text && /^[A-Za-z]{3,10}$/.test(text) ? text.toUpperCase() : undefined;
}

function parseError(fields: Fields): { error?: string; errorDescription?: string } {
  const value = first(fields, ERROR_FIELDS);
  let error: string | undefined;
  let errorDescription: string | undefined;
  if (isObject(value)) {
    // Entra / OAuth bodies: { error, error_description }; pino `err`: { type, message }.
    error = asText(value.error) ?? asText(value.code) ?? asText(value.type);
    errorDescription = asText(value.error_description) ?? asText(value.errorDescription) ?? asText(value.message);
  } else {
    error = asText(value);
  }
  errorDescription ??= asText(first(fields, ERROR_DESCRIPTION_FIELDS));
  return { error, errorDescription };
}

function correlationIdsOf(fields: Fields, extra: readonly string[]): string[] {
  const names = [...CORRELATION_FIELDS, ...extra];
  const values: unknown[] = [];
  for (const key of names) values.push(getPath(fields, key));
  values.push(...findNested(fields, lowerSet(names)));
  const ids: string[] = [];
  for (const value of values) {
    const id = asText(value);
    if (id && !ids.includes(id)) ids.push(id);
  }
  return ids;
}

function messageFallback(fields: Fields, raw: string, method?: string, path?: string, status?: number): string {
  if (method || path || status) return [method, path, status].filter((part) => part !== undefined).join(' ');
  return raw.length > 2000 ? `${raw.slice(0, 2000)}…` : raw;
}

// ---- the line ------------------------------------------------------------------------------

/**
 * An embedded JSON line one level down: ContainerLogV2's `LogMessage` (a string or, from the
 * query API, already an object) or docker json-file's `log`. Its fields win over the envelope's
 * (the app's own `time` and `service` are more precise than `TimeGenerated` and `PodName`).
 */
function unwrapEnvelope(fields: Fields): Fields {
  for (const key of ['LogMessage', 'log']) {
    const inner = fields[key];
    const innerFields = isObject(inner) ? inner : typeof inner === 'string' ? parseJsonObject(inner) : undefined;
    if (innerFields) {
      const { [key]: _replaced, ...envelope } = fields;
      return { ...envelope, ...innerFields };
    }
  }
  return fields;
}

export function parseLogLine(line: LogLineInput, options: ParseLineOptions = {}): ParsedLogLine {
  const problems: string[] = [];
  let text = typeof line.text === 'string' ? line.text : String(line.text);
  let cut = line.cut === true;
  if (text.length > MAX_LINE_CHARS) {
    text = text.slice(0, MAX_LINE_CHARS);
    cut = true;
  }
  if (cut) problems.push('line cut at 1 MiB');
  if (text.includes('\uFFFD')) problems.push('invalid UTF-8 (replaced by U+FFFD)');
  const raw = text;
  let body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  // `\r` of CRLF files, trailing spaces (trimEnd: a regex like /\s+$/ is quadratic on 1 MiB of spaces).
  body = body.trimEnd();

  let prefixTimeMs: number | undefined;
  const prefix = KUBE_PREFIX.exec(body);
  if (prefix && /^\s*\{/.test(body.slice(prefix[0].length))) {
    prefixTimeMs = parseTimestamp(prefix[1]);
    body = body.slice(prefix[0].length);
  }

  let format: LogFormat = 'text';
  let fields: Fields = {};
  const json = parseJsonObject(body);
  if (json) {
    format = 'json';
    fields = unwrapEnvelope(json);
  } else if (body.trimStart().startsWith('{')) {
    problems.push(cut ? 'JSON cut short: fields recovered where possible' : 'invalid JSON: kept as text');
    fields = salvageJsonFields(body);
  } else {
    const logfmt = parseLogfmt(body);
    if (logfmt) {
      format = 'logfmt';
      fields = logfmt;
    }
  }

  const textInfo = format === 'text' ? parseTextLine(body) : {};
  const timeMs = parseTimestamp(first(fields, TIME_FIELDS)) ?? prefixTimeMs ?? textInfo.timeMs;
  const isSerilog = Object.hasOwn(fields, '@t') || Object.hasOwn(fields, '@mt') || Object.hasOwn(fields, '@m');
  // Serilog's compact JSON omits `@l` for Information.
  const level = normalizeLevel(first(fields, LEVEL_FIELDS)) ?? textInfo.level ?? (isSerilog ? 'info' : undefined);

  const method = parseMethod(first(fields, METHOD_FIELDS));
  const path = asText(first(fields, PATH_FIELDS));
  const status = parseStatus(first(fields, STATUS_FIELDS));

  let message: string | undefined;
  for (const key of MESSAGE_FIELDS) {
    const value = getPath(fields, key);
    if (!isPresent(value)) continue;
    message = key === '@mt' && typeof value === 'string' ? renderMessageTemplate(value, fields) : renderValue(value);
    break;
  }
  if (format === 'text') message = body;
  message ??= messageFallback(fields, body, method, path, status);

  // `service` may be an object (`{ name }`): then `service.name` finds it as a nested path.
  let service: string | undefined;
  for (const key of SERVICE_FIELDS) {
    service = asText(getPath(fields, key));
    if (service) break;
  }
  service ||= line.serviceHint || 'unknown';

  const { error, errorDescription } = parseError(fields);
  const parsed: ParsedLogLine = {
    service,
    message,
    correlationIds: correlationIdsOf(fields, options.correlationFields ?? []),
    fields,
    format,
    source: line.source,
    raw,
  };
  if (timeMs !== undefined) {
    parsed.time = new Date(timeMs).toISOString();
    parsed.timeMs = timeMs;
  }
  const optional: Partial<ParsedLogLine> = {
    level,
    requestId: asText(firstHeaderLike(fields, REQUEST_ID_FIELDS)),
    status,
    error,
    errorDescription,
    retryAfterSeconds: parseRetryAfter(firstHeaderLike(fields, RETRY_AFTER_FIELDS), timeMs),
    rateLimitReset: asText(firstHeaderLike(fields, RATE_LIMIT_RESET_FIELDS)),
    callerChain: asText(firstHeaderLike(fields, CALLER_CHAIN_FIELDS)),
    method,
    path,
    durationMs: parseDurationMs(firstHeaderLike(fields, DURATION_FIELDS)),
    podName: asText(first(fields, POD_FIELDS)),
    subject: asText(first(fields, SUBJECT_FIELDS)),
    clientId: asText(first(fields, CLIENT_ID_FIELDS)),
    tenantId: asText(first(fields, TENANT_ID_FIELDS)),
    scope: asText(first(fields, SCOPE_FIELDS)),
    cut: cut || undefined,
    problems: problems.length > 0 ? problems : undefined,
  };
  // Leave absent fields absent (not `undefined`), so results compare and serialise cleanly.
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) (parsed as unknown as Record<string, unknown>)[key] = value;
  }
  return parsed;
}
