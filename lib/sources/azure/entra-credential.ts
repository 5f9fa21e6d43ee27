import 'server-only';
import { AADSTS_CODES } from '@/lib/domain/aadsts';
import { shellQuote } from '@/lib/domain/fix-commands';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import {
  AuthError,
  ConfidentialClientApplication,
  ServerError,
  type Configuration,
  type INetworkModule,
  type NetworkRequestOptions,
  type NetworkResponse,
  type NodeAuthOptions,
} from '@azure/msal-node';
import { SourceError } from '../source-error';
import { entraAuthorityOptions, entraEndpoints } from './entra-authority';
import type { TokenProvider } from './token-provider';

// The credential idlens itself uses for ARM and Graph: an Entra ID confidential client built from
// the standard AZURE_* variables, workload identity first (the dashboard dogfoods it in-cluster),
// then a client secret, then a certificate.

export interface EntraCredentialOptions {
  tenantId: string;
  clientId: string;
  /** AZURE_FEDERATED_TOKEN_FILE: the projected service-account token (workload identity). */
  federatedTokenFile?: string;
  clientSecret?: string;
  /** AZURE_CLIENT_CERTIFICATE_PATH: a PEM holding the private key and the certificate. */
  certificatePath?: string;
  /** AZURE_AUTHORITY_HOST, e.g. `https://login.microsoftonline.com/` (the webhook injects the trailing slash). */
  authorityHost: string;
  /** Upper bound for one token acquisition, in ms (msal-node's POST has no timeout of its own). */
  timeoutMs?: number;
}

export type EntraCredentialKind = 'workload-identity' | 'client-secret' | 'certificate';

const DEFAULT_TIMEOUT_MS = 30_000;
/** A token is acquired anew this long before it expires (msal-node's own refresh margin is 5 min). */
const REFRESH_MARGIN_MS = 5 * 60_000;

/** The AADSTS number a msal/Entra error carries, if any. */
function aadstsCode(error: AuthError): string | undefined {
  const fromText = /AADSTS(\d+)/.exec(`${error.errorMessage} ${error.message}`)?.[1];
  if (fromText) return fromText;
  const errorNo = (error as ServerError).errorNo;
  return errorNo !== undefined && errorNo !== '' ? String(errorNo) : undefined;
}

/** Entra's own description, without the Trace ID / Correlation ID / Timestamp it appends. */
function entraDescription(error: AuthError): string | undefined {
  const text = /Description: (.*?)(?: - Correlation ID:|$)/s.exec(error.errorMessage)?.[1] ?? error.errorMessage;
  const first = text.split(/\r?\n|Trace ID:/)[0]?.trim();
  return first ? first.slice(0, 300) : undefined;
}

/**
 * msal-node's network calls with a deadline on the token POST as well: its own HttpClient bounds
 * only GETs, so a hung Entra ID kept the socket (and msal's request) open after getToken's race gave
 * up. Same fetch, headers and errors as msal's HttpClient (an AuthError `network_error` on failure).
 * The deadline is a second behind getToken's, so the caller's timeout:azure always wins the race.
 */
/**
 * Why a fetch could not be sent, from its cause: `connect ECONNREFUSED 127.0.0.1:1`; for a host with
 * several addresses (an AggregateError with an empty message) the causes of each attempt.
 */
function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown; errors?: unknown } })?.cause;
  const each = Array.isArray(cause?.errors) ? (cause.errors as Array<{ message?: unknown; code?: unknown }>).map((e) => String(e?.message || e?.code || '')).filter(Boolean) : [];
  const why = (each.length ? [...new Set(each)].join('; ') : '') || String(cause?.message || cause?.code || (error as Error)?.message || 'unknown');
  // fetch refuses some ports outright (1, 25, 6000, …: the Fetch standard's "bad ports").
  return why === 'bad port' ? 'bad port: fetch never connects to this port number (the Fetch standard blocks it), use another' : why;
}

