// A token's issuer, subject and audience worded as Entra ID's AADSTS70021 would quote them, so that
// the token page can ask /explain's analysis (which knows the service accounts' annotations and the
// identities) what to do when no federated credential accepts the token. Only these three claims
// go into the text, never the token.

import { isWellFormedServiceAccountSubject } from '@/lib/domain/fic-matching';
import { WI } from '@/lib/domain/model';
import { audiencesOf } from './claims';

export interface AssertionClaims {
  iss?: unknown;
  sub?: unknown;
  aud?: unknown;
}

/**
 * The AADSTS70021 text Entra ID answers for an assertion with these claims, or undefined when the
 * token lacks a string `iss` or `sub` (nothing to look up). Of several audiences the token-exchange
 * one is quoted when present (Entra matches a FIC's audience against any of them), else the first.
 */
export function assertionErrorText(claims: AssertionClaims): string | undefined {
  const { iss, sub } = claims;
  if (typeof iss !== 'string' || typeof sub !== 'string' || !iss.trim() || !sub.trim()) return undefined;
  // Only a service account's subject: advice for any other (`checkout`) would federate a hand-made token.
  if (!isWellFormedServiceAccountSubject(sub)) return undefined;
  const auds = audiencesOf(claims.aud);
  const aud = auds.includes(WI.tokenExchangeAudience) ? WI.tokenExchangeAudience : auds[0];
  // Entra quotes each value between single quotes; a quote inside one would end it early for the parser.
  if ([iss, sub, aud].some((v) => v?.includes("'"))) return undefined;
  return (
    `AADSTS70021: No matching federated identity record found for presented assertion. Assertion Issuer: '${iss}'. Assertion Subject: '${sub}'.` +
    (aud !== undefined ? ` Assertion Audience: '${aud}'.` : '')
  );
}
