// Small factories for log lines in the formats real apps write, and the five scenarios of the
// seed's consumer → provider flow (shared DOMAIN.md): happy path, token_expired → re-acquire →
// retry, invalid_token, 429 with Retry-After, and AADSTS70021 at Entra ID.

import type { RawLogLine } from '@/lib/sources/logs/log-source';
import { parseLogLine } from '@/lib/traces/parse-line';
import type { ParsedLogLine } from '@/lib/traces/model';

export const T0 = Date.parse('2025-03-04T10:00:00.000Z');
export const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const CLIENT_ID = '5f0a4b1e-8c1d-4c55-9d1e-3f6a7b8c9d0e';
export const SCOPE = 'api://provider-api/.default';
export const POD = 'consumer-7d9f8-x2k4q';
export const SUBJECT = 'system:serviceaccount:shop:consumer';
export const ISSUER = `https://westeurope.oic.prod-aks.azure.com/${TENANT}/1c3f2a9e-4b6d-4e8f-9a0b-1c2d3e4f5a6b/`;
export const TOKEN_PATH = `/${TENANT}/oauth2/v2.0/token`;

export const aRawLine = (text: string, overrides: Partial<RawLogLine> = {}): RawLogLine => ({ source: 'test:app', text, ...overrides });

export const parse = (text: string, overrides: Partial<RawLogLine> = {}): ParsedLogLine => parseLogLine(aRawLine(text, overrides));

const iso = (offsetMs: number) => new Date(T0 + offsetMs).toISOString();

/** A pino line of the consumer (numeric level, epoch-ms `time`, `msg`). */
export function consumerLine(offsetMs: number, fields: Record<string, unknown>, level = 30): string {
  return JSON.stringify({ level, time: T0 + offsetMs, pid: 1, hostname: POD, service: 'consumer', ...fields });
}

/** A Serilog compact JSON line of the provider (`@t`, `@mt`, `@l` absent for Information). */
export function providerLine(offsetMs: number, template: string, properties: Record<string, unknown>, level?: string): string {
  return JSON.stringify({ '@t': iso(offsetMs), '@mt': template, ...(level ? { '@l': level } : {}), Application: 'provider', service: 'provider', ...properties });
}

interface Scenario {
  id: string;
  consumer: string[];
  provider: string[];
}

function tokenAcquired(id: string, at: number): string[] {
  return [
    consumerLine(at, { msg: 'acquiring token from Entra ID', correlationId: id, clientId: CLIENT_ID, tenantId: TENANT, scope: SCOPE, podName: POD, subject: SUBJECT }),
    consumerLine(at + 95, { msg: 'token acquired', correlationId: id, method: 'POST', path: TOKEN_PATH, status: 200, durationMs: 95, expiresIn: 3599 }),
  ];
}

function call(id: string, requestId: string, at: number, status: number, extra: Record<string, unknown> = {}): { consumer: string[]; provider: string[] } {
  const headers = { 'X-Correlation-ID': id, 'X-Request-ID': requestId, 'x-caller-chain': 'consumer' };
  return {
    consumer: [
      consumerLine(at, { msg: 'calling provider', correlationId: id, method: 'GET', path: '/orders?limit=10', headers }),
      consumerLine(at + 40, { msg: 'provider answered', correlationId: id, 'x-request-id': requestId, status, durationMs: 38, ...extra }, status >= 400 ? 40 : 30),
    ],
    provider: [
      providerLine(
        at + 5,
        'HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.0000} ms',
        { RequestMethod: 'GET', RequestPath: '/orders', StatusCode: status, Elapsed: 21.4031, RequestId: requestId, CorrelationId: id, ...extra },
        status >= 400 ? 'Warning' : undefined,
      ),
    ],
  };
}

export function happyPath(id = 'corr-happy-1'): Scenario {
  const c = call(id, 'req-h1', 200, 200);
  return { id, consumer: [...tokenAcquired(id, 0), ...c.consumer], provider: c.provider };
}

export function tokenExpiredRecovered(id = 'corr-expired-1'): Scenario {
  const first = call(id, 'req-e1', 200, 401, { error: 'token_expired', error_description: 'The token has expired' });
  const second = call(id, 'req-e2', 600, 200);
  return {
    id,
    consumer: [
      ...tokenAcquired(id, 0),
      ...first.consumer,
      consumerLine(260, { msg: 'access token expired, re-acquiring token', correlationId: id }, 40),
      ...tokenAcquired(id, 300),
      ...second.consumer,
    ],
    provider: [...first.provider, ...second.provider],
  };
}

export function invalidTokenFailed(id = 'corr-invalid-1'): Scenario {
  const first = call(id, 'req-i1', 200, 401, { error: 'invalid_token', error_description: 'Signature validation failed' });
  return {
    id,
    consumer: [...tokenAcquired(id, 0), ...first.consumer, consumerLine(300, { msg: 'giving up: provider rejected the token', correlationId: id }, 50)],
    provider: first.provider,
  };
}

export function rateLimitedRecovered(id = 'corr-429-1'): Scenario {
  const first = call(id, 'req-r1', 200, 429, { 'Retry-After': '2', 'X-RateLimit-Reset': '1741082403' });
  const second = call(id, 'req-r2', 2300, 200);
  return {
    id,
    consumer: [...tokenAcquired(id, 0), ...first.consumer, consumerLine(250, { msg: 'rate limited, waiting 2 s', correlationId: id }, 40), ...second.consumer],
    provider: [...first.provider, ...second.provider],
  };
}

export const AADSTS70021_DESCRIPTION =
  `AADSTS70021: No matching federated identity record found for presented assertion. Assertion Issuer: '${ISSUER}'. ` +
  `Assertion Subject: '${SUBJECT}'. Assertion Audience: 'api://AzureADTokenExchange'. ` +
  'https://docs.microsoft.com/en-us/azure/active-directory/develop/workload-identity-federation ' +
  'Trace ID: 0b1c2d3e-aaaa-bbbb-cccc-0123456789ab Correlation ID: 9e8d7c6b-1111-2222-3333-444455556666 Timestamp: 2025-03-04 10:00:00Z';

export function aadsts70021Failed(id = 'corr-aadsts-1'): Scenario {
  return {
    id,
    consumer: [
      consumerLine(0, { msg: 'acquiring token from Entra ID', correlationId: id, clientId: CLIENT_ID, tenantId: TENANT, scope: SCOPE, podName: POD }),
      consumerLine(
        80,
        {
          msg: 'token request failed',
          correlationId: id,
          method: 'POST',
          path: TOKEN_PATH,
          status: 400,
          durationMs: 80,
          podName: POD,
          error: { error: 'invalid_client', error_description: AADSTS70021_DESCRIPTION, error_codes: [70021] },
        },
        50,
      ),
    ],
    provider: [],
  };
}

/** Parses a scenario as two files would be read: consumer's lines, then provider's. */
export function scenarioLines(s: Scenario): ParsedLogLine[] {
  return [
    ...s.consumer.map((text, i) => parseLogLine({ source: `file:/logs/consumer.log:${i + 1}`, text, serviceHint: 'consumer.log' })),
    ...s.provider.map((text, i) => parseLogLine({ source: `file:/logs/provider.log:${i + 1}`, text, serviceHint: 'provider.log' })),
  ];
}
