// Every header field and claim in plain words, so that a developer who has never read RFC 7519 or
// the Entra ID claims reference can tell what the token says. Meanings are value-aware where the
// value changes what it means (which namespace, which cloud, which kind of client authentication).
// Sources: RFC 7515/7516/7519, Kubernetes' service-account token code, Microsoft's access-token and
// ID-token claims references (shared DOMAIN.md).

import { parseServiceAccountSubject, WI } from '@/lib/domain/model';
import { issuerKind, type TokenType } from './classify';
import type { JsonObject } from './decode';
import { formatUtc, numericDate } from './times';

export interface ClaimExplanation {
  /** The claim name; nested Kubernetes claims are dotted (`kubernetes.io.namespace`). */
  name: string;
  value: unknown;
  meaning: string;
  /** False for claims idlens has no explanation for (still shown, value as is). */
  known: boolean;
  group: 'header' | 'payload';
}

interface Context {
  type: TokenType;
  header: JsonObject;
  payload: JsonObject;
}

type Meaning = string | ((value: unknown, context: Context) => string);

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const list = (value: unknown): string[] =>
  typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
const isEntra = (type: TokenType) => type.startsWith('Entra ID');

const ALGORITHMS: Record<string, string> = {
  RS: 'RSA signature (RSASSA-PKCS1-v1_5)',
  PS: 'RSA-PSS signature',
  ES: 'ECDSA signature',
  HS: 'HMAC with a shared secret',
};

const HEADER: Record<string, Meaning> = {
  alg: (v) => {
    const alg = str(v) ?? '';
    if (alg.toLowerCase() === 'none') return 'Signing algorithm: none. The token is not signed at all, so anyone could have written it.';
    const family = ALGORITHMS[alg.slice(0, 2)];
    if (family) {
      const how =
        alg.startsWith('HS')
          ? 'whoever can check it can also forge it, and no public key set can verify it'
          : "checked with the issuer's public key from its JWKS";
      return `Signing algorithm: ${family} with SHA-${alg.slice(2)}; ${how}. Kubernetes and Entra ID sign with RS256.`;
    }
    if (alg === 'EdDSA' || alg === 'Ed25519') return "Signing algorithm: Ed25519 (EdDSA) signature, checked with the issuer's public key.";
    return 'Signing algorithm (JWS "alg"): how the signature was made.';
  },
  typ: (v) =>
    str(v)?.toLowerCase() === 'at+jwt'
      ? 'Media type: an OAuth 2.0 access token in JWT form (RFC 9068).'
      : 'Media type of the token; "JWT" for plain JSON Web Tokens. Informational: validators do not rely on it.',
  kid: 'Key ID: which key of the issuer\'s published key set (JWKS) signed the token. Verifiers pick the key by it; a key rotation gives a new kid.',
  x5t: "X.509 certificate thumbprint (SHA-1) of the signing key. Entra ID v1 tokens carry it with the same value as kid.",
  'x5t#S256': 'X.509 certificate thumbprint (SHA-256) of the signing key.',
  x5c: 'The signing certificate chain embedded in the token. A verifier must not trust a key just because the token brings it.',
  jku: 'A URL where the signing key set can supposedly be found. Never fetched by idlens: a token must not choose the key that verifies it.',
  x5u: 'A URL where the signing certificate can supposedly be found. Never fetched by idlens: a token must not choose the key that verifies it.',
  jwk: 'A public key embedded in the token. Trusting it would let anyone sign tokens; verifiers use the issuer\'s JWKS instead.',
  cty: (v) => (str(v)?.toUpperCase() === 'JWT' ? 'Content type JWT: the payload is itself a nested token (signed then encrypted, or signed twice).' : 'Content type of the payload.'),
  enc: 'Content encryption algorithm of an encrypted token (JWE), e.g. A256GCM.',
  zip: 'Compression applied to the payload before encryption (DEF = DEFLATE).',
  crit: 'Header fields the verifier must understand, or reject the token.',
  nonce:
    'A header nonce, as in tokens for Microsoft Graph: Graph hashes it before checking the signature, so nobody else can verify these tokens. "Signature not verified" is expected for them and does not mean forged.',
  epk: 'Ephemeral public key used for key agreement in an encrypted token (ECDH-ES).',
  b64: 'Whether the payload is base64url-encoded (RFC 7797); JWTs always are.',
};

