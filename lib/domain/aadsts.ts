// The AADSTS errors of workload identity (shared DOMAIN.md) and the reading of Entra's messages:
// the code, and the assertion's issuer, subject and audience the message quotes, also inside JSON
// or a log line. Explaining a message against the snapshots is error-explanation.ts.

const GUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';

export interface AadstsCode {
  /** `AADSTS70021`. */
  code: string;
  meaning: string;
  cause: string;
  fix: string;
}

const UNREACHABLE = {
  meaning: 'Entra ID could not reach the external OIDC endpoint',
  cause: "the cluster's OIDC discovery document or JWKS is not publicly reachable",
  fix: 'enable the AKS OIDC issuer (az aks update --enable-oidc-issuer) or publish discovery and JWKS at a public https URL',
};

/** The AADSTS errors workload-identity users hit (shared DOMAIN.md), keyed by `AADSTS<digits>`. */
export const AADSTS_CODES: Readonly<Record<string, AadstsCode>> = Object.fromEntries(
  (
    [
      ['70021', 'no matching federated identity record', "issuer, subject or audience differ from every FIC (a trailing '/' most often), or the FIC is still propagating", 'make a FIC of the identity equal the token\'s issuer, subject and audience exactly; wait a few minutes after creating one'],
      ['700211', "no matching federated identity record for the assertion's issuer", 'the FIC issuer is wrong (often a missing or extra trailing /)', "set the FIC's issuer to the cluster's exact issuer URL"],
      ['700212', "no matching federated identity record for the assertion's audience", 'the FIC with the token\'s issuer and subject does not list the token\'s audience: the token is not the projected one (e.g. the default service-account token was used), or the FIC\'s audience is not exactly api://AzureADTokenExchange', 'use the projected token of AZURE_FEDERATED_TOKEN_FILE; set the FIC audience to exactly api://AzureADTokenExchange'],
      ['700213', "no matching federated identity record for the assertion's subject", 'the namespace or service-account name differs', 'create a FIC with subject system:serviceaccount:<namespace>:<name> of the pod\'s service account'],
      ['7002138', 'the subject matches a FIC only when case is ignored', 'the FIC subject has upper-case letters (Kubernetes names are lower case)', "fix the case of the FIC's subject"],
      ['700024', 'the client assertion is not within its valid time range', 'the app cached the token file and presents an expired token', 're-read AZURE_FEDERATED_TOKEN_FILE on every token acquisition'],
      ['90061', UNREACHABLE.meaning, UNREACHABLE.cause, UNREACHABLE.fix],
      ['50166', UNREACHABLE.meaning, UNREACHABLE.cause, UNREACHABLE.fix],
      ['501661', UNREACHABLE.meaning, UNREACHABLE.cause, UNREACHABLE.fix],
      ['700016', 'the application was not found in the tenant', 'wrong client ID, or the right one in the wrong tenant', 'check the azure.workload.identity/client-id and tenant-id annotations'],
      ['700222', 'an Entra-issued token was used as the client assertion', 'the app presented an Entra access token instead of the Kubernetes one', 'use the Kubernetes service-account token from AZURE_FEDERATED_TOKEN_FILE'],
      // Not workload identity, but what idlens's own credential can hit with a secret or certificate.
      ['7000215', 'the client secret is invalid', 'the secret value is wrong (its ID was used) or it expired', 'set AZURE_CLIENT_SECRET to a valid secret value; create one with az ad app credential reset --id <client-id> --append'],
      ['700027', 'the client assertion signed with the certificate could not be verified', 'the certificate is not registered on the app or expired', 'upload the certificate of AZURE_CLIENT_CERTIFICATE_PATH (az ad app credential reset --id <client-id> --cert @cert.pem --append)'],
    ] as const
  ).map(([digits, meaning, cause, fix]) => [`AADSTS${digits}`, { code: `AADSTS${digits}`, meaning, cause, fix }]),
);

/** Codes of the federated-credential matching family: the quoted assertion points at SA and FICs. */
export const MATCHING_CODES: ReadonlySet<string> = new Set(['AADSTS70021', 'AADSTS700211', 'AADSTS700212', 'AADSTS700213', 'AADSTS7002138']);
// ─── parsing ────────────────────────────────────────────────────────────────────────────────

/** Gathers every string of a parsed JSON value (log lines nest the Entra body in many ways). */
function collectStrings(value: unknown, into: string[], depth = 0): void {
  if (depth > 8) return;
  if (typeof value === 'string') into.push(value);
  else if (Array.isArray(value)) for (const v of value) collectStrings(v, into, depth + 1);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) collectStrings(v, into, depth + 1);
}

