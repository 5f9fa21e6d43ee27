import { describe, expect, it } from 'vitest';
import { AADSTS_CODES, parseEntraError } from '@/lib/domain/aadsts';
import { EXPLAIN_MAX_BODY_BYTES, explainEntraError, pastedTextTooLarge, splitDifference } from '@/lib/domain/error-explanation';
import { commonPrefixLength, editDistance } from '@/lib/domain/fic-matching';
import { WI, serviceAccountSubject } from '@/lib/domain/model';
import { SAMPLE_CONSUMER, SAMPLE_ISSUER, UNKNOWN_CLIENT_ID, sampleWorld } from '@/lib/sample/world';
import {
  CLIENT_ID,
  ISSUER,
  OTHER_CLIENT_ID,
  OTHER_CLUSTER,
  OTHER_ISSUER,
  OTHER_TENANT,
  TENANT,
  aClusterSnapshot,
  aPod,
  aFederatedCredential,
  aHealthyWorld,
  aManagedIdentity,
  aServiceAccount,
  aTwoClusterWorld,
  anApplication,
  anAzureSnapshot,
} from './domain-factories';

const TRACE = '0d0a4a3c-5b1e-4f6a-9c2d-7e8f9a0b1c2d';
const CORRELATION = 'c0ffee00-1234-4abc-8def-0123456789ab';

/** An AADSTS message as Entra writes it (the shape users paste from their pod logs). */
function entraMessage({
  code = 'AADSTS70021',
  issuer = ISSUER,
  subject = serviceAccountSubject('shop', 'checkout'),
  audience = WI.tokenExchangeAudience as string,
}: { code?: string; issuer?: string; subject?: string; audience?: string } = {}) {
  return (
    `${code}: No matching federated identity record found for presented assertion. Assertion Issuer: '${issuer}'. ` +
    `Assertion Subject: '${subject}'. Assertion Audience: '${audience}'. ` +
    `https://docs.microsoft.com/en-us/azure/active-directory/develop/workload-identity-federation ` +
    `Trace ID: ${TRACE} Correlation ID: ${CORRELATION} Timestamp: 2025-01-15 10:21:07Z`
  );
}

/** The healthy world with the identity's FICs replaced. */
function withFics(...fics: ReturnType<typeof aFederatedCredential>[]) {
  const { cluster } = aHealthyWorld();
  return { cluster, azure: anAzureSnapshot({ identities: [aManagedIdentity()], federatedCredentials: fics }) };
}

describe('AADSTS_CODES', () => {
  it('holds every code of the DOMAIN.md table with meaning, cause and fix', () => {
    for (const code of ['AADSTS70021', 'AADSTS700211', 'AADSTS700212', 'AADSTS700213', 'AADSTS7002138', 'AADSTS700024', 'AADSTS90061', 'AADSTS50166', 'AADSTS501661', 'AADSTS700016', 'AADSTS700222']) {
      expect(AADSTS_CODES[code], code).toMatchObject({ code, meaning: expect.any(String), cause: expect.any(String), fix: expect.any(String) });
    }
  });
});

describe('parseEntraError', () => {
  it('reads the code, the quoted assertion, trace and correlation IDs from the plain message', () => {
    expect(parseEntraError(entraMessage())).toMatchObject({
      codes: ['AADSTS70021'],
      parsed: { issuer: ISSUER, subject: 'system:serviceaccount:shop:checkout', audience: WI.tokenExchangeAudience, traceId: TRACE, correlationId: CORRELATION, timestamp: '2025-01-15 10:21:07Z' },
    });
  });

  it('reads the lower-case "presented assertion issuer" variant and a client ID', () => {
    const text = `AADSTS700211: No matching federated identity record found for presented assertion issuer '${ISSUER}'. client_id=${CLIENT_ID}`;
    expect(parseEntraError(text)).toMatchObject({ codes: ['AADSTS700211'], parsed: { issuer: ISSUER, clientId: CLIENT_ID } });
  });

  it('reads a code in any case and names it upper case', () => {
    expect(parseEntraError(entraMessage({ code: 'aadsts70021' })).codes).toEqual(['AADSTS70021']);
    expect(parseEntraError('Aadsts700213: no matching federated identity record').codes).toEqual(['AADSTS700213']);
  });

  it('does not take a longer code for a shorter one', () => {
    expect(parseEntraError('AADSTS7002138: subject matches only when case is ignored').codes).toEqual(['AADSTS7002138']);
  });
});

