import { describe, expect, it } from 'vitest';
import { findingsFor } from '@/lib/domain/findings';
import { nodeId } from '@/lib/domain/ids';
import { parseServiceAccountSubject, serviceAccountSubject, WI } from '@/lib/domain/model';
import {
  GITHUB_ACTIONS_ISSUER,
  LEGACY_CLUSTER,
  SAMPLE_CLUSTER,
  SAMPLE_CONSUMER,
  SAMPLE_DR_ISSUER,
  SAMPLE_FINDING_CASES,
  SAMPLE_HEALTHY_REFS,
  SAMPLE_IDENTITIES,
  SAMPLE_ISSUER,
  SAMPLE_PROVIDER,
  SAMPLE_PROVIDER_APP,
  SAMPLE_TENANT_ID,
  sampleWorld,
} from '@/lib/sample/world';

/** The finding codes of shared DESIGN.md's table (the contract), written out as the spec. */
const DESIGN_FINDING_CODES = [
  'POD_MISSING_USE_LABEL',
  'SA_CLIENT_ID_UNKNOWN',
  'SA_NO_MATCHING_FIC',
  'FIC_ISSUER_MISMATCH',
  'FIC_AUDIENCE_INVALID',
  'FIC_SUBJECT_NO_SERVICE_ACCOUNT',
  'FIC_SUBJECT_MALFORMED',
  'POD_LABEL_SA_NOT_ANNOTATED',
  'SA_TENANT_MISMATCH',
  'SA_TOKEN_EXPIRATION_INVALID',
  'FIC_LIMIT_NEAR',
  'POD_STALE_CLIENT_ID',
  'CLUSTER_OIDC_ISSUER_DISABLED',
  'FIC_SUBJECT_CASE_MISMATCH',
  'IDENTITY_UNUSED',
  'POD_LEGACY_POD_IDENTITY',
];

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Every node id of the world, in the multi-cluster form (the world has two clusters). */
function worldIds() {
  const { cluster, azure } = sampleWorld();
  const scope = { multiCluster: true };
  return new Set([
    ...cluster.clusters.map((c) => nodeId.cluster(c.name)),
    ...cluster.serviceAccounts.map((s) => nodeId.serviceAccount(scope, s.cluster, s.namespace, s.name)),
    ...cluster.pods.map((p) => nodeId.pod(scope, p.cluster, p.namespace, p.name)),
    ...azure.identities.map((i) => nodeId.identity(i.clientId)),
    ...azure.applications.map((a) => nodeId.identity(a.appId)),
    ...azure.federatedCredentials.map((f) => nodeId.federatedCredential(f.ownerClientId, f.name)),
  ]);
}

const duplicates = (values: string[]) => values.filter((v, i) => values.indexOf(v) !== i);

