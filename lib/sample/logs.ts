// Consumer (`checkout`) and provider (`payments-api`) logs of the sample world. Pure: the
// clock is a parameter, every line sits at a fixed offset before `now`, nothing is random.
//
// The lines follow the log-field contract of shared DESIGN.md and the consumer → provider
// contract of shared DOMAIN.md, in the formats real services write, varied on purpose:
// - checkout logs with pino: numeric levels, epoch-ms `time`, `msg`, camelCase `correlationId`
//   and `requestId`; outgoing calls log their headers (`x-correlation-id` inside `headers`);
//   its inbound requests are logged by pino-http (`req`/`res`/`responseTime`);
// - payments-api writes `timestamp` (ISO), word levels, `message`, snake_case `correlation_id`
//   / `request_id`, and one plain-text line that names a correlation ID;
// - storefront writes one logfmt line; a few lines carry no correlation ID at all (noise).
// Correlation IDs are fixed and readable (`c0ffee00-…-00000000000N`); one unrelated ID extends
// the happy path's ID (`…0001-status`), so that a search must match whole tokens only.

import { WI } from '@/lib/domain/model';
import type { RawLogLine } from '@/lib/sources/logs/log-source';
import {
  AUTHORITY_HOST,
  SAMPLE_CANARY,
  SAMPLE_CONSUMER,
  SAMPLE_ISSUER,
  SAMPLE_PROVIDER,
  SAMPLE_PROVIDER_APP,
  SAMPLE_TENANT_ID,
} from './world';

export type SampleTraceScenario = 'happy-path' | 'token-expired' | 'invalid-token' | 'rate-limited' | 'aadsts70021';

export interface SampleTrace {
  correlationId: string;
  scenario: SampleTraceScenario;
  expectedOutcome: 'success' | 'recovered' | 'failed';
  description: string;
}

export const SAMPLE_TRACES: SampleTrace[] = [
  {
    correlationId: 'c0ffee00-0000-4000-8000-000000000001',
    scenario: 'happy-path',
    expectedOutcome: 'success',
    description: 'checkout acquires a token from Entra ID and charges through payments-api: 200.',
  },
  {
    correlationId: 'c0ffee00-0000-4000-8000-000000000002',
    scenario: 'token-expired',
    expectedOutcome: 'recovered',
    description: 'payments-api answers 401 token_expired; checkout re-acquires a token and the retry gets 200.',
  },
  {
    correlationId: 'c0ffee00-0000-4000-8000-000000000003',
    scenario: 'invalid-token',
    expectedOutcome: 'failed',
    description: 'payments-api answers 401 invalid_token "Signature validation failed" (its cached signing keys lack the new kid); checkout gives up.',
  },
  {
    correlationId: 'c0ffee00-0000-4000-8000-000000000004',
    scenario: 'rate-limited',
    expectedOutcome: 'recovered',
    description: 'payments-api answers 429 with Retry-After: 2 and X-RateLimit-Reset; checkout waits and the retry gets 200.',
  },
  {
    correlationId: 'c0ffee00-0000-4000-8000-000000000005',
    scenario: 'aadsts70021',
    expectedOutcome: 'failed',
    description: "The checkout canary's token request fails at Entra ID with AADSTS70021: its FIC's issuer lacks the trailing '/'.",
  },
];

const [HAPPY, EXPIRED, INVALID, THROTTLED, AADSTS] = SAMPLE_TRACES.map((t) => t.correlationId) as [string, string, string, string, string];

/**
 * A successful status check whose ID extends the happy path's (`<id>-status`): a search for the
 * happy path's ID must not return its lines, since `-` continues a token.
 */
export const SAMPLE_PREFIX_SIBLING = { correlationId: `${HAPPY}-status`, extends: HAPPY, expectedOutcome: 'success' as const };

/** Other successful requests in the same logs, so that a search has something to leave out. */
export const SAMPLE_BACKGROUND_CORRELATION_IDS = [
  '5d2a8f41-7c3b-4e9d-a6f0-b18e2c4d7a93',
  '9e7b3c15-2f4a-4d8b-b5e1-c6a9d0f3e872',
  '0a6f4d28-e1b9-4c7a-8d35-f2b7c9e14a06',
] as const;

// ─── line writers ───────────────────────────────────────────────────────────────────────────

type Fields = Record<string, unknown>;

