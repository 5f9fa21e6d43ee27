import 'server-only';
import { SignJWT, type JWTPayload } from 'jose';
import { WI } from '@/lib/domain/model';
import { sampleKeys, type SampleSigningKey } from './keys';
import {
  identityResourceId,
  nodeUid,
  SAMPLE_CONSUMER,
  SAMPLE_ISSUER,
  SAMPLE_PROVIDER,
  SAMPLE_PROVIDER_APP,
  SAMPLE_TENANT_ID,
  sampleClusterSnapshot,
} from './world';

// Real, verifiable tokens of the sample world, minted on request with the keys of keys.ts: the
// token page verifies them against the JWKS that /api/jwks serves for their issuers. Claims follow
// shared DOMAIN.md exactly (projected SA token; Entra v1/v2 app-only access tokens of a managed
// identity), so the decoder explains them as it would explain a production token.

export type SampleTokenId = 'cluster' | 'entra-v1' | 'entra-v2' | 'expired' | 'tampered';

export interface SampleToken {
  id: SampleTokenId;
  label: string;
  description: string;
  token: string;
}

/** Kubernetes projects Azure Workload Identity tokens for this long by default (the annotation's default). */
const SA_TOKEN_LIFETIME_S = 3600;
/** Managed-identity access tokens live 24 h; Entra reports `expires_in: 86399`. */
const ENTRA_TOKEN_LIFETIME_S = 86399;
/** The Entra tokens were acquired a few minutes before the page asked for them. */
const ENTRA_ISSUED_AGO_S = 5 * 60;

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

/** Random base64url text, shaped like Entra's opaque `uti`, `rh` and `aio` values. */
function opaque(bytes: number): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString('base64url');
}

interface ConsumerPod {
  name: string;
  uid: string;
  serviceAccountUid: string;
}

/** The consumer's pods and SA as the world has them, so token and map name the same uids. */
function consumerPods(): ConsumerPod[] {
  const snapshot = sampleClusterSnapshot();
  const sa = snapshot.serviceAccounts.find(
    (s) => s.cluster === SAMPLE_CONSUMER.cluster && s.namespace === SAMPLE_CONSUMER.namespace && s.name === SAMPLE_CONSUMER.serviceAccount,
  );
  if (!sa?.uid) throw new Error('the sample world lost its consumer service account');
  return SAMPLE_CONSUMER.pods.map((name) => {
    const pod = snapshot.pods.find((p) => p.cluster === SAMPLE_CONSUMER.cluster && p.namespace === SAMPLE_CONSUMER.namespace && p.name === name);
    if (!pod?.uid) throw new Error(`the sample world lost pod ${name}`);
    return { name, uid: pod.uid, serviceAccountUid: sa.uid! };
  });
}

/** Claims of a projected token, in the order kube-apiserver writes them. */
function serviceAccountClaims(pod: ConsumerPod, issuedAt: number): JWTPayload {
  return {
    aud: [WI.tokenExchangeAudience],
    exp: issuedAt + SA_TOKEN_LIFETIME_S,
    iat: issuedAt,
    iss: SAMPLE_ISSUER,
    jti: crypto.randomUUID(),
    'kubernetes.io': {
      namespace: SAMPLE_CONSUMER.namespace,
      node: { name: SAMPLE_CONSUMER.node, uid: nodeUid(SAMPLE_CONSUMER.node) },
      pod: { name: pod.name, uid: pod.uid },
      serviceaccount: { name: SAMPLE_CONSUMER.serviceAccount, uid: pod.serviceAccountUid },
    },
    nbf: issuedAt,
    sub: SAMPLE_CONSUMER.subject,
  };
}

/** Kubernetes signs with `alg` and `kid` only (no `typ`). */
function signServiceAccountToken(claims: JWTPayload, key: SampleSigningKey): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: key.kid }).sign(key.privateKey);
}

/** Claims both Entra versions share for an app-only token of the consumer's managed identity. */
function entraCommonClaims(issuedAt: number) {
  const identity = SAMPLE_CONSUMER.identity;
  return {
    iat: issuedAt,
    nbf: issuedAt,
    exp: issuedAt + ENTRA_TOKEN_LIFETIME_S,
    aio: `k2BgYJi${opaque(42)}`,
    idtyp: 'app',
    oid: identity.principalId,
    rh: `1.AUEA${opaque(48)}.`,
    // App-only tokens carry the app roles granted to the caller (the app role assignment).
    roles: [SAMPLE_PROVIDER_APP.roles.charge.value],
    sub: identity.principalId,
    tid: SAMPLE_TENANT_ID,
    uti: opaque(16),
    xms_mirid: identityResourceId(identity),
  };
}

