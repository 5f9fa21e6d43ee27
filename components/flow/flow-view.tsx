import Link from 'next/link';
import { mapHref } from '@/lib/api/map-search-params';
import { SequenceDiagram } from '@/components/traces/sequence-diagram';
import { entraTokenRequest, flowMermaid, TOKEN_EXCHANGE_AUDIENCE, type FlowServiceAccount } from './flow-model';

function Check({ ok, label }: { ok: boolean; label: string }) {
  return <span className={`badge ${ok ? 'badge-ok' : 'badge-error'}`}>{ok ? `${label} ✓` : `${label} ✗`}</span>;
}

/** Props-only: the generic exchange of one SA, the request Entra receives, and the FICs it is checked against. */
export function FlowView({ sa }: { sa: FlowServiceAccount }) {
  const source = flowMermaid(sa);
  const accepting = sa.credentials.filter((c) => c.issuerMatches && c.subjectMatches && c.audienceMatches);
  return (
    <div className="stack">
      <section className="card stack" aria-labelledby="flow-values-title">
        <h2 id="flow-values-title" className="m-0">
          <code>{sa.label}</code>
        </h2>
        <dl className="kv" data-testid="flow-values">
          <dt>Issuer (iss)</dt>
          <dd>{sa.issuer ? <code data-testid="flow-issuer">{sa.issuer}</code> : <span className="muted">unknown: the cluster publishes no OIDC issuer</span>}</dd>
          <dt>Subject (sub)</dt>
          <dd>
            <code data-testid="flow-subject">{sa.subject}</code>
          </dd>
          <dt>Audience (aud)</dt>
          <dd>
            <code>{TOKEN_EXCHANGE_AUDIENCE}</code>
          </dd>
          <dt>Client ID</dt>
          <dd>
            {sa.clientId ? <code>{sa.clientId}</code> : <span className="muted">none: the SA lacks the annotation azure.workload.identity/client-id</span>}
            {sa.identityLabel && <span className="small muted"> ({sa.identityLabel})</span>}
          </dd>
          <dt>Tenant</dt>
          <dd>{sa.tenantId ? <code>{sa.tenantId}</code> : <span className="muted">unknown</span>}</dd>
          <dt>Scope</dt>
          <dd>{sa.scope ? <code>{sa.scope}</code> : <span className="muted">the resource the app asks for (no app role assignment seen)</span>}</dd>
        </dl>
        <p className="small m-0">
          <Link href={mapHref({ focus: sa.id })}>Show {sa.id} on the identity map</Link>
        </p>
      </section>

      <section className="card" aria-labelledby="flow-sequence-title">
        <h2 id="flow-sequence-title" className="mt-0">
          Sequence
        </h2>
        <SequenceDiagram source={source} fileName={`idlens-flow-${sa.namespace}-${sa.name}`} title={`Token exchange of ${sa.label}`} />
      </section>

      <section className="card stack" aria-labelledby="flow-request-title">
        <h2 id="flow-request-title" className="m-0">
          The request Entra ID receives
        </h2>
        <p className="small muted m-0">
          A client-credentials token request with the service-account token as <code>client_assertion</code>: Entra ID does not use
          the RFC 8693 token-exchange grant. The token&apos;s <code>iss</code>, <code>sub</code> and <code>aud</code> must equal one
          federated credential of the client ID exactly (case-sensitive; a trailing <code>/</code> counts).
        </p>
        <pre className="log-pre" data-testid="flow-request">{entraTokenRequest(sa)}</pre>
      </section>

      <section className="card stack" aria-labelledby="flow-fics-title">
        <h2 id="flow-fics-title" className="m-0">
          Federated credentials of this client ID
        </h2>
        {!sa.clientId ? (
          <p className="muted m-0">No client ID, so no federated credential to match.</p>
        ) : sa.credentials.length === 0 ? (
          <p className="muted m-0">None seen: Entra would answer AADSTS70021.</p>
        ) : (
          <>
            <p className="m-0" data-testid="flow-verdict">
              {accepting.length > 0 ? `Entra would accept this SA's token through ${accepting.map((c) => c.name).join(', ')}.` : 'No federated credential matches all three: Entra would answer AADSTS70021.'}
            </p>
            <div className="table-scroll">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Issuer</th>
                    <th scope="col">Subject</th>
                    <th scope="col">Audiences</th>
                    <th scope="col">Match</th>
                  </tr>
                </thead>
                <tbody>
                  {sa.credentials.map((c) => (
                    <tr key={c.id}>
                      <td>
                        <Link href={mapHref({ focus: c.id })}>{c.name}</Link>
                      </td>
                      <td>
                        <code>{c.issuer}</code>
                      </td>
                      <td>
                        <code>{c.subject ?? '(expression)'}</code>
                      </td>
                      <td>
                        <code>{c.audiences.join(', ')}</code>
                      </td>
                      <td>
                        <div className="row nowrap">
                          <Check ok={c.issuerMatches} label="iss" />
                          <Check ok={c.subjectMatches} label="sub" />
                          <Check ok={c.audienceMatches} label="aud" />
                        </div>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </section>
    </div>
  );
}
