import { describe, expect, it } from 'vitest';
import { FINDING_CODES, findingsFor, type Finding, type FindingCode, type FindingOptions } from '@/lib/domain/findings';
import { WI, serviceAccountSubject, type AzureSnapshot, type ClusterSnapshot } from '@/lib/domain/model';
import {
  CLIENT_ID,
  CLUSTER,
  GITHUB_ISSUER,
  ISSUER,
  OTHER_CLIENT_ID,
  OTHER_CLUSTER,
  OTHER_ISSUER,
  OTHER_TENANT,
  TENANT,
  aCluster,
  aClusterSnapshot,
  aFederatedCredential,
  aHealthyWorld,
  aManagedIdentity,
  aPod,
  aServiceAccount,
  aTwoClusterWorld,
  anApplication,
  anAzureSnapshot,
} from './domain-factories';

const run = (cluster: ClusterSnapshot, azure: AzureSnapshot, options?: FindingOptions) => findingsFor(cluster, azure, options);
const codesOf = (findings: Finding[]) => findings.map((f) => f.code).sort();
const only = (findings: Finding[], code: FindingCode) => findings.filter((f) => f.code === code);

/** The healthy world with some parts replaced. */
function world(change: { cluster?: Partial<ClusterSnapshot>; azure?: Partial<AzureSnapshot> } = {}) {
  const w = aHealthyWorld();
  return { cluster: { ...w.cluster, ...change.cluster }, azure: { ...w.azure, ...change.azure } };
}

describe('FINDING_CODES', () => {
  it("lists every code of the contract, and idlens's own POD_NOT_INJECTED, exactly once with its severity", () => {
    const expected: Record<string, string> = {
      POD_MISSING_USE_LABEL: 'error',
      SA_CLIENT_ID_UNKNOWN: 'warning',
      SA_NO_MATCHING_FIC: 'error',
      FIC_ISSUER_MISMATCH: 'error',
      FIC_AUDIENCE_INVALID: 'error',
      FIC_SUBJECT_NO_SERVICE_ACCOUNT: 'warning',
      FIC_SUBJECT_MALFORMED: 'warning',
      POD_LABEL_SA_NOT_ANNOTATED: 'warning',
      SA_TENANT_MISMATCH: 'error',
      SA_TOKEN_EXPIRATION_INVALID: 'error',
      FIC_LIMIT_NEAR: 'warning',
      POD_STALE_CLIENT_ID: 'warning',
      CLUSTER_OIDC_ISSUER_DISABLED: 'error',
      FIC_SUBJECT_CASE_MISMATCH: 'error',
      IDENTITY_UNUSED: 'info',
      POD_LEGACY_POD_IDENTITY: 'info',
      POD_NOT_INJECTED: 'error',
    };
    expect(Object.fromEntries(FINDING_CODES.map((c) => [c.code, c.severity]))).toEqual(expected);
    expect(FINDING_CODES).toHaveLength(17);
  });
});

describe('a healthy set-up', () => {
  it('has no findings', () => {
    const { cluster, azure } = aHealthyWorld();
    expect(run(cluster, azure)).toEqual([]);
  });

  it('has none for SAs without workload identity, system pods and FICs of other issuers', () => {
    const { cluster, azure } = world({
      cluster: {
        serviceAccounts: [
          ...aHealthyWorld().cluster.serviceAccounts,
          aServiceAccount({ namespace: 'kube-system', name: 'coredns' }),
          aServiceAccount({ namespace: 'kube-system', name: 'azure-policy', clientId: OTHER_CLIENT_ID }),
          aServiceAccount({ namespace: 'web', name: 'default' }),
        ],
        pods: [
          aPod({ clientId: CLIENT_ID }),
          aPod({ namespace: 'kube-system', name: 'coredns-5d78c9869d-abcde', serviceAccountName: 'coredns', labels: {} }),
          aPod({ namespace: 'kube-system', name: 'azure-policy-6f9c8d7b5-qwert', serviceAccountName: 'azure-policy', labels: {} }),
          aPod({ namespace: 'web', name: 'frontend-6f9c8d7b5-qwert', serviceAccountName: 'default', labels: {} }),
        ],
      },
      azure: {
        identities: [aManagedIdentity(), aManagedIdentity({ name: 'id-policy', clientId: OTHER_CLIENT_ID, principalId: 'p2' })],
        federatedCredentials: [
          aFederatedCredential(),
          aFederatedCredential({ ownerClientId: OTHER_CLIENT_ID, name: 'policy', subject: serviceAccountSubject('kube-system', 'azure-policy') }),
          aFederatedCredential({ name: 'github-main', issuer: GITHUB_ISSUER, subject: 'repo:contoso/shop:ref:refs/heads/main' }),
          aFederatedCredential({ name: 'github-env', issuer: GITHUB_ISSUER, subject: 'repo:contoso/shop:environment:prod', audiences: ['api://AzureADTokenExchange'] }),
          // Another cluster the snapshot does not show: its subjects and SAs are not ours to judge.
          aFederatedCredential({ name: 'elsewhere', issuer: 'https://oidc.prod-aks.azure.com/0000-elsewhere/', subject: 'system:serviceaccount:x:gone' }),
        ],
      },
    });
    expect(run(cluster, azure)).toEqual([]);
  });
});