/** pino's numeric levels. */
const PINO = { debug: 20, info: 30, warn: 40, error: 50 } as const;
type Level = keyof typeof PINO;

interface Entry {
  atMs: number;
  service: string;
  text: string;
}

const CHECKOUT_POD = SAMPLE_CONSUMER.pods[0];
const PROVIDER_POD = SAMPLE_PROVIDER.pods[0];
const TOKEN_URL = `${AUTHORITY_HOST}${SAMPLE_TENANT_ID}/oauth2/v2.0/token`;
const CALLER_CHAIN = 'storefront,checkout';

const iso = (ms: number) => new Date(ms).toISOString();

class LogBook {
  readonly entries: Entry[] = [];

  constructor(private readonly nowMs: number) {}

  /** A time `minutesAgo` before now, plus `offsetMs` (lines of one trace are milliseconds apart). */
  at(minutesAgo: number, offsetMs = 0): number {
    return this.nowMs - minutesAgo * 60_000 + offsetMs;
  }

  checkout(atMs: number, level: Level, msg: string, fields: Fields = {}, pod: string = CHECKOUT_POD) {
    // pino with a `base` of service/pod/namespace, as a Node service on AKS usually sets it.
    this.push(atMs, 'checkout', { level: PINO[level], time: atMs, service: 'checkout', pod, namespace: SAMPLE_CONSUMER.namespace, ...fields, msg });
  }

  payments(atMs: number, level: 'debug' | 'info' | 'warning' | 'error', message: string, fields: Fields = {}, pod: string = PROVIDER_POD) {
    this.push(atMs, 'payments-api', { timestamp: iso(atMs), level, service: 'payments-api', pod, message, ...fields });
  }

  text(atMs: number, service: string, text: string) {
    this.entries.push({ atMs, service, text });
  }

  private push(atMs: number, service: string, fields: Fields) {
    this.entries.push({ atMs, service, text: JSON.stringify(fields) });
  }
}

/** One request from checkout to payments-api, as both sides log it (DOMAIN.md's header contract). */
interface ProviderCall {
  correlationId: string;
  requestId: string;
  startMs: number;
  attempt?: number;
  method?: 'POST' | 'GET';
  path?: string;
  /** What payments-api answers; 200 by default. */
  outcome?: { status: 401 | 429; error?: string; errorDescription?: string; extra?: Fields };
  /** Time spent in payments-api, in ms. */
  handlingMs?: number;
  checkoutPod?: string;
}

function providerCall(book: LogBook, call: ProviderCall): number {
  const method = call.method ?? 'POST';
  const path = call.path ?? '/v1/charges';
  const { correlationId, requestId, startMs } = call;
  const handlingMs = call.handlingMs ?? 27;
  const pod = call.checkoutPod ?? CHECKOUT_POD;
  const headers = { 'x-correlation-id': correlationId, 'x-request-id': requestId, 'x-caller-chain': CALLER_CHAIN };
  const ids = { correlation_id: correlationId, request_id: requestId };

  book.checkout(startMs, 'info', call.attempt && call.attempt > 1 ? `calling payments-api (attempt ${call.attempt})` : 'calling payments-api', { method, url: `${SAMPLE_PROVIDER.url}${path}`, headers }, pod);
  const inAt = startMs + 4;
  book.payments(inAt, 'info', 'request received', { method, path, headers, remote_addr: '10.244.1.37' });

  const outcome = call.outcome;
  if (outcome?.status === 401) {
    book.payments(inAt + 2, 'warning', `401 ${outcome.error}: ${outcome.errorDescription}`, { ...ids, status: 401, error: outcome.error, error_description: outcome.errorDescription, ...outcome.extra });
    book.payments(inAt + 3, 'info', 'request completed', { ...ids, method, path, status: 401, duration_ms: 3, response_headers: { 'x-correlation-id': correlationId, 'x-request-duration': '3' } });
    return inAt + 6;
  }
  if (outcome?.status === 429) {
    book.payments(inAt + 1, 'warning', `429 rate limit exceeded for caller ${SAMPLE_CONSUMER.identity.clientId} (100 per 60 s)`, {
      ...ids,
      status: 429,
      error: 'rate_limited',
      ...outcome.extra,
      'x-rate-limit-remaining': 0,
    });
    book.payments(inAt + 2, 'info', 'request completed', { ...ids, method, path, status: 429, duration_ms: 1, response_headers: { 'x-correlation-id': correlationId, 'x-request-duration': '1', ...outcome.extra } });
    return inAt + 5;
  }

  book.payments(inAt + 2, 'debug', 'access token accepted', {
    ...ids,
    appid: SAMPLE_CONSUMER.identity.clientId,
    roles: [SAMPLE_PROVIDER_APP.roles.charge.value],
    aud: SAMPLE_PROVIDER_APP.identifierUri,
    iss: `https://sts.windows.net/${SAMPLE_TENANT_ID}/`,
    token_version: '1.0',
  });
  if (method === 'POST') {
    book.payments(inAt + handlingMs - 2, 'info', 'charge created', { ...ids, charge_id: `ch_${requestId.slice(4)}`, amount: 4999, currency: 'EUR' });
  }
  book.payments(inAt + handlingMs, 'info', 'request completed', {
    ...ids,
    method,
    path,
    status: 200,
    duration_ms: handlingMs,
    response_headers: { 'x-correlation-id': correlationId, 'x-request-duration': String(handlingMs), 'x-rate-limit-remaining': '97' },
  });
  const doneAt = inAt + handlingMs + 5;
  book.checkout(doneAt, 'info', 'payments-api responded', { correlationId, requestId, status: 200, durationMs: doneAt - startMs }, pod);
  return doneAt;
}

