import type { AzureSnapshot, JsonWebKeySet } from '@/lib/domain/model';

/** Reads managed identities, app registrations, their FICs and app role assignments. */
export interface AzureSource {
  /** `sample`, `live` or `snapshot`. */
  readonly mode: string;
  list(): Promise<AzureSnapshot>;
  /**
   * JWKS for an Entra ID issuer this source can vouch for without a network call (the sample
   * tenant's keys); undefined means "ask Entra ID itself".
   */
  localEntraJwksFor(issuer: string): Promise<JsonWebKeySet | undefined>;
}