describe('POD_MISSING_USE_LABEL', () => {
  it('reports a pod of an annotated SA without the label, with a template patch (a label on a running pod does nothing)', () => {
    const { cluster, azure } = world({ cluster: { pods: [aPod({ labels: { 'pod-template-hash': '7d9f8b6c5d' } })] } });
    const [f] = only(run(cluster, azure), 'POD_MISSING_USE_LABEL');
    expect(f).toMatchObject({ severity: 'error', refs: ['pod:shop/checkout-7d9f8b6c5d-x2x4z', 'sa:shop/checkout'] });
    expect(f!.message).toContain('webhook acts on pod creation only');
    expect(f!.fix!.commands).toEqual([
      `kubectl patch deployment checkout -n shop --type merge -p '{"spec":{"template":{"metadata":{"labels":{"azure.workload.identity/use":"true"}}}}}'`,
    ]);
  });

  it('names the cluster as kubectl --context when the map has several clusters (a fix must not act on the current one)', () => {
    const { cluster, azure } = aTwoClusterWorld();
    cluster.pods = [aPod({ cluster: OTHER_CLUSTER, labels: { 'pod-template-hash': '7d9f8b6c5d' } })];
    const [f] = only(run(cluster, azure), 'POD_MISSING_USE_LABEL');
    expect(f!.refs[0]).toBe(`pod:${OTHER_CLUSTER}:shop/checkout-7d9f8b6c5d-x2x4z`);
    expect(f!.fix!.commands).toEqual([
      `kubectl --context ${OTHER_CLUSTER} patch deployment checkout -n shop --type merge -p '{"spec":{"template":{"metadata":{"labels":{"azure.workload.identity/use":"true"}}}}}'`,
    ]);
  });

  it('gives a credential for a missing service account the --context of the cluster whose issuer it names, and leaves az commands alone', () => {
    const { cluster, azure } = aTwoClusterWorld();
    azure.federatedCredentials.push(aFederatedCredential({ name: 'gone', issuer: OTHER_ISSUER, subject: 'system:serviceaccount:shop:gone' }));
    const [f] = only(run(cluster, azure), 'FIC_SUBJECT_NO_SERVICE_ACCOUNT');
    const kubectl = f!.fix!.commands.filter((c) => c.startsWith('kubectl '));
    expect(kubectl.length).toBeGreaterThan(0);
    for (const c of kubectl) expect(c).toMatch(new RegExp(`^kubectl --context ${OTHER_CLUSTER} `));
    for (const c of f!.fix!.commands.filter((x) => x.startsWith('az '))) expect(c).not.toContain('--context');
  });

  it('gives the kubectl annotate of IDENTITY_UNUSED the context of its cluster', () => {
    const { cluster, azure } = aTwoClusterWorld();
    cluster.serviceAccounts = cluster.serviceAccounts.map((sa) => (sa.cluster === OTHER_CLUSTER ? aServiceAccount({ cluster: OTHER_CLUSTER }) : sa));
    cluster.pods = cluster.pods.filter((p) => p.cluster !== OTHER_CLUSTER);
    const [f] = only(run(cluster, azure), 'IDENTITY_UNUSED');
    expect(f!.fix!.commands.find((c) => c.startsWith('kubectl '))).toMatch(new RegExp(`^kubectl --context ${OTHER_CLUSTER} annotate serviceaccount`));
  });

  it('names the one cluster as --context when it was read through a context named in IDLENS_KUBE_CONTEXTS (kubectl may be on another)', () => {
    const labels = { 'pod-template-hash': '7d9f8b6c5d' };
    const { cluster, azure } = world({ cluster: { clusters: [aCluster({ kubeContext: CLUSTER })], pods: [aPod({ labels })] } });
    const [f] = only(run(cluster, azure), 'POD_MISSING_USE_LABEL');
    expect(f!.fix!.commands[0]).toMatch(new RegExp(`^kubectl --context ${CLUSTER} patch deployment checkout -n shop `));
    // FIC findings, whose refs name no cluster, are about that one cluster too.
    azure.federatedCredentials.push(aFederatedCredential({ name: 'gone', subject: 'system:serviceaccount:shop:gone' }));
    const [stale] = only(run(cluster, azure), 'FIC_SUBJECT_NO_SERVICE_ACCOUNT');
    for (const c of stale!.fix!.commands.filter((x) => x.startsWith('kubectl '))) expect(c).toMatch(new RegExp(`^kubectl --context ${CLUSTER} `));
    // Read through kubectl's current context: nothing to name.
    const current = world({ cluster: { pods: [aPod({ labels })] } });
    expect(only(run(current.cluster, current.azure), 'POD_MISSING_USE_LABEL')[0]!.fix!.commands[0]).toMatch(/^kubectl patch /);
  });

  it("picks the right cluster when one cluster's name begins with another's (contexts may hold ':')", () => {
    const prefixed = `${CLUSTER}:eu`;
    const cluster = aClusterSnapshot({
      clusters: [aCluster(), aCluster({ name: prefixed, issuer: OTHER_ISSUER })],
      serviceAccounts: [aServiceAccount({ clientId: CLIENT_ID }), aServiceAccount({ cluster: prefixed, clientId: CLIENT_ID })],
      pods: [aPod({ cluster: prefixed, labels: { 'pod-template-hash': '7d9f8b6c5d' } })],
    });
    const azure = anAzureSnapshot({ identities: [aManagedIdentity()], federatedCredentials: [aFederatedCredential(), aFederatedCredential({ name: 'eu', issuer: OTHER_ISSUER })] });
    const [f] = only(run(cluster, azure), 'POD_MISSING_USE_LABEL');
    expect(f!.fix!.commands[0]).toMatch(/^kubectl --context aks-prod:eu patch /);
  });

  it('treats a label value other than exactly "true" as missing and says so', () => {
    const { cluster, azure } = world({ cluster: { pods: [aPod({ labels: { [WI.useLabel]: 'True', 'pod-template-hash': '7d9f8b6c5d' } })] } });
    expect(only(run(cluster, azure), 'POD_MISSING_USE_LABEL')[0]!.message).toContain('"True"');
  });

  it('groups the replicas of one Deployment into one finding', () => {
    const labels = { 'pod-template-hash': '7d9f8b6c5d' };
    const pods = ['aaaaa', 'bbbbb', 'ccccc'].map((s) => aPod({ name: `checkout-7d9f8b6c5d-${s}`, labels }));
    const found = only(run(world({ cluster: { pods } }).cluster, aHealthyWorld().azure), 'POD_MISSING_USE_LABEL');
    expect(found).toHaveLength(1);
    expect(found[0]!.refs.filter((r) => r.startsWith('pod:'))).toHaveLength(3);
  });

  it('says to find the controller when the pod name does not tell it', () => {
    const { cluster, azure } = world({ cluster: { pods: [aPod({ name: 'debug', labels: {} })] } });
    const [f] = only(run(cluster, azure), 'POD_MISSING_USE_LABEL');
    expect(f!.fix!.commands[0]).toContain('kubectl get pod debug -n shop -o');
    expect(f!.fix!.description).toContain('recreate the pod');
  });

  it('is not reported for labelled pods, system namespaces, or pods wired by hand', () => {
    const handWired = aPod({ clientId: CLIENT_ID, labels: {} });
    const system = aPod({ namespace: 'kube-system', name: 'agent-5d78c9869d-abcde', serviceAccountName: 'agent', labels: {} });
    const { cluster, azure } = world({
      cluster: {
        serviceAccounts: [...aHealthyWorld().cluster.serviceAccounts, aServiceAccount({ namespace: 'kube-system', name: 'agent', clientId: CLIENT_ID })],
        pods: [aPod({ clientId: CLIENT_ID }), handWired, system],
      },
    });
    expect(only(run(cluster, azure), 'POD_MISSING_USE_LABEL')).toEqual([]);
  });
});

