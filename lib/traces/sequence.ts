// mermaid `sequenceDiagram` source for the token exchange: as it really happened in a trace
// (`traceToMermaid`), and as it works for a given SA (`genericFlowMermaid`, the /flow page).
// The request drawn is the one Entra ID really receives: client credentials with the SA token
// as `client_assertion`, not an RFC 8693 token exchange (see shared DOMAIN.md).
//
// Everything taken from logs is attacker-controlled and goes into mermaid source, so every text
// passes through `escapeMermaidText`: mermaid ends a statement at `;` and a newline, decodes
// `#…;` entities, reads `%%` as a comment and `%%{…}%%` anywhere as a config directive, and
// renders `<…>` as HTML. Only fixed identifiers and arrows come from this file.

import type { Exchange, Trace, TraceError } from '@/lib/traces/model';
import { rateLimitResetText } from '@/lib/traces/rate-limit-reset';

const TOKEN_EXCHANGE_AUDIENCE = 'api://AzureADTokenExchange';
const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const DEFAULT_AUTHORITY_HOST = 'https://login.microsoftonline.com/';

/** Longest text of one diagram statement; a label wider than a screen helps nobody. */
export const MAX_MERMAID_TEXT_CHARS = 400;
/** Longest single value (a path, an issuer URL) inside a statement. */
const MAX_VALUE_CHARS = 200;
/** Calls drawn at most; a retry storm would otherwise draw thousands of arrows. */
export const MAX_DIAGRAM_CALLS = 100;

// Characters mermaid reads as syntax, written as the entities it decodes back for display.
// `#` and `;` first of all: they are the entity syntax itself.
const ENTITIES: Record<string, string> = {
  '#': '#35;',
  ';': '#59;',
  '<': '#lt;',
  '>': '#gt;',
  '%': '#37;',
  '&': '#amp;',
  '"': '#quot;',
  '{': '#123;',
  '}': '#125;',
  '\\': '#92;',
  '`': '#96;',
};

// Control and invisible/bidi characters, and line/paragraph separators: become spaces.
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

function capChars(text: string, max: number): string {
  const chars = Array.from(text); // by code point: never split a surrogate pair
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
}

/**
 * Text safe to put after `:` in a mermaid statement or after `participant x as`: one line,
 * at most `maxChars` characters (before escaping), syntax characters as entities.
 */
