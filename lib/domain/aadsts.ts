// "Explain an error": paste an AADSTS message (or the log line holding it) and get back which
// service account and which FICs were candidates, which field differs and how, and the fix.
// Entra's own text says *that* nothing matched, never *why*: the why is a diff between the
// values the message quotes and the FICs in the Azure snapshot.

import { parseServiceAccountSubject, WI, type AzureSnapshot, type ClusterSnapshot, type FederatedCredential, type ServiceAccount } from './model';
import { expressionMatchesSubject, looseIssuerKey, subjectDifference, valueDifference, type SubjectDifference, type ValueDifference } from './fic-matching';
import { createFicCommands, ficNameFor, ficOwnerOf, showFicCommands, TOKEN_EXCHANGE_AUDIENCES, updateFicCommands } from './fix-commands';
import { annotatedClientId, displayNameOf, ficIdOf, indexSnapshot, serviceAccountIdOf, serviceAccountKey, type SnapshotIndex } from './snapshot-index';

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
      ['700212', "no matching federated identity record for the assertion's audience", 'the token audience is not api://AzureADTokenExchange (e.g. the default service-account token was used)', 'use the projected token of AZURE_FEDERATED_TOKEN_FILE; keep the FIC audience api://AzureADTokenExchange'],
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

export type Verdict =
  | 'possibly-propagating'
  | 'trailing-slash'
  | 'case'
  | 'whitespace'
  | 'namespace'
  | 'service-account-name'
  | 'audience'
  | 'missing-fic'
  /** Not a FIC matching error (e.g. AADSTS700024): the code's own fix applies. */
  | 'not-a-matching-error'
  /** Nothing usable found in the text. */
  | 'unrecognised';

export interface FieldDiff {
  field: 'issuer' | 'subject' | 'audience';
  /** What the assertion carried (the token). */
  presented: string;
  /** What the FIC holds. */
  configured: string;
  difference: SubjectDifference;
}

export interface CandidateFic {
  id: string;
  name: string;
  ownerClientId: string;
  ownerName?: string;
  issuer: string;
  subject?: string;
  claimsMatchingExpression?: string;
  audiences: string[];
  /** Empty when the FIC matches every field the message quotes. */
  diffs: FieldDiff[];
  /** Lower is nearer; 0 = exact match. */
  distance: number;
}

export interface EntraErrorExplanation {
  codes: Array<{ code: string; known: boolean; meaning?: string; cause?: string; fix?: string }>;
  parsed: {
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
  };
  /** The service account the assertion's subject (and issuer) names, when the snapshot has it. */
  serviceAccount?: { id: string; cluster: string; namespace: string; name: string; clientId?: string };
  /** The client ID the analysis assumed (from the message, else the SA's annotation). */
  clientId?: string;
  candidates: CandidateFic[];
  verdict: Verdict;
  summary: string;
  fix?: { description: string; commands: string[] };
}

const MAX_CANDIDATES = 10;
const GUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';

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

interface ParsedError {
  codes: string[];
  parsed: EntraErrorExplanation['parsed'];
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

  for (const m of all.matchAll(/AADSTS(\d{5,7})(?!\d)/g)) codes.push(`AADSTS${m[1]}`);
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
    },
  };
}

// ─── explaining ─────────────────────────────────────────────────────────────────────────────

const WEIGHT: Record<SubjectDifference, number> = {
  whitespace: 1,
  'trailing-slash': 1,
  case: 1,
  namespace: 2,
  'service-account-name': 2,
  different: 4,
};

