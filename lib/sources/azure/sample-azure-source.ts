import 'server-only';
import type { AzureSnapshot, JsonWebKeySet } from '@/lib/domain/model';
import { sampleKeys } from '@/lib/sample/keys';
import { SAMPLE_TENANT_ID, sampleAzureSnapshot } from '@/lib/sample/world';
import type { AzureSource } from './azure-source';

// The built-in sample tenant (lib/sample/world.ts). Its Entra ID is made up, so only this source
// can vouch for its signing keys: the tenant's v1 and v2 issuers get the sample JWKS, any other
// issuer is left to the real Entra ID (undefined).

/** The two issuers Entra ID uses for one tenant (v1 `sts.windows.net`, v2 `login.microsoftonline.com`). */
const SAMPLE_ENTRA_ISSUERS = new Set([
  `https://sts.windows.net/${SAMPLE_TENANT_ID}/`,
  `https://login.microsoftonline.com/${SAMPLE_TENANT_ID}/v2.0`,
]);

export class SampleAzureSource implements AzureSource {
  readonly mode = 'sample';

  /** Not read today (the world has no clock); kept so every sample source takes time the same way. */
  constructor(private readonly now: () => Date = () => new Date()) {}

  async list(): Promise<AzureSnapshot> {
    return sampleAzureSnapshot();
  }

  async localEntraJwksFor(issuer: string): Promise<JsonWebKeySet | undefined> {
    if (!SAMPLE_ENTRA_ISSUERS.has(issuer)) return undefined;
    return (await sampleKeys()).entra.jwks;
  }
}
