// What a security engineer would point out about a token before trusting or using it. Shown beside
// the decoded token, never instead of it. Each message says what is wrong, why it matters for
// workload identity, and what to do.

import { isWellFormedServiceAccountSubject } from '@/lib/domain/fic-matching';
import { serviceAccountSubject, WI } from '@/lib/domain/model';
import { issuerKind, type TokenType } from './classify';
import type { DecodedToken, JsonObject } from './decode';
import { claimValueText } from './claim-text';
import { audiencesOf } from './claims';
import { describeRelative, formatDuration, formatUtc, numericDate } from './times';

export type WarningSeverity = 'error' | 'warning' | 'info';

export interface TokenWarning {
  /** Stable code; at most one warning per code. */
  code: string;
  severity: WarningSeverity;
  message: string;
}

export interface WarningOptions {
  now: Date;
  /** Allowance for clocks that disagree, in seconds; Entra ID and most JWT libraries allow 5 min. */
  clockSkewSeconds?: number;
}

/** Azure Workload Identity accepts `service-account-token-expiration` between these (shared DOMAIN.md). */
const MIN_LIFETIME_SECONDS = 3600;
const MAX_LIFETIME_SECONDS = 86400;

const SEVERITY_ORDER: Record<WarningSeverity, number> = { error: 0, warning: 1, info: 2 };

export function tokenWarnings(decoded: DecodedToken, type: TokenType | undefined, { now, clockSkewSeconds = 300 }: WarningOptions): TokenWarning[] {
  if (decoded.kind === 'jwe') {
    return [
      {
        code: 'jwe',
        severity: 'warning',
        message:
          'This token is encrypted (JWE, 5 parts): only its header can be read, and its signature and claims cannot be checked here. Entra ID encrypts tokens only for applications that configured a token-encryption key; Kubernetes never does. Decrypt it with the recipient\'s key, or inspect the signed token instead.',
      },
    ];
  }
  if (decoded.kind !== 'jws') return [];
  const header = decoded.header ?? {};
  const payload = decoded.payload;
  // A header that is not JSON is a decode problem of its own (decode.ts): no "no alg" on top of it.
  const warnings: TokenWarning[] = [
    ...(decoded.header ? algorithmWarnings(header, decoded.signature, type) : []),
    ...keyUrlWarnings(header),
    ...(payload ? timeWarnings(payload, type, now, clockSkewSeconds) : []),
    ...(payload && type === 'Kubernetes service account token' ? kubernetesWarnings(payload) : []),
  ];
  if (header.nonce !== undefined) {
    warnings.push({
      code: 'header-nonce',
      severity: 'info',
      message:
        'The header carries a nonce, as tokens for Microsoft Graph do: Graph checks their signature over a hash of the nonce, so a standard verifier (idlens included) reports a signature mismatch. That is by design, not forgery; such tokens are only for Graph.',
    });
  }
  return warnings.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
}

function algorithmWarnings(header: JsonObject, signature: string, type: TokenType | undefined): TokenWarning[] {
  const alg = header.alg;
  if (typeof alg !== 'string' || alg === '') {
    return [
      {
        code: 'alg-missing',
        severity: 'error',
        message: 'The header has no alg: nobody can tell how the token was signed, and every JWT library refuses it. Kubernetes and Entra ID always send alg RS256.',
      },
    ];
  }
  const out: TokenWarning[] = [];
  if (alg.toLowerCase() === 'none') {
    out.push({
      code: 'alg-none',
      severity: 'error',
      message: `The header says alg "${alg}": the token is unsigned, so anyone could have written every claim in it. Never accept it; Kubernetes and Entra ID always sign (RS256). A verifier that accepts "none" is vulnerable.`,
    });
    return out;
  }
  if (/^HS(256|384|512)$/i.test(alg)) {
    out.push({
      code: 'alg-symmetric',
      severity: 'error',
      message: `The header says alg ${alg}, an HMAC with a shared secret: whoever can verify it can also forge it, and no published key set can verify it. Kubernetes and Entra ID sign with RS256; an ${alg} token claiming to be theirs is forged or from another system (the "algorithm confusion" attack signs with the public key as HMAC secret).`,
    });
  } else if (type === 'Kubernetes service account token' && alg !== 'RS256') {
    out.push({
      code: 'alg-not-rs256',
      severity: 'warning',
      message: `The token is signed with ${alg}; Entra ID accepts only RS256 for federated credentials, so exchanging this token fails. Configure the cluster's service-account signing key as RSA.`,
    });
  }
  if (signature === '') {
    out.push({
      code: 'signature-missing',
      severity: 'error',
      message: `The signature part is empty although alg is ${alg}: the token was cut off after the second '.', or its signature was stripped. Copy the token again in full.`,
    });
  }
  if (header.kid === undefined || header.kid === '') {
    out.push({
      code: 'kid-missing',
      severity: 'warning',
      message:
        "The header has no kid, so a verifier cannot tell which of the issuer's keys signed it; with several keys published (as during a key rotation) validation usually fails. Kubernetes and Entra ID always set kid: a token without one was made by something else.",
    });
  }
  return out;
}