function diffCandidate(fic: FederatedCredential, issuer: string | undefined, subject: string | undefined, audience: string | undefined): FieldDiff[] {
  const diffs: FieldDiff[] = [];
  if (issuer !== undefined) {
    const d = valueDifference(issuer, fic.issuer);
    if (d) diffs.push({ field: 'issuer', presented: issuer, configured: fic.issuer, difference: d });
  }
  if (subject !== undefined) {
    if (fic.subject !== undefined) {
      const d = subjectDifference(subject, fic.subject);
      if (d) diffs.push({ field: 'subject', presented: subject, configured: fic.subject, difference: d });
    } else if (fic.claimsMatchingExpression !== undefined && expressionMatchesSubject(fic.claimsMatchingExpression, subject) !== true) {
      diffs.push({ field: 'subject', presented: subject, configured: fic.claimsMatchingExpression, difference: 'different' });
    }
  }
  if (audience !== undefined && !fic.audiences.includes(audience)) {
    const nearest = fic.audiences
      .map((a) => ({ a, d: valueDifference(audience, a) as ValueDifference }))
      .sort((x, y) => WEIGHT[x.d] - WEIGHT[y.d])[0];
    diffs.push({ field: 'audience', presented: audience, configured: nearest?.a ?? '', difference: nearest?.d ?? 'different' });
  }
  return diffs;
}

/**
 * Explains an AADSTS error against the snapshots: parses the code(s) and the quoted assertion,
 * finds the service account and the candidate FICs, and says which field differs and how.
 */
export function explainEntraError(text: string, cluster: ClusterSnapshot, azure: AzureSnapshot): EntraErrorExplanation {
  const { codes, parsed } = parseEntraError(text);
  const codeInfo = codes.map((code) => ({ code, known: code in AADSTS_CODES, ...AADSTS_CODES[code] }));
  const base = { codes: codeInfo, parsed, candidates: [] as CandidateFic[] };

  const isMatchingError = codes.length === 0 ? parsed.subject !== undefined || parsed.issuer !== undefined : codes.some((c) => MATCHING_CODES.has(c));
  if (!isMatchingError) {
    const first = codeInfo.find((c) => c.known);
    if (first) {
      return { ...base, verdict: 'not-a-matching-error', summary: `${first.code}: ${first.meaning}. Usual cause: ${first.cause}. Fix: ${first.fix}.` };
    }
    return {
      ...base,
      verdict: 'unrecognised',
      summary: codes.length
        ? `${codes.join(', ')} is not one of the workload-identity errors idlens knows; see https://login.microsoftonline.com/error?code=${codes[0]!.replace('AADSTS', '')}.`
        : 'No AADSTS code and no assertion issuer/subject found in the text.',
    };
  }

  const index = indexSnapshot(cluster, azure);
  const { subject, audience } = parsed;
  const sa = findServiceAccount(index, parsed.issuer, subject);
  // AADSTS700213 quotes only the subject: the SA's cluster tells which issuer the token carried.
  const issuer = parsed.issuer ?? (sa ? index.clusterByName.get(sa.cluster)?.issuer : undefined);
  const clientId = parsed.clientId ?? (sa ? annotatedClientId(sa) : undefined);
  const candidates = candidateFics(index, clientId, issuer, subject).map((fic) => toCandidate(index, fic, issuer, subject, audience));
  candidates.sort((a, b) => a.distance - b.distance || a.id.localeCompare(b.id));
  const shown = candidates.slice(0, MAX_CANDIDATES);
  const saRef = sa
    ? { id: serviceAccountIdOf(index, sa), cluster: sa.cluster, namespace: sa.namespace, name: sa.name, clientId: annotatedClientId(sa) }
    : undefined;
  const result = { ...base, candidates: shown, serviceAccount: saRef, clientId };
  return { ...result, ...verdictFor(index, shown, { issuer, subject, audience, clientId, sa }) };
}

function findServiceAccount(index: SnapshotIndex, issuer: string | undefined, subject: string | undefined): ServiceAccount | undefined {
  if (!subject) return undefined;
  const parsed = parseServiceAccountSubject(subject.trim()) ?? parseServiceAccountSubject(subject.trim().toLowerCase());
  if (!parsed) return undefined;
  const clusters = index.cluster.clusters;
  // Prefer the cluster whose issuer the token carried; then near issuers; then any cluster.
  const ordered = [
    ...clusters.filter((c) => issuer !== undefined && c.issuer === issuer),
    ...clusters.filter((c) => issuer !== undefined && c.issuer !== undefined && c.issuer !== issuer && looseIssuerKey(c.issuer) === looseIssuerKey(issuer)),
    ...clusters,
  ];
  const names = [...new Set([...ordered.map((c) => c.name), ...index.cluster.serviceAccounts.map((s) => s.cluster)])];
  for (const name of names) {
    const sa = index.serviceAccountByKey.get(serviceAccountKey(name, parsed.namespace, parsed.name));
    if (sa) return sa;
  }
  return undefined;
}

