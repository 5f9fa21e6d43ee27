import 'server-only';
import { z } from 'zod';
import type { FederatedCredential, ManagedIdentity } from '@/lib/domain/model';
import { AzureRestClient, CredentialFailure, DEFAULT_CONCURRENCY } from './azure-rest';
import { mapBounded } from './bounded';
import type { TokenProvider } from './token-provider';

// Azure Resource Manager: subscriptions, the user-assigned managed identities of each, and their
// federated identity credentials (shared DOMAIN.md, "FIC resources").

const ARM_SUBSCRIPTIONS_API_VERSION = '2022-12-01';
const ARM_MANAGED_IDENTITY_API_VERSION = '2023-01-31';

const subscriptionItem = z.looseObject({ subscriptionId: z.string(), displayName: z.string().nullish(), state: z.string().nullish() });

const identityItem = z.looseObject({
  id: z.string(),
  name: z.string(),
  location: z.string().nullish(),
  properties: z.looseObject({ clientId: z.string(), principalId: z.string(), tenantId: z.string() }),
});

const ficItem = z.looseObject({
  name: z.string(),
  properties: z.looseObject({
    issuer: z.string(),
    subject: z.string().nullish(),
    audiences: z.array(z.string()),
    // Preview: replaces `subject` (e.g. claims['sub'] matches 'system:serviceaccount:ns:*').
    claimsMatchingExpression: z.looseObject({ value: z.string() }).nullish(),
  }),
});

export interface ArmClientOptions {
  /** IDLENS_ARM_URL, e.g. `https://management.azure.com/`. */
  baseUrl: string;
  tokens: TokenProvider;
  /** Defaults to `<origin of baseUrl>/.default`. */
  scope?: string;
  /** Client ID of the credential, so a 403 message carries a copyable role assignment. */
  assigneeClientId?: string;
  /** At most this many list calls in flight per fan-out. */
  concurrency?: number;
  timeoutMs?: number;
  maxRetries?: number;
  maxRetryAfterSeconds?: number;
}

export interface ArmRead {
  identities: ManagedIdentity[];
  federatedCredentials: FederatedCredential[];
  /** Subscriptions or identities that could not be read, with the reason. */
  missing: string[];
  /** Client IDs of identities whose FICs could not be read (unknown, not none). */
  ficsUnreadFor: string[];
  /** Some subscription's identities could not be listed (or no subscription is visible). */
  identitiesUnread?: boolean;
}

export class ArmClient {
  private readonly rest: AzureRestClient;
  private readonly concurrency: number;

  constructor(options: ArmClientOptions) {
    const assignee = options.assigneeClientId ?? '<client-id>';
    this.concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    this.rest = new AzureRestClient({
      service: 'ARM',
      baseUrl: options.baseUrl,
      scope: options.scope ?? `${new URL(options.baseUrl).origin}/.default`,
      tokens: options.tokens,
      nextLinkField: 'nextLink',
      timeoutMs: options.timeoutMs,
      maxRetries: options.maxRetries,
      maxRetryAfterSeconds: options.maxRetryAfterSeconds,
      permissionHint: (url) => {
        const subscription = /\/subscriptions\/([^/?]+)/i.exec(url.pathname)?.[1];
        const scope = subscription ? `/subscriptions/${subscription}` : '/subscriptions/<subscription-id>';
        return `The credential needs the Reader role on ${subscription ? `subscription ${subscription}` : 'each subscription to scan'} (it reads Microsoft.ManagedIdentity/userAssignedIdentities and their federatedIdentityCredentials): az role assignment create --assignee ${assignee} --role Reader --scope ${scope}`;
      },
    });
  }

  /** Every subscription the credential can see. */
  async listSubscriptionIds(): Promise<string[]> {
    const subscriptions = await this.rest.getAll(`/subscriptions?api-version=${ARM_SUBSCRIPTIONS_API_VERSION}`, subscriptionItem);
    return subscriptions.map((s) => s.subscriptionId);
  }

  async listIdentities(subscriptionId: string): Promise<ManagedIdentity[]> {
    const items = await this.rest.getAll(
      `/subscriptions/${encodeURIComponent(subscriptionId)}/providers/Microsoft.ManagedIdentity/userAssignedIdentities?api-version=${ARM_MANAGED_IDENTITY_API_VERSION}`,
      identityItem,
    );
    return items.map((i) => ({
      kind: 'managedIdentity',
      name: i.name,
      clientId: i.properties.clientId,
      principalId: i.properties.principalId,
      tenantId: i.properties.tenantId,
      resourceId: i.id,
      subscriptionId: /^\/subscriptions\/([^/]+)/i.exec(i.id)?.[1] ?? subscriptionId,
      resourceGroup: /\/resourceGroups\/([^/]+)/i.exec(i.id)?.[1],
      location: i.location ?? undefined,
    }));
  }

  async listFederatedCredentials(identity: ManagedIdentity): Promise<FederatedCredential[]> {
    const items = await this.rest.getAll(`${encodeURI(identity.resourceId)}/federatedIdentityCredentials?api-version=${ARM_MANAGED_IDENTITY_API_VERSION}`, ficItem);
    return items.map((f) => ({
      ownerClientId: identity.clientId,
      name: f.name,
      issuer: f.properties.issuer,
      subject: f.properties.subject ?? undefined,
      claimsMatchingExpression: f.properties.claimsMatchingExpression?.value,
      audiences: f.properties.audiences,
    }));
  }

  /**
   * All user-assigned identities of `subscriptionIds` (empty = every visible subscription) and
   * their FICs, with at most `concurrency` calls in flight. One subscription or identity that
   * cannot be read is reported in `missing`; the rest is returned. Throws when nothing could be
   * read at all, and always when the credential itself fails.
   */
  async readIdentities(subscriptionIds: readonly string[]): Promise<ArmRead> {
    const missing: string[] = [];
    const subscriptions = subscriptionIds.length ? [...subscriptionIds] : await this.listSubscriptionIds();
    if (!subscriptions.length) {
      missing.push('ARM: the credential sees no subscription. Assign it the Reader role on the subscriptions to scan, or set IDLENS_AZURE_SUBSCRIPTIONS.');
      return { identities: [], federatedCredentials: [], missing, ficsUnreadFor: [], identitiesUnread: true };
    }

    const failures: unknown[] = [];
    const perSubscription = await mapBounded(subscriptions, this.concurrency, async (subscription) => {
      try {
        return await this.listIdentities(subscription);
      } catch (error) {
        if (error instanceof CredentialFailure) throw error;
        failures.push(error);
        missing.push(`ARM: user-assigned identities of subscription ${subscription} (${(error as Error).message})`);
        return [];
      }
    });
    // Not one subscription could be read: that is a failure of the ARM part, not a partial result.
    if (failures.length === subscriptions.length) throw failures[0];

    const identities = perSubscription.flat();
    const ficsUnreadFor: string[] = [];
    const perIdentity = await mapBounded(identities, this.concurrency, async (identity) => {
      try {
        return await this.listFederatedCredentials(identity);
      } catch (error) {
        if (error instanceof CredentialFailure) throw error;
        missing.push(`ARM: federated credentials of identity ${identity.name} (${identity.clientId}) (${(error as Error).message})`);
        ficsUnreadFor.push(identity.clientId);
        return [];
      }
    });
    return { identities, federatedCredentials: perIdentity.flat(), missing, ficsUnreadFor, ...(failures.length ? { identitiesUnread: true } : {}) };
  }
}
