import 'server-only';
import { z } from 'zod';
import type { Application, AppRoleAssignment, FederatedCredential } from '@/lib/domain/model';
import { AzureRestClient, CredentialFailure, DEFAULT_CONCURRENCY, isAccessDenied } from './azure-rest';
import { mapBounded } from './bounded';
import type { TokenProvider } from './token-provider';

// Microsoft Graph v1.0: app registrations with their FICs, their service principals, and the app
// role assignments granted on them (who may call which API with which roles: the canCall edges).

const GRAPH_PERMISSION = 'Application.Read.All';

const applicationItem = z.looseObject({
  id: z.string(),
  appId: z.string(),
  displayName: z.string().nullish(),
  identifierUris: z.array(z.string()).nullish(),
  appRoles: z
    .array(
      z.looseObject({
        id: z.string(),
        value: z.string().nullish(),
        displayName: z.string().nullish(),
        allowedMemberTypes: z.array(z.string()).nullish(),
        isEnabled: z.boolean().nullish(),
      }),
    )
    .nullish(),
});

const ficItem = z.looseObject({
  name: z.string(),
  issuer: z.string(),
  subject: z.string().nullish(),
  audiences: z.array(z.string()),
  description: z.string().nullish(),
  claimsMatchingExpression: z.looseObject({ value: z.string() }).nullish(),
});

const servicePrincipal = z.looseObject({ id: z.string(), appId: z.string() });

const appRoleAssignment = z.looseObject({
  principalId: z.string(),
  principalType: z.string().nullish(),
  resourceId: z.string(),
  appRoleId: z.string(),
});

export interface GraphClientOptions {
  /** IDLENS_GRAPH_URL, e.g. `https://graph.microsoft.com/`. */
  baseUrl: string;
  tokens: TokenProvider;
  /** Defaults to `<origin of baseUrl>/.default`. */
  scope?: string;
  tenantId?: string;
  concurrency?: number;
  timeoutMs?: number;
  maxRetries?: number;
  maxRetryAfterSeconds?: number;
}

export interface GraphRead {
  applications: Application[];
  federatedCredentials: FederatedCredential[];
  appRoleAssignments: AppRoleAssignment[];
  /** What could not be read, with the reason. */
  missing: string[];
  /** App IDs whose FICs could not be read (unknown, not none). */
  ficsUnreadFor: string[];
}

export class GraphClient {
  private readonly rest: AzureRestClient;
  private readonly concurrency: number;

  constructor(private readonly options: GraphClientOptions) {
    this.concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    this.rest = new AzureRestClient({
      service: 'Microsoft Graph',
      baseUrl: options.baseUrl,
      scope: options.scope ?? `${new URL(options.baseUrl).origin}/.default`,
      tokens: options.tokens,
      nextLinkField: '@odata.nextLink',
      timeoutMs: options.timeoutMs,
      maxRetries: options.maxRetries,
      maxRetryAfterSeconds: options.maxRetryAfterSeconds,
      permissionHint: () =>
        `The credential needs the Microsoft Graph application permission ${GRAPH_PERMISSION} with admin consent (it reads app registrations, their federated credentials and app role assignments).`,
    });
  }

  async listApplications(): Promise<Application[]> {
    // $top=999 is Graph's largest page for applications; @odata.nextLink carries the rest.
    const items = await this.rest.getAll('/v1.0/applications?$select=id,appId,displayName,identifierUris,appRoles&$top=999', applicationItem);
    return items.map((a) => ({
      kind: 'application',
      displayName: a.displayName ?? a.appId,
      appId: a.appId,
      objectId: a.id,
      tenantId: this.options.tenantId,
      identifierUris: a.identifierUris ?? [],
      appRoles: (a.appRoles ?? [])
        .filter((r) => r.isEnabled !== false)
        .map((r) => ({ id: r.id, value: r.value ?? r.id, displayName: r.displayName ?? undefined, allowedMemberTypes: r.allowedMemberTypes ?? undefined })),
    }));
  }