/** Client credentials with the projected token as assertion (DOMAIN.md: not RFC 8693). */
function tokenAcquired(book: LogBook, correlationId: string, startMs: number, reason: string): number {
  const identity = SAMPLE_CONSUMER.identity;
  book.checkout(startMs, 'info', `acquiring token for ${SAMPLE_PROVIDER_APP.scope} (${reason})`, {
    correlationId,
    clientId: identity.clientId,
    tenantId: SAMPLE_TENANT_ID,
    scope: SAMPLE_PROVIDER_APP.scope,
    tokenFile: '/var/run/secrets/azure/tokens/azure-identity-token',
    authority: AUTHORITY_HOST,
  });
  const doneAt = startMs + 183;
  book.checkout(doneAt, 'info', 'token acquired from Entra ID', {
    correlationId,
    method: 'POST',
    url: TOKEN_URL,
    status: 200,
    durationMs: 183,
    grantType: 'client_credentials',
    clientAssertionType: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    expiresIn: 86399,
  });
  return doneAt;
}

/** checkout's own inbound request, logged by pino-http when it answers storefront. */
function inboundCompleted(book: LogBook, correlationId: string, requestId: string, startMs: number, endMs: number, status: number, pod: string = CHECKOUT_POD) {
  book.checkout(endMs, status >= 500 ? 'error' : 'info', 'request completed', {
    req: { method: 'POST', url: '/api/checkout', headers: { 'x-correlation-id': correlationId, 'x-request-id': requestId, 'x-caller-chain': 'storefront' } },
    res: { statusCode: status },
    responseTime: endMs - startMs,
  }, pod);
}

// ─── the traces ─────────────────────────────────────────────────────────────────────────────

function happyPath(book: LogBook) {
  const start = book.at(42, 113);
  const tokenAt = tokenAcquired(book, HAPPY, start, 'cache empty');
  const done = providerCall(book, { correlationId: HAPPY, requestId: 'req-7f3a2c91', startMs: tokenAt + 4, handlingMs: 31 });
  // payments-api's ledger library prints plain text; it still names the correlation ID.
  book.text(done - 6, 'payments-api', `${iso(done - 6)} INFO  ledger: charge ch_7f3a2c91 committed to partition 3 (correlation ${HAPPY})`);
  inboundCompleted(book, HAPPY, 'sf-1d9e4b27', start - 3, done + 2, 200);
}

function prefixSibling(book: LogBook) {
  // Minutes later storefront polls the charge's status with a derived ID.
  const start = book.at(40, 511);
  providerCall(book, { correlationId: SAMPLE_PREFIX_SIBLING.correlationId, requestId: 'req-2b8d5e60', startMs: start, method: 'GET', path: '/v1/charges/ch_7f3a2c91', handlingMs: 9 });
}

