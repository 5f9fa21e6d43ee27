import Link from 'next/link';
import type { ExplainErrorResponse } from '@/lib/server/explain-error';
import { CommandBlock } from '@/components/shell/copy-button';

const VERDICT_TITLE: Record<ExplainErrorResponse['verdict'], string> = {
  'possibly-propagating': 'A matching credential exists: it may still be propagating',
  'trailing-slash': 'The issuer differs by a trailing "/"',
  case: 'A value differs only in upper/lower case',
  whitespace: 'A value differs by whitespace',
  namespace: 'The namespace differs',
  'service-account-name': 'The service account name differs',
  audience: 'The audience differs',
  'missing-fic': 'No federated credential exists for this service account',
  'partial-assertion': 'The error does not quote the whole assertion',
  'unknown-issuer': "The token's issuer is not any known cluster's issuer",
  'application-not-found': 'The client ID names no application in the tenant',
  'not-a-matching-error': 'Not a federated-credential matching error',
  unrecognised: 'No AADSTS error found in the text',
};

/** Props-only view of an explained Entra error. */
export function ExplanationView({ explanation: e }: { explanation: ExplainErrorResponse }) {
  const failed = (['cluster', 'azure'] as const).filter((k) => !e.sources[k].ok);
  return (
    <section className="stack" aria-labelledby="verdict-title">
      {failed.map((k) => (
        <p key={k} role="alert" className="callout callout-warn">
          The {k} source failed, so the explanation may miss candidates: {e.sources[k].error?.message}
        </p>
      ))}
      <div className={`card stack callout-${e.verdict === 'unrecognised' ? 'warn' : 'info'}`}>
        <h2 id="verdict-title" className="m-0" data-testid="verdict">
          {VERDICT_TITLE[e.verdict]}
        </h2>
        <p className="m-0">{e.summary}</p>
        {e.serviceAccount && (
          <p className="m-0">
            Service account:{' '}
            <Link href={`/map?focus=${encodeURIComponent(e.serviceAccount.id)}`}>
              {e.serviceAccount.namespace}/{e.serviceAccount.name}
            </Link>{' '}
            <span className="muted small">in cluster {e.serviceAccount.cluster}</span>
          </p>
        )}
      </div>

      {e.codes.length > 0 && (
        <div className="card">
          <h3 className="mt-0">Error codes</h3>
          <ul>
            {e.codes.map((c) => (
              <li key={c.code}>
                <strong>{c.code}</strong>: {c.meaning ?? 'not a code idlens knows'}
                {c.cause && <div className="small muted">Usual cause: {c.cause}</div>}
              </li>
            ))}
          </ul>
        </div>
      )}

      {e.annotatedServiceAccounts && e.annotatedServiceAccounts.length > 0 && (
        <div className="card">
          <h3 className="mt-0">Service accounts annotated with {e.clientId}</h3>
          <ul>
            {e.annotatedServiceAccounts.map((sa) => (
              <li key={sa.id}>
                <Link href={`/map?focus=${encodeURIComponent(sa.id)}`}>
                  {sa.namespace}/{sa.name}
                </Link>{' '}
                <span className="muted small">in cluster {sa.cluster}</span>
              </li>
            ))}
          </ul>
        </div>
      )}

      {(e.parsed.issuer || e.parsed.subject || e.parsed.audience) && (
        <div className="card">
          <h3 className="mt-0">What the token presented</h3>
          <table>
            <tbody>
              {(['issuer', 'subject', 'audience'] as const).map((field) => (
                <tr key={field} data-presented={field}>
                  <th scope="row">{field}</th>
                  <td>
                    {e.parsed[field] ? (
                      <code>{e.parsed[field]}</code>
                    ) : field === 'issuer' && e.inferredIssuer ? (
                      <>
                        <code>{e.inferredIssuer}</code> <span className="small muted">(not quoted: the issuer of the service account&apos;s cluster)</span>
                      </>
                    ) : (
                      <span className="muted">not quoted in the message</span>
                    )}
                    {field === 'issuer' && (e.parsed.issuer ?? e.inferredIssuer) && (
                      <div className="small muted">
                        {e.issuerClusters.length > 0 ? `the issuer of cluster ${e.issuerClusters.join(', ')}` : 'the issuer of no known cluster'}
                      </div>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {e.unquoted.length > 0 && (
            <p className="small muted mb-0">
              The full assertion is in the pod&apos;s token: decode it on <Link href="/tokens">Tokens</Link>.
            </p>
          )}
        </div>
      )}

      {e.candidates.length > 0 && (
        <div className="card">
          <h3 className="mt-0">Candidate federated credentials, nearest first</h3>
          {e.candidateCount > e.candidates.length && (
            <p className="small muted">
              The {e.candidates.length} nearest of {e.candidateCount}.
            </p>
          )}
          <table>
            <thead>
              <tr>
                <th scope="col">Credential</th>
                <th scope="col">Field</th>
                <th scope="col">Token presented</th>
                <th scope="col">Credential has</th>
                <th scope="col">Difference</th>
              </tr>
            </thead>
            <tbody>
              {e.candidates.map((c) =>
                c.diffs.length === 0 ? (
                  <tr key={c.id} data-candidate={c.name}>
                    <td>
                      <CandidateName candidate={c} />
                    </td>
                    <td colSpan={4}>
                      {c.unchecked.length === 0
                        ? 'matches every field'
                        : `matches the quoted ${(['issuer', 'subject', 'audience'] as const).filter((f) => !c.unchecked.includes(f)).join(' and ')}; ${c.unchecked.join(' and ')} not quoted, so not compared`}
                    </td>
                  </tr>
                ) : (
                  c.diffs.map((d, i) => (
                    <tr key={`${c.id}/${d.field}`} data-field={d.field} data-candidate={c.name}>
                      {i === 0 && (
                        <td rowSpan={c.diffs.length}>
                          <CandidateName candidate={c} />
                        </td>
                      )}
                      <th scope="row">{d.field}</th>
                      <td>
                        <code className="diff">{d.presented}</code>
                      </td>
                      <td>
                        <code className="diff">{d.configured}</code>
                      </td>
                      <td>{d.difference}</td>
                    </tr>
                  ))
                ),
              )}
            </tbody>
          </table>
        </div>
      )}

      {e.fix && (
        <div className="card stack">
          <h3 className="m-0">Fix</h3>
          <p className="m-0">{e.fix.description}</p>
          {e.fix.commands.map((command) => (
            <CommandBlock key={command} command={command} />
          ))}
        </div>
      )}
    </section>
  );
}

function CandidateName({ candidate: c }: { candidate: ExplainErrorResponse['candidates'][number] }) {
  return (
    <>
      <Link href={`/map?focus=${encodeURIComponent(c.id)}`}>{c.name}</Link>
      <div className="small muted">{c.ownerName ?? c.ownerClientId}</div>
      {c.serviceAccount && (
        <div className="small muted">
          trusts{' '}
          <Link href={`/map?focus=${encodeURIComponent(c.serviceAccount.id)}`}>
            {c.serviceAccount.namespace}/{c.serviceAccount.name}
          </Link>{' '}
          in cluster {c.serviceAccount.cluster}
        </div>
      )}
      {c.diffs.length > 0 && c.unchecked.length > 0 && <div className="small muted">{c.unchecked.join(' and ')} not quoted, so not compared</div>}
    </>
  );
}