class BoundedNetworkClient implements INetworkModule {
  /**
   * Why the last request could not be sent (`connect ECONNREFUSED 127.0.0.1:1`): msal-node replaces
   * a network module's error with its own "see aka.ms/msal.js.errors#network_error", so the cause
   * is kept here for the message.
   */
  lastFailure: string | undefined;

  constructor(private readonly timeoutMs: number) {}

  sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions, timeout?: number): Promise<NetworkResponse<T>> {
    return this.send<T>(url, 'GET', options, timeout ?? this.timeoutMs);
  }

  sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>(url, 'POST', options, this.timeoutMs);
  }

  private async send<T>(url: string, method: 'GET' | 'POST', options: NetworkRequestOptions | undefined, timeoutMs: number): Promise<NetworkResponse<T>> {
    // The signal bounds the body too.
    const signal = AbortSignal.timeout(timeoutMs);
    this.lastFailure = undefined;
    let response: Response;
    try {
      response = await fetch(url, { method, headers: options?.headers, body: method === 'POST' ? (options?.body ?? '') : undefined, signal });
    } catch (error) {
      const timedOut = (error as Error)?.name === 'TimeoutError';
      this.lastFailure = timedOut ? `no answer within ${timeoutMs / 1000} s` : causeOf(error);
      throw new AuthError('network_error', timedOut ? `Request timeout after ${timeoutMs / 1000} s` : `Network request failed: ${(error as Error)?.message ?? 'unknown'}`);
    }
    let body: T;
    try {
      body = (await response.json()) as T;
    } catch (error) {
      throw new AuthError('token_parsing_error', `Failed to parse response: ${(error as Error)?.message ?? 'unknown'}`);
    }
    return { headers: Object.fromEntries(response.headers), body, status: response.status };
  }
}

export class EntraCredential implements TokenProvider {
  readonly kind: EntraCredentialKind;
  private readonly timeoutMs: number;
  private readonly authorityBase: string;
  private app: Promise<ConfidentialClientApplication> | undefined;
  /**
   * The current token per scope (or the acquisition under way). ARM and Graph ask for one per
   * call: 1,000 FIC lists are 1,000 lookups, and msal-node's cache lookup costs ~0.3 ms of CPU
   * each (it rebuilds and filters its cache keys every time), ~0.3 s of the map route's main thread.
   */
  private readonly tokens = new Map<string, { token: Promise<string>; refreshAt: number }>();
  private readonly network: BoundedNetworkClient;

  constructor(private readonly options: EntraCredentialOptions) {
    if (!options.tenantId || !options.clientId) {
      throw new SourceError('config:azure', 'The Azure credential needs AZURE_TENANT_ID and AZURE_CLIENT_ID.');
    }
    if (options.federatedTokenFile) this.kind = 'workload-identity';
    else if (options.clientSecret) this.kind = 'client-secret';
    else if (options.certificatePath) this.kind = 'certificate';
    else {
      throw new SourceError(
        'config:azure',
        'The Azure credential needs AZURE_FEDERATED_TOKEN_FILE (workload identity), AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH.',
      );
    }
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.authorityBase = options.authorityHost.endsWith('/') ? options.authorityHost : `${options.authorityHost}/`;
    this.network = new BoundedNetworkClient(this.timeoutMs + 1000);
  }

  /** Where the token POST goes: `{AZURE_AUTHORITY_HOST}{tenant}/oauth2/v2.0/token`. */
  get tokenEndpoint(): string {
    return entraEndpoints(this.authorityBase, this.options.tenantId).tokenEndpoint;
  }

  async getToken(scope: string): Promise<string> {
    const cached = this.tokens.get(scope);
    if (cached && Date.now() < cached.refreshAt) return cached.token;
    const entry = { token: this.acquire(scope), refreshAt: Number.POSITIVE_INFINITY };
    this.tokens.set(scope, entry);
    try {
      await entry.token;
    } catch (error) {
      if (this.tokens.get(scope) === entry) this.tokens.delete(scope); // failures are not kept: the next call tries again
      throw error;
    }
    return entry.token;
  }

