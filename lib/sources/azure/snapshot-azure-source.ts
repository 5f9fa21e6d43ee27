import 'server-only';
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { z } from 'zod';
import type { Application, AzureSnapshot, FederatedCredential, JsonWebKeySet, ManagedIdentity } from '@/lib/domain/model';
import { readSnapshotJson, unusableSnapshotFile } from '../snapshot-file';
import { SourceError } from '../source-error';
import type { AzureSource } from './azure-source';

// Reads the `az` CLI outputs of a snapshot directory (DESIGN.md). `az` flattens ARM's
// `properties`, so issuer/subject/audiences sit at the top level of each FIC.

const identityList = z.array(
  z.looseObject({
    name: z.string(),
    id: z.string(),
    clientId: z.string(),
    principalId: z.string(),
    tenantId: z.string(),
    resourceGroup: z.string().optional(),
    location: z.string().optional(),
  }),
);

const ficList = z.array(
  z.looseObject({
    name: z.string(),
    issuer: z.string(),
    subject: z.string().nullish(),
    audiences: z.array(z.string()),
    description: z.string().nullish(),
    claimsMatchingExpression: z.object({ value: z.string() }).nullish(),
  }),
);

const applicationList = z.array(
  z.looseObject({
    appId: z.string(),
    id: z.string(),
    displayName: z.string().nullish(),
    identifierUris: z.array(z.string()).nullish(),
    appRoles: z
      .array(z.looseObject({ id: z.string(), value: z.string().nullish(), displayName: z.string().nullish(), allowedMemberTypes: z.array(z.string()).nullish() }))
      .nullish(),
  }),
);

/**
 * A resource group's folder under federated-credentials/, or undefined for a name that is not one
 * path segment (Azure allows letters, digits, `_-.()`; a `../x` from identities.json must not read
 * outside the snapshot directory).
 */
function folderName(resourceGroup: string | undefined): string | undefined {
  if (!resourceGroup || /[/\\\0]/.test(resourceGroup) || resourceGroup === '.' || resourceGroup === '..') return undefined;
  return resourceGroup;
}

async function jsonFilesIn(directory: string): Promise<string[]> {
  try {
    return (await readdir(directory)).filter((f) => f.endsWith('.json')).sort();
  } catch {
    return [];
  }
}

function toCredential(ownerClientId: string, f: z.infer<typeof ficList>[number]): FederatedCredential {
  return {
    ownerClientId,
    name: f.name,
    issuer: f.issuer,
    subject: f.subject ?? undefined,
    claimsMatchingExpression: f.claimsMatchingExpression?.value,
    audiences: f.audiences,
    description: f.description ?? undefined,
  };
}

export class SnapshotAzureSource implements AzureSource {
  readonly mode = 'snapshot';

  constructor(private readonly directory: string) {}