describe('SA_CLIENT_ID_UNKNOWN', () => {
  it('reports an annotation naming no identity or application seen', () => {
    const { cluster, azure } = world({
      cluster: { serviceAccounts: [aServiceAccount({ clientId: OTHER_CLIENT_ID })], pods: [aPod({ clientId: OTHER_CLIENT_ID })] },
    });
    const [f] = only(run(cluster, azure), 'SA_CLIENT_ID_UNKNOWN');
    expect(f).toMatchObject({ severity: 'warning', refs: ['sa:shop/checkout'], aadsts: 'AADSTS700016' });
    // The identity with a FIC for exactly this SA is the likely intended one.
    expect(f!.fix!.commands[0]).toBe(`kubectl annotate serviceaccount -n shop checkout azure.workload.identity/client-id=${CLIENT_ID} --overwrite`);
    expect(f!.fix!.commands[1]).toBe('kubectl rollout restart deployment/checkout -n shop');
  });

  it('is not claimed when Azure could not be read, nor for an app registration seen', () => {
    const unknown = { serviceAccounts: [aServiceAccount({ clientId: OTHER_CLIENT_ID })], pods: [] };
    expect(only(run(aClusterSnapshot(unknown), anAzureSnapshot(), { azureAvailable: false }), 'SA_CLIENT_ID_UNKNOWN')).toEqual([]);
    // Empty Azure snapshot and no flag: treated as "not read".
    expect(only(run(aClusterSnapshot(unknown), anAzureSnapshot()), 'SA_CLIENT_ID_UNKNOWN')).toEqual([]);
    const app = anApplication({ appId: OTHER_CLIENT_ID });
    expect(only(run(aClusterSnapshot(unknown), anAzureSnapshot({ applications: [app] })), 'SA_CLIENT_ID_UNKNOWN')).toEqual([]);
  });

  it('is not claimed when some managed identities were not read (the ID may be one of them)', () => {
    const { cluster, azure } = world({
      cluster: { serviceAccounts: [aServiceAccount({ clientId: OTHER_CLIENT_ID })], pods: [aPod({ clientId: OTHER_CLIENT_ID })] },
    });
    expect(only(run(cluster, { ...azure, identitiesUnread: true }), 'SA_CLIENT_ID_UNKNOWN')).toEqual([]);
    expect(only(run(cluster, azure), 'SA_CLIENT_ID_UNKNOWN')).toHaveLength(1);
  });

  it("says a client ID may be an unread app registration's when only the applications were not read (a mistyped identity still shows)", () => {
    const { cluster, azure } = world({
      cluster: { serviceAccounts: [aServiceAccount({ clientId: OTHER_CLIENT_ID })], pods: [aPod({ clientId: OTHER_CLIENT_ID })] },
    });
    const [f] = only(run(cluster, { ...azure, applicationsUnread: true }), 'SA_CLIENT_ID_UNKNOWN');
    expect(f!.message).toContain(`which is no managed identity idlens read; the app registrations could not be read, so it may be one of them`);
    expect(only(run(cluster, azure), 'SA_CLIENT_ID_UNKNOWN')[0]!.message).toContain('but no managed identity or app registration with that client ID was found');
  });
});

