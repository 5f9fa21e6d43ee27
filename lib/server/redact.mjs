// Redaction of secrets from anything idlens writes to its logs: JWTs (`eyJ…` three-part tokens and
// lone `eyJ…` segments), `Authorization`/`Cookie`/`Set-Cookie` values, bearer strings, OAuth form
// fields (`client_assertion`, `client_secret`, `code`, `code_verifier`, `id_token`, `access_token`,
// `refresh_token`), and the values of object keys that name such secrets. Pure: no I/O.
//
// Plain ESM JavaScript: lib/server/main.mjs (the HTTP entry, not bundled) and the TypeScript routes
// share it.

export const REDACTED = '[REDACTED]';

// A JWS/JWE compact token or a single base64url JSON segment (`eyJ` is `{"`), at least 10 chars.
const JWT = /eyJ[A-Za-z0-9_-]{7,}(?:\.[A-Za-z0-9_-]*){0,4}/g;
const BEARER = /\b(Bearer|Basic|Negotiate)\s+[A-Za-z0-9._~+/=-]+/gi;
// Header values run to the end of the line (a cookie value may hold quotes); in JSON, to the
// closing quote.
const HEADER_JSON = /"(authorization|proxy-authorization|cookie|set-cookie|x-auth-request-access-token|x-forwarded-access-token|x-idlens-peer)"(\s*:\s*)"(?:[^"\\]|\\.)*"/gi;
const HEADER_LINE = /\b(authorization|proxy-authorization|cookie|set-cookie|x-auth-request-access-token|x-forwarded-access-token|x-idlens-peer)(\s*[:=]\s*)[^\r\n]*/gi;
const FIELD_NAMES = 'client_assertion|client_secret|code_verifier|code|id_token|access_token|refresh_token|assertion|password|session_state|state|nonce';
const FORM_FIELD = new RegExp(`\\b(${FIELD_NAMES})=([^&\\s"']+)`, 'gi');
const JSON_FIELD = new RegExp(`"(${FIELD_NAMES}|token|secret)"(\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`, 'gi');
const YAML_FIELD = new RegExp(`\\b(${FIELD_NAMES})(\\s*:\\s+)(?!\\[REDACTED\\])[^\\s,;]+`, 'gi');
// user:password@host in URLs.
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@:]+:[^\s/@]+@/gi;
const SECRET_KEY = /^(authorization|proxy-authorization|cookie|set-cookie|token|access_?token|id_?token|refresh_?token|client_?assertion|client_?secret|code_?verifier|code|secret|password|session|x-auth-request-access-token|x-forwarded-access-token|x-idlens-peer)$/i;

/**
 * Removes secrets from a string.
 * @param {string} text
 * @returns {string}
 */
export function redactText(text) {
  if (typeof text !== 'string' || text === '') return text;
  return text
    .replace(HEADER_JSON, (_, name, sep) => `"${name}"${sep}"${REDACTED}"`)
    .replace(JSON_FIELD, (_, name, sep) => `"${name}"${sep}"${REDACTED}"`)
    .replace(HEADER_LINE, (whole, name, sep) => (whole.slice(name.length + sep.length).startsWith(REDACTED) || whole.slice(name.length + sep.length).startsWith(`"${REDACTED}`) ? whole : `${name}${sep}${REDACTED}`))
    .replace(BEARER, (_, scheme) => `${scheme} ${REDACTED}`)
    .replace(FORM_FIELD, (_, name) => `${name}=${REDACTED}`)
    .replace(YAML_FIELD, (_, name, sep) => `${name}${sep}${REDACTED}`)
    .replace(URL_CREDENTIALS, (_, scheme) => `${scheme}${REDACTED}@`)
    .replace(JWT, REDACTED);
}

/**
 * Redacts a value for a log record: strings are scrubbed, secret-named keys blanked, errors turned
 * into `{ name, message, stack }`; cycles and depth are bounded.
 * @param {unknown} value
 * @param {number} [depth]
 * @param {WeakSet<object>} [seen]
 * @returns {unknown}
 */
export function redactValue(value, depth = 0, seen = new WeakSet()) {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return typeof value === 'bigint' ? String(value) : value;
  if (seen.has(value)) return '[Circular]';
  if (depth > 6) return '[…]';
  seen.add(value);
  if (value instanceof Error) {
    return { name: value.name, message: redactText(value.message), stack: value.stack ? redactText(value.stack) : undefined };
  }
  if (Array.isArray(value)) return value.slice(0, 100).map((v) => redactValue(v, depth + 1, seen));
  /** @type {Record<string, unknown>} */
  const out = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) && v !== undefined && v !== null && v !== '' ? REDACTED : redactValue(v, depth + 1, seen);
  }
  return out;
}