function tokenExpired(book: LogBook) {
  const id = EXPIRED;
  const start = book.at(35, 907);
  // The access token was cached by the app beyond its `exp`: the provider refuses it.
  const firstDone = providerCall(book, {
    correlationId: id,
    requestId: 'req-41c7e0d8',
    startMs: start,
    outcome: {
      status: 401,
      error: 'token_expired',
      errorDescription: 'The token has expired',
      extra: { token_exp: iso(start - 95_000), www_authenticate: 'Bearer error="invalid_token", error_description="The token has expired"' },
    },
  });
  book.checkout(firstDone, 'warn', 'payments-api answered 401 token_expired; will re-acquire and retry', {
    correlationId: id,
    requestId: 'req-41c7e0d8',
    status: 401,
    error: 'token_expired',
    error_description: 'The token has expired',
  });
  const tokenAt = tokenAcquired(book, id, firstDone + 2, 'refresh forced by the 401 from payments-api');
  const done = providerCall(book, { correlationId: id, requestId: 'req-41c7e0d9', startMs: tokenAt + 3, attempt: 2, handlingMs: 29 });
  inboundCompleted(book, id, 'sf-83b0c5aa', start - 2, done + 2, 200);
}

function invalidToken(book: LogBook) {
  const id = INVALID;
  const start = book.at(27, 268);
  const done = providerCall(book, {
    correlationId: id,
    requestId: 'req-9a0e6f13',
    startMs: start,
    outcome: {
      status: 401,
      error: 'invalid_token',
      errorDescription: 'Signature validation failed',
      extra: {
        kid: 'Lw2xNNc1ZqR7gT0vFp4yBJ9sDk8',
        detail: "no key with this kid among the signing keys cached 26 h ago; Entra ID rolled its keys",
        jwks_uri: `https://login.microsoftonline.com/${SAMPLE_TENANT_ID}/discovery/v2.0/keys`,
      },
    },
  });
  book.checkout(done, 'error', 'payments-api answered 401 invalid_token (Signature validation failed); not retrying', {
    correlationId: id,
    requestId: 'req-9a0e6f13',
    status: 401,
    error: 'invalid_token',
    error_description: 'Signature validation failed',
  });
  inboundCompleted(book, id, 'sf-5e27d9c3', start - 2, done + 3, 502);
}

function rateLimited(book: LogBook) {
  const id = THROTTLED;
  const start = book.at(18, 644);
  const resetS = Math.ceil((start + 2_000) / 1000);
  const firstDone = providerCall(book, {
    correlationId: id,
    requestId: 'req-c3d51b72',
    startMs: start,
    outcome: { status: 429, extra: { 'Retry-After': '2', 'X-RateLimit-Reset': String(resetS) } },
  });
  book.checkout(firstDone, 'warn', 'payments-api answered 429; retrying in 2 s', {
    correlationId: id,
    requestId: 'req-c3d51b72',
    status: 429,
    'Retry-After': '2',
    'X-RateLimit-Reset': String(resetS),
  });
  const done = providerCall(book, { correlationId: id, requestId: 'req-c3d51b73', startMs: firstDone + 2_004, attempt: 2, handlingMs: 35 });
  inboundCompleted(book, id, 'sf-0c6a1f58', start - 2, done + 2, 200);
}

/** `2025-03-05 08:09:10Z`, the form Entra prints in error descriptions. */
const entraTimestamp = (ms: number) => `${iso(ms).slice(0, 19).replace('T', ' ')}Z`;