describe('SA_NO_MATCHING_FIC', () => {
  it('reports an SA whose identity has no FIC for its issuer and subject, with the create command', () => {
    const { cluster, azure } = world({
      azure: { federatedCredentials: [aFederatedCredential({ name: 'payments', subject: serviceAccountSubject('pay', 'payments') })] },
    });
    const found = run(cluster, azure);
    const [f] = only(found, 'SA_NO_MATCHING_FIC');
    expect(f).toMatchObject({ severity: 'error', refs: ['sa:shop/checkout', `identity:${CLIENT_ID}`], aadsts: 'AADSTS70021' });
    expect(f!.message).toContain('system:serviceaccount:pay:payments');
    expect(f!.fix!.commands).toEqual([
      `az identity federated-credential create --name aks-prod-shop-checkout --identity-name id-checkout --resource-group rg-shop --issuer ${ISSUER} --subject system:serviceaccount:shop:checkout --audiences api://AzureADTokenExchange`,
    ]);
    expect(codesOf(found)).not.toContain('FIC_ISSUER_MISMATCH');
  });

  it('uses az ad app for an application identity', () => {
    const app = anApplication({ appId: CLIENT_ID });
    const { cluster, azure } = world({ azure: { identities: [], applications: [app], federatedCredentials: [] } });
    const [f] = only(run(cluster, azure, { azureAvailable: true }), 'SA_NO_MATCHING_FIC');
    expect(f!.fix!.commands).toEqual([
      `az ad app federated-credential create --id ${CLIENT_ID} --parameters '{"name":"aks-prod-shop-checkout","issuer":"${ISSUER}","subject":"system:serviceaccount:shop:checkout","audiences":["api://AzureADTokenExchange"]}'`,
    ]);
  });

  it('is not reported when one FIC matches exactly', () => {
    const { cluster, azure } = aHealthyWorld();
    expect(only(run(cluster, azure), 'SA_NO_MATCHING_FIC')).toEqual([]);
  });

  it("is not reported when the identity's FICs could not be read (unknown, not none)", () => {
    const { cluster, azure } = world({ azure: { federatedCredentials: [] } });
    expect(only(run(cluster, azure), 'SA_NO_MATCHING_FIC')).toHaveLength(1);
    expect(codesOf(run(cluster, { ...azure, ficsUnreadFor: [CLIENT_ID.toUpperCase()] }))).not.toContain('SA_NO_MATCHING_FIC');
  });

  it('is not reported when a claimsMatchingExpression FIC accepts the subject', () => {
    const fic = aFederatedCredential({ subject: undefined, claimsMatchingExpression: "claims['sub'] matches 'system:serviceaccount:shop:*'" });
    const { cluster, azure } = world({ azure: { federatedCredentials: [fic] } });
    expect(only(run(cluster, azure), 'SA_NO_MATCHING_FIC')).toEqual([]);
  });
});

describe('FIC_ISSUER_MISMATCH', () => {
  it('reports a FIC with the SA subject whose issuer lacks the trailing slash, and not also SA_NO_MATCHING_FIC', () => {
    const fic = aFederatedCredential({ issuer: ISSUER.replace(/\/$/, '') });
    const { cluster, azure } = world({ azure: { federatedCredentials: [fic] } });
    const found = run(cluster, azure);
    expect(codesOf(found)).toEqual(['FIC_ISSUER_MISMATCH']);
    const [f] = found;
    expect(f).toMatchObject({ refs: [`fic:${CLIENT_ID}/aks-prod-shop-checkout`, 'sa:shop/checkout', `identity:${CLIENT_ID}`], aadsts: 'AADSTS700211' });
    expect(f!.message).toContain('trailing "/"');
    expect(f!.fix!.commands[0]).toContain(`az identity federated-credential update --name aks-prod-shop-checkout --identity-name id-checkout --resource-group rg-shop --issuer ${ISSUER} `);
  });

  it("names AADSTS700213 when another FIC of the identity has the cluster's exact issuer (Entra finds the issuer, not the subject)", () => {
    const broken = aFederatedCredential({ issuer: ISSUER.replace(/\/$/, '') });
    const other = aFederatedCredential({ name: 'orders', subject: 'system:serviceaccount:shop:orders' });
    const { cluster, azure } = world({ azure: { federatedCredentials: [broken, other] } });
    const [f] = only(run(cluster, azure), 'FIC_ISSUER_MISMATCH');
    expect(f).toMatchObject({ aadsts: 'AADSTS700213' });
    expect(f!.message).toContain('fails with AADSTS700213');
    expect(f!.message).not.toContain('AADSTS700211');
  });

  it('reports a FIC with the subject and an issuer of no shown cluster (an old cluster), suggesting a new FIC', () => {
    const fic = aFederatedCredential({ name: 'old-cluster', issuer: 'https://oidc.prod-aks.azure.com/deleted-cluster/' });
    const { cluster, azure } = world({ azure: { federatedCredentials: [fic] } });
    const [f] = only(run(cluster, azure), 'FIC_ISSUER_MISMATCH');
    expect(f!.fix!.commands[0]).toContain('az identity federated-credential create');
  });

  it('is not reported for one identity federated with two clusters (same subject, other issuers, one exact match each)', () => {
    const { cluster, azure } = aTwoClusterWorld();
    expect(run(cluster, azure)).toEqual([]);
  });

  it('reports the missing FIC (not an issuer mismatch) when the other issuer belongs to another shown cluster', () => {
    const cluster = aClusterSnapshot({
      clusters: [aCluster(), aCluster({ name: OTHER_CLUSTER, issuer: OTHER_ISSUER })],
      serviceAccounts: [aServiceAccount({ clientId: CLIENT_ID }), aServiceAccount({ cluster: OTHER_CLUSTER, clientId: CLIENT_ID })],
      pods: [],
    });
    const azure = anAzureSnapshot({ identities: [aManagedIdentity()], federatedCredentials: [aFederatedCredential()] });
    const found = run(cluster, azure);
    expect(codesOf(found)).toEqual(['SA_NO_MATCHING_FIC']);
    expect(found[0]!.refs[0]).toBe(`sa:${OTHER_CLUSTER}:shop/checkout`);
    expect(found[0]!.message).toContain('each cluster');
  });
});