describe('sampleWorld', () => {
  it('is deterministic: two calls build equal, independent worlds', () => {
    const a = sampleWorld();
    const b = sampleWorld();
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    a.cluster.pods[0]!.labels.mutated = 'yes';
    expect(sampleWorld().cluster.pods[0]!.labels.mutated).toBeUndefined();
  });

  it('has the AKS cluster with its public issuer and the legacy cluster with the in-cluster default', () => {
    const { cluster } = sampleWorld();
    expect(cluster.clusters.map((c) => [c.name, c.issuer])).toEqual([
      [SAMPLE_CLUSTER, SAMPLE_ISSUER],
      [LEGACY_CLUSTER, WI.disabledIssuer],
    ]);
    expect(SAMPLE_ISSUER).toMatch(new RegExp(`^https://westeurope\\.oic\\.prod-aks\\.azure\\.com/${SAMPLE_TENANT_ID}/[0-9a-f-]{36}/$`));
    expect(SAMPLE_TENANT_ID).toMatch(GUID);
    const namespaces = new Set(cluster.serviceAccounts.filter((s) => s.cluster === SAMPLE_CLUSTER).map((s) => s.namespace));
    for (const ns of ['shop', 'payments', 'catalog', 'kube-system', 'legacy']) expect(namespaces, ns).toContain(ns);
  });

  it('gives every object a unique id, and every Azure id the shape Azure gives it', () => {
    const { cluster, azure } = sampleWorld();
    expect(duplicates(cluster.serviceAccounts.map((s) => `${s.cluster}/${s.namespace}/${s.name}`))).toEqual([]);
    expect(duplicates(cluster.pods.map((p) => `${p.cluster}/${p.namespace}/${p.name}`))).toEqual([]);
    expect(duplicates([...cluster.serviceAccounts, ...cluster.pods].map((o) => o.uid!))).toEqual([]);
    const clientIds = [...azure.identities.map((i) => i.clientId), ...azure.applications.map((a) => a.appId)];
    expect(duplicates(clientIds)).toEqual([]);
    expect(duplicates(azure.identities.map((i) => i.principalId))).toEqual([]);
    expect(duplicates(azure.federatedCredentials.map((f) => `${f.ownerClientId}/${f.name}`))).toEqual([]);
    // Entra refuses two FICs with the same issuer + subject on one identity.
    expect(duplicates(azure.federatedCredentials.map((f) => `${f.ownerClientId} ${f.issuer} ${f.subject}`))).toEqual([]);
    for (const f of azure.federatedCredentials) expect(f.name, f.name).toMatch(/^[a-zA-Z0-9][a-zA-Z0-9-_]{2,119}$/);
    for (const i of azure.identities) {
      expect([i.clientId, i.principalId, i.tenantId]).toEqual([expect.stringMatching(GUID), expect.stringMatching(GUID), SAMPLE_TENANT_ID]);
      expect(i.resourceId).toBe(`/subscriptions/${i.subscriptionId}/resourceGroups/${i.resourceGroup}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${i.name}`);
    }
    const perOwner = new Map<string, number>();
    for (const f of azure.federatedCredentials) perOwner.set(f.ownerClientId, (perOwner.get(f.ownerClientId) ?? 0) + 1);
    for (const [owner, count] of perOwner) expect(count, owner).toBeLessThanOrEqual(WI.maxFederatedCredentials);
  });

  it('wires the consumer to the provider: SA → exact FIC → identity → app role on api://payments-api', () => {
    const { cluster, azure } = sampleWorld();
    const sa = cluster.serviceAccounts.find((s) => s.cluster === SAMPLE_CLUSTER && s.namespace === 'shop' && s.name === 'checkout')!;
    const identity = azure.identities.find((i) => i.clientId === sa.annotations[WI.clientId])!;
    expect(identity.name).toBe(SAMPLE_CONSUMER.identity.name);
    expect(azure.federatedCredentials).toContainEqual(
      expect.objectContaining({ ownerClientId: identity.clientId, issuer: SAMPLE_ISSUER, subject: serviceAccountSubject('shop', 'checkout'), audiences: [WI.tokenExchangeAudience] }),
    );
    const app = azure.applications.find((a) => a.identifierUris.includes('api://payments-api'))!;
    const role = app.appRoles.find((r) => r.value === 'Payments.Charge')!;
    expect(azure.appRoleAssignments).toContainEqual({ principalId: identity.principalId, resourceAppId: app.appId, appRoleId: role.id });
    expect(app.appId).toBe(SAMPLE_PROVIDER_APP.appId);
  });

  it('federates the consumer identity with two clusters (one exact FIC per issuer) and with GitHub Actions', () => {
    const { azure } = sampleWorld();
    const fics = azure.federatedCredentials.filter((f) => f.ownerClientId === SAMPLE_IDENTITIES.checkout.clientId);
    const subject = serviceAccountSubject('shop', 'checkout');
    expect(fics.filter((f) => f.subject === subject).map((f) => f.issuer).sort()).toEqual([SAMPLE_DR_ISSUER, SAMPLE_ISSUER].sort());
    expect(fics.some((f) => f.issuer === GITHUB_ACTIONS_ISSUER)).toBe(true);
  });

  it('gives labelled pods what the webhook injects, v1.5 paths for most and one v1.6 pod', () => {
    const { cluster } = sampleWorld();
    const consumer = cluster.pods.filter((p) => SAMPLE_CONSUMER.pods.includes(p.name as never));
    expect(consumer).toHaveLength(2);
    for (const pod of consumer) {
      expect(pod.labels[WI.useLabel]).toBe('true');
      expect(pod.containers[0]!.env).toMatchObject({
        AZURE_CLIENT_ID: SAMPLE_IDENTITIES.checkout.clientId,
        AZURE_TENANT_ID: SAMPLE_TENANT_ID,
        AZURE_FEDERATED_TOKEN_FILE: '/var/run/secrets/azure/tokens/azure-identity-token',
        AZURE_AUTHORITY_HOST: 'https://login.microsoftonline.com/',
      });
      expect(pod.projectedTokens).toContainEqual({
        volumeName: 'azure-identity-token',
        audience: WI.tokenExchangeAudience,
        expirationSeconds: 3600,
        mountPath: '/var/run/secrets/azure/tokens/azure-identity-token',
      });
    }
    const v16 = cluster.pods.filter((p) => p.projectedTokens.some((t) => t.volumeName.startsWith('azure-workload-identity-reserved-')));
    expect(v16.map((p) => p.name)).toEqual([SAMPLE_PROVIDER.pods[1]]);
    expect(v16[0]!.containers[0]!.env.AZURE_FEDERATED_TOKEN_FILE).toBe('/var/run/secrets/azure/wi/token/azure-identity-token');
    // Wherever a token is projected for Entra, the env var points at that very file.
    for (const pod of cluster.pods) {
      const token = pod.projectedTokens.find((t) => t.audience === WI.tokenExchangeAudience);
      for (const c of pod.containers) expect(c.env.AZURE_FEDERATED_TOKEN_FILE, pod.name).toBe(token?.mountPath);
    }
  });
});

