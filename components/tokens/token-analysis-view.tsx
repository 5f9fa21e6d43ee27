import type { FederatedCredentialList } from '@/lib/server/federated-credentials';
import type { TokenType } from '@/lib/tokens/classify';
import { explainClaims } from '@/lib/tokens/claims';
import type { DecodedToken } from '@/lib/tokens/decode';
import { formatRelative, tokenTimes } from '@/lib/tokens/times';
import { tokenWarnings } from '@/lib/tokens/warnings';
import { ClaimsTable } from './claims-table';
import { FicMatchView } from './fic-match-view';
import { TimesView } from './times-view';
import type { SignatureState } from './use-signature-check';

interface Props {
  /** Sample tokens are offered above (the sample world); otherwise the empty state says how to get a real one. */
  samples: boolean;
  decoded: DecodedToken;
  type: TokenType | undefined;
  now: Date;
  signature: SignatureState;
  jwksLoading: boolean;
  jwksProblem: string | undefined;
  jwksOrigin: string | undefined;
  credentials: FederatedCredentialList | undefined;
  credentialsLoading: boolean;
  credentialsError: string | undefined;
}

const PRIVACY = 'The token is decoded and verified in this browser only: it is never sent to the server, logged or stored.';

/** Props-only view of a decoded token: what it is, whether it verifies, what each part means. */
export function TokenAnalysisView(props: Props) {
  const { decoded } = props;
  if (decoded.kind === 'empty') {
    return (
      <div className="callout callout-info stack">
        <p className="m-0">
          Paste a Kubernetes service-account token or an Entra ID token above{props.samples ? ', or pick a sample' : ''}. {PRIVACY}
        </p>
        {!props.samples && (
          <p className="m-0 small">
            A token like a workload&apos;s (same issuer, subject and audience; kubectl 1.24 or later):{' '}
            <code>kubectl create token &lt;service-account&gt; -n &lt;namespace&gt; --audience api://AzureADTokenExchange</code>
          </p>
        )}
      </div>
    );
  }
  if (decoded.kind === 'invalid') {
    return (
      <div className="stack">
        <div role="alert" className="callout callout-error">
          <strong>This is not a decodable JWT.</strong>
          <ul>
            {decoded.problems.map((p, i) => (
              <li key={i}>{p.message}</li>
            ))}
          </ul>
        </div>
        <p className="small muted">{PRIVACY}</p>
      </div>
    );
  }
  if (decoded.kind === 'jwe') {
    return (
      <div className="stack">
        <div role="alert" className="callout callout-warn">
          <strong>Encrypted token (JWE, 5 parts).</strong>
          <ul>
            {decoded.problems.map((p, i) => (
              <li key={i}>{p.message}</li>
            ))}
          </ul>
        </div>
        {decoded.header && <ClaimsTable caption="Header" claims={explainClaims(decoded.header, undefined, 'Unknown JWT')} now={props.now} />}
        <p className="small muted">{PRIVACY}</p>
      </div>
    );
  }
  return <JwsView {...props} decoded={decoded} />;
}