describe('FIC_AUDIENCE_INVALID', () => {
  it('reports a FIC of a cluster issuer without api://AzureADTokenExchange', () => {
    const fic = aFederatedCredential({ audiences: ['api://azureadtokenexchange'] });
    const { cluster, azure } = world({ azure: { federatedCredentials: [fic] } });
    const [f] = only(run(cluster, azure), 'FIC_AUDIENCE_INVALID');
    expect(f).toMatchObject({ severity: 'error', aadsts: 'AADSTS700212' });
    // The service account whose exchange it breaks carries the finding too (it would look healthy otherwise).
    expect(f!.refs).toEqual([`fic:${CLIENT_ID}/aks-prod-shop-checkout`, `identity:${CLIENT_ID}`, 'sa:shop/checkout']);
    expect(f!.message).toContain('for service account shop/checkout');
    expect(f!.message).toContain('upper/lower case');
    expect(f!.fix!.commands[0]).toMatch(/--audiences api:\/\/AzureADTokenExchange$/);
  });

  it('is not reported for other issuers, nor when a pod projects its token with the FIC audience', () => {
    const custom = aFederatedCredential({ audiences: ['https://custom.example/audience'] });
    const pod = aPod({ clientId: CLIENT_ID, projectedTokens: [{ volumeName: 'token', audience: 'https://custom.example/audience' }] });
    const other = aFederatedCredential({ name: 'aws-ish', issuer: GITHUB_ISSUER, subject: 'repo:a/b:ref:refs/heads/main', audiences: ['sts.amazonaws.com'] });
    const { cluster, azure } = world({ cluster: { pods: [pod] }, azure: { federatedCredentials: [custom, other] } });
    expect(only(run(cluster, azure), 'FIC_AUDIENCE_INVALID')).toEqual([]);
  });
});

describe('FIC_SUBJECT_NO_SERVICE_ACCOUNT', () => {
  it('reports a FIC for this cluster naming an SA that does not exist', () => {
    const stale = aFederatedCredential({ name: 'gone', subject: serviceAccountSubject('shop', 'legacy-worker') });
    const { cluster, azure } = world({ azure: { federatedCredentials: [aFederatedCredential(), stale] } });
    const found = run(cluster, azure);
    expect(codesOf(found)).toEqual(['FIC_SUBJECT_NO_SERVICE_ACCOUNT']);
    expect(found[0]!.fix!.commands).toContain('kubectl create serviceaccount -n shop legacy-worker');
    expect(found[0]!.fix!.commands).toContain('az identity federated-credential delete --name gone --identity-name id-checkout --resource-group rg-shop --yes');
  });

  it('is not reported for GitHub Actions FICs, other clusters, or when the SAs were not read', () => {
    const github = aFederatedCredential({ name: 'gh', issuer: GITHUB_ISSUER, subject: 'repo:contoso/shop:ref:refs/heads/main' });
    const otherCluster = aFederatedCredential({ name: 'dr', issuer: OTHER_ISSUER, subject: serviceAccountSubject('shop', 'nothing-here') });
    const { azure } = world({ azure: { federatedCredentials: [aFederatedCredential(), github, otherCluster] } });
    expect(only(run(aHealthyWorld().cluster, azure), 'FIC_SUBJECT_NO_SERVICE_ACCOUNT')).toEqual([]);
    // Issuer known, SA list missing (e.g. kubernetes.json absent): nothing can be said.
    const notRead = aClusterSnapshot({ serviceAccounts: [], pods: [] });
    expect(run(notRead, azure)).toEqual([]);
  });
});

describe('FIC_SUBJECT_MALFORMED', () => {
  it('reports a FIC for a cluster issuer whose subject is not system:serviceaccount:<ns>:<name>, guessing the intent', () => {
    const fic = aFederatedCredential({ name: 'typo', subject: 'system:serviceaccounts:shop:checkout' });
    const { cluster, azure } = world({ azure: { federatedCredentials: [aFederatedCredential(), fic] } });
    const found = run(cluster, azure);
    expect(codesOf(found)).toEqual(['FIC_SUBJECT_MALFORMED']);
    expect(found[0]!.message).toContain('system:serviceaccount:shop:checkout');
    expect(found[0]!.fix!.commands[0]).toContain('--subject system:serviceaccount:shop:checkout');
  });

  it('is not reported for subjects of non-Kubernetes issuers', () => {
    const fic = aFederatedCredential({ name: 'gh', issuer: GITHUB_ISSUER, subject: 'repo:contoso/shop:pull_request' });
    const { cluster, azure } = world({ azure: { federatedCredentials: [aFederatedCredential(), fic] } });
    expect(run(cluster, azure)).toEqual([]);
  });
});

/** A pod the webhook mutated although its SA has no client-id annotation: token file and projected token, no AZURE_CLIENT_ID. */
const injectedWithoutClientId = (overrides: Parameters<typeof aPod>[0] = {}) =>
  aPod({
    containers: [{ name: 'app', env: { AZURE_TENANT_ID: TENANT, AZURE_FEDERATED_TOKEN_FILE: '/var/run/secrets/azure/tokens/azure-identity-token' } }],
    projectedTokens: [{ volumeName: 'azure-identity-token', audience: WI.tokenExchangeAudience, expirationSeconds: 3600 }],
    ...overrides,
  });

describe('POD_LABEL_SA_NOT_ANNOTATED', () => {
  it('reports a labelled pod whose SA has no client-id annotation', () => {
    const { cluster, azure } = world({ cluster: { serviceAccounts: [aServiceAccount()], pods: [injectedWithoutClientId()] } });
    const found = only(run(cluster, azure), 'POD_LABEL_SA_NOT_ANNOTATED');
    expect(found).toHaveLength(1);
    // The FIC for exactly this SA names the identity to use.
    expect(found[0]!.fix!.commands).toEqual([
      `kubectl annotate serviceaccount -n shop checkout azure.workload.identity/client-id=${CLIENT_ID} --overwrite`,
      'kubectl rollout restart deployment/checkout -n shop',
    ]);
  });

  it('is not reported when the container sets AZURE_CLIENT_ID itself, or when the pod is not labelled', () => {
    const { cluster, azure } = world({
      cluster: { serviceAccounts: [aServiceAccount()], pods: [aPod({ clientId: CLIENT_ID }), aPod({ name: 'batch', labels: {} })] },
    });
    expect(only(run(cluster, azure), 'POD_LABEL_SA_NOT_ANNOTATED')).toEqual([]);
  });
});