function aadsts70021(book: LogBook) {
  const id = AADSTS;
  const pod = SAMPLE_CANARY.pod;
  const identity = SAMPLE_CANARY.identity;
  const start = book.at(9, 377);
  book.checkout(start, 'info', `acquiring token for ${SAMPLE_PROVIDER_APP.scope} (cache empty)`, {
    correlationId: id,
    clientId: identity.clientId,
    tenantId: SAMPLE_TENANT_ID,
    scope: SAMPLE_PROVIDER_APP.scope,
    tokenFile: '/var/run/secrets/azure/tokens/azure-identity-token',
    authority: AUTHORITY_HOST,
  }, pod);
  const failedAt = start + 212;
  const traceId = '7c3e1a90-5b2d-4f8e-9a61-2d4c8b0e6f00';
  const entraCorrelationId = 'e3a1b7c5-9d2f-4e6a-8b0c-1f3d5a7c9e21';
  const stamp = entraTimestamp(failedAt);
  // Entra quotes the assertion it received: the token's issuer (with its trailing `/`), which no
  // FIC of id-checkout-canary carries exactly.
  const description =
    `AADSTS70021: No matching federated identity record found for presented assertion. ` +
    `Assertion Issuer: '${SAMPLE_ISSUER}'. Assertion Subject: '${SAMPLE_CANARY.subject}'. Assertion Audience: '${WI.tokenExchangeAudience}'. ` +
    `https://docs.microsoft.com/en-us/azure/active-directory/develop/workload-identity-federation\r\n` +
    `Trace ID: ${traceId}\r\nCorrelation ID: ${entraCorrelationId}\r\nTimestamp: ${stamp}`;
  book.checkout(failedAt, 'error', 'token request to Entra ID failed', {
    correlationId: id,
    method: 'POST',
    url: TOKEN_URL,
    status: 400,
    durationMs: 212,
    clientId: identity.clientId,
    error: {
      error: 'invalid_request',
      error_description: description,
      error_codes: [70021],
      timestamp: stamp,
      trace_id: traceId,
      correlation_id: entraCorrelationId,
      error_uri: 'https://login.microsoftonline.com/error?code=70021',
    },
  }, pod);
  inboundCompleted(book, id, 'sf-b4f29e01', start - 2, failedAt + 4, 502, pod);
}

/** Successful requests of other correlation IDs, and lines that carry none. */
function background(book: LogBook) {
  const [first, second, third] = SAMPLE_BACKGROUND_CORRELATION_IDS;
  book.payments(book.at(59, 20), 'info', 'Now listening on: http://[::]:8080', { version: '7.3.0' });
  book.payments(book.at(59, 410), 'info', 'signing keys loaded', { jwks_uri: `https://login.microsoftonline.com/${SAMPLE_TENANT_ID}/discovery/v2.0/keys`, keys: 2 });
  book.checkout(book.at(58, 5), 'info', 'server listening on :8080', { version: '2.14.1' });
  for (const minutesAgo of [57, 45, 33, 21, 6]) {
    book.payments(book.at(minutesAgo, 1), 'debug', 'GET /healthz 200', { method: 'GET', path: '/healthz', status: 200, duration_ms: 0.4, user_agent: 'kube-probe/1.30' });
  }

  // storefront (logfmt) calls checkout, which charges with a cached token.
  const s1 = book.at(50, 230);
  book.text(s1, 'storefront', `ts=${iso(s1)} level=info service=storefront msg="checkout started" correlation_id=${first} cart_items=3`);
  const d1 = providerCall(book, { correlationId: first, requestId: 'req-5519aa02', startMs: s1 + 40, checkoutPod: SAMPLE_CONSUMER.pods[1], handlingMs: 24 });
  inboundCompleted(book, first, 'sf-77e0b3d4', s1 + 38, d1 + 2, 200, SAMPLE_CONSUMER.pods[1]);

  const s2 = book.at(22, 802);
  book.checkout(s2 - 1, 'debug', 'token cache hit', { correlationId: second, expiresInS: 3127 });
  providerCall(book, { correlationId: second, requestId: 'req-e20c7d35', startMs: s2, method: 'GET', path: '/v1/charges/ch_41c7e0d9', handlingMs: 8 });

  const s3 = book.at(4, 59);
  const d3 = providerCall(book, { correlationId: third, requestId: 'req-68f4b1c9', startMs: s3, handlingMs: 33 });
  inboundCompleted(book, third, 'sf-2a9c6e15', s3 - 2, d3 + 2, 200);
}

/**
 * Every sample log line, oldest first (so the last N are the most recent), each tagged with
 * its service's stream and line number: `sample:payments-api:12`.
 */
export function sampleLogLines(now: Date): RawLogLine[] {
  const book = new LogBook(now.getTime());
  background(book);
  happyPath(book);
  prefixSibling(book);
  tokenExpired(book);
  invalidToken(book);
  rateLimited(book);
  aadsts70021(book);

  const ordered = book.entries.map((entry, index) => ({ entry, index })).sort((a, b) => a.entry.atMs - b.entry.atMs || a.index - b.index);
  const lineNumbers = new Map<string, number>();
  return ordered.map(({ entry }) => {
    const n = (lineNumbers.get(entry.service) ?? 0) + 1;
    lineNumbers.set(entry.service, n);
    return { source: `sample:${entry.service}:${n}`, text: entry.text, serviceHint: entry.service };
  });
}