function JwsView({ decoded, type = 'Unknown JWT', now, signature, jwksLoading, jwksProblem, jwksOrigin, credentials, credentialsLoading, credentialsError }: Props & { decoded: Extract<DecodedToken, { kind: 'jws' }> }) {
  const warnings = tokenWarnings(decoded, type, { now });
  const times = decoded.payload ? tokenTimes(decoded.payload, now) : undefined;
  const claims = explainClaims(decoded.header, decoded.payload, type);
  const verified = signature.state === 'verified';
  const [headerPart = '', payloadPart = ''] = decoded.token.split('.');

  // alg "none": there is nothing to verify, whatever keys the issuer has.
  const unsigned = typeof decoded.header?.alg === 'string' && decoded.header.alg.toLowerCase() === 'none';
  let signatureText: string;
  if (signature.state === 'verified') signatureText = 'Signature verified';
  else if (unsigned) signatureText = 'Not signed (alg "none"): there is no signature to verify, and Entra ID and every API refuse such a token.';
  else if (signature.state === 'failed') signatureText = `Signature not verified: ${signature.reason}`;
  else if (jwksProblem) signatureText = `Signature not verified: ${jwksProblem}`;
  else if (jwksLoading || signature.state === 'checking') signatureText = 'Checking signature…';
  else signatureText = 'Signature not verified: no keys to check it against.';

  return (
    <div className="stack">
      <section className="card stack" aria-labelledby="token-summary-title">
        <h2 id="token-summary-title" className="visually-hidden">
          Summary
        </h2>
        <div className="row justify-between">
          <div className="row">
            <span className="small muted">Type</span>
            <strong data-testid="token-type">{type}</strong>
          </div>
          {verified ? (
            <span className="badge badge-ok">VERIFIED</span>
          ) : signature.state === 'failed' || unsigned ? (
            <span className="badge badge-error" title="The signature was checked and does not verify (or there is none): this token is refused everywhere.">
              INVALID SIGNATURE
            </span>
          ) : (
            <span className="badge badge-warn" title="The signature has not been verified: treat every claim as unproven.">
              UNVERIFIED
            </span>
          )}
        </div>
        <p role="status" data-testid="signature-status" className={verified ? 'm-0' : 'muted m-0'}>
          {signatureText}
          {signature.state === 'verified' && (
            <span className="small muted">
              {' '}
              ({signature.alg}
              {signature.kid ? `, key ${signature.kid}` : ''}
              {jwksOrigin ? `, keys from ${jwksOrigin === 'pasted' ? 'the pasted JWKS' : jwksOrigin}` : ''})
            </span>
          )}
        </p>
        {times && <TimesView times={times} now={now} />}
        <p className="small muted m-0">
          {PRIVACY}
        </p>
      </section>

      {decoded.problems.length > 0 && (
        <div role="alert" className="callout callout-error">
          <strong>Parts of this token could not be decoded:</strong>
          <ul>
            {decoded.problems.map((p, i) => (
              <li key={i}>{p.message}</li>
            ))}
          </ul>
        </div>
      )}

      {warnings.length > 0 && (
        <section aria-labelledby="warnings-title" className="stack">
          <h2 id="warnings-title">Warnings</h2>
          <ul className="stack list-plain m-0">
            {warnings.map((w) => (
              <li key={w.code} className={`callout callout-${w.severity === 'error' ? 'error' : w.severity === 'warning' ? 'warn' : 'info'}`} data-warning={w.code}>
                {w.message}
              </li>
            ))}
          </ul>
        </section>
      )}

      {type === 'Kubernetes service account token' && decoded.payload && (
        <FicMatchView
          payload={decoded.payload}
          credentials={credentials}
          loading={credentialsLoading}
          error={credentialsError}
          signatureFailed={signature.state === 'failed' || unsigned}
          timeProblem={
            times?.state === 'expired' && times.expiresInSeconds !== undefined
              ? `expired ${formatRelative(times.expiresInSeconds)}`
              : times?.state === 'not-yet-valid'
                ? 'is not valid yet (nbf is in the future)'
                : undefined
          }
        />
      )}

      <section aria-labelledby="parts-title" className="card">
        <h2 id="parts-title" className="mt-0">
          Encoded
        </h2>
        <p className="token-parts m-0">
          <span className="token-header">{headerPart}</span>.<span className="token-payload">{payloadPart}</span>.
          <span className="token-signature">{decoded.signature}</span>
        </p>
        <p className="small muted mb-0">
          <span className="token-header">header</span> · <span className="token-payload">payload</span> ·{' '}
          <span className="token-signature">signature</span>
        </p>
      </section>

      <ClaimsTable caption="Header" claims={claims.filter((c) => c.group === 'header')} now={now} />
      <ClaimsTable caption="Payload" claims={claims.filter((c) => c.group === 'payload')} now={now} />
    </div>
  );
}