  private async acquire(scope: string): Promise<string> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new SourceError('timeout:azure', `Entra ID at ${this.tokenEndpoint} did not answer the token request for ${scope} within ${this.timeoutMs / 1000} s. Check AZURE_AUTHORITY_HOST and the network path to it.`)),
        this.timeoutMs,
      );
    });
    try {
      const app = await this.application();
      const result = await Promise.race([app.acquireTokenByClientCredential({ scopes: [scope] }), timeout]);
      if (!result?.accessToken) {
        throw new SourceError('invalid-response:azure', `Entra ID at ${this.tokenEndpoint} answered the token request for ${scope} without an access token.`);
      }
      const entry = this.tokens.get(scope);
      // Without an expiry, ask msal again next time (its cache answers until the token is due).
      if (entry) entry.refreshAt = result.expiresOn ? result.expiresOn.getTime() - REFRESH_MARGIN_MS : 0;
      return result.accessToken;
    } catch (error) {
      throw this.explain(error, scope);
    } finally {
      clearTimeout(timer);
    }
  }

  private application(): Promise<ConfidentialClientApplication> {
    this.app ??= this.buildApplication().catch((error: unknown) => {
      this.app = undefined; // a fixed certificate file is picked up by the next call
      throw error;
    });
    return this.app;
  }

  private async buildApplication(): Promise<ConfidentialClientApplication> {
    const { tenantId, clientId } = this.options;
    const configuration: Configuration = {
      auth: { clientId, ...entraAuthorityOptions(this.authorityBase, tenantId), ...(await this.msalClientCredential()) },
      system: this.msalSystemOptions(),
    };
    return new ConfidentialClientApplication(configuration);
  }

  /** msal-node's network client with a deadline on every request (its own bounds only GETs). */
  msalSystemOptions(): NonNullable<Configuration['system']> {
    return { networkClient: this.network };
  }

  /**
   * How this client proves itself to Entra, as msal-node options (also used by the sign-in client,
   * which builds its own application per sign-in).
   */
  async msalClientCredential(): Promise<Pick<NodeAuthOptions, 'clientAssertion' | 'clientSecret' | 'clientCertificate'>> {
    if (this.kind === 'workload-identity') {
      // Called by msal for every token request it sends (cached tokens need none). The file is
      // read each time because the kubelet rotates it: a copy kept from start-up expires and
      // Entra answers AADSTS700024.
      return { clientAssertion: () => this.readFederatedToken() };
    }
    if (this.kind === 'client-secret') return { clientSecret: this.options.clientSecret };
    return { clientCertificate: await this.readCertificate() };
  }

  private async readFederatedToken(): Promise<string> {
    const path = this.options.federatedTokenFile!;
    let token: string;
    try {
      token = (await readFile(path, 'utf8')).trim();
    } catch (error) {
      throw new SourceError(
        'config:azure',
        `AZURE_FEDERATED_TOKEN_FILE ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}). In a pod, the workload identity webhook mounts it only when the pod has the label azure.workload.identity/use: "true"; an unreadable file usually needs securityContext.fsGroup.`,
        { cause: error },
      );
    }
    if (!token) throw new SourceError('config:azure', `AZURE_FEDERATED_TOKEN_FILE ${path} is empty.`);
    return token;
  }

  private async readCertificate(): Promise<NonNullable<NodeAuthOptions['clientCertificate']>> {
    const path = this.options.certificatePath!;
    let pem: string;
    try {
      pem = await readFile(path, 'utf8');
    } catch (error) {
      throw new SourceError('config:azure', `AZURE_CLIENT_CERTIFICATE_PATH ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`, { cause: error });
    }
    const certificates = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    if (!certificates.length) {
      throw new SourceError('config:azure', `AZURE_CLIENT_CERTIFICATE_PATH ${path} holds no PEM certificate (expected the private key and the certificate in one PEM file).`);
    }
    let privateKey: string;
    let thumbprintSha256: string;
    try {
      privateKey = createPrivateKey(pem).export({ format: 'pem', type: 'pkcs8' }).toString();
      // Entra identifies the certificate by the SHA-256 thumbprint of its DER (the x5t#S256 header).
      thumbprintSha256 = new X509Certificate(certificates[0]!).fingerprint256.replace(/:/g, '');
    } catch (error) {
      throw new SourceError(
        'config:azure',
        `AZURE_CLIENT_CERTIFICATE_PATH ${path} must hold an unencrypted private key and its certificate in PEM: ${(error as Error).message}`,
        { cause: error },
      );
    }
    return { thumbprintSha256, privateKey, x5c: certificates.join('\n') };
  }

  /**
   * A code's fix for idlens's own credential: with the client ID filled in, and for an expired
   * assertion (AADSTS700024) not the advice to applications (idlens re-reads the file for every
   * request already) but what makes the file itself stale.
   */
  private fixFor(code: string, fix: string): string {
    if (code === '700024' && this.kind === 'workload-identity') {
      return (
        `idlens reads AZURE_FEDERATED_TOKEN_FILE (${this.options.federatedTokenFile}) anew for every token request, so the file itself holds a token outside its validity: ` +
        `in a pod, check that the path is the projected token the webhook mounts (not a copy in the image or a Secret); outside a pod, write a fresh one ` +
        `(kubectl create token <service-account> -n <namespace> --audience api://AzureADTokenExchange > ${shellQuote(this.options.federatedTokenFile!)}); and check this machine's clock`
      );
    }
    return fix.replaceAll('<client-id>', this.options.clientId);
  }

  /** Turns whatever msal threw into a SourceError that says what failed and what to do. */
  explain(error: unknown, scope: string): SourceError {
    if (error instanceof SourceError) return error;
    const who = `client ${this.options.clientId} in tenant ${this.options.tenantId} (${this.kind} credential)`;
    if (error instanceof AuthError) {
      if (error.errorCode === 'network_error') {
        const why = this.network.lastFailure ?? error.errorMessage.split(', additionalErrorInfo')[0];
        return new SourceError(
          'unreachable:azure',
          `Entra ID at ${this.tokenEndpoint} cannot be reached for ${who}: ${why}. Check AZURE_AUTHORITY_HOST and that this host may open connections to it.`,
          { cause: error },
        );
      }
      const code = aadstsCode(error);
      const described = entraDescription(error);
      if (code) {
        const known = AADSTS_CODES[`AADSTS${code}`];
        const explanation = known
          ? `AADSTS${code}: ${known.meaning}. What to do: ${this.fixFor(code, known.fix)}.`
          : `AADSTS${code} (see https://login.microsoftonline.com/error?code=${code}).`;
        return new SourceError(
          'unauthorized:azure',
          `Entra ID refused the token request of ${who} for ${scope}. ${explanation}${described ? ` Entra ID said: "${described}"` : ''}`,
          { cause: error },
        );
      }
      const status = (error as ServerError).status;
      if (error instanceof ServerError && status !== undefined && status >= 500) {
        return new SourceError('failed:azure', `Entra ID at ${this.tokenEndpoint} failed (${status} ${error.errorCode}) for ${who}; try again later.`, { cause: error });
      }
      if (error instanceof ServerError) {
        return new SourceError('unauthorized:azure', `Entra ID refused the token request of ${who} for ${scope}: ${error.errorCode}${described ? ` ("${described}")` : ''}.`, { cause: error });
      }
      return new SourceError('config:azure', `The Azure credential for ${who} cannot be used: ${error.errorCode}: ${error.errorMessage}`, { cause: error });
    }
    return new SourceError('failed:azure', `Getting a token for ${scope} from ${this.tokenEndpoint} failed: ${(error as Error)?.message ?? String(error)}`, { cause: error });
  }
}
