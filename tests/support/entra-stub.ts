import { HeldResponses } from './hanging-stub';
import { sendJson, startStubServer, type StubServer } from './stub-server';

// A loopback Entra ID token endpoint: `POST /{tenant}/oauth2/v2.0/token` with a form body, as
// msal-node sends it. Answers `{ token_type, expires_in, access_token }`, or the documented error
// shape `{ error, error_description, error_codes, timestamp, trace_id, correlation_id, error_uri }`.

export interface EntraError {
  status: number;
  error: string;
  /** e.g. `AADSTS700024: Client assertion is not within its valid time range. …` */
  description: string;
  codes: number[];
}

export interface EntraStub extends StubServer {
  /** What AZURE_AUTHORITY_HOST would be: `http://127.0.0.1:<port>/`. */
  authorityHost: string;
  /** The form bodies of the token POSTs, in order. */
  tokenRequests(): URLSearchParams[];
  /** Answer the following token requests with this error (undefined: issue tokens again). */
  failWith(error: EntraError | undefined): void;
}

/** The access token the stub issues for a scope: tests check it arrives at ARM / Graph. */
export const stubAccessToken = (scope: string, n: number) => `stub-access-token-${n}-for-${scope}`;

/** `hang`: accept every request and never answer (Entra ID unreachable at the HTTP level). */
export async function startEntraStub(tenantId: string, options: { hang?: boolean } = {}): Promise<EntraStub> {
  let failure: EntraError | undefined;
  let issued = 0;
  const held = new HeldResponses();
  const server = await startStubServer((req, res) => {
    if (options.hang) return held.hold(res);
    const url = new URL(req.url, 'http://stub');
    if (req.method !== 'POST' || url.pathname !== `/${tenantId}/oauth2/v2.0/token`) {
      return sendJson(res, 404, { error: 'not_found', error_description: `stub: no ${req.method} ${url.pathname}` });
    }
    if (failure) {
      const now = new Date().toISOString().replace('T', ' ').slice(0, 19) + 'Z';
      return sendJson(res, failure.status, {
        error: failure.error,
        error_description: `${failure.description}\r\nTrace ID: 0f6f3d2c-0000-4000-8000-000000000001\r\nCorrelation ID: 9a7b2d1e-0000-4000-8000-000000000002\r\nTimestamp: ${now}`,
        error_codes: failure.codes,
        timestamp: now,
        trace_id: '0f6f3d2c-0000-4000-8000-000000000001',
        correlation_id: '9a7b2d1e-0000-4000-8000-000000000002',
        error_uri: `https://login.microsoftonline.com/error?code=${failure.codes[0]}`,
      });
    }
    const form = new URLSearchParams(req.body);
    issued += 1;
    sendJson(res, 200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: stubAccessToken(form.get('scope') ?? '', issued) });
  });
  return {
    ...held.closing(server),
    authorityHost: `${server.url}/`,
    tokenRequests: () => server.requests.filter((r) => r.method === 'POST').map((r) => new URLSearchParams(r.body)),
    failWith(error) {
      failure = error;
    },
  };
}
