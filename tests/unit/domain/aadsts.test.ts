import { describe, expect, it } from 'vitest';
import { AADSTS_CODES, explainEntraError, parseEntraError } from '@/lib/domain/aadsts';
import { WI, serviceAccountSubject } from '@/lib/domain/model';
import {
  CLIENT_ID,
  ISSUER,
  aClusterSnapshot,
  aFederatedCredential,
  aHealthyWorld,
  aManagedIdentity,
  aServiceAccount,
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
  });

  it('uses the SA cluster issuer when the message quotes only the subject', () => {
    const { cluster, azure } = withFics(aFederatedCredential({ subject: serviceAccountSubject('shop', 'checkout-v2') }));
    const e = explainEntraError(`AADSTS700213: No matching federated identity record found for presented assertion subject '${serviceAccountSubject('shop', 'checkout')}'.`, cluster, azure);
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
});
