// Structured server logs: one JSON object per line on stdout (`error`/`warn` on stderr), with the
// request ID where there is one, every field passed through the redaction layer. No token, cookie
// or Authorization value reaches a log line (tests/unit/server/redact.test.ts, and an end-to-end
// run at trace level in tests/integration/security.test.ts).
//
// Plain ESM JavaScript, shared by lib/server/main.mjs and the route handlers.
import { redactText, redactValue } from './redact.mjs';

export const LEVELS = /** @type {const} */ (['error', 'warn', 'info', 'debug', 'trace']);
/** @typedef {typeof LEVELS[number]} LogLevel */

/** @param {string | undefined} value @returns {LogLevel} */
const levelOf = (value) => (LEVELS.includes(/** @type {LogLevel} */ (value)) ? /** @type {LogLevel} */ (value) : 'info');

/** @type {(line: string, level: LogLevel) => void} */
let sink = (line, level) => {
  (level === 'error' || level === 'warn' ? process.stderr : process.stdout).write(`${line}\n`);
};

/**
 * Replaces where lines go (tests).
 * @param {(line: string, level: LogLevel) => void} next
 */
export function setLogSink(next) {
  sink = next;
}

/** @param {LogLevel} level */
export function isLevelEnabled(level) {
  return LEVELS.indexOf(level) <= LEVELS.indexOf(levelOf(process.env.IDLENS_LOG_LEVEL));
}

/**
 * Writes one log record.
 * @param {LogLevel} level
 * @param {string} msg
 * @param {Record<string, unknown>} [fields]
 */
export function log(level, msg, fields) {
  if (!isLevelEnabled(level)) return;
  const record = { time: new Date().toISOString(), level, msg: redactText(msg), ...(fields ? /** @type {object} */ (redactValue(fields)) : {}) };
  let line;
  try {
    line = JSON.stringify(record);
  } catch {
    line = JSON.stringify({ time: record.time, level, msg: record.msg, note: 'fields could not be serialised' });
  }
  sink(line, level);
}

/**
 * A logger bound to fields (e.g. `{ requestId }`).
 * @param {Record<string, unknown>} bound
 */
export function childLogger(bound) {
  return {
    /** @param {string} msg @param {Record<string, unknown>} [fields] */
    error: (msg, fields) => log('error', msg, { ...bound, ...fields }),
    /** @param {string} msg @param {Record<string, unknown>} [fields] */
    warn: (msg, fields) => log('warn', msg, { ...bound, ...fields }),
    /** @param {string} msg @param {Record<string, unknown>} [fields] */
    info: (msg, fields) => log('info', msg, { ...bound, ...fields }),
    /** @param {string} msg @param {Record<string, unknown>} [fields] */
    debug: (msg, fields) => log('debug', msg, { ...bound, ...fields }),
    /** @param {string} msg @param {Record<string, unknown>} [fields] */
    trace: (msg, fields) => log('trace', msg, { ...bound, ...fields }),
  };
}

/**
 * Routes console.* (Next.js's own messages, libraries) through the structured, redacted log.
 */
// Next.js warns that `next start` does not fit `output: 'standalone'` whenever its server is made
// programmatically with that setting; lib/server/main.mjs serves both layouts correctly, so the
// warning would only mislead.
const MISLEADING = [/"next start" does not work with "output: standalone"/];

export function captureConsole() {
  /** @type {Array<[keyof Console, LogLevel]>} */
  const map = [
    ['error', 'error'],
    ['warn', 'warn'],
    ['info', 'info'],
    ['log', 'info'],
    ['debug', 'debug'],
    ['trace', 'trace'],
  ];
  for (const [method, level] of map) {
    /** @type {any} */ (console)[method] = (/** @type {unknown[]} */ ...args) => {
      // Objects are redacted as objects first (secret-named keys), then as text.
      const parts = args.map((a) => (typeof a === 'string' ? a : a instanceof Error ? `${a.name}: ${a.message}\n${a.stack ?? ''}` : safeInspect(redactValue(a))));
      const text = parts.join(' ');
      if (MISLEADING.some((pattern) => pattern.test(text))) return;
      log(level, text, { source: 'console' });
    };
  }
}

/** @param {unknown} value */
function safeInspect(value) {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
