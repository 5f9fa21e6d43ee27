import { execFileSync } from 'node:child_process';
import { createHash, createPublicKey, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compactVerify, decodeProtectedHeader, decodeJwt } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '@/lib/config-schema.mjs';
import { ArmClient } from '@/lib/sources/azure/arm-client';
import { EntraCredential } from '@/lib/sources/azure/entra-credential';
import { LiveAzureSource, liveAzureSourceFromConfig } from '@/lib/sources/azure/live-azure-source';
import { SourceError } from '@/lib/sources/source-error';
import { startArmStub, type ArmStubOptions } from '../support/arm-stub';
import { startEntraStub, stubAccessToken, type EntraStub } from '../support/entra-stub';
import { startGraphStub, type GraphStubOptions } from '../support/graph-stub';
import type { StubServer } from '../support/stub-server';

// The production msal-node / fetch code against loopback stand-ins of Entra ID, ARM and Graph
// (no mocks): the stand-ins speak the documented wire shapes and record what arrived.

const TENANT = '6f1c3a52-0000-4000-8000-00000000aaaa';
const CLIENT = '0b7e4d21-0000-4000-8000-00000000cccc';
const SUB_A = '11111111-0000-4000-8000-000000000001';
const SUB_B = '22222222-0000-4000-8000-000000000002';
const ISSUER = 'https://westeurope.oic.prod-aks.azure.com/6f1c3a52-0000-4000-8000-00000000aaaa/3b2d1c0e-0000-4000-8000-000000000099/';
const EXCHANGE = 'api://AzureADTokenExchange';
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

