/** Something that gets Entra ID access tokens for a resource scope (ARM, Graph, Log Analytics). */
export interface TokenProvider {
  /** An access token for `scope` (e.g. `https://management.azure.com/.default`). Throws SourceError on failure. */
  getToken(scope: string): Promise<string>;
}