export function escapeMermaidText(value: string, maxChars = MAX_MERMAID_TEXT_CHARS): string {
  const oneLine = value.replace(INVISIBLE, ' ').replace(/\s+/g, ' ').trim();
  return capChars(oneLine, maxChars).replace(/[#;<>%&"{}\\`]/g, (ch) => ENTITIES[ch] ?? ' ');
}

/** A log-derived value inside a statement, capped so one value cannot crowd out the rest. */
function value(text: string | undefined, fallback = '?'): string {
  return text === undefined || text === '' ? fallback : capChars(text, MAX_VALUE_CHARS);
}

function duration(ms: number | undefined): string {
  if (ms === undefined) return '';
  return ms >= 1000 ? ` (${(ms / 1000).toFixed(ms >= 10_000 ? 0 : 1)} s)` : ` (${Math.round(ms)} ms)`;
}

type Participant = 'caller' | 'kubelet' | 'pod' | 'entra' | 'api' | 'issuer';
type Arrow = '->>' | '-->>' | '--x';

class Diagram {
  private readonly lines: string[] = ['sequenceDiagram'];

  statement(text: string): this {
    this.lines.push(`  ${text}`);
    return this;
  }

  participant(id: Participant, label: string): this {
    return this.statement(`participant ${id} as ${escapeMermaidText(label)}`);
  }

  message(from: Participant, arrow: Arrow, to: Participant, text: string): this {
    return this.statement(`${from}${arrow}${to}: ${escapeMermaidText(text)}`);
  }

  note(over: Participant | `${Participant},${Participant}`, text: string): this {
    return this.statement(`Note over ${over}: ${escapeMermaidText(text)}`);
  }

  toString(): string {
    return this.lines.join('\n');
  }
}

function tokenEndpointPath(exchange: Exchange, tenantId: string | undefined): string {
  // The logged path when it is the token endpoint (without host and query), else the documented one.
  const logged = exchange.path?.replace(/^[a-z]+:\/\/[^/]+/i, '').replace(/[?#].*$/, '');
  if (logged && /\/oauth2\/(?:v2\.0\/)?token$/i.test(logged)) return logged;
  return `/${tenantId ?? '{tenant}'}/oauth2/v2.0/token`;
}

function statusText(exchange: Exchange): string {
  return exchange.status !== undefined ? `${exchange.status} ` : '';
}

function errorText(error: TraceError): string {
  if (error.code.startsWith('AADSTS')) return `${error.code}${error.meaning ? ` ${error.meaning}` : ''}`;
  if (error.code === 'rate_limited') return 'rate limited';
  return error.code;
}

function attemptText(exchange: Exchange): string {
  return exchange.attempt > 1 ? `retry (attempt ${exchange.attempt}): ` : '';
}

function drawTokenCall(d: Diagram, trace: Trace, exchange: Exchange, first: boolean): void {
  const { workload, summary } = trace;
  const scope = exchange.scope ?? workload.scope;
  d.message('pod', '->>', 'entra', `${attemptText(exchange)}POST ${value(tokenEndpointPath(exchange, workload.tenantId))} (client credentials, scope=${value(scope)})`);
  // The form once, in full: later requests send the same fields with a freshly read token file.
  if (first) {
    d.note(
      'pod,entra',
      `client_id=${value(workload.clientId)}, scope=${value(scope)}, grant_type=client_credentials, client_assertion_type=${CLIENT_ASSERTION_TYPE}, client_assertion=SA token`,
    );
  }
  const { error } = exchange;
  if (exchange.outcome === 'pending') {
    d.note('pod', 'no response logged');
    return;
  }
  if (!error) {
    d.message('entra', '-->>', 'pod', `${statusText(exchange) || '200 '}access token${duration(exchange.durationMs)}`);
    return;
  }
  d.message('entra', '--x', 'pod', `${statusText(exchange)}${value(errorText(error))}${duration(exchange.durationMs)}`);
  const entra = summary.entra;
  if (entra && entra.code === error.code && (entra.issuer || entra.subject || entra.audience)) {
    d.note(
      'entra',
      `no FIC matches the assertion: iss=${value(entra.issuer)}, sub=${value(entra.subject)}, aud=${value(entra.audience)}`,
    );
  }
  // What the identity map found (the nearest credential and how it differs) beats the code's generic fix.
  const found = entra && entra.code === error.code ? entra.nearestCredential : undefined;
  if (found) d.note('pod', `nearest credential ${value(found.name)}: ${found.summary}`);
  else if (error.fix) d.note('pod', `fix: ${value(error.fix, '')}`);
}

/** An HTTP call as logged: `POST /v1/charges`, or `request` when neither method nor path was. */
function callTarget(exchange: Exchange): string {
  return [exchange.method, exchange.path ? value(exchange.path) : undefined].filter(Boolean).join(' ') || 'request';
}

function requestIdText(exchange: Exchange): string {
  return exchange.requestId ? `, x-request-id=${value(exchange.requestId)}` : '';
}

function drawApiCall(d: Diagram, exchange: Exchange): void {
  d.message('pod', '->>', 'api', `${attemptText(exchange)}${callTarget(exchange)} with Bearer access token${requestIdText(exchange)}`);
  const { error } = exchange;
  if (exchange.outcome === 'pending') {
    d.note('pod', 'no response logged');
    return;
  }
  if (!error) {
    d.note('api', 'token valid (signature, expiry, audience, roles), request authorised');
    d.message('api', '-->>', 'pod', `${statusText(exchange) || 'OK '}${duration(exchange.durationMs)}`.trim());
    return;
  }
  switch (error.code) {
    case 'token_expired':
      d.note('api', 'validation failed: the token has expired');
      break;
    case 'invalid_token':
      d.note('api', 'validation failed: signature validation failed');
      break;
    case 'forbidden':
      d.note('api', 'authorisation failed: missing role or scope');
      break;
    case 'rate_limited':
      d.note('api', 'rate limit exceeded');
      break;
    default:
      break;
  }
  const retryAfter = error.code === 'rate_limited' && exchange.retryAfterSeconds !== undefined ? ` Retry-After ${exchange.retryAfterSeconds} s` : '';
  d.message('api', '--x', 'pod', `${statusText(exchange)}${value(errorText(error))}${retryAfter}${duration(exchange.durationMs)}`);
  if (error.code === 'token_expired') d.note('pod', 're-acquire a token, then retry');
  if (error.code === 'rate_limited') {
    const wait = exchange.retryAfterSeconds !== undefined ? `wait ${exchange.retryAfterSeconds} s (Retry-After)` : 'back off';
    const reset = exchange.rateLimitReset !== undefined ? `, limit resets ${value(rateLimitResetText(exchange.rateLimitReset))}` : '';
    d.note('pod', `${wait}${reset}, then retry`);
  }
}

/** A request the consumer answered (`served`): what its caller sent. */
function servedRequestText(exchange: Exchange): string {
  return `${callTarget(exchange)}${requestIdText(exchange)}`;
}

/** The consumer's answer to its caller. */
function drawServedAnswer(d: Diagram, exchange: Exchange): void {
  const answer = `${statusText(exchange)}${exchange.error ? value(errorText(exchange.error)) : ''}${duration(exchange.durationMs)}`.trim() || 'answered';
  d.message('pod', exchange.outcome === 'error' ? '--x' : '-->>', 'caller', answer);
}

/** The token exchange of one trace, with its real values and only the error branches that happened. */
export function traceToMermaid(trace: Trace): string {
  const { workload } = trace;
  const d = new Diagram();
  // Requests the consumer answered (its own access log) frame the story: its caller's request
  // first, the answer last. They are not calls to the provider.
  const served = trace.exchanges.filter((x) => x.kind === 'served');
  if (served.length > 0) {
    const callers = [...new Set(served.map((x) => x.caller).filter((c): c is string => c !== undefined))];
    d.participant('caller', callers.length === 1 ? value(callers[0]) : 'caller');
  }
  const podLabel = workload.podName ? `${workload.consumer ?? 'consumer'} (pod ${value(workload.podName)})` : (workload.consumer ?? 'consumer');
  d.participant('kubelet', 'kubelet (projected token file)');
  d.participant('pod', value(podLabel));
  d.participant('entra', 'Entra ID token endpoint');
  d.participant('api', workload.provider ? `provider API (${value(workload.provider)})` : 'provider API');

  for (const exchange of served.slice(0, MAX_DIAGRAM_CALLS)) d.message('caller', '->>', 'pod', servedRequestText(exchange));
  const calls = trace.exchanges.filter((x) => x.kind !== 'served').slice(0, MAX_DIAGRAM_CALLS);
  if (calls.length === 0 && served.length === 0) {
    d.note('pod,api', 'no calls found in the lines of this trace');
    return d.toString();
  }
  let tokenFileDrawn = false;
  for (const exchange of calls) {
    if (exchange.kind === 'token') {
      const first = !tokenFileDrawn;
      if (first) {
        const subject = workload.subject ?? trace.summary.entra?.subject;
        const fromMap = workload.subjectFromMap ? ', the pod’s SA in the identity map' : '';
        d.message('kubelet', '-->>', 'pod', `projected SA token (sub=${value(subject)}${fromMap}, aud=${TOKEN_EXCHANGE_AUDIENCE})`);
        tokenFileDrawn = true;
      }
      drawTokenCall(d, trace, exchange, first);
    } else {
      drawApiCall(d, exchange);
    }
  }
  const notDrawn = trace.exchanges.length - served.length - calls.length;
  if (notDrawn > 0) d.note('pod,api', `${notDrawn} more calls not drawn`);
  for (const exchange of served.slice(0, MAX_DIAGRAM_CALLS)) drawServedAnswer(d, exchange);
  const { outcome, errors } = trace.summary;
  // The cause, not its echo: an error the consumer answered its caller with comes after the one that
  // made it fail — unless that one was recovered from (a later attempt of the same call succeeded).
  const recovered = (x: Exchange) =>
    trace.exchanges.some((y) => y.kind === x.kind && y.method === x.method && y.path === x.path && y.outcome === 'ok' && y.attempt > x.attempt);
  const unrecovered = new Set(trace.exchanges.filter((x) => x.kind !== 'served' && x.error && !recovered(x)).map((x) => x.error));
  const last = errors.filter((e) => unrecovered.has(e)).at(-1) ?? errors.at(-1);
  d.note('pod,api', outcome === 'success' ? 'outcome: success' : `outcome: ${outcome}${last ? ` (last error: ${value(last.code)})` : ''}`);
  return d.toString();
}

export interface GenericFlowInput {
  podName?: string;
  namespace: string;
  serviceAccount: string;
  clientId: string;
  tenantId: string;
  /** The cluster's OIDC issuer, exactly as Entra compares it (a trailing `/` counts). */
  issuer: string;
  /** The SA token's audience; Entra expects `api://AzureADTokenExchange`. */
  audience: string;
  /** e.g. `api://provider-api/.default`. */
  scope?: string;
  /** `AZURE_AUTHORITY_HOST`; public cloud by default. */
  authorityHost?: string;
}

/** The generic exchange for one SA: what the pod sends, what Entra checks, what it returns. */
export function genericFlowMermaid(input: GenericFlowInput): string {
  const subject = `system:serviceaccount:${input.namespace}:${input.serviceAccount}`;
  const authority = (input.authorityHost ?? DEFAULT_AUTHORITY_HOST).replace(/\/*$/, '/');
  const scope = input.scope ?? '<resource>/.default';
  const discovery = `${input.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  const pod = input.podName ? `pod ${input.namespace}/${value(input.podName)}` : `pods of ${input.namespace}/${input.serviceAccount}`;
  const d = new Diagram();
  d.statement('autonumber');
  d.participant('kubelet', 'kubelet (projected token file)');
  d.participant('pod', `${pod} (SA ${value(input.serviceAccount)})`);
  d.participant('entra', `Entra ID token endpoint (${value(authority)})`);
  d.participant('issuer', 'cluster OIDC issuer');
  d.participant('api', `resource API (${value(scope)})`);
  d.message('kubelet', '-->>', 'pod', `projected SA token: iss=${value(input.issuer)}, sub=${value(subject)}, aud=${value(input.audience)}`);
  d.message('pod', '->>', 'entra', `POST ${value(authority)}${value(input.tenantId)}/oauth2/v2.0/token`);
  d.note(
    'pod,entra',
    `grant_type=client_credentials, client_id=${value(input.clientId)}, scope=${value(scope)}, client_assertion_type=${CLIENT_ASSERTION_TYPE}, client_assertion=SA token`,
  );
  d.message('entra', '->>', 'issuer', `GET ${value(discovery)} and its jwks_uri (cached)`);
  d.message('issuer', '-->>', 'entra', 'signing keys (JWKS)');
  d.note('entra', `verify the signature, then find a FIC of ${value(input.clientId)} with iss, sub and aud exactly equal`);
  if (input.audience !== TOKEN_EXCHANGE_AUDIENCE) {
    d.note('entra', `aud is not ${TOKEN_EXCHANGE_AUDIENCE}: expect AADSTS700212`);
  }
  d.message('entra', '-->>', 'pod', '200 token_type=Bearer, access_token, expires_in');
  d.message('pod', '->>', 'api', 'Authorization: Bearer access token');
  d.note('api', 'validate signature, expiry, audience, roles, then authorise');
  d.message('api', '-->>', 'pod', 'response');
  return d.toString();
}