describe('POD_NOT_INJECTED', () => {
  const annotated = aServiceAccount({ clientId: CLIENT_ID });
  it('reports labelled replicas the webhook never mutated (no token file, no projected token) as one finding, with the webhook check and a restart', () => {
    const pods = [aPod(), aPod({ name: 'checkout-7d9f8b6c5d-q8w2e' })];
    const { cluster, azure } = world({ cluster: { serviceAccounts: [annotated], pods } });
    const found = only(run(cluster, azure), 'POD_NOT_INJECTED');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: 'error', refs: ['pod:shop/checkout-7d9f8b6c5d-x2x4z', 'pod:shop/checkout-7d9f8b6c5d-q8w2e', 'sa:shop/checkout'] });
    expect(found[0]!.message).toContain('(2 pods) is labelled azure.workload.identity/use: "true", yet nothing was injected');
    expect(found[0]!.fix!.commands).toEqual([
      'kubectl get mutatingwebhookconfigurations -l azure-workload-identity.io/system=true',
      'kubectl get pods -A -l azure-workload-identity.io/system=true',
      'kubectl rollout restart deployment/checkout -n shop',
    ]);
  });

  it('is not reported for a mutated pod, a pod whose containers are all skipped (the token volume is still there), a hand-wired pod, or an unlabelled one', () => {
    const exchangeToken = { volumeName: 'azure-identity-token', audience: WI.tokenExchangeAudience, expirationSeconds: 3600 };
    const pods = [
      aPod({ clientId: CLIENT_ID }),
      aPod({ name: 'skipped-7d9f8b6c5d-aaaaa', annotations: { [WI.skipContainers]: 'app' }, projectedTokens: [exchangeToken] }),
      aPod({ name: 'by-hand-7d9f8b6c5d-bbbbb', containers: [{ name: 'app', env: { AZURE_FEDERATED_TOKEN_FILE: '/token' } }] }),
      aPod({ name: 'plain-7d9f8b6c5d-ccccc', labels: {} }),
    ];
    const { cluster, azure } = world({ cluster: { serviceAccounts: [annotated], pods } });
    expect(only(run(cluster, azure), 'POD_NOT_INJECTED')).toEqual([]);
  });

  it('is reported without the SA (not read) and, when the SA lacks its annotation, instead of POD_LABEL_SA_NOT_ANNOTATED, saying to annotate first', () => {
    const orphan = aPod({ name: 'orphan-7d9f8b6c5d-ddddd', serviceAccountName: 'gone' });
    const { cluster, azure } = world({ cluster: { serviceAccounts: [aServiceAccount()], pods: [aPod(), orphan] } });
    const found = run(cluster, azure);
    expect(codesOf(found)).not.toContain('POD_LABEL_SA_NOT_ANNOTATED');
    const notInjected = only(found, 'POD_NOT_INJECTED');
    expect(notInjected.map((f) => f.refs)).toEqual(
      expect.arrayContaining([['pod:shop/checkout-7d9f8b6c5d-x2x4z', 'sa:shop/checkout'], ['pod:shop/orphan-7d9f8b6c5d-ddddd']]),
    );
    const withSa = notInjected.find((f) => f.refs.includes('sa:shop/checkout'))!;
    expect(withSa.message).toContain('Its service account shop/checkout has no azure.workload.identity/client-id annotation either: annotate it first');
  });

  it('deletes only the unmutated replicas when their siblings were injected (the webhook works now)', () => {
    const pods = [aPod({ clientId: CLIENT_ID, projectedTokens: [{ volumeName: 'azure-identity-token', audience: WI.tokenExchangeAudience }] }), aPod({ name: 'checkout-7d9f8b6c5d-q8w2e' })];
    const { cluster, azure } = world({ cluster: { serviceAccounts: [annotated], pods } });
    const [f] = only(run(cluster, azure), 'POD_NOT_INJECTED');
    expect(f!.refs).toEqual(['pod:shop/checkout-7d9f8b6c5d-q8w2e', 'sa:shop/checkout']);
    expect(f!.message).toContain('1 of the 2 pods of deployment shop/checkout (checkout-7d9f8b6c5d-q8w2e) is labelled');
    expect(f!.message).toContain('the webhook works now');
    expect(f!.fix!.commands).toEqual(['kubectl delete pod -n shop checkout-7d9f8b6c5d-q8w2e']);
  });

  it('is not fooled by a projected token for another audience (the default kube-api-access one)', () => {
    const pods = [aPod({ projectedTokens: [{ volumeName: 'kube-api-access-x1y2z', audience: undefined, expirationSeconds: 3607 }] })];
    const { cluster, azure } = world({ cluster: { serviceAccounts: [annotated], pods } });
    expect(only(run(cluster, azure), 'POD_NOT_INJECTED')).toHaveLength(1);
  });
});

