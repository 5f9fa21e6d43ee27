'use client';

import { useQuery } from '@tanstack/react-query';
import { explainQueries } from '@/lib/api/explain-queries';
import type { FederatedCredentialList, FederatedCredentialView } from '@/lib/server/federated-credentials';
import { assertionErrorText } from '@/lib/tokens/assertion-text';
import { matchFederatedCredentials } from '@/lib/tokens/fic-match';
import { TokenFixAdvice } from './token-fix-advice';

interface Props {
  payload: Record<string, unknown>;
  credentials: FederatedCredentialList | undefined;
  loading: boolean;
  error: string | undefined;
  /** The signature did not verify: matching claims alone will not get this token accepted. */
  signatureFailed: boolean;
  /** The token is outside its validity (expired, or not yet valid): Entra ID refuses it whatever it matches. */
  timeProblem?: string;
}

/**
 * Which federated identity credentials would accept this service-account token at Entra ID, and
 * when none does, the nearest one with the differing fields marked: the question behind AADSTS70021.
 * The FICs are fetched; the token is compared here and never sent.
 */
export function FicMatchView({ payload, credentials, loading, error, signatureFailed, timeProblem }: Props) {
  return (
    <section className="card stack" aria-labelledby="fic-title">
      <h2 id="fic-title" className="mt-0">
        Federated credentials that accept this token
      </h2>
      {loading && <div className="skeleton h-40" role="status" aria-busy="true" aria-label="Loading federated credentials" />}
      {error && (
        <p role="alert" className="callout callout-error">
          The federated credentials could not be read: {error}
        </p>
      )}
      {credentials?.error && (
        <p role="alert" className="callout callout-error">
          The Azure source failed, so idlens cannot tell which credential accepts this token: {credentials.error.message}
        </p>
      )}
      {signatureFailed && (
        <p className="callout callout-warn m-0">
          The signature does not verify, so Entra ID would refuse this token whatever its claims: the comparison below only
          tells which credential its claims name.
        </p>
      )}
      {credentials && !credentials.error && <FicMatchResult payload={payload} credentials={credentials.credentials} timeProblem={timeProblem} signatureFailed={signatureFailed} />}
    </section>
  );
}

function FicMatchResult({ payload, credentials, timeProblem, signatureFailed }: { payload: Record<string, unknown>; credentials: FederatedCredentialView[]; timeProblem?: string; signatureFailed: boolean }) {
  const claims = { iss: payload.iss, sub: payload.sub, aud: payload.aud };
  const result = matchFederatedCredentials(claims, credentials);
  const advice = result.accepting.length === 0 ? assertionErrorText(payload) : undefined;
  // The advice below (the same query, shared) ranks with the identity map's knowledge of the service
  // account's identity: where it names a credential as near as this one, the table shows that one,
  // so the page names one nearest credential, not two.
  const explained = useQuery({ ...explainQueries.assertion(advice ?? ''), enabled: advice !== undefined });
  const named = explained.data?.candidates[0];
  const namedMatch = named ? matchFederatedCredentials(claims, credentials.filter((c) => c.name === named.name && c.ownerClientId.toLowerCase() === named.ownerClientId.toLowerCase())).nearest : undefined;
  const nearest = namedMatch && result.nearest && namedMatch.differences.length <= result.nearest.differences.length ? namedMatch : result.nearest;
  if (credentials.length === 0) {
    return <p className="muted">The Azure source knows no federated identity credentials.</p>;
  }
  if (result.accepting.length > 0) {
    return (
      <div className="stack" data-testid="fic-accepting">
        {signatureFailed ? (
          <p className="callout callout-error m-0" data-testid="fic-signature-refused">
            Its claims match {result.accepting.length === 1 ? 'this credential' : `these ${result.accepting.length} credentials`}, but its signature does not verify
            against the issuer&apos;s keys: Entra ID refuses it as a client assertion. A token changed after it was issued, or signed by another key, is never accepted.
          </p>
        ) : timeProblem ? (
          <p className="callout callout-error m-0" data-testid="fic-time-refused">
            Its claims match {result.accepting.length === 1 ? 'this credential' : `these ${result.accepting.length} credentials`}, but the token {timeProblem}: Entra ID
            refuses it with <strong>AADSTS700024</strong> (the client assertion is not within its valid time range). The kubelet
            rotates the projected token file: read it again when exchanging (never cache the token).
          </p>
        ) : (
          <p className="callout callout-ok m-0">
            Entra ID would accept this token as the client assertion for {result.accepting.length === 1 ? 'this credential' : `these ${result.accepting.length} credentials`}:
          </p>
        )}
        <ul>
          {result.accepting.map((c) => {
            const view = c as FederatedCredentialView;
            return (
              <li key={`${c.ownerClientId}/${c.name}`}>
                <strong>{c.name}</strong> on {view.ownerName ?? c.ownerClientId} (client ID <code>{c.ownerClientId}</code>)
              </li>
            );
          })}
        </ul>
      </div>
    );
  }
  return (
    <div className="stack" data-testid="fic-none">
      <p className="callout callout-error m-0" data-testid="fic-none-code">
        {typeof payload.iss === 'string' && !credentials.some((c) => c.issuer === payload.iss) ? (
          <>
            No federated credential accepts this token, and none has its issuer: exchanging it at Entra ID fails with <strong>AADSTS700211</strong> (no matching
            federated identity record for the assertion&apos;s issuer).
          </>
        ) : (
          <>
            No federated credential accepts this token: exchanging it at Entra ID fails with <strong>AADSTS70021</strong> (no matching federated identity
            record).
          </>
        )}
      </p>
      {nearest && (
        <>
          <p className="m-0" data-testid="fic-nearest">
            Nearest by its claims, among all credentials: <strong>{nearest.credential.name}</strong> on {(nearest.credential as FederatedCredentialView).ownerName ?? nearest.credential.ownerClientId}
          </p>
          <table>
            <thead>
              <tr>
                <th scope="col">Field</th>
                <th scope="col">Credential expects</th>
                <th scope="col">Token has</th>
                <th scope="col">Why it differs</th>
              </tr>
            </thead>
            <tbody>
              {nearest.differences.map((d) => (
                <tr key={d.field} data-field={d.field}>
                  <th scope="row">{d.field}</th>
                  <td>
                    <code className="diff">{d.expected}</code>
                  </td>
                  <td>
                    <code className="diff">{d.actual}</code>
                  </td>
                  <td>{d.explanation}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {advice && timeProblem && (
        <p className="callout callout-warn m-0" data-testid="fic-none-time">
          The token also {timeProblem}: whatever is fixed below, Entra ID refuses this one with AADSTS700024. Read a fresh token from the file when exchanging.
        </p>
      )}
      {advice && <TokenFixAdvice text={advice} />}
    </div>
  );
}