describe('SAMPLE_FINDING_CASES', () => {
  it("has a case for every finding code of DESIGN.md and idlens's own POD_NOT_INJECTED, and no other", () => {
    expect([...new Set(SAMPLE_FINDING_CASES.map((c) => c.code))].sort()).toEqual([...DESIGN_FINDING_CODES, 'POD_NOT_INJECTED'].sort());
    for (const c of SAMPLE_FINDING_CASES) {
      expect(c.refs.length, c.code).toBeGreaterThan(0);
      expect(c.why.length, c.code).toBeGreaterThan(20);
    }
  });

  it('names only ids that exist in the world, in the multi-cluster form', () => {
    const ids = worldIds();
    for (const c of SAMPLE_FINDING_CASES) for (const ref of c.refs) expect(ids.has(ref), `${c.code}: ${ref}`).toBe(true);
    for (const ref of SAMPLE_HEALTHY_REFS) expect(ids.has(ref), ref).toBe(true);
    expect(ids.has(`sa:${SAMPLE_CLUSTER}:shop/checkout`)).toBe(true);
  });

  it('keeps the healthy objects out of every case', () => {
    const flagged = new Set(SAMPLE_FINDING_CASES.flatMap((c) => c.refs));
    expect(SAMPLE_HEALTHY_REFS.filter((id) => flagged.has(id))).toEqual([]);
  });

  it('puts each FIC case on a FIC that names an SA the way the case says', () => {
    const { azure } = sampleWorld();
    const ficOf = (code: string) => {
      const ref = SAMPLE_FINDING_CASES.find((c) => c.code === code)!.refs.find((r) => r.startsWith('fic:'))!;
      return azure.federatedCredentials.find((f) => nodeId.federatedCredential(f.ownerClientId, f.name) === ref)!;
    };
    expect(ficOf('FIC_ISSUER_MISMATCH').issuer).toBe(SAMPLE_ISSUER.slice(0, -1));
    expect(ficOf('FIC_AUDIENCE_INVALID').audiences).not.toContain(WI.tokenExchangeAudience);
    expect(parseServiceAccountSubject(ficOf('FIC_SUBJECT_MALFORMED').subject!)).toBeUndefined();
    expect(ficOf('FIC_SUBJECT_CASE_MISMATCH').subject).toBe('system:serviceaccount:shop:Inventory');
    const limited = SAMPLE_FINDING_CASES.find((c) => c.code === 'FIC_LIMIT_NEAR')!.refs[0]!;
    const limitedFics = azure.federatedCredentials.filter((f) => nodeId.identity(f.ownerClientId) === limited);
    expect(limitedFics.length).toBeGreaterThanOrEqual(18);
    expect(limitedFics.filter((f) => f.issuer === GITHUB_ACTIONS_ISSUER).length).toBeGreaterThan(limitedFics.length / 2);
  });

  // The analyser of lib/domain against the world: each case found, nothing else, healthy parts quiet.
  it('matches what the findings analyser reports on the sample world', () => {
    const { cluster, azure } = sampleWorld();
    const findings = findingsFor(cluster, azure);
    for (const c of SAMPLE_FINDING_CASES) {
      const match = findings.find((f) => f.code === c.code && c.refs.every((r) => f.refs.includes(r)));
      expect(match, `${c.code} naming ${c.refs.join(', ')}; got ${JSON.stringify(findings.filter((f) => f.code === c.code).map((f) => f.refs))}`).toBeDefined();
    }
    for (const f of findings) {
      expect(SAMPLE_FINDING_CASES.some((c) => c.code === f.code && c.refs.includes(f.refs[0]!)), `unexpected ${f.code} ${f.refs.join(', ')}`).toBe(true);
      expect(f.refs.filter((r) => SAMPLE_HEALTHY_REFS.includes(r)), `${f.code} names a healthy object`).toEqual([]);
    }
  });
});