const ACR_VALUES: Record<string, string> = {
  '0': 'a public client: no client secret or certificate (e.g. a desktop or mobile app signing in a user)',
  '1': 'a client ID and client secret',
  '2': 'a certificate or a signed client assertion (managed identity and workload identity federation use this)',
};

/** `appidacr`/`azpacr` are strings ("2"); a number is read the same. Anything else is unknown. */
function acrMeaning(value: unknown): string {
  const key = typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
  // Own keys only: `constructor` must not find Object.prototype's.
  return key !== undefined && Object.hasOwn(ACR_VALUES, key) ? ACR_VALUES[key]! : 'unknown value';
}

function audienceMeaning(value: unknown, { type, payload }: Context): string {
  const auds = list(value);
  if (type === 'Kubernetes service account token') {
    if (auds.includes(WI.tokenExchangeAudience)) {
      return `Audience: who the token is meant for. ${WI.tokenExchangeAudience} means it is meant for Entra ID's token exchange — what Azure Workload Identity projects into the pod.`;
    }
    const k8s = payload['kubernetes.io'];
    const apiServer = auds.some((a) => /kubernetes\.default\.svc|\.azmk8s\.io|:443$/.test(a)) || (isRecord(k8s) && 'warnafter' in k8s);
    return `Audience: who the token is meant for. It lacks ${WI.tokenExchangeAudience}, so Entra ID refuses it as a federated assertion (AADSTS700212)${apiServer ? '; this audience is the Kubernetes API server, i.e. the pod\'s default kube-api-access token' : ''}.`;
  }
  if (type === 'Entra ID ID token') return 'Audience: the client ID of the application the user signed in to. An ID token proves a sign-in to that app; it is not for calling APIs.';
  if (isEntra(type)) return 'Audience: the API this access token is for (its client ID or App ID URI). The API must refuse tokens whose aud is not its own.';
  if (auds.includes(WI.tokenExchangeAudience)) return `Audience: ${WI.tokenExchangeAudience}, i.e. meant as a client assertion for Entra ID's federated credential exchange.`;
  return 'Audience: who the token is meant for. A recipient must refuse tokens not addressed to it.';
}

function issuerMeaning(value: unknown, { type }: Context): string {
  const iss = str(value);
  if (iss === undefined) return 'Issuer: who created and signed the token.';
  const kind = issuerKind(iss);
  if (kind.kind === 'entra') {
    const cloud = kind.cloud === 'public' ? 'the public cloud' : kind.cloud === 'usgov' ? 'Azure US Government' : 'Azure China (21Vianet)';
    const tenant = kind.tenantId ? `tenant ${kind.tenantId}` : 'an unnamed tenant';
    return `Issuer: Entra ID (${cloud}), ${tenant}, ${kind.version === 'v1' ? 'v1.0' : 'v2.0'} issuer form. Its keys are published at /${kind.tenantId ?? '{tenant}'}/discovery/v2.0/keys.`;
  }
  if (kind.kind === 'kubernetes-disabled') {
    return "Issuer: the in-cluster default. The cluster's OIDC issuer is not enabled, so Entra ID cannot fetch its keys and every exchange of this token fails.";
  }
  if (iss === 'kubernetes/serviceaccount') return 'Issuer of legacy Secret-based service-account tokens (no expiry): they cannot be used for workload identity.';
  if (/\.oic\.prod-aks\.azure\.com\/|oidc\.prod-aks\.azure\.com\//.test(iss)) {
    return "Issuer: an AKS cluster's OIDC issuer (public URL, trailing '/' included). A federated credential must name exactly this string, slash and all.";
  }
  if (type === 'Kubernetes service account token') {
    return "Issuer: the cluster's service-account issuer. A federated credential must name exactly this string; Entra ID fetches <issuer>/.well-known/openid-configuration from it.";
  }
  return 'Issuer: who created and signed the token.';
}

