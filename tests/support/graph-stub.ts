import type { ServerResponse } from 'node:http';
import { HeldResponses } from './hanging-stub';
import { sendJson, startStubServer, type StubServer } from './stub-server';

// A loopback Microsoft Graph v1.0: applications (paged by an absolute `@odata.nextLink` carrying
// `$skiptoken`), their federatedIdentityCredentials, `servicePrincipals(appId='…')` and
// `servicePrincipals/{id}/appRoleAssignedTo`; 404 `Request_ResourceNotFound` and 403
// `Authorization_RequestDenied` answers in Graph's error shape.

export interface GraphStubOptions {
  /** Raw Graph application objects. */
  applications: unknown[];
  /** Raw Graph FIC objects per application object id. */
  federatedCredentials: Record<string, unknown[]>;
  servicePrincipals: Array<{ id: string; appId: string }>;
  /** Raw Graph appRoleAssignment objects per resource service principal id. */
  appRoleAssignedTo: Record<string, unknown[]>;
  pageSize?: number;
  /** Answer every request with 403 Authorization_RequestDenied (no Application.Read.All). */
  forbidden?: boolean;
  /** Accept every request and never answer (a hung Microsoft Graph). */
  hang?: boolean;
  /** Application object ids whose FIC list answers 404 Request_ResourceNotFound (deleted while listed). */
  vanishedApplications?: string[];
}

const graphError = (code: string, message: string) => ({
  error: { code, message, innerError: { date: '2026-11-20T10:00:00', 'request-id': '5c1f0000-0000-4000-8000-000000000003', 'client-request-id': '5c1f0000-0000-4000-8000-000000000003' } },
});

export async function startGraphStub(options: GraphStubOptions): Promise<StubServer> {
  const pageSize = options.pageSize ?? 100;
  let base = '';

  const page = (res: ServerResponse, url: URL, context: string, items: unknown[]) => {
    const start = Number(url.searchParams.get('$skiptoken') ?? '0');
    let nextLink: string | undefined;
    if (start + pageSize < items.length) {
      const next = new URL(url.pathname + url.search, base);
      next.searchParams.set('$skiptoken', String(start + pageSize));
      nextLink = next.href;
    }
    sendJson(res, 200, {
      '@odata.context': `${base}/v1.0/$metadata#${context}`,
      value: items.slice(start, start + pageSize),
      ...(nextLink ? { '@odata.nextLink': nextLink } : {}),
    });
  };

  const held = new HeldResponses();
  const server = await startStubServer((req, res) => {
    if (options.hang) return held.hold(res);
    const url = new URL(req.url, 'http://stub');
    const path = decodeURIComponent(url.pathname);
    if (!req.headers.authorization?.startsWith('Bearer ')) {
      return sendJson(res, 401, graphError('InvalidAuthenticationToken', 'Access token is empty.'));
    }
    if (options.forbidden) return sendJson(res, 403, graphError('Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'));

    if (path === '/v1.0/applications') return page(res, url, 'applications', options.applications);
    const fics = /^\/v1\.0\/applications\/([^/]+)\/federatedIdentityCredentials$/.exec(path);
    if (fics) {
      if (options.vanishedApplications?.includes(fics[1]!)) {
        return sendJson(res, 404, graphError('Request_ResourceNotFound', `Resource '${fics[1]}' does not exist or one of its queried reference-property objects are not present.`));
      }
      const items = options.federatedCredentials[fics[1]!];
      return page(res, url, `applications('${fics[1]}')/federatedIdentityCredentials`, items ?? []);
    }
    const byAppId = /^\/v1\.0\/servicePrincipals\(appId='([^']+)'\)$/.exec(path);
    if (byAppId) {
      const sp = options.servicePrincipals.find((s) => s.appId === byAppId[1]);
      if (!sp) return sendJson(res, 404, graphError('Request_ResourceNotFound', `Resource '${byAppId[1]}' does not exist or one of its queried reference-property objects are not present.`));
      return sendJson(res, 200, { '@odata.context': `${base}/v1.0/$metadata#servicePrincipals(id,appId)/$entity`, id: sp.id, appId: sp.appId });
    }
    const assigned = /^\/v1\.0\/servicePrincipals\/([^/]+)\/appRoleAssignedTo$/.exec(path);
    if (assigned) return page(res, url, `servicePrincipals('${assigned[1]}')/appRoleAssignedTo`, options.appRoleAssignedTo[assigned[1]!] ?? []);
    sendJson(res, 404, graphError('BadRequest', `stub: no route for ${path}`));
  });
  base = server.url;
  return held.closing(server);
}