function findKey(value: unknown, keys: string[], depth = 0): unknown {
  if (!value || typeof value !== 'object' || depth > 8) return undefined;
  for (const [k, v] of Object.entries(value)) if (keys.includes(k)) return v;
  for (const v of Object.values(value)) {
    const found = findKey(v, keys, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The JSON values in the text: the whole text, or an object embedded in a plain log line. */
function embeddedJson(text: string): unknown[] {
  const whole = tryJson(text.trim());
  if (whole !== undefined && typeof whole === 'object') {
    // A JSON string holding JSON (double-encoded bodies are common in logs).
    return [whole];
  }
  if (typeof whole === 'string') return [whole, ...embeddedJson(whole)];
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start >= 0 && end > start) {
    const inner = tryJson(text.slice(start, end + 1));
    if (inner !== undefined) return [inner];
  }
  return [];
}

/** Undoes escaping left by a log pipeline that quoted the message (\", \', \/, \\n). */
function unescape(text: string): string {
  return text.replace(/\\(["'/])/g, '$1').replace(/\\r\\n|\\n/g, '\n');
}

function quoted(text: string, label: RegExp): string | undefined {
  // `Assertion Issuer: 'x'`, `assertion issuer 'x'`, `Assertion Subject: "x"`, `presented assertion audience 'x'`.
  const re = new RegExp(`${label.source}\\s*[:=]?\\s*(['"\u2018\u201c])(.*?)['"\u2019\u201d]`, 'i');
  return re.exec(text)?.[2];
}

/** What an AADSTS message (or the log line holding one) quotes. */
export interface EntraErrorFields {
  issuer?: string;
  subject?: string;
  audience?: string;
  clientId?: string;
  tenantId?: string;
  traceId?: string;
  correlationId?: string;
  timestamp?: string;
  /** The message text the fields were read from (the JSON `error_description` when wrapped). */
  description?: string;
  /** The directory (tenant) as AADSTS700016 quotes it: a name like `contoso` or a GUID. */
  directory?: string;
}

interface ParsedError {
  codes: string[];
  parsed: EntraErrorFields;
}

export function parseEntraError(text: string): ParsedError {
  const texts: string[] = [];
  const jsonValues = embeddedJson(text);
  let description: string | undefined;
  const codes: string[] = [];
  for (const value of jsonValues) {
    const d = findKey(value, ['error_description', 'errorDescription']);
    if (typeof d === 'string') description ??= d;
    const numbers = findKey(value, ['error_codes', 'errorCodes']);
    if (Array.isArray(numbers)) for (const n of numbers) if (typeof n === 'number' || /^\d+$/.test(String(n))) codes.push(`AADSTS${n}`);
    collectStrings(value, texts);
  }
  texts.push(unescape(text));
  const all = [description ?? '', ...texts].join('\n');

  // Any case (`aadsts70021` in a lower-cased log line); the code is always named upper case.
  for (const m of all.matchAll(/AADSTS(\d{5,7})(?!\d)/gi)) codes.push(`AADSTS${m[1]}`);
  const clientId =
    new RegExp(`(?:client[_ -]?id|client app id|app id|appid|application(?: with identifier)?|azure_client_id)["'\\s:=]{0,4}(${GUID})`, 'i').exec(all)?.[1];
  const tenantId = new RegExp(`(?:directory|tenant(?:[_ -]?id)?)["'\\s:=]{0,4}(${GUID})`, 'i').exec(all)?.[1];
  const jsonString = (keys: string[]) => {
    for (const v of jsonValues) {
      const found = findKey(v, keys);
      if (typeof found === 'string') return found;
    }
    return undefined;
  };

  return {
    codes: [...new Set(codes)],
    parsed: {
      issuer: quoted(all, /assertion\s+issuer/),
      subject: quoted(all, /assertion\s+subject/),
      audience: quoted(all, /assertion\s+audience/),
      clientId,
      tenantId,
      traceId: jsonString(['trace_id', 'traceId']) ?? new RegExp(`Trace ID:\\s*(${GUID})`, 'i').exec(all)?.[1],
      correlationId: jsonString(['correlation_id']) ?? new RegExp(`Correlation ID:\\s*(${GUID})`, 'i').exec(all)?.[1],
      timestamp: jsonString(['timestamp']) ?? /Timestamp:\s*(\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\dZ?)/i.exec(all)?.[1],
      description,
      directory: /\bdirectory\s*['"\u2018\u201c]([^'"\u2019\u201d]{1,200})['"\u2019\u201d]/i.exec(all)?.[1],
    },
  };
}