describe('SA_TENANT_MISMATCH', () => {
  it("reports an SA tenant annotation that differs from the identity's tenant", () => {
    const sa = aServiceAccount({ clientId: CLIENT_ID, annotations: { [WI.tenantId]: OTHER_TENANT } });
    const { cluster, azure } = world({ cluster: { serviceAccounts: [sa] } });
    const [f] = only(run(cluster, azure), 'SA_TENANT_MISMATCH');
    expect(f).toMatchObject({ severity: 'error', aadsts: 'AADSTS700016' });
    expect(f!.fix!.commands[0]).toBe(`kubectl annotate serviceaccount -n shop checkout azure.workload.identity/tenant-id=${TENANT} --overwrite`);
  });

  it("reports the webhook's default tenant when the SA has no annotation", () => {
    const { cluster, azure } = world({ cluster: { clusters: [aCluster({ webhookTenantId: OTHER_TENANT })] } });
    expect(only(run(cluster, azure), 'SA_TENANT_MISMATCH')[0]!.message).toContain('azure-wi-webhook-config');
  });

  it('is not reported for the same tenant written in upper case', () => {
    const sa = aServiceAccount({ clientId: CLIENT_ID, annotations: { [WI.tenantId]: TENANT.toUpperCase() } });
    const { cluster, azure } = world({ cluster: { serviceAccounts: [sa], clusters: [aCluster({ webhookTenantId: TENANT })] } });
    expect(run(cluster, azure)).toEqual([]);
  });
});

describe('SA_TOKEN_EXPIRATION_INVALID', () => {
  it.each(['600', '86401', 'one-hour', '3600s'])('reports an SA annotation of %s', (value) => {
    const sa = aServiceAccount({ clientId: CLIENT_ID, annotations: { [WI.tokenExpiration]: value } });
    const { cluster, azure } = world({ cluster: { serviceAccounts: [sa] } });
    const [f] = only(run(cluster, azure), 'SA_TOKEN_EXPIRATION_INVALID');
    expect(f!.refs).toEqual(['sa:shop/checkout']);
    expect(f!.fix!.commands[0]).toBe('kubectl annotate serviceaccount -n shop checkout azure.workload.identity/service-account-token-expiration=3600 --overwrite');
  });

  it('reports a pod annotation out of range with a pod-template patch', () => {
    const pod = aPod({ clientId: CLIENT_ID, annotations: { [WI.tokenExpiration]: '100000' } });
    const { cluster, azure } = world({ cluster: { pods: [pod] } });
    const [f] = only(run(cluster, azure), 'SA_TOKEN_EXPIRATION_INVALID');
    expect(f!.refs).toEqual(['pod:shop/checkout-7d9f8b6c5d-x2x4z']);
    expect(f!.fix!.commands[0]).toContain(`kubectl patch deployment checkout -n shop --type merge -p`);
  });

  it('accepts the bounds 3600 and 86400', () => {
    const sa = aServiceAccount({ clientId: CLIENT_ID, annotations: { [WI.tokenExpiration]: '86400' } });
    const pod = aPod({ clientId: CLIENT_ID, annotations: { [WI.tokenExpiration]: '3600' } });
    const { cluster, azure } = world({ cluster: { serviceAccounts: [sa], pods: [pod] } });
    expect(run(cluster, azure)).toEqual([]);
  });
});

describe('FIC_LIMIT_NEAR', () => {
  const ficsOnIdentity = (count: number) => [
    aFederatedCredential(),
    ...Array.from({ length: count - 1 }, (_, i) => aFederatedCredential({ name: `gh-${i}`, issuer: GITHUB_ISSUER, subject: `repo:contoso/app${i}:ref:refs/heads/main` })),
  ];

  it('reports an identity with 18 of 20 FICs', () => {
    const { cluster, azure } = world({ azure: { federatedCredentials: ficsOnIdentity(18) } });
    const [f] = only(run(cluster, azure), 'FIC_LIMIT_NEAR');
    expect(f!.refs[0]).toBe(`identity:${CLIENT_ID}`);
    expect(f!.message).toContain('18 of the 20');
    expect(f!.fix!.commands).toEqual(['az identity federated-credential list --identity-name id-checkout --resource-group rg-shop -o table']);
  });

  it('is not reported at 17', () => {
    const { cluster, azure } = world({ azure: { federatedCredentials: ficsOnIdentity(17) } });
    expect(run(cluster, azure)).toEqual([]);
  });
});

describe('POD_STALE_CLIENT_ID', () => {
  it("reports a pod whose injected AZURE_CLIENT_ID is not the SA's current annotation, with a rollout restart", () => {
    const { cluster, azure } = world({ cluster: { pods: [aPod({ clientId: OTHER_CLIENT_ID })] } });
    const [f] = only(run(cluster, azure), 'POD_STALE_CLIENT_ID');
    expect(f).toMatchObject({ severity: 'warning' });
    expect(f!.message).toContain(OTHER_CLIENT_ID);
    expect(f!.fix!.commands).toEqual(['kubectl rollout restart deployment/checkout -n shop']);
  });

  it('is not reported for the same ID in another case, nor for a skipped container', () => {
    const skipped = aPod({ clientId: OTHER_CLIENT_ID, annotations: { [WI.skipContainers]: 'app' } });
    const upper = aPod({ name: 'checkout-7d9f8b6c5d-zzzzz', clientId: CLIENT_ID.toUpperCase() });
    const { cluster, azure } = world({ cluster: { pods: [skipped, upper] } });
    expect(run(cluster, azure)).toEqual([]);
  });
});

describe('CLUSTER_OIDC_ISSUER_DISABLED', () => {
  it.each([WI.disabledIssuer, 'http://issuer.example.com/', 'https://10.0.0.5/', 'https://oidc.kube-system.svc/', 'https://localhost:6443'])(
    'reports issuer %s while SAs use workload identity, instead of one FIC finding per SA',
    (issuer) => {
      const { cluster, azure } = world({ cluster: { clusters: [aCluster({ issuer })] } });
      const found = run(cluster, azure);
      expect(codesOf(found)).toEqual(['CLUSTER_OIDC_ISSUER_DISABLED']);
      expect(found[0]!.refs).toEqual([`cluster:${CLUSTER}`, 'sa:shop/checkout']);
      expect(found[0]!.message).toContain('so the service account using workload identity here fails the token exchange');
      expect(found[0]!.fix!.commands[0]).toBe(
        `az aks update -g "$AKS_RESOURCE_GROUP" -n ${CLUSTER} --enable-oidc-issuer --enable-workload-identity`,
      );
    },
  );

  it('is not reported for a public AKS issuer, nor when no SA uses workload identity', () => {
    const { cluster, azure } = aHealthyWorld();
    expect(run(cluster, azure)).toEqual([]);
    const unused = aClusterSnapshot({ clusters: [aCluster({ issuer: WI.disabledIssuer })], serviceAccounts: [aServiceAccount()] });
    expect(run(unused, anAzureSnapshot())).toEqual([]);
  });
});