describe('explainEntraError', () => {
  it('finds a trailing-slash difference in the issuer and rewrites the FIC', () => {
    const { cluster, azure } = withFics(aFederatedCredential({ issuer: ISSUER.slice(0, -1) }));
    const e = explainEntraError(entraMessage(), cluster, azure);
    expect(e.verdict).toBe('trailing-slash');
    expect(e.serviceAccount).toMatchObject({ id: 'sa:shop/checkout', clientId: CLIENT_ID });
    expect(e.codes[0]).toMatchObject({ code: 'AADSTS70021', known: true });
    expect(e.candidates[0]!.diffs).toEqual([{ field: 'issuer', presented: ISSUER, configured: ISSUER.slice(0, -1), difference: 'trailing-slash' }]);
    // No cluster has the FIC's issuer as written: it trusts no SA, but names the one it was meant for.
    expect(e.candidates[0]!.serviceAccount).toBeUndefined();
    expect(e.candidates[0]!.meantFor).toMatchObject({ id: 'sa:shop/checkout', cluster: 'aks-prod' });
    expect(e.fix!.commands[0]).toContain(`az identity federated-credential update --name aks-prod-shop-checkout --identity-name id-checkout --resource-group rg-shop --issuer ${ISSUER} `);
  });

  it('finds a case difference in the subject', () => {
    const { cluster, azure } = withFics(aFederatedCredential({ subject: 'system:serviceaccount:Shop:checkout' }));
    const e = explainEntraError(entraMessage({ code: 'AADSTS7002138' }), cluster, azure);
    expect(e.verdict).toBe('case');
    expect(e.candidates[0]!.diffs).toEqual([expect.objectContaining({ field: 'subject', difference: 'case' })]);
    expect(e.fix!.commands[0]).toContain('--subject system:serviceaccount:shop:checkout');
  });

  it('finds a namespace difference and creates a FIC rather than rewriting the one another SA uses', () => {
    const { azure } = withFics(aFederatedCredential());
    const cluster = aClusterSnapshot({ serviceAccounts: [aServiceAccount({ namespace: 'shop-staging', clientId: CLIENT_ID })] });
    const e = explainEntraError(entraMessage({ subject: serviceAccountSubject('shop-staging', 'checkout') }), cluster, azure);
    expect(e.verdict).toBe('namespace');
    expect(e.serviceAccount!.id).toBe('sa:shop-staging/checkout');
    expect(e.fix!.commands[0]).toMatch(/^az identity federated-credential create --name aks-prod-shop-staging-checkout .* --subject system:serviceaccount:shop-staging:checkout /);
  });

  it('finds a different service-account name', () => {
    const { cluster, azure } = withFics(aFederatedCredential({ subject: serviceAccountSubject('shop', 'checkout-v2') }));
    expect(explainEntraError(entraMessage(), cluster, azure).verdict).toBe('service-account-name');
  });

  it('reports a missing FIC when the identity has none for this SA, with the create command', () => {
    const { cluster, azure } = withFics();
    const e = explainEntraError(entraMessage(), cluster, azure);
    expect(e.verdict).toBe('missing-fic');
    expect(e.candidates).toEqual([]);
    expect(e.fix!.commands).toEqual([
      `az identity federated-credential create --name aks-prod-shop-checkout --identity-name id-checkout --resource-group rg-shop --issuer ${ISSUER} --subject system:serviceaccount:shop:checkout --audiences api://AzureADTokenExchange`,
    ]);
  });

  it("never calls a FIC missing when the identity's FICs could not be read, and lists them before creating one", () => {
    const { cluster, azure } = withFics();
    expect(explainEntraError(entraMessage(), cluster, azure).summary).not.toContain('could not be read');
    const e = explainEntraError(entraMessage(), cluster, { ...azure, ficsUnreadFor: [CLIENT_ID] });
    expect(e.verdict).toBe('fics-unread');
    expect(e.summary).toMatch(/^idlens could not read the federated credentials of id-checkout .*so it cannot tell whether one has issuer /);
    expect(e.summary).not.toMatch(/No FIC|Caution/);
    // `create` is an ARM PUT: a FIC of that name, unseen, would be replaced without a word.
    expect(e.fix!.commands).toEqual([
      'az identity federated-credential list -g rg-shop --identity-name id-checkout -o table',
      expect.stringMatching(/^az identity federated-credential create --name aks-prod-shop-checkout /),
    ]);
    expect(e.fix!.description).toMatch(/^First list the identity's federated credentials .* "create" replaces a credential of the same name/);
  });

  it("lists an app registration's FICs with az ad app when they could not be read", () => {
    const app = anApplication({ appId: CLIENT_ID, displayName: 'checkout-app' });
    const { cluster } = aHealthyWorld();
    const e = explainEntraError(entraMessage(), cluster, anAzureSnapshot({ applications: [app], ficsUnreadFor: [CLIENT_ID] }));
    expect(e.verdict).toBe('fics-unread');
    expect(e.fix!.commands[0]).toBe(`az ad app federated-credential list --id ${CLIENT_ID}`);
    expect(e.fix!.commands[1]).toMatch(/^az ad app federated-credential create --id /);
  });

  it('keeps a verdict about a FIC idlens does see when the FICs were only partly readable, with a caution', () => {
    const { cluster, azure } = withFics(aFederatedCredential({ issuer: ISSUER.slice(0, -1) }));
    const e = explainEntraError(entraMessage(), cluster, { ...azure, ficsUnreadFor: [CLIENT_ID] });
    expect(e.verdict).toBe('trailing-slash');
    expect(e.summary).toContain('Caution: idlens could not read the federated credentials of id-checkout');
  });

  it('says "possibly propagating" when a FIC matches exactly', () => {
    const { cluster, azure } = aHealthyWorld();
    const e = explainEntraError(entraMessage(), cluster, azure);
    expect(e.verdict).toBe('possibly-propagating');
    expect(e.candidates[0]).toMatchObject({ id: `fic:${CLIENT_ID}/aks-prod-shop-checkout`, distance: 0, diffs: [] });
    expect(e.summary).toContain('few minutes');
  });

  it('explains an error_description wrapped in JSON, even double-encoded in a log line with escaped quotes', () => {
    const { cluster, azure } = withFics(aFederatedCredential({ issuer: ISSUER.slice(0, -1) }));
    const body = JSON.stringify({ error: 'invalid_client', error_description: entraMessage(), error_codes: [70021], trace_id: TRACE, correlation_id: CORRELATION });
    const direct = explainEntraError(body, cluster, azure);
    expect(direct).toMatchObject({ verdict: 'trailing-slash', parsed: { issuer: ISSUER, traceId: TRACE } });
    const logLine = `2025-01-15T10:21:07Z ERROR checkout ${JSON.stringify({ level: 'error', msg: 'token request failed', err: body })}`;
    const wrapped = explainEntraError(logLine, cluster, azure);
    expect(wrapped).toMatchObject({ verdict: 'trailing-slash', parsed: { issuer: ISSUER, subject: 'system:serviceaccount:shop:checkout' } });
    expect(wrapped.codes.map((c) => c.code)).toEqual(['AADSTS70021']);
  });

  it('recognises a wrong token audience (the default service-account token)', () => {
    const { cluster, azure } = aHealthyWorld();
    const e = explainEntraError(entraMessage({ code: 'AADSTS700212', audience: 'https://kubernetes.default.svc' }), cluster, azure);
    expect(e.verdict).toBe('audience');
    expect(e.summary).toContain('AZURE_FEDERATED_TOKEN_FILE');
    // Reading the right token, never giving a credential this audience (it would break the pods presenting the right one).
    expect(e.summary).toContain("Do not change a credential's audience to this one");
    expect(e.fix!.commands.join('\n')).not.toContain('federated-credential');
    expect(e.fix!.commands[0]).toMatch(/^kubectl exec -n shop checkout-/);
  });

  it('uses the SA cluster issuer when the message quotes only the subject', () => {
    const { cluster, azure } = withFics(aFederatedCredential({ subject: serviceAccountSubject('shop', 'checkout-v2') }));
    const e = explainEntraError(subjectOnlyMessage('shop', 'checkout'), cluster, azure);
    expect(e.verdict).toBe('service-account-name');
    expect(e.candidates[0]!.diffs.map((d) => d.field)).toEqual(['subject']);
  });

  it('gives the code’s own fix for a non-matching error, and says so when nothing is recognised', () => {
    const { cluster, azure } = aHealthyWorld();
    const expired = explainEntraError('AADSTS700024: Client assertion is not within its valid time range.', cluster, azure);
    expect(expired.verdict).toBe('not-a-matching-error');
    expect(expired.summary).toContain('re-read AZURE_FEDERATED_TOKEN_FILE');
    expect(explainEntraError('connection reset by peer', cluster, azure).verdict).toBe('unrecognised');
  });

  it('names one unknown code, or several, in a sentence that agrees', () => {
    const { cluster, azure } = aHealthyWorld();
    expect(explainEntraError('AADSTS50173: The provided grant has expired.', cluster, azure).summary).toMatch(/^AADSTS50173 is not one of the workload-identity errors/);
    expect(explainEntraError('AADSTS50173 then AADSTS50076', cluster, azure).summary).toMatch(/^AADSTS50173 and AADSTS50076 are not among the workload-identity errors/);
  });
});

/** Another identity whose client ID sorts before CLIENT_ID, so an id-order tie-break would pick it. */
const EARLIER_CLIENT_ID = 'a1b2c3d4-0000-4000-8000-000000000000';
const NO_SLASH = ISSUER.slice(0, -1);

/** The healthy world plus the FICs of other workloads in namespace shop, each on its own identity. */
function aShopWorld(extra: { serviceAccounts?: ReturnType<typeof aServiceAccount>[]; identities?: ReturnType<typeof aManagedIdentity>[] } = {}) {
  const { cluster } = aHealthyWorld();
  return {
    cluster: { ...cluster, serviceAccounts: [...cluster.serviceAccounts, aServiceAccount({ name: 'recommendations', clientId: EARLIER_CLIENT_ID }), ...(extra.serviceAccounts ?? [])] },
    azure: anAzureSnapshot({
      identities: [aManagedIdentity(), aManagedIdentity({ name: 'id-recommendations', clientId: EARLIER_CLIENT_ID }), ...(extra.identities ?? [])],
      federatedCredentials: [aFederatedCredential(), aFederatedCredential({ ownerClientId: EARLIER_CLIENT_ID, name: 'aks-prod-shop-recommendations', subject: serviceAccountSubject('shop', 'recommendations') })],
    }),
  };
}

const subjectOnlyMessage = (namespace: string, name: string) =>
  `AADSTS700213: No matching federated identity record found for presented assertion subject '${serviceAccountSubject(namespace, name)}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion.`;

const issuerOnlyMessage = (issuer: string) =>
  `AADSTS700211: No matching federated identity record found for presented assertion issuer '${issuer}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion.`;

describe('explainEntraError on a message that quotes only part of the assertion', () => {
  it('never calls an issuer-only match exact: it lists the credentials trusting the issuer, with their SAs and cluster', () => {
    const { cluster, azure } = aShopWorld();
    // A generic AADSTS70021 text cut after the issuer: nothing rules an identity out.
    const e = explainEntraError(issuerOnlyMessage(ISSUER).replace('AADSTS700211', 'AADSTS70021'), cluster, azure);
    expect(e.verdict).toBe('partial-assertion');
    expect(e.unquoted).toEqual(['subject', 'audience']);
    expect(e.issuerClusters).toEqual(['aks-prod']);
    expect(e.candidates.map((c) => c.name).sort()).toEqual(['aks-prod-shop-checkout', 'aks-prod-shop-recommendations']);
    for (const c of e.candidates) {
      expect(c.diffs).toEqual([]);
      expect(c.unchecked).toEqual(['subject', 'audience']);
      expect(c.distance).toBeGreaterThan(0);
    }
    expect(e.candidates.find((c) => c.name === 'aks-prod-shop-checkout')!.serviceAccount).toMatchObject({ id: 'sa:shop/checkout', cluster: 'aks-prod' });
    expect(e.candidates.every((c) => c.meantFor === undefined)).toBe(true);
    expect(e.summary).toContain('names no subject and no audience');
    expect(e.summary).toContain('2 federated credentials trust this issuer exactly, the issuer of cluster aks-prod');
    expect(e.summary).toContain('/tokens');
    expect(e.summary).not.toMatch(/matches the assertion exactly|propagat/);
    expect(e.fix!.commands).toEqual([
      `kubectl exec -n "$NAMESPACE" "$POD" -- sh -c 'cat "$AZURE_FEDERATED_TOKEN_FILE"'`,
      'kubectl create token "$SERVICE_ACCOUNT" -n "$NAMESPACE" --audience api://AzureADTokenExchange',
    ]);
  });

  it('AADSTS700211 rules out the identities holding a credential with exactly that issuer: with none left, the identity used needs one', () => {
    const { cluster, azure } = aShopWorld();
    const e = explainEntraError(issuerOnlyMessage(ISSUER), cluster, azure);
    expect(e.verdict).toBe('missing-fic');
    expect(e.candidates.map((c) => c.name).sort()).toEqual(['aks-prod-shop-checkout', 'aks-prod-shop-recommendations']);
    expect(e.candidates.every((c) => c.ruledOut)).toBe(true);
    expect(e.summary).toContain('AADSTS700211 means the identity the request used has no FIC with exactly this issuer, so the 2 identities with one');
    expect(e.summary).toContain('not propagated');
    expect(e.summary).toContain('the identity the request used needs a FIC for it');
    expect(e.summary).not.toMatch(/matches the assertion exactly|trust this issuer exactly/);
  });

  it("explains the tester's AADSTS700211 against the sample world: the credential without the trailing '/' of an identity with no exact one", () => {
    const { cluster, azure } = sampleWorld();
    const e = explainEntraError(issuerOnlyMessage(SAMPLE_ISSUER), cluster, azure);
    expect(e.verdict).toBe('trailing-slash');
    expect(e.candidates[0]).toMatchObject({ name: 'aks-sample-shop-checkout-canary', ownerName: 'id-checkout-canary' });
    expect(e.candidates[0]!.ruledOut).toBeFalsy();
    // Every other listed credential trusts the issuer exactly, so its identity was not the one used.
    expect(e.candidates.slice(1).every((c) => c.ruledOut && !c.diffs.some((d) => d.field === 'issuer'))).toBe(true);
    expect(e.summary).toContain('were not it');
    expect(e.summary).toContain("None of the other identities' credentials trusts this issuer exactly; 1 trusts");
    // shop/cart's identity (id-cart) has no credential for the issuer at all: it fits the message too.
    expect(e.summary).toMatch(/whose identity has no credential for this issuer at all just as well: [^.]*shop\/cart/);
    expect(e.summary).toContain('the issuer of cluster sample');
    expect(e.summary).not.toContain('exactly. A new or changed FIC');
    expect(e.fix!.commands.join('\n')).toContain(`az identity federated-credential update --name aks-sample-shop-checkout-canary --identity-name id-checkout-canary`);
    expect(e.fix!.commands.join('\n')).toContain(`--issuer ${SAMPLE_ISSUER}`);
  });

  it('AADSTS700212 quoting the expected audience points at the credentials that lack it (issuer and subject matched first)', () => {
    const { cluster, azure } = sampleWorld();
    const text = "AADSTS700212: No matching federated identity record found for presented assertion audience 'api://AzureADTokenExchange'. Trace ID: abc Correlation ID: def";
    const e = explainEntraError(text, cluster, azure);
    expect(e.verdict).toBe('audience');
    expect(e.candidates.map((c) => c.name)).toEqual(['aks-sample-catalog-catalog-sync']);
    expect(e.candidates[0]!.diffs).toEqual([expect.objectContaining({ field: 'audience', presented: 'api://AzureADTokenExchange', configured: 'api://AzureADTokenExchange/' })]);
    expect(e.summary).toContain('the pod presented the right kind of token');
    expect(e.summary).toContain('One credential lacks it: aks-sample-catalog-catalog-sync');
    expect(e.summary).not.toContain('(not quoted) and subject (not quoted)');
    expect(e.fix!.commands).toEqual([expect.stringMatching(/^az identity federated-credential update --name aks-sample-catalog-catalog-sync .*--audiences api:\/\/AzureADTokenExchange$/)]);
  });

  it('AADSTS700211 naming a client ID rules nothing out; with that identity holding the issuer, it says propagation or another client ID', () => {
    const { cluster, azure } = aShopWorld();
    const e = explainEntraError(`${issuerOnlyMessage(ISSUER)} client_id=${CLIENT_ID}`, cluster, azure);
    expect(e.candidates.every((c) => !c.ruledOut)).toBe(true);
    expect(e.verdict).toBe('partial-assertion');
    expect(e.summary).toContain('AADSTS700211 says the identity the request used has none with this issuer');
    expect(e.summary).toContain('another client ID');
  });

  it('AADSTS700211 says when identities whose credentials were not read may hold the one meant', () => {
    const { cluster, azure } = aShopWorld();
    const e = explainEntraError(issuerOnlyMessage(ISSUER), cluster, { ...azure, ficsUnreadFor: [OTHER_CLIENT_ID] });
    expect(e.summary).toContain('could not be read');
  });

  it('AADSTS700212: a claims-expression credential lacking the audience is a candidate; only one fix command, for the nearest', () => {
    const { cluster, azure } = sampleWorld();
    const text = "AADSTS700212: No matching federated identity record found for presented assertion audience 'api://AzureADTokenExchange'.";
    const fics = [
      ...azure.federatedCredentials,
      { ...azure.federatedCredentials[0]!, name: 'by-expression', subject: undefined, claimsMatchingExpression: "claims['sub'] matches 'system:serviceaccount:shop:*'", audiences: ['api://other'] },
    ];
    const e = explainEntraError(text, cluster, { ...azure, federatedCredentials: fics });
    expect(e.candidates.map((c) => c.name).sort()).toEqual(['aks-sample-catalog-catalog-sync', 'by-expression']);
    expect(e.fix!.commands).toHaveLength(1);
    expect(e.fix!.description).toContain('change --name');
  });

  it('an audience-only text without AADSTS700212 is not read as one (no claim that issuer and subject matched)', () => {
    const { cluster, azure } = sampleWorld();
    const e = explainEntraError("AADSTS70021: No matching federated identity record found. Assertion Audience: 'api://AzureADTokenExchange'.", cluster, azure);
    expect(e.parsed.audience).toBe('api://AzureADTokenExchange');
    expect(e.summary).not.toContain('it found a credential with both');
  });

  it("AADSTS700213 for a subject a credential writes wrongly ('/' for ':') names that credential and rewrites its subject", () => {
    const { cluster, azure } = sampleWorld();
    const e = explainEntraError(subjectOnlyMessage('catalog', 'catalog-importer'), cluster, azure);
    expect(e.verdict).toBe('malformed-subject');
    expect(e.candidates.map((c) => c.name)).toContain('aks-sample-catalog-importer');
    expect(e.summary).toContain('"system:serviceaccount:catalog/catalog-importer"');
    expect(e.fix!.commands.join('\n')).toMatch(/az identity federated-credential update --name aks-sample-catalog-importer .*--subject system:serviceaccount:catalog:catalog-importer/);
  });

  it("names the service account's cluster as kubectl --context on a map of several clusters", () => {
    const { cluster, azure } = sampleWorld();
    const e = explainEntraError(subjectOnlyMessage('payments', 'payments-api'), cluster, azure);
    const kubectl = e.fix!.commands.filter((c) => c.startsWith('kubectl '));
    expect(kubectl.length).toBeGreaterThan(0);
    for (const c of kubectl) expect(c).toMatch(/^kubectl --context sample /);
  });

  it('never prints "(not quoted)" as a value: a subject-only message with no known service account says the issuer is unquoted', () => {
    const { cluster, azure } = sampleWorld();
    const e = explainEntraError(subjectOnlyMessage('nowhere', 'ghost'), cluster, azure);
    expect(e.summary).not.toContain('issuer (not quoted)');
    expect(e.summary).toContain('the message quotes no issuer');
  });

  it('AADSTS700212 with the expected audience and no credential lacking it says so instead of inventing a cause', () => {
    const { cluster, azure } = aShopWorld();
    const text = "AADSTS700212: No matching federated identity record found for presented assertion audience 'api://AzureADTokenExchange'.";
    const e = explainEntraError(text, cluster, azure);
    expect(e.verdict).toBe('partial-assertion');
    expect(e.candidates).toEqual([]);
    expect(e.summary).toContain('Refresh');
  });

  it('still says "possibly propagating" when all three fields are quoted and match', () => {
    const { cluster, azure } = aShopWorld();
    const e = explainEntraError(entraMessage(), cluster, azure);
    expect(e.verdict).toBe('possibly-propagating');
    expect(e.unquoted).toEqual([]);
    expect(e.candidates[0]).toMatchObject({ name: 'aks-prod-shop-checkout', distance: 0, unchecked: [] });
  });

  it('does not count an unquoted audience as matching', () => {
    const { cluster, azure } = aHealthyWorld();
    const text = `AADSTS70021: No matching federated identity record found for presented assertion. Assertion Issuer: '${ISSUER}'. Assertion Subject: '${serviceAccountSubject('shop', 'checkout')}'.`;
    const e = explainEntraError(text, cluster, azure);
    expect(e.verdict).toBe('partial-assertion');
    expect(e.candidates[0]).toMatchObject({ name: 'aks-prod-shop-checkout', diffs: [], unchecked: ['audience'], distance: 1 });
    expect(e.summary).toContain('does not quote the audience');
    // The healthy world's pod names no token mount: the pod's own AZURE_FEDERATED_TOKEN_FILE says where.
    expect(e.fix!.commands[0]).toBe(`kubectl exec -n shop checkout-7d9f8b6c5d-x2x4z -- sh -c 'cat "$AZURE_FEDERATED_TOKEN_FILE"'`);
    // The one cluster read through a context named in IDLENS_KUBE_CONTEXTS: the commands name it.
    const named = explainEntraError(text, { ...cluster, clusters: cluster.clusters.map((c) => ({ ...c, kubeContext: c.name })) }, azure);
    expect(named.fix!.commands[0]).toBe(`kubectl --context ${cluster.clusters[0]!.name} exec -n shop checkout-7d9f8b6c5d-x2x4z -- sh -c 'cat "$AZURE_FEDERATED_TOKEN_FILE"'`);
  });

  it('reports a quoted difference even when another field is not quoted', () => {
    const { cluster, azure } = withFics(aFederatedCredential({ issuer: NO_SLASH }));
    const text = `AADSTS70021: No matching federated identity record found for presented assertion. Assertion Issuer: '${ISSUER}'. Assertion Subject: '${serviceAccountSubject('shop', 'checkout')}'.`;
    expect(explainEntraError(text, cluster, azure).verdict).toBe('trailing-slash');
  });

  it('issuer only: rewrites the credentials whose issuer misses the cluster issuer\'s "/"', () => {
    const { cluster, azure } = withFics(aFederatedCredential({ issuer: NO_SLASH }));
    const e = explainEntraError(issuerOnlyMessage(ISSUER), cluster, azure);
    expect(e.verdict).toBe('trailing-slash');
    expect(e.fix!.commands).toEqual([expect.stringMatching(new RegExp(`^az identity federated-credential update --name aks-prod-shop-checkout .* --issuer ${ISSUER} `))]);
  });

  it("issuer only: never rewrites a credential that holds a known cluster's exact issuer", () => {
    const { cluster, azure } = aHealthyWorld();
    const e = explainEntraError(issuerOnlyMessage(NO_SLASH), cluster, azure);
    expect(e.verdict).toBe('unknown-issuer');
    expect(e.issuerClusters).toEqual([]);
    expect(e.summary).toContain('do not rewrite it');
    expect(e.fix!.commands.join('\n')).not.toContain('federated-credential update');
  });

  it('issuer only: says when no credential trusts the issuer', () => {
    const { cluster, azure } = withFics(aFederatedCredential({ issuer: 'https://token.actions.githubusercontent.com' }));
    const e = explainEntraError(issuerOnlyMessage(ISSUER), cluster, azure);
    expect(e.verdict).toBe('missing-fic');
    expect(e.summary).toContain('No credential trusts this issuer, the issuer of cluster aks-prod');
  });
});

describe('explainEntraError on a message that quotes the subject but no issuer (AADSTS700213)', () => {
  /** shop/checkout in aks-prod and aks-dr, one identity, a FIC for aks-prod's issuer only. */
  const drWithoutFic = () => {
    const { cluster, azure } = aTwoClusterWorld();
    return { cluster, azure: { ...azure, federatedCredentials: [aFederatedCredential()] } };
  };

  it('never guesses the issuer when the SA is in clusters with different issuers: it names the cluster without a FIC', () => {
    const { cluster, azure } = drWithoutFic();
    const e = explainEntraError(subjectOnlyMessage('shop', 'checkout'), cluster, azure);
    expect(e.verdict).toBe('missing-fic');
    expect(e.inferredIssuer).toBeUndefined();
    expect(e.issuerClusters).toEqual([]);
    expect(e.clusterChecks).toEqual([
      expect.objectContaining({ cluster: 'aks-prod', issuer: ISSUER, matchingFics: ['aks-prod-shop-checkout'], ficsUnread: false }),
      expect.objectContaining({ cluster: OTHER_CLUSTER, issuer: OTHER_ISSUER, matchingFics: [], ficsUnread: false }),
    ]);
    expect(e.serviceAccount).toMatchObject({ cluster: OTHER_CLUSTER, namespace: 'shop', name: 'checkout' });
    expect(e.summary).toContain('but not the issuer');
    expect(e.summary).toContain(`No FIC of id-checkout trusts the issuer of cluster ${OTHER_CLUSTER}`);
    expect(e.summary).toContain(`pods of shop/checkout in cluster ${OTHER_CLUSTER} fail`);
    expect(e.summary).not.toMatch(/quoted issuer/);
    // The issuer was not quoted, so no candidate counts it as compared.
    expect(e.candidates[0]).toMatchObject({ name: 'aks-prod-shop-checkout', diffs: [], unchecked: ['issuer', 'audience'] });
    expect(e.fix!.commands).toEqual([
      `az identity federated-credential create --name aks-dr-shop-checkout --identity-name id-checkout --resource-group rg-shop --issuer ${OTHER_ISSUER} --subject system:serviceaccount:shop:checkout --audiences api://AzureADTokenExchange`,
    ]);
  });

  it('does not depend on cluster order', () => {
    const { cluster, azure } = drWithoutFic();
    const e = explainEntraError(subjectOnlyMessage('shop', 'checkout'), { ...cluster, clusters: [...cluster.clusters].reverse() }, azure);
    expect(e.verdict).toBe('missing-fic');
    expect(e.fix!.commands).toEqual([expect.stringContaining(`--issuer ${OTHER_ISSUER} `)]);
  });

  it('claims no failing cluster when every cluster holding the SA has a FIC for its issuer', () => {
    const { cluster, azure } = aTwoClusterWorld();
    const e = explainEntraError(subjectOnlyMessage('shop', 'checkout'), cluster, azure);
    expect(e.verdict).toBe('partial-assertion');
    expect(e.clusterChecks!.map((c) => c.matchingFics)).toEqual([['aks-prod-shop-checkout'], ['aks-dr-shop-checkout']]);
    expect(e.summary).not.toMatch(/quoted issuer|fail\b/);
    expect(e.fix!.commands.join('\n')).not.toContain('federated-credential create');
  });

  it("lists the identity's FICs first when they could not be read for the cluster without a match", () => {
    const { cluster, azure } = drWithoutFic();
    const e = explainEntraError(subjectOnlyMessage('shop', 'checkout'), cluster, { ...azure, federatedCredentials: [], ficsUnreadFor: [CLIENT_ID] });
    expect(e.verdict).toBe('fics-unread');
    expect(e.summary).not.toMatch(/No FIC/);
    expect(e.fix!.commands[0]).toBe('az identity federated-credential list -g rg-shop --identity-name id-checkout -o table');
  });

  it('infers the issuer when only one cluster holds the SA, and says it is not quoted', () => {
    const { cluster, azure } = aHealthyWorld();
    const two = { ...cluster, clusters: [...cluster.clusters, { name: OTHER_CLUSTER, issuer: OTHER_ISSUER }] };
    const e = explainEntraError(subjectOnlyMessage('shop', 'checkout'), two, azure);
    expect(e.verdict).toBe('partial-assertion');
    expect(e.inferredIssuer).toBe(ISSUER);
    expect(e.issuerClusters).toEqual(['aks-prod']);
    expect(e.clusterChecks).toBeUndefined();
    expect(e.summary).toContain('matches the quoted subject and the issuer of cluster aks-prod (not quoted)');
    expect(e.summary).toContain('does not quote the issuer and audience');
    expect(e.summary).not.toMatch(/quoted issuer/);
  });

  it('labels an inferred issuer that differs as not quoted', () => {
    const { cluster, azure } = withFics(aFederatedCredential({ issuer: ISSUER.slice(0, -1) }));
    const e = explainEntraError(subjectOnlyMessage('shop', 'checkout'), cluster, azure);
    expect(e.verdict).toBe('trailing-slash');
    expect(e.summary).toContain(`the token's ${JSON.stringify(ISSUER)}, the issuer of cluster aks-prod (not quoted)`);
  });
});

describe("explainEntraError reading the pod's token", () => {
  const partial = (pods: ReturnType<typeof aPod>[]) => {
    const { cluster, azure } = aHealthyWorld();
    const text = `AADSTS70021: No matching federated identity record found for presented assertion. Assertion Issuer: '${ISSUER}'. Assertion Subject: '${serviceAccountSubject('shop', 'checkout')}'.`;
    return explainEntraError(text, { ...cluster, pods }, azure);
  };
  const V16_FILE = '/var/run/secrets/azure/wi/token/azure-identity-token';

  it("reads the path from the pod's spec (v1.6 mounts it elsewhere than v1.5) and names the pod", () => {
    const pod = aPod({
      name: 'checkout-5f4d3c2b1a-q9w8e',
      projectedTokens: [
        { volumeName: 'kube-api-access-abcde', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount/token' },
        { volumeName: 'azure-workload-identity-reserved-1a2b3c', audience: WI.tokenExchangeAudience, mountPath: V16_FILE },
      ],
    });
    const e = partial([pod]);
    expect(e.fix!.commands).toEqual([`kubectl exec -n shop checkout-5f4d3c2b1a-q9w8e -- cat ${V16_FILE}`, 'kubectl create token checkout -n shop --audience api://AzureADTokenExchange']);
    expect(e.fix!.description).toContain(`mounts it at ${V16_FILE} (from its spec)`);
    expect(e.fix!.description).toContain('distroless');
  });

  it('never assumes a path when no pod of the SA is known', () => {
    const e = partial([]);
    expect(e.fix!.commands).toEqual([
      `kubectl exec -n shop "$POD" -- sh -c 'cat "$AZURE_FEDERATED_TOKEN_FILE"'`,
      'kubectl create token checkout -n shop --audience api://AzureADTokenExchange',
    ]);
    expect(e.fix!.commands.join('\n')).not.toContain('/var/run/secrets/azure');
  });
});

describe('explainEntraError choosing the nearest credential and the identity to federate', () => {
  const checkoutV2 = (extra: Parameters<typeof aShopWorld>[0] = {}) => {
    const { cluster, azure } = aShopWorld(extra);
    return explainEntraError(entraMessage({ subject: serviceAccountSubject('shop', 'checkout-v2') }), cluster, azure);
  };

  it('breaks ties by similarity: shop:checkout is nearer shop:checkout-v2 than shop:recommendations', () => {
    const e = checkoutV2();
    expect(e.candidates.map((c) => [c.name, c.distance])).toEqual([
      ['aks-prod-shop-checkout', 2],
      ['aks-prod-shop-recommendations', 2],
    ]);
  });

  it('never federates the nearest identity silently when the subject names an SA idlens cannot see', () => {
    const e = checkoutV2();
    expect(e.verdict).toBe('service-account-name');
    expect(e.serviceAccount).toBeUndefined();
    expect(e.summary).toContain('shop/checkout-v2, which idlens does not see in any known cluster (aks-prod)');
    expect(e.summary).toContain('only a guess');
    expect(e.fix!.commands).toEqual([
      `az identity federated-credential create --name shop-checkout-v2 --identity-name "$IDENTITY_NAME" --resource-group "$RESOURCE_GROUP" --issuer ${ISSUER} --subject system:serviceaccount:shop:checkout-v2 --audiences api://AzureADTokenExchange`,
    ]);
    expect(e.fix!.description).toContain('only a guess: id-checkout');
    expect(e.fix!.commands.join('\n')).not.toMatch(/id-recommendations|id-checkout/);
  });

  it("federates the identity the SA's client-id annotation names, not the nearest credential's owner", () => {
    const e = checkoutV2({
      serviceAccounts: [aServiceAccount({ name: 'checkout-v2', clientId: OTHER_CLIENT_ID })],
      identities: [aManagedIdentity({ name: 'id-checkout-v2', clientId: OTHER_CLIENT_ID })],
    });
    expect(e.serviceAccount).toMatchObject({ id: 'sa:shop/checkout-v2', clientId: OTHER_CLIENT_ID });
    expect(e.candidates[0]!.name).toBe('aks-prod-shop-checkout');
    expect(e.fix!.commands).toEqual([expect.stringMatching(/^az identity federated-credential create --name aks-prod-shop-checkout-v2 --identity-name id-checkout-v2 --resource-group rg-shop /)]);
  });

  it('asks for the annotation when the SA exists without a client ID', () => {
    const e = checkoutV2({ serviceAccounts: [aServiceAccount({ name: 'checkout-v2' })] });
    expect(e.summary).toContain(`has no ${WI.clientId} annotation`);
    expect(e.fix!.commands[0]).toBe(`kubectl annotate serviceaccount -n shop checkout-v2 ${WI.clientId}="$CLIENT_ID" --overwrite`);
    expect(e.fix!.commands[1]).toContain('--identity-name "$IDENTITY_NAME"');
  });

  it("gives the tester's sample-world checkout-v2 error the checkout credential as nearest, and no identity", () => {
    const { cluster, azure } = sampleWorld();
    const e = explainEntraError(entraMessage({ issuer: SAMPLE_ISSUER, subject: serviceAccountSubject('shop', 'checkout-v2') }), cluster, azure);
    expect(e.candidates[0]).toMatchObject({ name: 'aks-sample-shop-checkout', ownerName: 'id-checkout' });
    expect(e.fix!.commands.join('\n')).not.toContain('id-recommendations');
    expect(e.fix!.commands[0]).toContain('--identity-name "$IDENTITY_NAME"');
  });

  it('ranks by edit distance, then common prefix', () => {
    expect(editDistance('checkout-v2', 'checkout')).toBe(3);
    expect(editDistance('checkout-v2', 'recommendations')).toBeGreaterThan(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
    expect(commonPrefixLength('shop:checkout-v2', 'shop:checkout')).toBe(13);
    expect(commonPrefixLength('abc', 'xbc')).toBe(0);
  });
});

describe("explainEntraError when the token's issuer is no known cluster's", () => {
  const noSlash = () => {
    const { cluster, azure } = aHealthyWorld();
    return explainEntraError(entraMessage({ issuer: NO_SLASH }), cluster, azure);
  };

  it("creates a credential for that issuer instead of rewriting the one the cluster's pods use", () => {
    const e = noSlash();
    expect(e.verdict).toBe('unknown-issuer');
    expect(e.issuerClusters).toEqual([]);
    expect(e.summary).toContain("differs from every known cluster's issuer");
    expect(e.summary).toContain('do not rewrite it');
    expect(e.fix!.commands).toEqual([
      `az identity federated-credential create --name shop-checkout-eastus-5d1c3a9e --identity-name id-checkout --resource-group rg-shop --issuer ${NO_SLASH} --subject system:serviceaccount:shop:checkout --audiences api://AzureADTokenExchange`,
    ]);
  });

  it('still rewrites a credential whose issuer is the wrong one (no cluster has it)', () => {
    const { cluster, azure } = withFics(aFederatedCredential({ issuer: NO_SLASH }));
    const e = explainEntraError(entraMessage(), cluster, azure);
    expect(e.verdict).toBe('trailing-slash');
    expect(e.fix!.commands[0]).toMatch(/^az identity federated-credential update --name aks-prod-shop-checkout /);
  });

  it('names no service account of a known cluster for an issuer no cluster has, even loosely, and leaves the identity to confirm', () => {
    const { cluster, azure } = aHealthyWorld();
    const e = explainEntraError(entraMessage({ issuer: 'https://oidc.example.com/cluster-x/' }), cluster, azure);
    expect(e.serviceAccount).toBeUndefined();
    expect(e.summary).toContain("The token's issuer is not the issuer of any known cluster (aks-prod)");
    expect(e.summary).toContain('service account shop/checkout of the cluster that issued the token, which is none idlens knows (cluster aks-prod has one of that name, but with another issuer)');
    // The identity is the user's to confirm: named by shell variables, not created on id-checkout directly.
    expect(e.fix!.commands).toEqual([expect.stringContaining('--identity-name "$IDENTITY_NAME" --resource-group "$RESOURCE_GROUP" --issuer https://oidc.example.com/cluster-x/ ')]);
  });

  it('says so when a missing credential is for an issuer no known cluster has', () => {
    const { cluster, azure } = withFics();
    const e = explainEntraError(entraMessage({ issuer: 'https://issuer.example.com/' }), cluster, azure);
    expect(e.verdict).toBe('missing-fic');
    expect(e.summary).toContain('not the issuer of any known cluster (aks-prod)');
  });
});

describe('explainEntraError with an issuer Entra cannot reach', () => {
  it('says the cluster’s OIDC issuer is the problem, not a credential still propagating, with the enable-issuer fix', () => {
    const { cluster, azure } = sampleWorld();
    const text =
      "AADSTS70021: No matching federated identity record found for presented assertion. Assertion Issuer: 'https://kubernetes.default.svc.cluster.local'. " +
      "Assertion Subject: 'system:serviceaccount:reports:report-generator'. Assertion Audience: 'api://AzureADTokenExchange'.";
    const e = explainEntraError(text, cluster, azure);
    expect(e.verdict).toBe('issuer-unreachable');
    expect(e.summary).toMatch(/^Cluster legacy-onprem issues its tokens with issuer https:\/\/kubernetes\.default\.svc\.cluster\.local: .*AKS OIDC issuer is not enabled/);
    expect(e.summary).toContain('nothing is propagating');
    expect(e.fix!.commands).toEqual([
      'az aks update -g "$AKS_RESOURCE_GROUP" -n legacy-onprem --enable-oidc-issuer --enable-workload-identity',
      'az aks show -g "$AKS_RESOURCE_GROUP" -n legacy-onprem --query oidcIssuerProfile.issuerUrl -o tsv',
    ]);
  });

  it('leaves a public issuer to the credential comparison', () => {
    const { cluster, azure } = sampleWorld();
    const e = explainEntraError(entraMessage({ issuer: SAMPLE_ISSUER, subject: 'system:serviceaccount:shop:checkout' }), cluster, azure);
    expect(e.verdict).not.toBe('issuer-unreachable');
  });
});

describe('explainEntraError on AADSTS700016', () => {
  const UNKNOWN = 'e6c4deba-7c86-47ca-af33-6d033c56468b';
  const message = (clientId: string) => `AADSTS700016: Application with identifier '${clientId}' was not found in the directory 'contoso'. This can happen if the application has not been installed by the administrator of the tenant.`;
  const world = () => {
    const { cluster, azure } = aHealthyWorld();
    return {
      cluster: { ...cluster, serviceAccounts: [...cluster.serviceAccounts, aServiceAccount({ namespace: 'catalog', name: 'price-feed', clientId: UNKNOWN })], pods: [...cluster.pods, aPod({ namespace: 'catalog', name: 'price-feed-7b6c5d4e3-z8y7x', serviceAccountName: 'price-feed', labels: { 'pod-template-hash': '7b6c5d4e3' } })] },
      azure,
    };
  };

  it('links the client ID to the annotated SAs and says no identity has it, with the annotate fix', () => {
    const { cluster, azure } = world();
    const e = explainEntraError(message(UNKNOWN), cluster, azure);
    expect(e.verdict).toBe('application-not-found');
    expect(e.parsed).toMatchObject({ clientId: UNKNOWN, directory: 'contoso' });
    expect(e.annotatedServiceAccounts).toEqual([{ id: 'sa:catalog/price-feed', cluster: 'aks-prod', namespace: 'catalog', name: 'price-feed', clientId: UNKNOWN }]);
    expect(e.summary).toContain('Service account catalog/price-feed (cluster aks-prod) is annotated with it');
    expect(e.summary).toContain('names an identity that does not exist');
    expect(e.summary).toContain('another tenant');
    expect(e.fix!.commands).toEqual([
      `kubectl annotate serviceaccount -n catalog price-feed ${WI.clientId}="$CLIENT_ID" --overwrite`,
      'kubectl rollout restart deployment/price-feed -n catalog',
    ]);
  });

  it('explains a matching error of an SA annotated with an unknown client ID as AADSTS700016, not a missing credential', () => {
    const { cluster, azure } = world();
    const e = explainEntraError(entraMessage({ subject: serviceAccountSubject('catalog', 'price-feed') }), cluster, azure);
    expect(e.verdict).toBe('application-not-found');
    expect(e.summary).toMatch(/^Service account catalog\/price-feed is annotated with client ID e6c4deba-.*: the exchange fails with AADSTS700016 .* so creating one would not help/);
    expect(e.fix!.commands).toEqual([
      `kubectl annotate serviceaccount -n catalog price-feed ${WI.clientId}="$CLIENT_ID" --overwrite`,
      'kubectl rollout restart deployment/price-feed -n catalog',
    ]);
    // With the identities not all read, the ID may be one of them: no such claim.
    expect(explainEntraError(entraMessage({ subject: serviceAccountSubject('catalog', 'price-feed') }), cluster, { ...azure, identitiesUnread: true }).verdict).not.toBe('application-not-found');
  });

  it('says the tenant is wrong when idlens does see an identity with the client ID', () => {
    const { cluster, azure } = world();
    const e = explainEntraError(message(CLIENT_ID), cluster, azure);
    expect(e.verdict).toBe('application-not-found');
    expect(e.summary).toContain('idlens sees id-checkout with this client ID');
    expect(e.annotatedServiceAccounts!.map((s) => s.id)).toEqual(['sa:shop/checkout']);
    expect(e.fix!.commands[0]).toBe(`kubectl annotate serviceaccount -n shop checkout ${WI.tenantId}=72f988bf-86f1-41af-91ab-2d7cd011db47 --overwrite`);
  });

  const inDirectory = (clientId: string, directory: string) =>
    `AADSTS700016: Application with identifier '${clientId}' was not found in the directory '${directory}'. This can happen if the application has not been installed by the administrator of the tenant.`;

  it("does not claim another tenant when the quoted directory is the identity's own tenant", () => {
    const { cluster, azure } = world();
    const e = explainEntraError(inDirectory(CLIENT_ID, TENANT.toUpperCase()), cluster, azure);
    expect(e.verdict).toBe('application-not-found');
    expect(e.summary).toContain(`in tenant ${TENANT}, which is the tenant where idlens saw id-checkout`);
    expect(e.summary).not.toContain('another tenant');
    expect(e.summary).toMatch(/deleted or recreated since the Azure snapshot was read.*still replicating/);
    expect(e.summary).not.toContain('service principal');
    expect(e.fix!.commands).toEqual([
      'az identity show --ids /subscriptions/sub-1/resourceGroups/rg-shop/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-checkout --query clientId -o tsv',
    ]);
    expect(e.fix!.commands.join('\n')).not.toContain('kubectl annotate');
  });

  it('names a missing service principal as a cause for an app registration in its own tenant', () => {
    const { cluster } = world();
    const app = anApplication({ appId: CLIENT_ID });
    const e = explainEntraError(inDirectory(CLIENT_ID, TENANT), cluster, anAzureSnapshot({ applications: [app] }));
    expect(e.summary).toContain(`no service principal in this tenant (az ad sp create --id ${CLIENT_ID} creates it)`);
    expect(e.fix!.commands).toEqual([expect.stringMatching(/^az ad app show --id /), expect.stringMatching(/^az ad sp show --id /), `az ad sp create --id ${CLIENT_ID}`]);
  });

  it('keeps the wrong-tenant explanation when the quoted directory is another tenant', () => {
    const { cluster, azure } = world();
    const e = explainEntraError(inDirectory(CLIENT_ID, OTHER_TENANT), cluster, azure);
    expect(e.summary).toContain('the request went to another tenant');
    expect(e.fix!.commands[0]).toBe(`kubectl annotate serviceaccount -n shop checkout ${WI.tenantId}=${TENANT} --overwrite`);
  });

  it('only restarts the pods of an SA that already names the right tenant', () => {
    const { cluster, azure } = world();
    const annotated = { ...cluster, serviceAccounts: cluster.serviceAccounts.map((sa) => (sa.name === 'checkout' ? { ...sa, annotations: { ...sa.annotations, [WI.tenantId]: TENANT } } : sa)) };
    const e = explainEntraError(message(CLIENT_ID), annotated, azure);
    expect(e.summary).toContain('another tenant');
    expect(e.fix!.commands).toEqual(['kubectl rollout restart deployment/checkout -n shop']);
  });

  it('finds catalog/price-feed for the client ID the sample world annotates it with', () => {
    const { cluster, azure } = sampleWorld();
    const e = explainEntraError(message(UNKNOWN_CLIENT_ID), cluster, azure);
    expect(e.annotatedServiceAccounts!.map((s) => s.id)).toEqual(['sa:sample:catalog/price-feed']);
    expect(e.fix!.commands.join('\n')).toContain('kubectl --context sample annotate serviceaccount -n catalog price-feed');
  });

  it('names the cluster in every kubectl command of the wrong-tenant fix, with several clusters', () => {
    const { cluster, azure } = sampleWorld();
    const e = explainEntraError(message(SAMPLE_CONSUMER.identity.clientId), cluster, azure);
    expect(e.summary).toContain('another tenant');
    const kubectl = e.fix!.commands.filter((c) => c.startsWith('kubectl '));
    expect(kubectl.some((c) => c.includes(' annotate serviceaccount '))).toBe(true);
    for (const command of kubectl) expect(command).toMatch(/^kubectl --context sample /);
  });

  it('gives the generic advice when the message quotes no client ID', () => {
    const { cluster, azure } = world();
    const e = explainEntraError('AADSTS700016: Application was not found in the directory.', cluster, azure);
    expect(e.verdict).toBe('application-not-found');
    expect(e.annotatedServiceAccounts).toBeUndefined();
    expect(e.fix).toBeUndefined();
  });
});

describe('pastedTextTooLarge', () => {
  it('accepts what the API accepts', () => {
    expect(pastedTextTooLarge(entraMessage())).toBeUndefined();
    expect(pastedTextTooLarge('x'.repeat(EXPLAIN_MAX_BODY_BYTES - '{"text":""}'.length))).toBeUndefined();
  });

  it('words a refusal for a person, measured like the API (the JSON body)', () => {
    expect(pastedTextTooLarge('x'.repeat(EXPLAIN_MAX_BODY_BYTES - '{"text":""}'.length + 1))).toBe(
      'The pasted text is 64.1 KiB; paste at most 64 KiB — the line with the AADSTS error is enough.',
    );
    const message = pastedTextTooLarge('x'.repeat(70 * 1024))!;
    expect(message).toMatch(/^The pasted text is 70\.1 KiB; paste at most 64 KiB/);
    expect(message).not.toContain('Send');
    // Quotes double in JSON: 40 KiB of them is an 80 KiB body.
    expect(pastedTextTooLarge('"'.repeat(40 * 1024))).toMatch(/is 80\.1 KiB/);
  });
});

describe('splitDifference', () => {
  const cut = (before: string, differing: string, after: string) => ({ before, differing, after });

  it('highlights only the suffix a longer service-account name adds', () => {
    expect(splitDifference('system:serviceaccount:shop:checkout-v2', 'system:serviceaccount:shop:checkout')).toEqual({
      presented: cut('system:serviceaccount:shop:checkout', '-v2', ''),
      configured: cut('system:serviceaccount:shop:checkout', '', ''),
    });
  });

  it('highlights the namespace between a common prefix and suffix', () => {
    expect(splitDifference('system:serviceaccount:shop:api', 'system:serviceaccount:payments:api')).toEqual({
      presented: cut('system:serviceaccount:', 'shop', ':api'),
      configured: cut('system:serviceaccount:', 'payments', ':api'),
    });
  });

  it("highlights the issuer's missing trailing slash on the side that has it", () => {
    expect(splitDifference(ISSUER, ISSUER.slice(0, -1))).toEqual({ presented: cut(ISSUER.slice(0, -1), '/', ''), configured: cut(ISSUER.slice(0, -1), '', '') });
  });

  it('never lets the common suffix overlap the common prefix (repeated characters)', () => {
    expect(splitDifference('aaa', 'aaaa')).toEqual({ presented: cut('aaa', '', ''), configured: cut('aaa', 'a', '') });
  });

  it('counts case as a difference and keeps equal and wholly different values whole', () => {
    expect(splitDifference('system:serviceaccount:shop:Checkout', 'system:serviceaccount:shop:checkout').presented).toEqual(
      cut('system:serviceaccount:shop:', 'C', 'heckout'),
    );
    expect(splitDifference('same', 'same')).toEqual({ presented: cut('same', '', ''), configured: cut('same', '', '') });
    expect(splitDifference('abc', 'xyz')).toEqual({ presented: cut('', 'abc', ''), configured: cut('', 'xyz', '') });
  });

  it('never cuts inside a surrogate pair', () => {
    expect(splitDifference('a\u{1F600}', 'a\u{1F601}')).toEqual({ presented: cut('a', '\u{1F600}', ''), configured: cut('a', '\u{1F601}', '') });
  });

  it('puts back together what it cut', () => {
    const { presented, configured } = splitDifference('https://issuer.example/x/', 'https://issuer.example/y/');
    expect(Object.values(presented).join('')).toBe('https://issuer.example/x/');
    expect(Object.values(configured).join('')).toBe('https://issuer.example/y/');
  });
});