function subjectMeaning(value: unknown, { type }: Context): string {
  const sub = str(value);
  const sa = sub ? parseServiceAccountSubject(sub) : undefined;
  if (sa) return `Subject: service account "${sa.name}" in namespace "${sa.namespace}". A federated credential must name exactly this subject.`;
  if (type === 'Entra ID ID token') return 'Subject: the signed-in user, as a pairwise identifier unique to this application (use oid to identify the user across apps).';
  if (isEntra(type)) return 'Subject: the principal the token is about — the user, or for app-only tokens the calling service principal. Pairwise per application; oid is the stable object ID.';
  return 'Subject: who or what the token is about.';
}

function timeMeaning(what: string) {
  return (value: unknown): string => {
    const seconds = numericDate(value);
    if (seconds === undefined) return `${what} It should be a number of seconds since 1970 (NumericDate) but is not, so validators reject it.`;
    return `${what} ${formatUtc(new Date(seconds * 1000))}.`;
  };
}

function versionMeaning(value: unknown): string {
  if (value === '1.0') return 'Token version 1.0: issuer sts.windows.net, client in appid. Set by the API\'s accessTokenAcceptedVersion, not by the endpoint called.';
  if (value === '2.0') return 'Token version 2.0: issuer login.microsoftonline.com/{tenant}/v2.0, client in azp. Set by the API\'s accessTokenAcceptedVersion, not by the endpoint called.';
  return 'Token format version.';
}