const identityId = (sub: string, name: string) => `/subscriptions/${sub}/resourceGroups/rg-${name}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;
const anIdentity = (sub: string, name: string) => ({
  id: identityId(sub, name),
  name,
  type: 'Microsoft.ManagedIdentity/userAssignedIdentities',
  location: 'westeurope',
  tags: {},
  properties: { tenantId: TENANT, principalId: `principal-${name}`, clientId: `client-${name}` },
});
const aFic = (owner: string, name: string, properties: Record<string, unknown>) => ({
  id: `${owner}/federatedIdentityCredentials/${name}`,
  name,
  type: 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials',
  properties: { issuer: ISSUER, audiences: [EXCHANGE], ...properties },
});
const subjectOf = (ns: string, sa: string) => `system:serviceaccount:${ns}:${sa}`;

/** Five identities in SUB_A (three pages of two), one in SUB_B; `orders` holds five FICs (three pages). */
function anArmWorld(overrides: Partial<ArmStubOptions> = {}): ArmStubOptions {
  const names = ['orders', 'payments', 'shipping', 'search', 'ledger'];
  const identities = { [SUB_A]: names.map((n) => anIdentity(SUB_A, n)), [SUB_B]: [anIdentity(SUB_B, 'reports')] };
  const federatedCredentials: Record<string, unknown[]> = {};
  for (const n of names) federatedCredentials[identityId(SUB_A, n)] = [aFic(identityId(SUB_A, n), `${n}-aks`, { subject: subjectOf(n, n) })];
  federatedCredentials[identityId(SUB_A, 'orders')] = Array.from({ length: 5 }, (_, i) => aFic(identityId(SUB_A, 'orders'), `orders-${i}`, { subject: subjectOf('orders', `sa-${i}`) }));
  federatedCredentials[identityId(SUB_B, 'reports')] = [
    aFic(identityId(SUB_B, 'reports'), 'reports-any', { subject: null, claimsMatchingExpression: { value: "claims['sub'] matches 'system:serviceaccount:reports:*'", languageVersion: 1 } }),
  ];
  return { subscriptions: [SUB_A, SUB_B], identities, federatedCredentials, pageSize: 2, ...overrides };
}

const providerApi = {
  id: 'obj-provider',
  appId: 'app-provider',
  displayName: 'provider-api',
  identifierUris: ['api://provider-api'],
  appRoles: [
    { id: 'role-orders-read', value: 'Orders.Read', displayName: 'Read orders', allowedMemberTypes: ['Application'], isEnabled: true, description: 'Read', origin: 'Application' },
    { id: 'role-retired', value: 'Orders.Legacy', displayName: 'Retired', allowedMemberTypes: ['Application'], isEnabled: false, description: 'Old', origin: 'Application' },
  ],
};
const deployerApp = { id: 'obj-deployer', appId: 'app-deployer', displayName: 'github-deployer', identifierUris: [], appRoles: [] };
const plainApp = { id: 'obj-plain', appId: 'app-plain', displayName: null, identifierUris: [], appRoles: [] };

function aGraphWorld(overrides: Partial<GraphStubOptions> = {}): GraphStubOptions {
  return {
    applications: [providerApi, deployerApp, plainApp],
    federatedCredentials: {
      'obj-deployer': [
        { id: 'f1', name: 'github-main', issuer: 'https://token.actions.githubusercontent.com', subject: 'repo:contoso/shop:ref:refs/heads/main', audiences: [EXCHANGE], description: 'deploys main' },
      ],
    },
    servicePrincipals: [
      { id: 'sp-provider', appId: 'app-provider' },
      { id: 'sp-deployer', appId: 'app-deployer' },
      { id: 'sp-plain', appId: 'app-plain' },
    ],
    appRoleAssignedTo: {
      'sp-provider': [
        { id: 'a1', principalId: 'principal-orders', principalType: 'ServicePrincipal', principalDisplayName: 'orders', resourceId: 'sp-provider', resourceDisplayName: 'provider-api', appRoleId: 'role-orders-read', createdDateTime: '2026-01-01T00:00:00Z' },
        { id: 'a2', principalId: 'sp-deployer', principalType: 'ServicePrincipal', principalDisplayName: 'github-deployer', resourceId: 'sp-provider', resourceDisplayName: 'provider-api', appRoleId: 'role-orders-read', createdDateTime: '2026-01-01T00:00:00Z' },
        { id: 'a3', principalId: 'user-1', principalType: 'User', principalDisplayName: 'Alex', resourceId: 'sp-provider', resourceDisplayName: 'provider-api', appRoleId: '00000000-0000-0000-0000-000000000000', createdDateTime: '2026-01-01T00:00:00Z' },
      ],
    },
    pageSize: 2,
    ...overrides,
  };
}

const skipTokens = (server: StubServer, pathname: string) =>
  server.requests.filter((r) => new URL(r.url, 'http://x').pathname === pathname).map((r) => new URL(r.url, 'http://x').searchParams.get('$skiptoken'));

let dir: string;
let tokenFile: string;
const servers: StubServer[] = [];
async function started<T extends StubServer>(server: Promise<T>): Promise<T> {
  const s = await server;
  servers.push(s);
  return s;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'idlens-azure-'));
  tokenFile = join(dir, 'azure-identity-token');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function workloadIdentity(entra: EntraStub, assertion = 'eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.projected-token-1.sig') {
  await writeFile(tokenFile, `${assertion}\n`);
  return new EntraCredential({ tenantId: TENANT, clientId: CLIENT, federatedTokenFile: tokenFile, authorityHost: entra.authorityHost });
}

describe('EntraCredential against a loopback Entra ID token endpoint', () => {
  it('sends the current content of the token file as client assertion on every acquisition', async () => {
    const entra = await started(startEntraStub(TENANT));
    const credential = await workloadIdentity(entra, 'eyJhbGciOiJSUzI1NiJ9.first-projected-token.sig');

    const armToken = await credential.getToken('https://management.azure.com/.default');
    // The kubelet rotates the file; the next acquisition must carry the new content.
    await writeFile(tokenFile, 'eyJhbGciOiJSUzI1NiJ9.rotated-projected-token.sig');
    const graphToken = await credential.getToken('https://graph.microsoft.com/.default');
    // Served from msal's cache: no POST, so no assertion needed.
    expect(await credential.getToken('https://management.azure.com/.default')).toBe(armToken);

    expect(armToken).toBe(stubAccessToken('https://management.azure.com/.default', 1));
    expect(graphToken).toBe(stubAccessToken('https://graph.microsoft.com/.default', 2));
    // Only the two token POSTs went to the stand-in: no instance discovery, no openid-configuration.
    expect(entra.requests.map((r) => `${r.method} ${new URL(r.url, 'http://x').pathname}`)).toEqual([
      `POST /${TENANT}/oauth2/v2.0/token`,
      `POST /${TENANT}/oauth2/v2.0/token`,
    ]);
    const [first, second] = entra.tokenRequests().map((form) => Object.fromEntries(form));
    expect(first).toMatchObject({
      client_id: CLIENT,
      scope: 'https://management.azure.com/.default',
      grant_type: 'client_credentials',
      client_assertion_type: JWT_BEARER,
      client_assertion: 'eyJhbGciOiJSUzI1NiJ9.first-projected-token.sig',
    });
    expect(second).toMatchObject({ scope: 'https://graph.microsoft.com/.default', client_assertion: 'eyJhbGciOiJSUzI1NiJ9.rotated-projected-token.sig' });
    expect(first).not.toHaveProperty('client_secret');
    expect(entra.requests[0]!.headers['content-type']).toMatch(/application\/x-www-form-urlencoded/);
  });

  it('uses the client secret when there is no token file, and explains an invalid secret', async () => {
    const entra = await started(startEntraStub(TENANT));
    const credential = new EntraCredential({ tenantId: TENANT, clientId: CLIENT, clientSecret: 's3cr3t~value', authorityHost: entra.authorityHost });
    expect(credential.kind).toBe('client-secret');
    await credential.getToken('https://management.azure.com/.default');
    expect(Object.fromEntries(entra.tokenRequests()[0]!)).toMatchObject({ client_id: CLIENT, client_secret: 's3cr3t~value', grant_type: 'client_credentials' });
    expect(entra.tokenRequests()[0]!.has('client_assertion')).toBe(false);

    entra.failWith({ status: 401, error: 'invalid_client', description: "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '0b7e4d21'.", codes: [7000215] });
    const error = await credential.getToken('https://graph.microsoft.com/.default').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'unauthorized:azure' });
    expect((error as Error).message).toContain('AADSTS7000215: the client secret is invalid');
    // The fix names this client, not a placeholder.
    expect((error as Error).message).toContain(`az ad app credential reset --id ${CLIENT} --append`);
    expect((error as Error).message).not.toContain('s3cr3t');
  });

  it('signs a client assertion with the certificate (SHA-256 thumbprint in x5t#S256)', async () => {
    const entra = await started(startEntraStub(TENANT));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=idlens-test'], { stdio: 'ignore' });
    const certificate = await readFile(join(dir, 'cert.pem'), 'utf8');
    const pemPath = join(dir, 'idlens.pem');
    await writeFile(pemPath, (await readFile(join(dir, 'key.pem'), 'utf8')) + certificate);

    const credential = new EntraCredential({ tenantId: TENANT, clientId: CLIENT, certificatePath: pemPath, authorityHost: entra.authorityHost });
    await credential.getToken('https://management.azure.com/.default');
    const form = entra.tokenRequests()[0]!;
    expect(form.get('client_assertion_type')).toBe(JWT_BEARER);
    const assertion = form.get('client_assertion')!;
    await compactVerify(assertion, createPublicKey(certificate)); // throws when the signature is wrong
    expect(decodeProtectedHeader(assertion)['x5t#S256']).toBe(createHash('sha256').update(new X509Certificate(certificate).raw).digest('base64url'));
    expect(decodeJwt(assertion)).toMatchObject({ iss: CLIENT, sub: CLIENT, aud: `${entra.authorityHost}${TENANT}/oauth2/v2.0/token` });
  });

  it('names AADSTS700024 and its meaning when Entra ID refuses the assertion, and fails the whole source', async () => {
    const entra = await started(startEntraStub(TENANT));
    entra.failWith({
      status: 400,
      error: 'invalid_client',
      description:
        'AADSTS700024: Client assertion is not within its valid time range. Current time: 2026-11-20T10:00:00.0000000Z, assertion valid from 2026-11-20T08:00:00.0000000Z, expiry time of assertion 2026-11-20T09:00:00.0000000Z. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .',
      codes: [700024],
    });
    const credential = await workloadIdentity(entra);
    const error = await credential.getToken('https://management.azure.com/.default').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect(error).toMatchObject({ code: 'unauthorized:azure' });
    const message = (error as Error).message;
    expect(message).toContain('AADSTS700024: the client assertion is not within its valid time range');
    // Not the advice to applications (idlens re-reads the file already): what makes the file stale.
    expect(message).not.toContain('re-read AZURE_FEDERATED_TOKEN_FILE on every token acquisition');
    expect(message).toMatch(/idlens reads AZURE_FEDERATED_TOKEN_FILE \(.+\) anew for every token request, so the file itself holds a token outside its validity/);
    expect(message).toContain("check this machine's clock");
    expect(message).toContain(CLIENT);
    expect(message).not.toContain('Trace ID');

    const arm = await started(startArmStub(anArmWorld()));
    const graph = await started(startGraphStub(aGraphWorld()));
    const source = new LiveAzureSource({ tenantId: TENANT, credential, armUrl: arm.url, graphUrl: graph.url, subscriptions: [] });
    await expect(source.list()).rejects.toMatchObject({ code: 'unauthorized:azure', message: expect.stringContaining('AADSTS700024') });
    expect(arm.requests).toHaveLength(0);
    expect(graph.requests).toHaveLength(0);
  });

  it('reports an unreadable token file and an unreachable Entra ID', async () => {
    const entra = await started(startEntraStub(TENANT));
    const missingFile = new EntraCredential({ tenantId: TENANT, clientId: CLIENT, federatedTokenFile: join(dir, 'nope'), authorityHost: entra.authorityHost });
    await expect(missingFile.getToken('https://management.azure.com/.default')).rejects.toMatchObject({ code: 'config:azure', message: expect.stringContaining('fsGroup') });
    expect(entra.requests).toHaveLength(0);

    const credential = await workloadIdentity(entra);
    await entra.close();
    servers.splice(servers.indexOf(entra), 1);
    const error = await credential.getToken('https://management.azure.com/.default').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'unreachable:azure' });
    expect((error as Error).message).toContain(`${entra.url}/${TENANT}/oauth2/v2.0/token`);
    // The cause, not msal's "see aka.ms/msal.js.errors".
    expect((error as Error).message).toContain('ECONNREFUSED');
    expect((error as Error).message).not.toContain('aka.ms');
    // A port fetch refuses to use is said to be one.
    const blocked = new EntraCredential({ tenantId: TENANT, clientId: CLIENT, clientSecret: 'x', authorityHost: 'http://127.0.0.1:1/' });
    await expect(blocked.getToken('https://management.azure.com/.default')).rejects.toMatchObject({
      code: 'unreachable:azure',
      message: expect.stringContaining('bad port: fetch never connects to this port number'),
    });
  });
});

describe('LiveAzureSource against loopback ARM and Microsoft Graph', () => {
  it('reads identities, FICs, applications and app role assignments, following every page', async () => {
    const entra = await started(startEntraStub(TENANT));
    const identitiesPath = `/subscriptions/${SUB_A}/providers/Microsoft.ManagedIdentity/userAssignedIdentities`;
    const arm = await started(startArmStub(anArmWorld({ throttleOnce: { pathPrefix: identitiesPath, retryAfterSeconds: 1 }, ficDelayMs: 40 })));
    const graph = await started(startGraphStub(aGraphWorld()));
    const source = new LiveAzureSource({ tenantId: TENANT, clientId: CLIENT, credential: await workloadIdentity(entra), armUrl: `${arm.url}/`, graphUrl: `${graph.url}/`, subscriptions: [] });

    const snapshot = await source.list();

    expect(snapshot.tenantId).toBe(TENANT);
    expect(snapshot.missing).toEqual([]);
    expect(snapshot.identities.map((i) => i.name)).toEqual(['orders', 'payments', 'shipping', 'search', 'ledger', 'reports']);
    expect(snapshot.identities[0]).toEqual({
      kind: 'managedIdentity',
      name: 'orders',
      clientId: 'client-orders',
      principalId: 'principal-orders',
      tenantId: TENANT,
      resourceId: identityId(SUB_A, 'orders'),
      subscriptionId: SUB_A,
      resourceGroup: 'rg-orders',
      location: 'westeurope',
    });
    const ordersFics = snapshot.federatedCredentials.filter((f) => f.ownerClientId === 'client-orders');
    expect(ordersFics.map((f) => f.name)).toEqual(['orders-0', 'orders-1', 'orders-2', 'orders-3', 'orders-4']);
    expect(ordersFics[4]).toEqual({ ownerClientId: 'client-orders', name: 'orders-4', issuer: ISSUER, subject: subjectOf('orders', 'sa-4'), audiences: [EXCHANGE], claimsMatchingExpression: undefined });
    expect(snapshot.federatedCredentials.find((f) => f.ownerClientId === 'client-reports')).toMatchObject({
      subject: undefined,
      claimsMatchingExpression: "claims['sub'] matches 'system:serviceaccount:reports:*'",
    });
    expect(snapshot.federatedCredentials.find((f) => f.ownerClientId === 'app-deployer')).toEqual({
      ownerClientId: 'app-deployer',
      name: 'github-main',
      issuer: 'https://token.actions.githubusercontent.com',
      subject: 'repo:contoso/shop:ref:refs/heads/main',
      audiences: [EXCHANGE],
      description: 'deploys main',
      claimsMatchingExpression: undefined,
    });
    expect(snapshot.federatedCredentials).toHaveLength(5 + 4 + 1 + 1);

    expect(snapshot.applications.map((a) => [a.appId, a.displayName, a.servicePrincipalId])).toEqual([
      ['app-provider', 'provider-api', 'sp-provider'],
      ['app-deployer', 'github-deployer', 'sp-deployer'],
      ['app-plain', 'app-plain', undefined], // no roles, no FICs: its service principal is not looked up
    ]);
    expect(snapshot.applications[0]).toMatchObject({ objectId: 'obj-provider', identifierUris: ['api://provider-api'], appRoles: [{ id: 'role-orders-read', value: 'Orders.Read' }] });
    expect(snapshot.appRoleAssignments).toEqual([
      { principalId: 'principal-orders', resourceAppId: 'app-provider', appRoleId: 'role-orders-read' },
      { principalId: 'sp-deployer', resourceAppId: 'app-provider', appRoleId: 'role-orders-read' },
    ]);

    // Paging followed to the end (identities: 429, then three pages; FICs of `orders`: three pages).
    expect(skipTokens(arm, identitiesPath)).toEqual([null, null, '2', '4']);
    expect(skipTokens(arm, `${identityId(SUB_A, 'orders')}/federatedIdentityCredentials`)).toEqual([null, '2', '4']);
    expect(skipTokens(graph, '/v1.0/applications')).toEqual([null, '2']);
    expect(graph.requests.some((r) => r.url.includes("appId='app-plain'"))).toBe(false);

    // The 429 was honoured: the retry came no earlier than Retry-After (1 s; timers may round by a few ms).
    const attempts = arm.requests.flatMap((r, i) => (new URL(r.url, 'http://x').pathname === identitiesPath && !r.url.includes('skiptoken') ? [arm.arrivals[i]!] : []));
    expect(attempts).toHaveLength(2);
    expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(990);

    // At most four FIC lists in flight, and they did overlap.
    expect(arm.maxFicCallsInFlight()).toBeLessThanOrEqual(4);
    expect(arm.maxFicCallsInFlight()).toBeGreaterThan(1);

    // One token per API, each sent to its own API only.
    expect(entra.tokenRequests().map((f) => f.get('scope')).sort()).toEqual([`${arm.url}/.default`, `${graph.url}/.default`].sort());
    const armTokens = new Set(arm.requests.map((r) => r.headers.authorization));
    const graphTokens = new Set(graph.requests.map((r) => r.headers.authorization));
    expect(armTokens.size).toBe(1);
    expect(graphTokens.size).toBe(1);
    expect([...armTokens][0]).toMatch(new RegExp(`^Bearer stub-access-token-\\d-for-${arm.url}/\\.default$`));
  });

  it('keeps the ARM results when Graph answers 403, naming Application.Read.All', async () => {
    const entra = await started(startEntraStub(TENANT));
    const arm = await started(startArmStub(anArmWorld()));
    const graph = await started(startGraphStub(aGraphWorld({ forbidden: true })));
    const source = new LiveAzureSource({ tenantId: TENANT, credential: await workloadIdentity(entra), armUrl: arm.url, graphUrl: graph.url, subscriptions: [SUB_B] });

    const snapshot = await source.list();
    expect(snapshot.identities.map((i) => i.name)).toEqual(['reports']);
    expect(snapshot.federatedCredentials.map((f) => f.name)).toEqual(['reports-any']);
    expect(snapshot.applications).toEqual([]);
    expect(snapshot.missing).toHaveLength(1);
    expect(snapshot.missing![0]).toMatch(/^Microsoft Graph: applications, their federated credentials and app role assignments \(.*403.*Authorization_RequestDenied/);
    expect(snapshot.missing![0]).toContain('Application.Read.All');
    // The applications are unknown: an SA's client ID matching no identity may be one of them.
    expect(snapshot.applicationsUnread).toBe(true);
    expect(snapshot.identitiesUnread).toBeUndefined();
    // IDLENS_AZURE_SUBSCRIPTIONS given: the subscription list is not read.
    expect(arm.requests.some((r) => r.url.startsWith('/subscriptions?'))).toBe(false);
    expect(graph.requests).toHaveLength(1); // denied once: not retried
  });

  it('reports a subscription without Reader and still returns the others', async () => {
    const entra = await started(startEntraStub(TENANT));
    const arm = await started(startArmStub(anArmWorld({ forbiddenSubscriptions: [SUB_B] })));
    const graph = await started(startGraphStub(aGraphWorld()));
    const source = new LiveAzureSource({ tenantId: TENANT, clientId: CLIENT, credential: await workloadIdentity(entra), armUrl: arm.url, graphUrl: graph.url, subscriptions: [] });

    const snapshot = await source.list();
    expect(snapshot.identities).toHaveLength(5);
    expect(snapshot.applications).toHaveLength(3);
    expect(snapshot.missing).toHaveLength(1);
    expect(snapshot.missing![0]).toContain(`ARM: user-assigned identities of subscription ${SUB_B}`);
    expect(snapshot.missing![0]).toContain('403 (AuthorizationFailed');
    expect(snapshot.missing![0]).toContain(`az role assignment create --assignee ${CLIENT} --role Reader --scope /subscriptions/${SUB_B}`);
    expect(snapshot.identitiesUnread).toBe(true);
    expect(snapshot.applicationsUnread).toBeUndefined();
  });

  it("reports an identity whose FIC list fails, keeps the others, and marks that identity's FICs as unread, not empty", async () => {
    const entra = await started(startEntraStub(TENANT));
    const world = anArmWorld();
    delete world.federatedCredentials[identityId(SUB_A, 'shipping')]; // the stub answers 404 ResourceNotFound for it
    const arm = await started(startArmStub(world));
    const graph = await started(startGraphStub(aGraphWorld()));
    const source = new LiveAzureSource({ tenantId: TENANT, clientId: CLIENT, credential: await workloadIdentity(entra), armUrl: arm.url, graphUrl: graph.url, subscriptions: [] });

    const snapshot = await source.list();
    expect(snapshot.identities).toHaveLength(6);
    expect(snapshot.federatedCredentials.map((f) => f.ownerClientId)).not.toContain('client-shipping');
    expect(snapshot.federatedCredentials.map((f) => f.ownerClientId)).toContain('client-payments');
    expect(snapshot.ficsUnreadFor).toEqual(['client-shipping']);
    expect(snapshot.missing).toHaveLength(1);
    expect(snapshot.missing![0]).toContain('ARM: federated credentials of identity shipping (client-shipping)');
  });

  it("marks an application whose FIC list Graph cannot read as unread, keeping the other applications' FICs", async () => {
    const entra = await started(startEntraStub(TENANT));
    const arm = await started(startArmStub(anArmWorld()));
    const graph = await started(startGraphStub(aGraphWorld({ vanishedApplications: ['obj-provider'] })));
    const source = new LiveAzureSource({ tenantId: TENANT, clientId: CLIENT, credential: await workloadIdentity(entra), armUrl: arm.url, graphUrl: graph.url, subscriptions: [SUB_B] });

    const snapshot = await source.list();
    expect(snapshot.applications.map((a) => a.appId).sort()).toEqual(['app-deployer', 'app-plain', 'app-provider']);
    expect(snapshot.federatedCredentials.filter((f) => f.ownerClientId === 'app-deployer').map((f) => f.name)).toEqual(['github-main']);
    expect(snapshot.ficsUnreadFor).toEqual(['app-provider']);
    expect(snapshot.missing).toHaveLength(1);
    expect(snapshot.missing![0]).toMatch(/^Microsoft Graph: application provider-api \(app-provider\) \(.*404/);
  });

  it('fails loudly, naming the URL and JSON path, when ARM changes its shape; fails whole when Graph fails too', async () => {
    const entra = await started(startEntraStub(TENANT));
    const changed = (pathname: string) =>
      pathname.endsWith('/userAssignedIdentities') ? { value: [{ id: identityId(SUB_A, 'x'), name: 'x', properties: { principalId: 'p', tenantId: TENANT } }] } : undefined;
    const arm = await started(startArmStub(anArmWorld({ override: changed })));
    const graph = await started(startGraphStub(aGraphWorld()));
    const credential = await workloadIdentity(entra);

    const snapshot = await new LiveAzureSource({ tenantId: TENANT, credential, armUrl: arm.url, graphUrl: graph.url, subscriptions: [SUB_A] }).list();
    expect(snapshot.identities).toEqual([]);
    expect(snapshot.applications).toHaveLength(3);
    expect(snapshot.missing).toEqual([
      `ARM: managed identities and their federated credentials (ARM answered GET ${arm.url}/subscriptions/${SUB_A}/providers/Microsoft.ManagedIdentity/userAssignedIdentities?api-version=2023-01-31 with an unexpected shape: at $.value.0.properties.clientId: Invalid input: expected string, received undefined.)`,
    ]);

    const forbiddenGraph = await started(startGraphStub(aGraphWorld({ forbidden: true })));
    await expect(new LiveAzureSource({ tenantId: TENANT, credential, armUrl: arm.url, graphUrl: forbiddenGraph.url, subscriptions: [SUB_A] }).list()).rejects.toMatchObject({
      code: 'invalid-response:azure',
      message: expect.stringMatching(/\$\.value\.0\.properties\.clientId.*Microsoft Graph failed too: .*Application\.Read\.All/),
    });
  });

  it('gives up at once on a Retry-After longer than the cap instead of hanging', async () => {
    const entra = await started(startEntraStub(TENANT));
    const arm = await started(startArmStub(anArmWorld({ throttleOnce: { pathPrefix: '/subscriptions', retryAfterSeconds: 120 } })));
    const client = new ArmClient({ baseUrl: arm.url, tokens: await workloadIdentity(entra) });
    const t0 = Date.now();
    await expect(client.listSubscriptionIds()).rejects.toMatchObject({ code: 'throttled:azure', message: expect.stringContaining('Retry-After 120 s') });
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(arm.requests).toHaveLength(1);
  });

  it('is built from the configuration variables (IDLENS_AZURE=live)', async () => {
    const entra = await started(startEntraStub(TENANT));
    const arm = await started(startArmStub(anArmWorld()));
    const graph = await started(startGraphStub(aGraphWorld()));
    await writeFile(tokenFile, 'eyJhbGciOiJSUzI1NiJ9.from-config.sig');
    const parsed = parseEnv({
      IDLENS_AZURE: 'live',
      AZURE_TENANT_ID: TENANT,
      AZURE_CLIENT_ID: CLIENT,
      AZURE_FEDERATED_TOKEN_FILE: tokenFile,
      AZURE_AUTHORITY_HOST: entra.authorityHost,
      IDLENS_ARM_URL: arm.url,
      IDLENS_GRAPH_URL: graph.url,
      IDLENS_AZURE_SUBSCRIPTIONS: `${SUB_A}, ${SUB_B}`,
    });
    if (!parsed.ok) throw new Error(parsed.problems.join('; '));
    const source = liveAzureSourceFromConfig(parsed.config);
    expect(source.mode).toBe('live');
    const snapshot = await source.list();
    expect(snapshot.identities).toHaveLength(6);
    expect(snapshot.appRoleAssignments).toHaveLength(2);
    expect(await source.localEntraJwksFor()).toBeUndefined();
    expect(entra.tokenRequests()[0]!.get('client_assertion')).toBe('eyJhbGciOiJSUzI1NiJ9.from-config.sig');
  });
});
