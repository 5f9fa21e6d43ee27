// The AADSTS errors workload-identity users hit, with meaning and usual fix (shared DOMAIN.md,
// "AADSTS errors users hit"). Entra's own text ("No matching federated identity record found…")
// says what failed, not why: the fix column is what an on-call engineer needs.

export interface AadstsMeaning {
  /** `AADSTS70021`. */
  code: string;
  meaning: string;
  fix: string;
  /**
   * A federated-credential matching failure (the AADSTS70021 family): the assertion's
   * issuer/subject/audience quoted in the message point at an SA and its FICs on the map.
   */
  federatedCredentialMismatch: boolean;
}

const UNREACHABLE_ISSUER = {
  meaning: 'Entra ID could not reach the external OIDC endpoint',
  fix: "the cluster's OIDC discovery document or JWKS is not publicly reachable",
  federatedCredentialMismatch: false,
};

const TABLE: Record<string, Omit<AadstsMeaning, 'code'>> = {
  '70021': {
    meaning: 'no matching federated identity record',
    fix: "issuer, subject or audience differ from every FIC (a trailing '/' most often), or the FIC is still propagating",
    federatedCredentialMismatch: true,
  },
  '700211': {
    meaning: "no matching federated identity record for the assertion's issuer",
    fix: 'the FIC issuer is wrong',
    federatedCredentialMismatch: true,
  },
  '700212': {
    meaning: "no matching federated identity record for the assertion's audience",
    fix: 'the token audience is not api://AzureADTokenExchange (e.g. the default SA token was used)',
    federatedCredentialMismatch: true,
  },
  '700213': {
    meaning: "no matching federated identity record for the assertion's subject",
    fix: 'the namespace or service-account name differs',
    federatedCredentialMismatch: true,
  },
  '7002138': {
    meaning: 'the subject matches a FIC only when case is ignored',
    fix: "fix the case of the FIC's subject",
    federatedCredentialMismatch: true,
  },
  '700024': {
    meaning: 'the client assertion is not within its valid time range',
    fix: 'the app cached the token file: re-read it on every acquisition',
    federatedCredentialMismatch: false,
  },
  '90061': UNREACHABLE_ISSUER,
  '50166': UNREACHABLE_ISSUER,
  '501661': UNREACHABLE_ISSUER,
  '700016': {
    meaning: 'the application was not found in the tenant',
    fix: 'wrong client ID or tenant',
    federatedCredentialMismatch: false,
  },
  '700222': {
    meaning: 'an Entra-issued token was used as the client assertion',
    fix: 'use the Kubernetes service-account token',
    federatedCredentialMismatch: false,
  },
};

// Codes are 5 to 7 digits (70021, 700211, 7002138); the look-ahead keeps a longer digit run
// from being read as a shorter known code.
const AADSTS_PATTERN = /AADSTS(\d{5,7})(?!\d)/g;

/** The AADSTS codes in `text`, in order of appearance, without duplicates, e.g. `['AADSTS70021']`. */
export function findAadstsCodes(text: string): string[] {
  const codes: string[] = [];
  for (const m of text.matchAll(AADSTS_PATTERN)) {
    const code = `AADSTS${m[1]}`;
    if (!codes.includes(code)) codes.push(code);
  }
  return codes;
}

/** Meaning of `AADSTS70021` or `70021`; undefined for a code outside the table. */
export function aadstsMeaning(code: string): AadstsMeaning | undefined {
  const digits = code.startsWith('AADSTS') ? code.slice(6) : code;
  const entry = TABLE[digits];
  return entry ? { code: `AADSTS${digits}`, ...entry } : undefined;
}

/** Every code of the table, e.g. for documentation and tests. */
export const KNOWN_AADSTS_CODES: readonly string[] = Object.keys(TABLE).map((digits) => `AADSTS${digits}`);
