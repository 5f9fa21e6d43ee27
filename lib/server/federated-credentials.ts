import 'server-only';
import { nodeId } from '@/lib/domain/ids';
import type { FederatedCredential } from '@/lib/domain/model';
import { azureSnapshot } from './snapshots';
import { SourceError } from '@/lib/sources/source-error';

export interface FederatedCredentialView extends FederatedCredential {
  id: string;
  ownerName: string;
  ownerKind: 'managedIdentity' | 'application' | 'unknown';
}

export interface FederatedCredentialList {
  credentials: FederatedCredentialView[];
  /** Set when the Azure source failed: the page shows it instead of "no FIC accepts this token". */
  error?: { code: string; message: string };
}

/** Every FIC the Azure source knows, with its owner's name (for the token page's "who accepts it"). */
export async function listFederatedCredentials(): Promise<FederatedCredentialList> {
  let azure;
  try {
    azure = await azureSnapshot();
  } catch (error) {
    const e = SourceError.from(error, 'azure');
    return { credentials: [], error: { code: e.code, message: e.message } };
  }
  const owners = new Map<string, { name: string; kind: 'managedIdentity' | 'application' }>();
  for (const i of azure.identities) owners.set(i.clientId, { name: i.name, kind: 'managedIdentity' });
  for (const a of azure.applications) owners.set(a.appId, { name: a.displayName, kind: 'application' });
  return {
    credentials: azure.federatedCredentials.map((f) => {
      const owner = owners.get(f.ownerClientId);
      return { ...f, id: nodeId.federatedCredential(f.ownerClientId, f.name), ownerName: owner?.name ?? f.ownerClientId, ownerKind: owner?.kind ?? 'unknown' };
    }),
  };
}