const PAYLOAD: Record<string, Meaning> = {
  iss: issuerMeaning,
  sub: subjectMeaning,
  aud: audienceMeaning,
  exp: timeMeaning('Expires: the token is refused at and after'),
  nbf: timeMeaning('Not before: the token is refused before'),
  iat: timeMeaning('Issued at'),
  jti: 'Token ID: unique per token, lets a recipient detect replays. Newer Kubernetes versions set it.',
  'kubernetes.io': 'Kubernetes-specific claims, one row each below: the namespace, service account, pod and node the token is bound to.',
  appid: 'Client ID of the application that requested the token (v1 tokens). For workload identity: the managed identity or app registration the pod acts as.',
  appidacr: (v) => `How the client authenticated (v1): ${acrMeaning(v)}.`,
  azp: 'Client ID of the application that requested the token (v2 tokens). For workload identity: the managed identity or app registration the pod acts as.',
  azpacr: (v) => `How the client authenticated (v2): ${acrMeaning(v)}.`,
  oid: 'Object ID of the principal in the tenant: the user, or the service principal of an app or managed identity. Stable across applications; app role assignments point at it.',
  tid: 'Tenant ID: the Entra ID directory the principal signed in to.',
  roles: (v) =>
    `App roles (application permissions) granted to the caller on this API${list(v).length ? `: ${list(v).join(', ')}` : ''}. App-only tokens (managed identities, workload identity) authorise with these.`,
  scp: (v) => `Delegated scopes the user consented to${str(v) ? `: ${str(v)}` : ''}. Only user tokens carry scp; app-only tokens carry roles instead.`,
  uti: 'Token identifier Entra ID uses internally (for revocation and support cases); not for validation.',
  rh: 'Opaque claim Entra ID uses to revalidate tokens; ignore it.',
  aio: 'Opaque claim Entra ID uses for token reuse; ignore it.',
  idtyp: (v) => (v === 'app' ? 'Token type: app — an app-only token (no user), e.g. a managed identity or client-credentials token.' : v === 'user' ? 'Token type: user — issued for a signed-in user.' : 'Token type: app (no user) or user.'),
  xms_mirid: 'ARM resource ID of the managed identity the token was issued to: which user-assigned identity (or resource with a system-assigned one) called.',
  xms_tcdt: 'When the tenant was created (seconds since 1970); informational.',
  xms_ftd: 'Opaque claim Entra ID uses for routing; ignore it.',
  xms_cc: 'Client capabilities, e.g. cp1: the client can handle continuous access evaluation (CAE) claim challenges.',
  xms_idrel: 'Opaque claim describing the user\'s relation to the tenant (member or guest); ignore it.',
  xms_pdl: 'Preferred data location of the user (multi-geo tenants).',
  xms_tpl: 'Tenant preferred language.',
  xms_az_rid: 'ARM resource ID of the Azure resource (e.g. VM) that requested the token.',
  ver: versionMeaning,
  name: 'Display name of the user; for display only, it can change and is not unique.',
  given_name: 'First name of the user; for display only.',
  family_name: 'Last name of the user; for display only.',
  preferred_username: 'The user\'s sign-in name (often the UPN or email); for display only, it can change — never authorise on it.',
  email: 'Email address of the user, if it has one; not verified by every identity provider, never authorise on it.',
  unique_name: 'Human-readable name of the user (v1 tokens); for display only.',
  upn: 'User principal name (user@domain); can change, never authorise on it.',
  nonce: 'Value the application sent with the sign-in request, echoed back so it can detect replayed ID tokens.',
  amr: (v) => `How the user authenticated${list(v).length ? `: ${list(v).join(', ')}` : ''} (pwd = password, mfa = multi-factor, rsa/ngcmfa = key-based, fed = federated).`,
  acr: (v) => (str(v) === '0' ? 'Authentication context class 0: the user\'s authentication did not meet ISO/IEC 29115 requirements.' : 'Authentication context class of the user\'s sign-in (1 = standard).'),
  acrs: 'Authentication context IDs (conditional access) the user satisfied.',
  auth_time: timeMeaning('When the user last authenticated:'),
  ipaddr: 'IP address the user authenticated from.',
  groups: (v) => `Object IDs of the groups the user is a member of${Array.isArray(v) ? ` (${v.length})` : ''}. Over 200 groups (150 in SAML) the token carries hasgroups or _claim_names instead.`,
  hasgroups: 'The user is in too many groups to list: query Microsoft Graph for them.',
  _claim_names: 'Claims too large for the token (usually groups), to be fetched from _claim_sources.',
  _claim_sources: 'Where to fetch the claims listed in _claim_names (Microsoft Graph).',
  wids: 'IDs of the Entra ID directory roles (tenant-wide admin roles) assigned to the user.',
  sid: 'Session ID of the user\'s sign-in session; used for sign-out.',
  at_hash: 'Hash of the access token issued with this ID token, so the app can check they belong together.',
  c_hash: 'Hash of the authorization code issued with this ID token.',
  login_hint: 'Opaque hint to sign the same user in again without a prompt.',
  tenant_region_scope: 'Region of the tenant (e.g. EU, NA, WW).',
  onprem_sid: 'Security identifier of the user in on-premises Active Directory.',
  deviceid: 'ID of the device the user signed in from (Entra-registered devices).',
  puid: 'Internal identifier of the user; ignore it.',
  altsecid: 'Alternative identifier of a guest user from another identity provider.',
  idp: 'Identity provider that authenticated the subject, when not the issuing tenant (e.g. guest users).',
  cnf: 'Confirmation: the key the token is bound to (proof-of-possession); the caller must prove it holds it.',
  client_id: 'Client ID of the application the token was issued to (RFC 9068 access tokens).',
  scope: 'Scopes granted to the client (RFC 9068 access tokens).',
};