function candidateFics(index: SnapshotIndex, clientId: string | undefined, issuer: string | undefined, subject: string | undefined): FederatedCredential[] {
  const own = clientId ? (index.ficsByOwner.get(clientId.toLowerCase()) ?? []) : [];
  if (own.length > 0) return own;
  // The identity is unknown or has no FICs: every FIC with that subject or that issuer (loosely) is a candidate.
  const subjectKey = subject?.trim().toLowerCase();
  const issuerKey = issuer !== undefined ? looseIssuerKey(issuer) : undefined;
  return index.azure.federatedCredentials.filter(
    (f) => (subjectKey !== undefined && f.subject?.trim().toLowerCase() === subjectKey) || (issuerKey !== undefined && looseIssuerKey(f.issuer) === issuerKey),
  );
}

function toCandidate(index: SnapshotIndex, fic: FederatedCredential, issuer?: string, subject?: string, audience?: string): CandidateFic {
  const diffs = diffCandidate(fic, issuer, subject, audience);
  const owner = index.identityByClientId.get(fic.ownerClientId.toLowerCase());
  return {
    id: ficIdOf(fic),
    name: fic.name,
    ownerClientId: fic.ownerClientId,
    ownerName: owner ? displayNameOf(owner) : undefined,
    issuer: fic.issuer,
    subject: fic.subject,
    claimsMatchingExpression: fic.claimsMatchingExpression,
    audiences: fic.audiences,
    diffs,
    distance: diffs.reduce((sum, d) => sum + WEIGHT[d.difference], 0),
  };
}

interface Presented {
  issuer?: string;
  subject?: string;
  audience?: string;
  clientId?: string;
  sa?: ServiceAccount;
}

