import 'server-only';
import type { Config } from '@/lib/config';
import type { AzureSnapshot, JsonWebKeySet } from '@/lib/domain/model';
import { SourceError } from '../source-error';
import { ArmClient, type ArmRead } from './arm-client';
import { CredentialFailure } from './azure-rest';
import type { AzureSource } from './azure-source';
import { EntraCredential } from './entra-credential';
import { GraphClient, type GraphRead } from './graph-client';
import type { TokenProvider } from './token-provider';

// IDLENS_AZURE=live: ARM (managed identities and their FICs) and Microsoft Graph (applications,
// their FICs and app role assignments) read in parallel with the configured credential. One of the
// two failing keeps the other's results and says what is missing; the credential failing fails all.

export interface LiveAzureSourceOptions {
  tenantId: string;
  credential: TokenProvider;
  /** Client ID of the credential: permission hints carry copyable commands with it. */
  clientId?: string;
  /** IDLENS_ARM_URL */
  armUrl: string;
  /** IDLENS_GRAPH_URL */
  graphUrl: string;
  /** IDLENS_AZURE_SUBSCRIPTIONS; empty = every subscription the credential sees. */
  subscriptions: readonly string[];
  /** At most this many list calls in flight per fan-out (default 4). */
  concurrency?: number;
  timeoutMs?: number;
  maxRetries?: number;
  maxRetryAfterSeconds?: number;
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

const settle = <T>(promise: Promise<T>): Promise<Outcome<T>> =>
  promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );

const message = (error: unknown) => (error as Error)?.message ?? String(error);

export class LiveAzureSource implements AzureSource {
  readonly mode = 'live';
  private readonly arm: ArmClient;
  private readonly graph: GraphClient;

  constructor(private readonly options: LiveAzureSourceOptions) {
    const common = {
      tokens: options.credential,
      concurrency: options.concurrency,
      timeoutMs: options.timeoutMs,
      maxRetries: options.maxRetries,
      maxRetryAfterSeconds: options.maxRetryAfterSeconds,
    };
    this.arm = new ArmClient({ ...common, baseUrl: options.armUrl, assigneeClientId: options.clientId });
    this.graph = new GraphClient({ ...common, baseUrl: options.graphUrl, tenantId: options.tenantId });
  }

  async list(): Promise<AzureSnapshot> {
    const [arm, graph] = await Promise.all([settle(this.arm.readIdentities(this.options.subscriptions)), settle(this.graph.readApplications())]);

    // The credential itself failed (an AADSTS answer, Entra unreachable): nothing can be read.
    for (const outcome of [arm, graph]) {
      if (!outcome.ok && outcome.error instanceof CredentialFailure) throw outcome.error;
    }
    if (!arm.ok && !graph.ok) {
      const code = arm.error instanceof SourceError ? arm.error.code : 'failed:azure';
      throw new SourceError(code, `${message(arm.error)} Microsoft Graph failed too: ${message(graph.error)}`, { cause: arm.error });
    }

    const armRead: ArmRead = arm.ok ? arm.value : { identities: [], federatedCredentials: [], missing: [`ARM: managed identities and their federated credentials (${message(arm.error)})`], ficsUnreadFor: [], identitiesUnread: true };
    const graphRead: GraphRead = graph.ok
      ? graph.value
      : {
          applications: [],
          federatedCredentials: [],
          appRoleAssignments: [],
          missing: [`Microsoft Graph: applications, their federated credentials and app role assignments (${message(graph.error)})`],
          ficsUnreadFor: [],
        };

    return {
      tenantId: this.options.tenantId,
      identities: armRead.identities,
      applications: graphRead.applications,
      federatedCredentials: [...armRead.federatedCredentials, ...graphRead.federatedCredentials],
      appRoleAssignments: graphRead.appRoleAssignments,
      missing: [...armRead.missing, ...graphRead.missing],
      ficsUnreadFor: [...armRead.ficsUnreadFor, ...graphRead.ficsUnreadFor],
      ...(armRead.identitiesUnread ? { identitiesUnread: true } : {}),
      // Graph lists the applications first and throws when it cannot: an unread Graph is unread applications.
      ...(graph.ok ? {} : { applicationsUnread: true }),
    };
  }

  /** Live Entra ID keys are fetched from Entra itself (`/api/jwks`), never vouched for locally. */
  async localEntraJwksFor(): Promise<JsonWebKeySet | undefined> {
    return undefined;
  }
}

/** The live source of a parsed configuration (IDLENS_AZURE=live). */
/**
 * The Entra ID credential of the configuration (workload identity first), or undefined when the
 * tenant, client ID or every credential is missing. One instance serves ARM, Graph and Log
 * Analytics, so they share msal-node's token cache.
 */
export function entraCredentialFromConfig(config: Config): EntraCredential | undefined {
  const tenantId = config.AZURE_TENANT_ID;
  const clientId = config.AZURE_CLIENT_ID;
  if (!tenantId || !clientId) return undefined;
  if (!config.AZURE_FEDERATED_TOKEN_FILE && !config.AZURE_CLIENT_SECRET && !config.AZURE_CLIENT_CERTIFICATE_PATH) return undefined;
  return new EntraCredential({
    tenantId,
    clientId,
    federatedTokenFile: config.AZURE_FEDERATED_TOKEN_FILE || undefined,
    clientSecret: config.AZURE_CLIENT_SECRET || undefined,
    certificatePath: config.AZURE_CLIENT_CERTIFICATE_PATH || undefined,
    authorityHost: config.AZURE_AUTHORITY_HOST,
  });
}

export function liveAzureSourceFromConfig(config: Config, credential = entraCredentialFromConfig(config)): LiveAzureSource {
  const tenantId = config.AZURE_TENANT_ID;
  const clientId = config.AZURE_CLIENT_ID;
  if (!tenantId || !clientId || !credential) {
    throw new SourceError('config:azure', 'IDLENS_AZURE=live needs AZURE_TENANT_ID, AZURE_CLIENT_ID and a credential (AZURE_FEDERATED_TOKEN_FILE, AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH).');
  }
  return new LiveAzureSource({
    tenantId,
    clientId,
    credential,
    armUrl: config.IDLENS_ARM_URL,
    graphUrl: config.IDLENS_GRAPH_URL,
    subscriptions: config.IDLENS_AZURE_SUBSCRIPTIONS,
  });
}