function keyUrlWarnings(header: JsonObject): TokenWarning[] {
  const out: TokenWarning[] = [];
  for (const [field, what] of [
    ['jku', 'key set'],
    ['x5u', 'certificate'],
  ] as const) {
    if (header[field] === undefined) continue;
    out.push({
      code: `${field}-present`,
      severity: 'warning',
      message: `The header names a ${what} URL (${field}: ${claimValueText(header[field])}). idlens never fetches it: a token must not choose the key that verifies it, or whoever controls that URL can sign anything. Verifiers must use the issuer's published JWKS; Kubernetes and Entra ID never send ${field}.`,
    });
  }
  return out;
}

function timeWarnings(payload: JsonObject, type: TokenType | undefined, now: Date, skew: number): TokenWarning[] {
  const out: TokenWarning[] = [];
  const nowSeconds = now.getTime() / 1000;
  const invalid = (['exp', 'nbf', 'iat'] as const).filter((c) => payload[c] !== undefined && numericDate(payload[c]) === undefined);
  if (invalid.length > 0) {
    out.push({
      code: 'time-claim-invalid',
      severity: 'error',
      message: `${invalid.join(', ')} ${invalid.length === 1 ? 'is' : 'are'} not a number of seconds since 1970 (${invalid.map((c) => `${c}: ${claimValueText(payload[c])}`).join(', ')}); JWT libraries refuse the token. Whatever issued it wrote the times wrongly.`,
    });
  }
  const exp = numericDate(payload.exp);
  const nbf = numericDate(payload.nbf);
  const iat = numericDate(payload.iat);
  const isKubernetes = type === 'Kubernetes service account token';

  if (exp !== undefined && nowSeconds >= exp) {
    const ago = describeRelative(exp, nowSeconds);
    const withinSkew = nowSeconds - exp < skew;
    const action = isKubernetes
      ? 'The kubelet rewrites the projected token file at 80% of its lifetime: an application must re-read the file on every token request instead of caching its contents (Entra ID answers AADSTS700024 otherwise).'
      : 'Request a new token; APIs answer 401 (token_expired) to this one.';
    out.push({
      code: 'expired',
      severity: 'error',
      message: `The token expired ${ago} (at ${formatUtc(new Date(exp * 1000))}).${withinSkew ? ` Verifiers allowing ${formatDuration(skew)} of clock skew may still accept it for ${formatDuration(exp + skew - nowSeconds)}.` : ''} ${action}`,
    });
  } else if (exp === undefined && payload.exp === undefined) {
    out.push({
      code: 'no-exp',
      severity: 'warning',
      message: isKubernetes
        ? 'The token has no exp: it never expires. That is a legacy Secret-based service-account token (kubernetes.io/service-account-token): it is a long-lived secret, Entra ID refuses it, and it should be replaced by projected tokens.'
        : 'The token has no exp: it never expires, so a leaked copy works forever. Entra ID and Kubernetes projected tokens always carry exp; most APIs refuse tokens without it.',
    });
  }

  const future = nbf !== undefined && nbf > nowSeconds + skew ? (['nbf', nbf] as const) : iat !== undefined && iat > nowSeconds + skew ? (['iat', iat] as const) : undefined;
  if (future) {
    const [claim, at] = future;
    out.push({
      code: 'not-yet-valid',
      severity: 'error',
      message: `The token is ${claim === 'nbf' ? 'not valid before' : 'issued at'} ${formatUtc(new Date(at * 1000))} (${claim}, ${describeRelative(at, nowSeconds)}), beyond the ${formatDuration(skew)} clock-skew allowance: verifiers refuse it until then. The issuer's clock or this computer's clock is wrong; check NTP on both.`,
    });
  }

  if (exp !== undefined) {
    const start = iat ?? nbf;
    if (start !== undefined) out.push(...lifetimeWarnings(exp - start, isKubernetes));
  }
  return out;
}