const KUBERNETES_NESTED: Record<string, Meaning> = {
  namespace: (v) => `Namespace of the service account${str(v) ? `: ${str(v)}` : ''}.`,
  serviceaccount: (v) =>
    `The service account the token was issued for${isRecord(v) && str(v.name) ? ` ("${str(v.name)}")` : ''}, with its uid: a recreated service account has a new uid, and tokens of the old one stop working.`,
  pod: (v) =>
    `The pod the token is bound to${isRecord(v) && str(v.name) ? ` ("${str(v.name)}")` : ''}: when the pod is deleted the token is invalid for the API server, even before exp.`,
  node: (v) => `The node the pod ran on${isRecord(v) && str(v.name) ? ` ("${str(v.name)}")` : ''} (newer Kubernetes versions).`,
  secret: 'The Secret holding this token: a legacy Secret-based service-account token, which does not expire.',
  warnafter: (v) => {
    const seconds = numericDate(v);
    const when = seconds !== undefined ? ` (${formatUtc(new Date(seconds * 1000))})` : '';
    return `The API server logs a warning if this token is used after this time${when}. Only the default kube-api-access token has it: its exp was extended for old clients, so this is not the token Azure Workload Identity projects.`;
  },
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function explain(meaning: Meaning | undefined, value: unknown, context: Context): { meaning: string; known: boolean } {
  if (meaning === undefined) return { meaning: '', known: false };
  return { meaning: typeof meaning === 'string' ? meaning : meaning(value, context), known: true };
}

const UNKNOWN_HEADER = 'A header field idlens does not know: not standard for Kubernetes or Entra ID tokens.';
const UNKNOWN_CLAIM = 'A claim idlens does not know: custom or optional claims of the issuer, shown as is.';

/** The `aud` claim as a list: a string is one audience; non-string entries are dropped. */
export function audiencesOf(aud: unknown): string[] {
  return typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud.filter((a): a is string => typeof a === 'string') : [];
}

/** One explanation per header field and claim, in token order; nested Kubernetes claims follow their parent. */
export function explainClaims(header: JsonObject | undefined, payload: JsonObject | undefined, type: TokenType): ClaimExplanation[] {
  const context: Context = { type, header: header ?? {}, payload: payload ?? {} };
  const out: ClaimExplanation[] = [];
  for (const [name, value] of Object.entries(header ?? {})) {
    const { meaning, known } = explain(Object.hasOwn(HEADER, name) ? HEADER[name] : undefined, value, context);
    out.push({ name, value, meaning: known ? meaning : UNKNOWN_HEADER, known, group: 'header' });
  }
  for (const [name, value] of Object.entries(payload ?? {})) {
    const legacy = legacyKubernetesMeaning(name);
    const { meaning, known } = legacy ? { meaning: legacy, known: true } : explain(Object.hasOwn(PAYLOAD, name) ? PAYLOAD[name] : undefined, value, context);
    out.push({ name, value, meaning: known ? meaning : UNKNOWN_CLAIM, known, group: 'payload' });
    if (name === 'kubernetes.io' && isRecord(value)) {
      for (const [child, childValue] of Object.entries(value)) {
        const nested = explain(Object.hasOwn(KUBERNETES_NESTED, child) ? KUBERNETES_NESTED[child] : undefined, childValue, context);
        out.push({
          name: `kubernetes.io.${child}`,
          value: childValue,
          meaning: nested.known ? nested.meaning : 'A Kubernetes claim idlens does not know.',
          known: nested.known,
          group: 'payload',
        });
      }
    }
  }
  return out;
}

/** Legacy Secret-based tokens carry flat `kubernetes.io/serviceaccount/<field>` claims. */
function legacyKubernetesMeaning(name: string): string | undefined {
  const prefix = 'kubernetes.io/serviceaccount/';
  if (!name.startsWith(prefix)) return undefined;
  const field = name.slice(prefix.length);
  const what: Record<string, string> = {
    namespace: 'namespace of the service account',
    'secret.name': 'Secret that holds this token',
    'service-account.name': 'name of the service account',
    'service-account.uid': 'uid of the service account',
  };
  return `Legacy Secret-based service-account token: ${Object.hasOwn(what, field) ? what[field] : field}. These tokens never expire and cannot be used for workload identity.`;
}