  async list(): Promise<AzureSnapshot> {
    const dir = this.directory;
    const missing: string[] = [];
    let applicationsUnread = false;
    const [rawIdentities, rawApplications] = await Promise.all([
      readSnapshotJson('azure', dir, 'identities.json', identityList, 'az identity list -o json'),
      // Optional: a file that is there but unusable costs the applications only, said with its reason.
      readSnapshotJson('azure', dir, 'applications.json', applicationList, 'az ad app list --all -o json').catch((error: unknown) => {
        if (!(error instanceof SourceError)) throw error;
        missing.push(unusableSnapshotFile('applications.json', join(dir, 'applications.json'), error));
        applicationsUnread = true;
        return undefined;
      }),
    ]);
    if (!rawIdentities) {
      missing.push('identities.json (az identity list -o json)');
    }

    const identities: ManagedIdentity[] = (rawIdentities ?? []).map((i) => ({
      kind: 'managedIdentity',
      name: i.name,
      clientId: i.clientId,
      principalId: i.principalId,
      tenantId: i.tenantId,
      resourceId: i.id,
      subscriptionId: /^\/subscriptions\/([^/]+)/i.exec(i.id)?.[1],
      resourceGroup: i.resourceGroup,
      location: i.location,
    }));
    const applications: Application[] = (rawApplications ?? []).map((a) => ({
      kind: 'application',
      displayName: a.displayName ?? a.appId,
      appId: a.appId,
      objectId: a.id,
      identifierUris: a.identifierUris ?? [],
      appRoles: (a.appRoles ?? []).map((r) => ({
        id: r.id,
        value: r.value ?? r.id,
        displayName: r.displayName ?? undefined,
        allowedMemberTypes: r.allowedMemberTypes ?? undefined,
      })),
    }));

    const federatedCredentials: FederatedCredential[] = [];
    const ficsUnreadFor: string[] = [];
    /** An owner whose FICs were not read: said (with why) and marked unknown, never taken as none. */
    const unread = (ownerClientId: string, why: string) => {
      missing.push(why);
      ficsUnreadFor.push(ownerClientId);
    };
    /**
     * One owner's FIC file. A file that cannot be used (not JSON, not what `az` writes, unreadable)
     * costs that owner's FICs only: it is listed with the reason, and the other owners still show.
     */
    const readFicsOf = async (ownerClientId: string, directory: string, file: string, command: string) => {
      const shown = relative(dir, join(directory, file));
      try {
        const fics = await readSnapshotJson('azure', directory, file, ficList, command);
        if (!fics) return unread(ownerClientId, `${shown} (${command})`);
        for (const f of fics) federatedCredentials.push(toCredential(ownerClientId, f));
      } catch (error) {
        if (!(error instanceof SourceError)) throw error;
        unread(ownerClientId, unusableSnapshotFile(shown, join(directory, file), error));
      }
    };
    const ficDir = join(dir, 'federated-credentials');
    const ficFiles = new Set(await jsonFilesIn(ficDir));
    // Identities of the same name (in other resource groups) cannot share `<name>.json`: each then
    // needs `<resource-group>/<name>.json`, and a flat file for that name is attributed to none.
    const groupsByName = new Map<string, string[]>();
    for (const i of identities) groupsByName.set(i.name, [...(groupsByName.get(i.name) ?? []), i.resourceGroup ?? '?']);
    const groupFiles = new Map<string, Set<string>>();
    const filesOfGroup = async (group: string) => {
      let files = groupFiles.get(group);
      if (!files) groupFiles.set(group, (files = new Set(await jsonFilesIn(join(ficDir, group)))));
      return files;
    };
    const reported = new Set<string>();
    for (const identity of identities) {
      const command = `az identity federated-credential list -g ${identity.resourceGroup ?? 'RG'} --identity-name ${identity.name} -o json`;
      const flat = `${identity.name}.json`;
      const groups = groupsByName.get(identity.name)!;
      let file: string | undefined;
      const group = folderName(identity.resourceGroup);
      if (group && (await filesOfGroup(group)).has(flat)) file = join(group, flat);
      else if (groups.length === 1 && ficFiles.has(flat)) file = flat;
      if (!file) {
        if (groups.length > 1 && ficFiles.has(flat)) {
          // Said once for all identities of that name; each is still unread.
          ficsUnreadFor.push(identity.clientId);
          if (!reported.has(identity.name)) {
            reported.add(identity.name);
            missing.push(
              `federated-credentials/${flat} is ambiguous: ${groups.length} identities are named ${identity.name} (resource groups ${groups.join(', ')}), so it is not used. Write federated-credentials/<resource-group>/${flat} for each (az identity federated-credential list -g <resource-group> --identity-name ${identity.name} -o json)`,
            );
          }
        } else {
          const wanted = groups.length > 1 ? `${identity.resourceGroup ?? 'RG'}/${flat}` : flat;
          unread(identity.clientId, `federated-credentials/${wanted} (${command})`);
        }
        continue;
      }
      await readFicsOf(identity.clientId, ficDir, file, command);
    }
    const appFicDir = join(dir, 'application-federated-credentials');
    const appFicFiles = new Set(await jsonFilesIn(appFicDir));
    for (const application of applications) {
      const file = `${application.appId}.json`;
      if (!appFicFiles.has(file)) continue; // optional: most applications have no FICs
      await readFicsOf(application.appId, appFicDir, file, `az ad app federated-credential list --id ${application.appId} -o json`);
    }

    return {
      tenantId: identities[0]?.tenantId,
      identities,
      applications,
      federatedCredentials,
      appRoleAssignments: [],
      missing,
      ficsUnreadFor,
      ...(rawIdentities ? {} : { identitiesUnread: true }),
      ...(applicationsUnread ? { applicationsUnread } : {}),
    };
  }

  async localEntraJwksFor(): Promise<JsonWebKeySet | undefined> {
    return undefined;
  }
}
