import type { IdentityMapData, MapNode } from '@/lib/api/identity-map-queries';
import { genericFlowMermaid } from '@/lib/traces/sequence';

// What /flow draws for one service account, derived from the identity map: the SA's real issuer
// (its cluster's, exactly as Entra compares it), subject, client ID, tenant, the scope of an API
// its identity may call, and the federated credentials of that identity compared field by field.

export const TOKEN_EXCHANGE_AUDIENCE = 'api://AzureADTokenExchange';
export const PUBLIC_AUTHORITY_HOST = 'https://login.microsoftonline.com/';
export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export interface FlowCredential {
  id: string;
  name: string;
  issuer: string;
  subject?: string;
  audiences: string[];
  issuerMatches: boolean;
  subjectMatches: boolean;
  audienceMatches: boolean;
}

export interface FlowServiceAccount {
  id: string;
  label: string;
  cluster: string;
  namespace: string;
  name: string;
  subject: string;
  issuer?: string;
  clientId?: string;
  tenantId?: string;
  /** `<identifier URI or appId>/.default` of an API the identity has a role on. */
  scope?: string;
  podName?: string;
  identityId?: string;
  identityLabel?: string;
  credentials: FlowCredential[];
}

export function flowServiceAccounts(map: IdentityMapData): FlowServiceAccount[] {
  const byId = new Map(map.nodes.map((n) => [n.id, n]));
  const identityByClientId = new Map<string, Extract<MapNode, { kind: 'managedIdentity' | 'application' }>>();
  for (const n of map.nodes) {
    if (n.kind === 'managedIdentity') identityByClientId.set(n.data.clientId.toLowerCase(), n);
    else if (n.kind === 'application') identityByClientId.set(n.data.appId.toLowerCase(), n);
  }
  const fics = map.nodes.filter((n): n is Extract<MapNode, { kind: 'federatedCredential' }> => n.kind === 'federatedCredential');
  const accounts: FlowServiceAccount[] = [];

  for (const n of map.nodes) {
    if (n.kind !== 'serviceAccount') continue;
    const d = n.data;
    const issuer = d.issuer ?? map.clusters.find((c) => c.name === d.cluster)?.issuer;
    const clientId = d.clientId;
    const identity = clientId ? identityByClientId.get(clientId.toLowerCase()) : undefined;
    const tenantId = d.tenantId ?? identity?.data.tenantId;
    let resource: string | undefined;
    for (const e of map.edges) {
      if (resource || e.kind !== 'canCall' || e.from !== identity?.id) continue;
      const api = byId.get(e.to);
      if (api?.kind === 'application') resource = api.data.identifierUris[0] ?? api.data.appId;
      else if (e.to.startsWith('api:')) resource = e.to.slice(4);
    }
    const podEdge = map.edges.find((e) => e.kind === 'runsAs' && e.to === n.id);
    const pod = podEdge ? byId.get(podEdge.from) : undefined;
    const credentials = clientId
      ? fics
          .filter((f) => f.data.ownerClientId.toLowerCase() === clientId.toLowerCase())
          .map(
            (f): FlowCredential => ({
              id: f.id,
              name: f.data.name,
              issuer: f.data.issuer,
              subject: f.data.subject,
              audiences: f.data.audiences,
              // Entra compares exactly and case-sensitively (shared DOMAIN.md).
              issuerMatches: issuer !== undefined && f.data.issuer === issuer,
              subjectMatches: f.data.subject === d.subject,
              audienceMatches: f.data.audiences.includes(TOKEN_EXCHANGE_AUDIENCE),
            }),
          )
      : [];
    accounts.push({
      id: n.id,
      label: n.label,
      cluster: d.cluster,
      namespace: d.namespace,
      name: d.name,
      subject: d.subject,
      issuer,
      clientId,
      tenantId,
      scope: resource ? `${resource.replace(/\/+$/, '')}/.default` : undefined,
      podName: pod?.kind === 'pod' ? pod.data.name : undefined,
      identityId: identity?.id,
      identityLabel: identity?.label,
      credentials,
    });
  }
  return accounts.sort((a, b) => a.label.localeCompare(b.label));
}

/** The mermaid source of the generic exchange; placeholders where the map lacks a value. */
export function flowMermaid(sa: FlowServiceAccount): string {
  return genericFlowMermaid({
    podName: sa.podName,
    namespace: sa.namespace,
    serviceAccount: sa.name,
    clientId: sa.clientId ?? '<client-id annotation missing>',
    tenantId: sa.tenantId ?? '{tenant}',
    issuer: sa.issuer ?? '<cluster issuer unknown>',
    audience: TOKEN_EXCHANGE_AUDIENCE,
    scope: sa.scope,
    authorityHost: PUBLIC_AUTHORITY_HOST,
  });
}

/**
 * The HTTP request Entra ID receives (what msal/azure-identity send): client credentials with the
 * SA token as client_assertion, form-encoded. Not an RFC 8693 token exchange.
 */
export function entraTokenRequest(sa: FlowServiceAccount): string {
  const host = new URL(PUBLIC_AUTHORITY_HOST).host;
  const scope = sa.scope ?? '<resource>/.default';
  const form = [
    ['client_id', sa.clientId ?? '<client id>'],
    ['scope', scope],
    ['grant_type', 'client_credentials'],
    ['client_assertion_type', CLIENT_ASSERTION_TYPE],
  ] as const;
  // Real values form-encoded as sent; `<placeholders>` left readable.
  const lines = form.map(([k, v], i) => `${i === 0 ? '' : '&'}${k}=${v.startsWith('<') ? v : encodeURIComponent(v)}`);
  return [
    `POST ${PUBLIC_AUTHORITY_HOST}${sa.tenantId ?? '{tenant}'}/oauth2/v2.0/token HTTP/1.1`,
    `Host: ${host}`,
    'Content-Type: application/x-www-form-urlencoded',
    '',
    ...lines,
    `&client_assertion=<the SA token: the file at AZURE_FEDERATED_TOKEN_FILE, re-read for every request>`,
  ].join('\n');
}
