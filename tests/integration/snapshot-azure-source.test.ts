import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SnapshotAzureSource } from '@/lib/sources/azure/snapshot-azure-source';

// The `az` outputs of a snapshot directory, read from disk: which FIC file belongs to which
// identity when two identities share a name (other resource groups).

const TENANT = '11111111-2222-3333-4444-555555555555';
const SUB = '5b1e0000-0000-4000-8000-000000000001';
const identity = (name: string, rg: string, n: number) => ({
  name,
  resourceGroup: rg,
  id: `/subscriptions/${SUB}/resourcegroups/${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`,
  clientId: `00000000-0000-4000-8000-00000000000${n}`,
  principalId: `p-${n}`,
  tenantId: TENANT,
});
const fic = (name: string, subject: string) => ({ name, issuer: 'https://issuer.example/', subject, audiences: ['api://AzureADTokenExchange'] });

describe('SnapshotAzureSource: federated-credentials/ files', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const snapshot = (files: Record<string, unknown>) => {
    const dir = mkdtempSync(join(tmpdir(), 'idlens-az-snap-'));
    dirs.push(dir);
    for (const [file, value] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writeFileSync(join(dir, file), JSON.stringify(value, null, 2));
    }
    return new SnapshotAzureSource(dir);
  };
  const owners = (fics: Array<{ ownerClientId: string; name: string }>) => fics.map((f) => `${f.ownerClientId.slice(-1)}:${f.name}`).sort();

  it('reads <name>.json for a uniquely named identity, <resource-group>/<name>.json when present', async () => {
    const result = await snapshot({
      'identities.json': [identity('orders', 'rg-a', 1), identity('billing', 'rg-b', 2)],
      'federated-credentials/orders.json': [fic('orders-fic', 'system:serviceaccount:shop:orders')],
      'federated-credentials/rg-b/billing.json': [fic('billing-fic', 'system:serviceaccount:pay:billing')],
    }).list();
    expect(owners(result.federatedCredentials)).toEqual(['1:orders-fic', '2:billing-fic']);
    expect(result.missing).toEqual([]);
  });

  it('keeps the other identities when one FIC file is not JSON or not what az writes, naming the file and the JSON path', async () => {
    const source = snapshot({
      'identities.json': [identity('orders', 'rg-a', 1), identity('billing', 'rg-b', 2), identity('search', 'rg-c', 3)],
      'federated-credentials/orders.json': [fic('orders-fic', 'system:serviceaccount:shop:orders')],
      'federated-credentials/rg-c/search.json': [{ name: 'search-fic', subject: 'system:serviceaccount:s:s', audiences: ['api://AzureADTokenExchange'] }],
    });
    const dir = dirs.at(-1)!;
    writeFileSync(join(dir, 'federated-credentials/billing.json'), '[{"name": "billing-fic", "issuer": ');
    const result = await source.list();
    expect(result.identities).toHaveLength(3);
    expect(owners(result.federatedCredentials)).toEqual(['1:orders-fic']);
    expect(result.ficsUnreadFor).toEqual([identity('billing', 'rg-b', 2).clientId, identity('search', 'rg-c', 3).clientId]);
    expect(result.missing).toHaveLength(2);
    // Named once, by its name in the snapshot, with why.
    expect(result.missing![0]).toMatch(/^a usable federated-credentials\/billing\.json \(it is not JSON \(/);
    expect(result.missing![0]).not.toContain('Snapshot file');
    expect(result.missing![0]).toContain('az identity federated-credential list -g rg-b --identity-name billing -o json');
    expect(result.missing![1]).toContain('a usable federated-credentials/rg-c/search.json');
    expect(result.missing![1]).toContain('at $.0.issuer');
  });

  it("keeps an application's FICs unread, not empty, when its file under application-federated-credentials/ is unusable", async () => {
    const source = snapshot({
      'identities.json': [identity('orders', 'rg-a', 1)],
      'federated-credentials/orders.json': [],
      'applications.json': [
        { appId: 'app-1', id: 'obj-1', displayName: 'api', identifierUris: [], appRoles: [] },
        { appId: 'app-2', id: 'obj-2', displayName: 'deployer', identifierUris: [], appRoles: [] },
      ],
      'application-federated-credentials/app-2.json': [fic('deploy', 'repo:contoso/shop:ref:refs/heads/main')],
    });
    writeFileSync(join(dirs.at(-1)!, 'application-federated-credentials/app-1.json'), '{"not": "a list"}');
    const result = await source.list();
    expect(owners(result.federatedCredentials)).toEqual(['2:deploy']);
    expect(result.ficsUnreadFor).toEqual(['app-1']);
    expect(result.missing).toHaveLength(1);
    expect(result.missing![0]).toContain('a usable application-federated-credentials/app-1.json (it ');
    expect(result.missing![0]).toContain('az ad app federated-credential list --id app-1 -o json');
  });

  it('marks the FICs of an identity without a file as unread', async () => {
    const result = await snapshot({
      'identities.json': [identity('orders', 'rg-a', 1), identity('billing', 'rg-b', 2)],
      'federated-credentials/orders.json': [],
    }).list();
    expect(result.ficsUnreadFor).toEqual([identity('billing', 'rg-b', 2).clientId]);
    expect(result.missing).toEqual(['federated-credentials/billing.json (az identity federated-credential list -g rg-b --identity-name billing -o json)']);
    // Every identity was listed: an unread FIC file leaves the owners known.
    expect(result.identitiesUnread).toBeUndefined();
  });

  it('keeps identities and FICs when the optional applications.json is unusable, naming it; an absent identities.json leaves the owners unknown', async () => {
    const result = await snapshot({
      'identities.json': [identity('orders', 'rg-a', 1)],
      'federated-credentials/orders.json': [fic('orders-prod', 'system:serviceaccount:shop:orders')],
      'applications.json': { value: [] },
    }).list();
    expect(result.identities.map((i) => i.name)).toEqual(['orders']);
    expect(owners(result.federatedCredentials)).toEqual(['1:orders-prod']);
    expect(result.missing).toHaveLength(1);
    expect(result.missing![0]).toMatch(/^a usable applications\.json \(it is not what `az ad app list --all -o json` writes: at \$: /);
    expect(result.applicationsUnread).toBe(true);
    expect(result.identitiesUnread).toBeUndefined();
    const withoutIdentities = await snapshot({ 'applications.json': [] }).list();
    expect(withoutIdentities.missing).toEqual(['identities.json (az identity list -o json)']);
    expect(withoutIdentities.identitiesUnread).toBe(true);
  });

  it('never gives two same-named identities the same flat file, and says what to write instead', async () => {
    const result = await snapshot({
      'identities.json': [identity('orders', 'rg-a', 1), identity('orders', 'rg-b', 2)],
      'federated-credentials/orders.json': [fic('orders-fic', 'system:serviceaccount:shop:orders')],
    }).list();
    expect(result.federatedCredentials).toEqual([]);
    expect(result.missing).toHaveLength(1);
    expect(result.missing![0]).toContain('federated-credentials/orders.json is ambiguous: 2 identities are named orders (resource groups rg-a, rg-b)');
    expect(result.missing![0]).toContain('federated-credentials/<resource-group>/orders.json');
  });

  it('reads each same-named identity from its resource group folder', async () => {
    const result = await snapshot({
      'identities.json': [identity('orders', 'rg-a', 1), identity('orders', 'rg-b', 2)],
      'federated-credentials/rg-a/orders.json': [fic('east', 'system:serviceaccount:shop:orders')],
      'federated-credentials/rg-b/orders.json': [fic('west', 'system:serviceaccount:shop:orders')],
    }).list();
    expect(owners(result.federatedCredentials)).toEqual(['1:east', '2:west']);
    expect(result.missing).toEqual([]);
  });

  it('names the per-group file that is missing for a same-named identity', async () => {
    const result = await snapshot({
      'identities.json': [identity('orders', 'rg-a', 1), identity('orders', 'rg-b', 2)],
      'federated-credentials/rg-a/orders.json': [fic('east', 'system:serviceaccount:shop:orders')],
    }).list();
    expect(owners(result.federatedCredentials)).toEqual(['1:east']);
    expect(result.missing).toEqual(['federated-credentials/rg-b/orders.json (az identity federated-credential list -g rg-b --identity-name orders -o json)']);
  });

  it('never reads outside the snapshot for a resource group that is not one folder name', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'idlens-outside-'));
    dirs.push(outside);
    writeFileSync(join(outside, 'orders.json'), JSON.stringify([fic('planted', 'system:serviceaccount:x:y')]));
    const source = snapshot({ 'identities.json': [identity('orders', `../../../../../../../..${outside}`, 1), identity('orders', 'rg-b', 2)] });
    const result = await source.list();
    expect(result.federatedCredentials).toEqual([]);
    expect(result.missing!.join('\n')).not.toContain('planted');
  });
});