function verdictFor(
  index: SnapshotIndex,
  candidates: CandidateFic[],
  p: Presented,
): Pick<EntraErrorExplanation, 'verdict' | 'summary' | 'fix'> {
  const identity = p.clientId ? index.identityByClientId.get(p.clientId.toLowerCase()) : undefined;
  const nearest = candidates[0];
  const owner = (clientId: string) => ficOwnerOf(index.identityByClientId.get(clientId.toLowerCase()), clientId);

  // The token's audience is wrong for every FIC: the app presented another token.
  if (p.audience !== undefined && p.audience !== WI.tokenExchangeAudience && (!nearest || nearest.diffs.some((d) => d.field === 'audience'))) {
    const fixableByFic = nearest && nearest.diffs.length === 1;
    return {
      verdict: 'audience',
      summary:
        `The assertion's audience is ${p.audience}, not ${WI.tokenExchangeAudience}: the app presented another token ` +
        `(e.g. the default service-account token at /var/run/secrets/kubernetes.io/serviceaccount/token). Read the token from AZURE_FEDERATED_TOKEN_FILE instead.`,
      fix: fixableByFic
        ? {
            description: `Use the projected token; only if this audience is intended, add it to FIC ${nearest.name}.`,
            commands: updateFicCommands(owner(nearest.ownerClientId), { name: nearest.name, issuer: nearest.issuer, subject: nearest.subject, audiences: [p.audience] }),
          }
        : undefined,
    };
  }

  if (nearest && nearest.distance === 0) {
    return {
      verdict: 'possibly-propagating',
      summary:
        `FIC ${nearest.name} of ${nearest.ownerName ?? nearest.ownerClientId} matches the assertion exactly. A new or changed FIC takes a few minutes to propagate: ` +
        `retry shortly. If it persists, check that the request's client ID is ${nearest.ownerClientId}` +
        (p.clientId && p.clientId.toLowerCase() !== nearest.ownerClientId.toLowerCase() ? ` (the message names ${p.clientId})` : '') +
        ` and that the FIC still exists.`,
      fix: { description: `Check the FIC as Entra sees it now.`, commands: showFicCommands(owner(nearest.ownerClientId), nearest.name) },
    };
  }

  const issuer = p.issuer;
  const subject = p.subject;
  if (nearest && nearest.distance < WEIGHT.different && issuer !== undefined) {
    // A FIC for another SA is reported as such even when its issuer differs a little too.
    const d = nearest.diffs.find((x) => x.difference === 'namespace' || x.difference === 'service-account-name') ?? nearest.diffs[0]!;
    const verdict: Verdict = d.field === 'audience' ? 'audience' : d.difference === 'different' ? 'missing-fic' : d.difference;
    const o = owner(nearest.ownerClientId);
    const fieldText = `${d.field} ${JSON.stringify(d.configured)} (the token carries ${JSON.stringify(d.presented)})`;
    if (verdict === 'namespace' || verdict === 'service-account-name') {
      // The nearest FIC trusts another SA, which may still be in use: add one, do not rewrite it.
      const target = subject ?? '';
      return {
        verdict,
        summary:
          `The nearest FIC, ${nearest.name}, differs in the subject's ${verdict === 'namespace' ? 'namespace' : 'service-account name'}: ${fieldText}. ` +
          `Create a FIC for ${target}, or run the pod as the service account the FIC names.`,
        fix: { description: `Create a FIC for the presented subject.`, commands: createFicCommands(o, ficFor(index, nearest.ownerClientId, issuer, target, p.sa)) },
      };
    }
    const fixedIssuer = nearest.diffs.some((x) => x.field === 'issuer') ? issuer : nearest.issuer;
    const fixedSubject = nearest.diffs.some((x) => x.field === 'subject') && subject !== undefined ? subject : nearest.subject;
    return {
      verdict,
      summary:
        `The nearest FIC, ${nearest.name}, ${nearest.diffs.map((x) => `has ${x.field} ${JSON.stringify(x.configured)}, which ${describe(x.difference)} the token's ${JSON.stringify(x.presented)}`).join('; ')}. ` +
        `Entra compares issuer, subject and audience exactly. Rewrite the FIC with the token's values.`,
      fix: {
        description: `Rewrite FIC ${nearest.name} with the values the token carries.`,
        commands: updateFicCommands(o, {
          name: nearest.name,
          issuer: fixedIssuer,
          subject: fixedSubject,
          audiences: nearest.diffs.some((x) => x.field === 'audience') ? TOKEN_EXCHANGE_AUDIENCES : nearest.audiences,
        }),
      },
    };
  }

  // Nothing near: the FIC is missing.
  const ownerClientId = p.clientId ?? nearest?.ownerClientId;
  const who = identity ? displayNameOf(identity) : ownerClientId;
  return {
    verdict: 'missing-fic',
    summary:
      `No FIC ${who ? `of ${who} ` : ''}has issuer ${issuer ?? '(not quoted)'} and subject ${subject ?? '(not quoted)'}` +
      (nearest ? `; the nearest, ${nearest.name}, differs in ${nearest.diffs.map((d) => d.field).join(' and ')}` : '') +
      `. Create one (a new FIC can take a few minutes to propagate).`,
    fix:
      ownerClientId && issuer && subject
        ? { description: `Create the FIC the token needs.`, commands: createFicCommands(owner(ownerClientId), ficFor(index, ownerClientId, issuer, subject, p.sa)) }
        : undefined,
  };
}

function ficFor(index: SnapshotIndex, ownerClientId: string, issuer: string, subject: string, sa: ServiceAccount | undefined) {
  const parsed = parseServiceAccountSubject(subject);
  const taken = new Set((index.ficsByOwner.get(ownerClientId.toLowerCase()) ?? []).map((f) => f.name.toLowerCase()));
  const base = sa ? ficNameFor(sa.cluster, sa.namespace, sa.name) : parsed ? ficNameFor(parsed.namespace, parsed.name) : ficNameFor('workload');
  let name = base;
  for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${base.slice(0, 116)}-${n}`;
  return { name, issuer, subject, audiences: TOKEN_EXCHANGE_AUDIENCES };
}

const describe = (d: SubjectDifference) =>
  ({
    'trailing-slash': 'differs by a trailing "/" from',
    case: 'differs in case from',
    whitespace: 'differs by whitespace from',
    namespace: 'names another namespace than',
    'service-account-name': 'names another service account than',
    different: 'differs from',
  })[d];