function lifetimeWarnings(lifetime: number, isKubernetes: boolean): TokenWarning[] {
  if (lifetime >= MIN_LIFETIME_SECONDS && lifetime <= MAX_LIFETIME_SECONDS) return [];
  const length = lifetime <= 0 ? `exp is not after iat (${lifetime} s): the token was never valid` : `The token lives ${formatDuration(lifetime)}`;
  const range = 'outside the usual 1–24 h';
  const message = isKubernetes
    ? `${length}, ${range}. Azure Workload Identity projects tokens for 3600–86400 s (annotation ${WI.tokenExpiration}; admission fails outside that range)${lifetime > MAX_LIFETIME_SECONDS ? ', so a longer token is probably the default kube-api-access token or one requested by hand' : ', so a shorter token was requested by hand (kubectl create token --duration) or by another projected volume'}.`
    : `${length}, ${range}. Entra ID access tokens live 60–90 min by default (up to 28 h with continuous access evaluation, 24 h for managed identities); a long-lived token is a bigger prize if it leaks.`;
  return [{ code: 'lifetime-out-of-range', severity: isKubernetes ? 'warning' : 'info', message }];
}

function kubernetesWarnings(payload: JsonObject): TokenWarning[] {
  const out: TokenWarning[] = [];
  const auds = audiencesOf(payload.aud);
  if (!auds.includes(WI.tokenExchangeAudience)) {
    const k8s = payload['kubernetes.io'];
    const defaultToken = (typeof k8s === 'object' && k8s !== null && 'warnafter' in k8s) || auds.some((a) => /kubernetes\.default\.svc|\.azmk8s\.io/.test(a));
    out.push({
      code: 'sa-audience',
      severity: 'error',
      message: `The audience is ${auds.length ? auds.map((a) => JSON.stringify(a)).join(', ') : 'missing'}, not "${WI.tokenExchangeAudience}": Entra ID refuses it as a client assertion with AADSTS700212 (no matching federated identity record for the assertion's audience). ${defaultToken ? 'This is' : 'This is likely'} the pod's default kube-api-access token (/var/run/secrets/kubernetes.io/serviceaccount/token). Use the file AZURE_FEDERATED_TOKEN_FILE points at, which the webhook projects with the right audience when the pod has the label ${WI.useLabel}: "true".`,
    });
  }
  // The kubelet's tokens say whose they are as system:serviceaccount:<namespace>:<name>, and again in kubernetes.io.
  const k8sClaim = payload['kubernetes.io'];
  const named = typeof k8sClaim === 'object' && k8sClaim !== null ? (k8sClaim as { namespace?: unknown; serviceaccount?: { name?: unknown } }) : undefined;
  const expected = typeof named?.namespace === 'string' && typeof named.serviceaccount?.name === 'string' ? serviceAccountSubject(named.namespace, named.serviceaccount.name) : undefined;
  if (typeof payload.sub !== 'string' || !isWellFormedServiceAccountSubject(payload.sub) || (expected !== undefined && payload.sub !== expected)) {
    out.push({
      code: 'sa-subject',
      severity: 'error',
      message:
        `The subject is ${typeof payload.sub === 'string' ? JSON.stringify(payload.sub) : 'missing'}, ` +
        (expected !== undefined ? `but the token's kubernetes.io claim names ${expected}: ` : 'not system:serviceaccount:<namespace>:<name>: ') +
        `a service-account token the API server issues is never like this. It was built or edited by hand; a federated credential for this subject would trust that, not a workload.`,
    });
  }
  if (typeof payload.iss === 'string' && issuerKind(payload.iss).kind === 'kubernetes-disabled') {
    out.push({
      code: 'issuer-oidc-disabled',
      severity: 'error',
      message: `The issuer is ${payload.iss}: the cluster's OIDC issuer is not enabled, so Entra ID cannot fetch its keys and every exchange fails (AADSTS90061/50166). Enable it (az aks update --enable-oidc-issuer), then create federated credentials with the new issuer URL.`,
    });
  }
  return out;
}