describe('FIC_SUBJECT_CASE_MISMATCH', () => {
  it('reports a subject equal only when case is ignored, once, instead of SA_NO_MATCHING_FIC', () => {
    const fic = aFederatedCredential({ subject: 'system:serviceaccount:Shop:checkout' });
    const { cluster, azure } = world({ azure: { federatedCredentials: [fic] } });
    const found = run(cluster, azure);
    expect(codesOf(found)).toEqual(['FIC_SUBJECT_CASE_MISMATCH']);
    expect(found[0]).toMatchObject({ aadsts: 'AADSTS7002138', refs: [`fic:${CLIENT_ID}/aks-prod-shop-checkout`, 'sa:shop/checkout', `identity:${CLIENT_ID}`] });
    expect(found[0]!.fix!.commands[0]).toContain('--subject system:serviceaccount:shop:checkout');
  });

  it('is not reported when the subject matches exactly', () => {
    const { cluster, azure } = aHealthyWorld();
    expect(only(run(cluster, azure), 'FIC_SUBJECT_CASE_MISMATCH')).toEqual([]);
  });
});

describe('IDENTITY_UNUSED', () => {
  it('reports an identity federated with this cluster that no SA references, offering to annotate the SA its FIC names', () => {
    const { cluster, azure } = world({ cluster: { serviceAccounts: [aServiceAccount()], pods: [] } });
    const found = run(cluster, azure);
    expect(codesOf(found)).toEqual(['IDENTITY_UNUSED']);
    expect(found[0]).toMatchObject({ severity: 'info', refs: [`identity:${CLIENT_ID}`, `fic:${CLIENT_ID}/aks-prod-shop-checkout`] });
    expect(found[0]!.fix!.commands[0]).toBe(`kubectl annotate serviceaccount -n shop checkout azure.workload.identity/client-id=${CLIENT_ID} --overwrite`);
  });

  it('is not reported when an SA references it, or when its FICs are for other issuers only', () => {
    expect(only(run(aHealthyWorld().cluster, aHealthyWorld().azure), 'IDENTITY_UNUSED')).toEqual([]);
    const gh = aFederatedCredential({ issuer: GITHUB_ISSUER, subject: 'repo:contoso/shop:ref:refs/heads/main' });
    const { cluster, azure } = world({ cluster: { serviceAccounts: [aServiceAccount()], pods: [] }, azure: { federatedCredentials: [gh] } });
    expect(run(cluster, azure)).toEqual([]);
  });
});

describe('POD_LEGACY_POD_IDENTITY', () => {
  it('reports a pod labelled aadpodidbinding, with the migration patch', () => {
    const pod = aPod({ clientId: CLIENT_ID, labels: { [WI.useLabel]: 'true', 'pod-template-hash': '7d9f8b6c5d', aadpodidbinding: 'checkout-binding' } });
    const { cluster, azure } = world({ cluster: { pods: [pod] } });
    const found = run(cluster, azure);
    expect(codesOf(found)).toEqual(['POD_LEGACY_POD_IDENTITY']);
    expect(found[0]!.severity).toBe('info');
    expect(found[0]!.fix!.commands[0]).toContain('"aadpodidbinding":null');
  });

  it('is not reported without that label', () => {
    const { cluster, azure } = aHealthyWorld();
    expect(only(run(cluster, azure), 'POD_LEGACY_POD_IDENTITY')).toEqual([]);
  });
});

describe('without the Azure side', () => {
  it('skips every Azure-dependent code but still reports cluster-only ones', () => {
    const broken = aFederatedCredential({ issuer: ISSUER.slice(0, -1), audiences: ['wrong'] });
    const { cluster } = world({ cluster: { pods: [aPod({ labels: {} })] } });
    const found = run(cluster, anAzureSnapshot({ federatedCredentials: [broken] }), { azureAvailable: false });
    expect(codesOf(found)).toEqual(['POD_MISSING_USE_LABEL']);
  });

  it('orders findings by severity', () => {
    // The legacy label is seen first, the missing use label second: errors still come first.
    const pod = aPod({ labels: { aadpodidbinding: 'x', 'pod-template-hash': '7d9f8b6c5d' } });
    const { cluster, azure } = world({ cluster: { pods: [pod] } });
    expect(run(cluster, azure).map((f) => `${f.severity} ${f.code}`)).toEqual(['error POD_MISSING_USE_LABEL', 'info POD_LEGACY_POD_IDENTITY']);
  });
});

describe('multi-cluster ids in findings', () => {
  it('prefix SA and pod refs with the cluster when the snapshot has several clusters', () => {
    const cluster = aClusterSnapshot({
      clusters: [aCluster(), aCluster({ name: OTHER_CLUSTER, issuer: OTHER_ISSUER })],
      serviceAccounts: [aServiceAccount({ clientId: CLIENT_ID })],
      pods: [aPod({ labels: { 'pod-template-hash': '7d9f8b6c5d' } })],
    });
    const [f] = only(run(cluster, aHealthyWorld().azure), 'POD_MISSING_USE_LABEL');
    expect(f!.refs).toEqual([`pod:${CLUSTER}:shop/checkout-7d9f8b6c5d-x2x4z`, `sa:${CLUSTER}:shop/checkout`]);
  });
});
