import 'server-only';
import { getConfig } from '@/lib/config';
import type { JsonWebKeySet } from '@/lib/domain/model';
import { jwksDocument } from '@/lib/sources/cluster/kube-objects';
import { getSources } from '@/lib/sources/registry';
import { SourceError } from '@/lib/sources/source-error';
import { entraJwksPath, issuerKind } from '@/lib/tokens/classify';
import { withTimeout } from './timeout';

// Which JWKS verifies tokens of an issuer. Only issuers the dashboard knows are answered: the
// clusters of the cluster source, and Entra ID (public and sovereign clouds). Anything else is
// refused before any outbound request, so /api/jwks can never be turned into a URL fetcher (SSRF).

export type JwksResolution =
  | { found: true; jwks: JsonWebKeySet; origin: 'cluster' | 'sample-entra' | 'entra' }
  | { found: false; reason: string };

const ENTRA_LOGIN_HOST: Record<string, string> = {
  // The public cloud's login host comes from AZURE_AUTHORITY_HOST (the webhook injects it).
  public: '',
  usgov: 'https://login.microsoftonline.us/',
  china: 'https://login.chinacloudapi.cn/',
};

const entraCache = new Map<string, { jwks: JsonWebKeySet; fetchedAt: number }>();
const ENTRA_CACHE_MS = 60 * 60 * 1000; // Entra rolls keys over days; an hour keeps verification fresh enough.
const ENTRA_CACHE_MAX = 100;

export async function resolveJwks(issuer: string): Promise<JwksResolution> {
  const sources = getSources();
  // A cluster API server that does not answer must not hold up Entra tokens: bounded wait.
  // Its failure is kept for the answer: "unknown issuer" would be wrong when the cluster's keys are only unreadable.
  let clusterFailure: string | undefined;
  const clusterJwks = await withTimeout(sources.cluster.jwksFor(issuer), 10_000, 'cluster', 'The cluster source').catch((error: unknown) => {
    clusterFailure = (error as Error)?.message ?? String(error);
    return undefined;
  });
  if (clusterJwks) return { found: true, jwks: clusterJwks, origin: 'cluster' };

  const kind = issuerKind(issuer);
  if (kind.kind === 'entra') {
    const local = await sources.azure.localEntraJwksFor(issuer);
    if (local) return { found: true, jwks: local, origin: 'sample-entra' };
    const path = kind.tenantId ? entraJwksPath(kind.tenantId) : undefined;
    if (!path) return { found: false, reason: `The Entra ID issuer ${issuer} names no tenant whose keys can be looked up.` };
    const host = ENTRA_LOGIN_HOST[kind.cloud] || getConfig().AZURE_AUTHORITY_HOST;
    const url = new URL(path, host.endsWith('/') ? host : `${host}/`).toString();
    const jwks = await fetchEntraJwks(url);
    if (!jwks) return { found: false, reason: `Entra ID knows no tenant ${kind.tenantId} (${url} answered "not found"): the issuer's tenant does not exist in this cloud.` };
    return { found: true, jwks, origin: 'entra' };
  }
  if (kind.kind === 'kubernetes-disabled') {
    return {
      found: false,
      reason: `${issuer} is the in-cluster default issuer: the cluster's OIDC issuer is not enabled, so nobody outside the cluster (Entra ID included) can fetch its keys. Paste the cluster's JWKS (kubectl get --raw /openid/v1/jwks) to verify.`,
    };
  }
  if (clusterFailure) {
    return {
      found: false,
      reason: `The cluster source could not tell whether ${issuer} is its cluster's issuer or give its keys: ${clusterFailure.replace(/\.$/, '')}. Paste the cluster's JWKS (kubectl get --raw /openid/v1/jwks) to verify.`,
    };
  }
  return {
    found: false,
    reason: `idlens does not know the issuer ${issuer}: it is neither a cluster of the configured cluster source nor an Entra ID host. Paste its JWKS to verify; idlens never fetches keys from arbitrary URLs.`,
  };
}

async function fetchEntraJwks(url: string): Promise<JsonWebKeySet | undefined> {
  const key = url.toLowerCase();
  const hit = entraCache.get(key);
  if (hit && Date.now() - hit.fetchedAt < ENTRA_CACHE_MS) return hit.jwks;
  let response: Response;
  let body: unknown;
  try {
    // The signal also bounds reading the body.
    response = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(5000) });
    body = await response.json().catch(() => undefined);
  } catch (error) {
    if ((error as Error).name === 'TimeoutError') throw new SourceError('timeout:azure', `Entra ID (${url}) did not answer within 5 s.`);
    throw new SourceError('unreachable:azure', `Could not reach Entra ID at ${url} to fetch its signing keys: ${(error as Error).message}. Paste the JWKS instead, or check the network.`);
  }
  // Entra answers 400 (AADSTS90002) or 404 for a tenant it does not know: that is an answer, not a failure.
  if (response.status === 400 || response.status === 404) return undefined;
  if (!response.ok) throw new SourceError('invalid-response:azure', `Entra ID answered ${response.status} for ${url}.`);
  const parsed = jwksDocument.safeParse(body);
  if (!parsed.success) throw new SourceError('invalid-response:azure', `Entra ID's answer at ${url} is not a JWKS.`);
  const jwks = parsed.data as JsonWebKeySet;
  // Bounded: the key comes from whatever issuer a caller sends.
  if (entraCache.size >= ENTRA_CACHE_MAX) entraCache.delete(entraCache.keys().next().value!);
  entraCache.set(key, { jwks, fetchedAt: Date.now() });
  return jwks;
}
