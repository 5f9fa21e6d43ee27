// The AADSTS errors workload-identity users hit, with meaning and usual fix (shared DOMAIN.md,
// "AADSTS errors users hit"). Entra's own text ("No matching federated identity record found…")
// says what failed, not why: the fix column is what an on-call engineer needs.

import { AADSTS_CODES, MATCHING_CODES } from '@/lib/domain/aadsts';

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

// One table for idlens (lib/domain/aadsts.ts): the trace view, the identity map and the credential
// error messages must say the same thing about a code.
function entryFor(digits: string): Omit<AadstsMeaning, 'code'> | undefined {
  const known = AADSTS_CODES[`AADSTS${digits}`];
  if (!known) return undefined;
  return { meaning: known.meaning, fix: `${known.cause}; ${known.fix}`, federatedCredentialMismatch: MATCHING_CODES.has(known.code) };
}

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
  const entry = entryFor(digits);
  return entry ? { code: `AADSTS${digits}`, ...entry } : undefined;
}

/** Every code of the table, e.g. for documentation and tests. */
export const KNOWN_AADSTS_CODES: readonly string[] = Object.keys(AADSTS_CODES);