  async listFederatedCredentials(application: Application): Promise<FederatedCredential[]> {
    const items = await this.rest.getAll(`/v1.0/applications/${encodeURIComponent(application.objectId)}/federatedIdentityCredentials`, ficItem);
    return items.map((f) => ({
      ownerClientId: application.appId,
      name: f.name,
      issuer: f.issuer,
      subject: f.subject ?? undefined,
      claimsMatchingExpression: f.claimsMatchingExpression?.value,
      audiences: f.audiences,
      description: f.description ?? undefined,
    }));
  }

  /** The service principal object id of `appId` in this tenant; undefined when it has none (404). */
  async servicePrincipalId(appId: string): Promise<string | undefined> {
    try {
      const sp = await this.rest.get(`/v1.0/servicePrincipals(appId='${encodeURIComponent(appId)}')?$select=id,appId`, servicePrincipal);
      return sp.id;
    } catch (error) {
      if ((error as { code?: string }).code === 'not-found:azure') return undefined;
      throw error;
    }
  }

  /** Who holds app roles on the API whose service principal is `servicePrincipalId`. */
  async listAppRoleAssignedTo(servicePrincipalId: string, resourceAppId: string): Promise<AppRoleAssignment[]> {
    const items = await this.rest.getAll(`/v1.0/servicePrincipals/${encodeURIComponent(servicePrincipalId)}/appRoleAssignedTo`, appRoleAssignment);
    return items
      .filter((a) => !a.principalType || a.principalType === 'ServicePrincipal') // users and groups are not workloads
      .map((a) => ({ principalId: a.principalId, resourceAppId, appRoleId: a.appRoleId }));
  }

  /**
   * Applications, their FICs, service principals and app role assignments. Listing the
   * applications must succeed (else this throws); a later step that is denied is reported once in
   * `missing` and the steps before it are kept; a single item that fails is reported alone.
   */
  async readApplications(): Promise<GraphRead> {
    const missing: string[] = [];
    const applications = await this.listApplications();

    const ficsPerApp = await this.step(missing, 'federated credentials of applications', applications, (a) => `application ${a.displayName} (${a.appId})`, undefined as FederatedCredential[] | undefined, (a) =>
      this.listFederatedCredentials(a),
    );
    const federatedCredentials = ficsPerApp.flatMap((fics) => fics ?? []);
    const ficsUnreadFor = applications.filter((_, i) => ficsPerApp[i] === undefined).map((a) => a.appId);

    // Service principals matter for APIs (assignments point at them) and for callers that
    // federate (assignments name them as principals).
    const withFics = new Set(federatedCredentials.map((f) => f.ownerClientId));
    const relevant = applications.filter((a) => a.appRoles.length > 0 || withFics.has(a.appId));
    const spIds = await this.step(missing, 'service principals of applications', relevant, (a) => `service principal of ${a.displayName} (${a.appId})`, undefined as string | undefined, (a) =>
      this.servicePrincipalId(a.appId),
    );
    relevant.forEach((a, i) => {
      const id = spIds[i];
      if (id) a.servicePrincipalId = id;
    });

    const apis = relevant.filter((a) => a.appRoles.length > 0 && a.servicePrincipalId);
    const assignments = await this.step(missing, 'app role assignments', apis, (a) => `app role assignments of ${a.displayName} (${a.appId})`, [] as AppRoleAssignment[], (a) =>
      this.listAppRoleAssignedTo(a.servicePrincipalId!, a.appId),
    );
    return { applications, federatedCredentials, appRoleAssignments: assignments.flat(), missing, ficsUnreadFor };
  }

  /**
   * One fan-out step with bounded concurrency. Access denied repeats on every item, so it stops the
   * step and is reported once; other failures are reported per item. Credential failures propagate.
   */
  private async step<T, R>(missing: string[], what: string, items: T[], label: (item: T) => string, fallback: R, fn: (item: T) => Promise<R>): Promise<R[]> {
    try {
      return await mapBounded(items, this.concurrency, async (item) => {
        try {
          return await fn(item);
        } catch (error) {
          if (error instanceof CredentialFailure || isAccessDenied(error)) throw error;
          missing.push(`Microsoft Graph: ${label(item)} (${(error as Error).message})`);
          return fallback;
        }
      });
    } catch (error) {
      if (error instanceof CredentialFailure) throw error;
      missing.push(`Microsoft Graph: ${what} (${(error as Error).message})`);
      return items.map(() => fallback);
    }
  }
}