async function entraV1Token(issuedAt: number, key: SampleSigningKey): Promise<string> {
  const common = entraCommonClaims(issuedAt);
  const claims: JWTPayload = {
    aud: SAMPLE_PROVIDER_APP.identifierUri,
    iss: `https://sts.windows.net/${SAMPLE_TENANT_ID}/`,
    iat: common.iat,
    nbf: common.nbf,
    exp: common.exp,
    aio: common.aio,
    appid: SAMPLE_CONSUMER.identity.clientId,
    // 2 = the client proved itself with an assertion (here: the federated Kubernetes token).
    appidacr: '2',
    idp: `https://sts.windows.net/${SAMPLE_TENANT_ID}/`,
    idtyp: common.idtyp,
    oid: common.oid,
    rh: common.rh,
    roles: common.roles,
    sub: common.sub,
    tid: common.tid,
    uti: common.uti,
    ver: '1.0',
    xms_mirid: common.xms_mirid,
  };
  // v1 headers carry x5t beside kid (the same thumbprint).
  return new SignJWT(claims).setProtectedHeader({ typ: 'JWT', alg: 'RS256', x5t: key.kid, kid: key.kid }).sign(key.privateKey);
}

async function entraV2Token(issuedAt: number, key: SampleSigningKey): Promise<string> {
  const common = entraCommonClaims(issuedAt);
  const claims: JWTPayload = {
    // v2: the audience is the API's client ID, not its identifier URI.
    aud: SAMPLE_PROVIDER_APP.appId,
    iss: `https://login.microsoftonline.com/${SAMPLE_TENANT_ID}/v2.0`,
    iat: common.iat,
    nbf: common.nbf,
    exp: common.exp,
    aio: common.aio,
    azp: SAMPLE_CONSUMER.identity.clientId,
    azpacr: '2',
    idtyp: common.idtyp,
    oid: common.oid,
    rh: common.rh,
    roles: common.roles,
    sub: common.sub,
    tid: common.tid,
    uti: common.uti,
    ver: '2.0',
    xms_mirid: common.xms_mirid,
  };
  return new SignJWT(claims).setProtectedHeader({ typ: 'JWT', alg: 'RS256', kid: key.kid }).sign(key.privateKey);
}

/**
 * A genuine token whose payload was edited after signing: it now claims to be the provider's
 * SA. Header and signature are the original ones, so decoding works and verification must fail.
 */
function tamper(token: string): string {
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as JWTPayload & {
    'kubernetes.io': { namespace: string; serviceaccount: { name: string; uid: string } };
  };
  claims.sub = `system:serviceaccount:${SAMPLE_PROVIDER.namespace}:${SAMPLE_PROVIDER.serviceAccount}`;
  claims['kubernetes.io'].namespace = SAMPLE_PROVIDER.namespace;
  claims['kubernetes.io'].serviceaccount.name = SAMPLE_PROVIDER.serviceAccount;
  const edited = Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url');
  return `${header}.${edited}.${signature}`;
}

/** The five sample tokens, issued relative to `now` (the caller's clock). */
export async function mintSampleTokens(now: Date): Promise<SampleToken[]> {
  const { cluster: clusterKey, entra: entraKey } = await sampleKeys();
  const [first, second] = consumerPods();
  const nowS = seconds(now);
  const tokenFile = '/var/run/secrets/azure/tokens/azure-identity-token';
  const sa = `${SAMPLE_CONSUMER.namespace}/${SAMPLE_CONSUMER.serviceAccount}`;

  const [cluster, expired, toTamper, v1, v2] = await Promise.all([
    signServiceAccountToken(serviceAccountClaims(first!, nowS), clusterKey),
    // Issued 4 h ago with the default 1 h lifetime: expired 3 h ago.
    signServiceAccountToken(serviceAccountClaims(second!, nowS - 4 * 3600), clusterKey),
    signServiceAccountToken(serviceAccountClaims(first!, nowS), clusterKey),
    entraV1Token(nowS - ENTRA_ISSUED_AGO_S, entraKey),
    entraV2Token(nowS - ENTRA_ISSUED_AGO_S, entraKey),
  ]);

  return [
    {
      id: 'cluster',
      label: 'Kubernetes service account token',
      description: `Fresh projected token of ${sa} in pod ${first!.name}, as the kubelet writes it to ${tokenFile} (audience ${WI.tokenExchangeAudience}, 1 h). Verifies against the sample cluster's JWKS.`,
      token: cluster,
    },
    {
      id: 'entra-v1',
      label: 'Entra ID access token (v1)',
      description: `What Entra ID returns to ${SAMPLE_CONSUMER.identity.name} for scope ${SAMPLE_PROVIDER_APP.scope}: app-only, role ${SAMPLE_PROVIDER_APP.roles.charge.value}, audience ${SAMPLE_PROVIDER_APP.identifierUri}. Signed by the sample tenant's key.`,
      token: v1,
    },
    {
      id: 'entra-v2',
      label: 'Entra ID access token (v2)',
      description: `The same call when ${SAMPLE_PROVIDER_APP.displayName} sets accessTokenAcceptedVersion: 2: azp/azpacr instead of appid/appidacr, audience = its client ID ${SAMPLE_PROVIDER_APP.appId}.`,
      token: v2,
    },
    {
      id: 'expired',
      label: 'Expired service account token',
      description: `A projected token of ${sa} (pod ${second!.name}) that expired 3 hours ago: what an application that caches the token file instead of re-reading it sends (AADSTS700024).`,
      token: expired,
    },
    {
      id: 'tampered',
      label: 'Tampered service account token',
      description: `A genuine token of ${sa} whose payload was edited after signing to claim ${SAMPLE_PROVIDER.namespace}/${SAMPLE_PROVIDER.serviceAccount}; the signature no longer matches.`,
      token: tamper(toTamper),
    },
  ];
}
