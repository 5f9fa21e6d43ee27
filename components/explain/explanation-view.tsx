import Link from 'next/link';
import type { ReactNode } from 'react';
import { splitDifference, type DiffParts } from '@/lib/domain/error-explanation';
import type { ExplainErrorResponse } from '@/lib/server/explain-error';
import { CommandBlock } from '@/components/shell/copy-button';
import { mapHref } from '@/lib/api/map-search-params';

const VERDICT_TITLE: Record<ExplainErrorResponse['verdict'], string> = {
  'possibly-propagating': 'A matching credential exists: it may still be propagating',
  'trailing-slash': 'The issuer differs by a trailing "/"',
  case: 'A value differs only in upper/lower case',
  whitespace: 'A value differs by whitespace',
  namespace: 'The namespace differs',
  'service-account-name': 'The service account name differs',
  audience: 'The audience differs',
  'missing-fic': 'No federated credential exists for this service account',
  'malformed-subject': "The credential's subject is written wrongly",
  'fics-unread': "No credential idlens sees matches, and the identity's credentials could not be read",
  'partial-assertion': 'The error does not quote the whole assertion',
  'unknown-issuer': "The token's issuer is not any known cluster's issuer",
  'application-not-found': 'The client ID names no application in the tenant',
  'issuer-unreachable': "Entra ID cannot reach the token's issuer: the cluster's OIDC issuer is not usable",
  'not-a-matching-error': 'Not a federated-credential matching error',
  unrecognised: 'No AADSTS error found in the text',
};

/**
 * The result's heading. "No AADSTS error found" only when the text holds no code at all; a code
 * idlens does not know is named ("AADSTS50173: not a code idlens knows").
 */
export function verdictTitle(e: Pick<ExplainErrorResponse, 'verdict' | 'codes' | 'serviceAccount'>): string {
  // Without a service account found from the message, "for this service account" would name nothing.
  if (e.verdict === 'missing-fic' && !e.serviceAccount) return 'No federated credential matches the assertion';
  if (e.verdict !== 'unrecognised' || e.codes.length === 0) return VERDICT_TITLE[e.verdict];
  const names = e.codes.map((c) => c.code).join(', ');
  return e.codes.length === 1 ? `${names}: not a code idlens knows` : `${names}: not codes idlens knows`;
}

/** How a field differs, in words (the data attribute keeps the code). */
const DIFFERENCE_WORDS: Record<ExplainErrorResponse['candidates'][number]['diffs'][number]['difference'], string> = {
  'trailing-slash': 'a trailing "/"',
  case: 'upper/lower case',
  whitespace: 'whitespace',
  namespace: 'the namespace',
  'service-account-name': 'the service account name',
  different: 'entirely',
};

const FIELDS = ['issuer', 'subject', 'audience'] as const;
type Field = (typeof FIELDS)[number];

/** An issuer the message does not quote, said as what it is (never as quoted). */
const inferredIssuerLabel = (e: ExplainErrorResponse) => `the issuer of cluster ${e.issuerClusters.join(', ')} (not quoted)`;

/** "matches the quoted subject and the issuer of cluster aks-prod (not quoted)". */
function comparedText(e: ExplainErrorResponse, unchecked: Field[]): string {
  const compared = FIELDS.filter((f) => !unchecked.includes(f));
  const quoted = compared.filter((f) => e.parsed[f] !== undefined);
  const inferred = compared.includes('issuer') && e.parsed.issuer === undefined && e.inferredIssuer !== undefined;
  return [...(quoted.length ? [`the quoted ${quoted.join(' and ')}`] : []), ...(inferred ? [inferredIssuerLabel(e)] : [])].join(' and ');
}

/** The issuer the message quotes, else the one idlens took from the service account's cluster. */
const issuerOf = (e: ExplainErrorResponse): string | undefined => e.parsed.issuer ?? e.inferredIssuer;

/** Props-only view of an explained Entra error. */
export function ExplanationView({ explanation: e }: { explanation: ExplainErrorResponse }) {
  const failed = (['cluster', 'azure'] as const).filter((k) => !e.sources[k].ok);
  return (
    <section className="stack explain-result" aria-labelledby="verdict-title">
      {failed.map((k) => (
        <p key={k} role="alert" className="callout callout-warn">
          The {k} source failed, so the explanation may miss candidates: {e.sources[k].error?.message}
        </p>
      ))}
      <div className={`card stack callout-${e.verdict === 'unrecognised' ? 'warn' : 'info'}`}>
        <h2 id="verdict-title" className="m-0" data-testid="verdict">
          {verdictTitle(e)}
        </h2>
        <p className="m-0">{e.summary}</p>
        {e.serviceAccount && <ServiceAccountLine serviceAccount={e.serviceAccount} />}
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
          <TableScroll label="What the token presented">
            <table>
              <tbody>
                {FIELDS.map((field) => (
                  <tr key={field} data-presented={field}>
                    <th scope="row">{field}</th>
                    <td>
                      {e.parsed[field] ? (
                        <code>{e.parsed[field]}</code>
                      ) : field === 'issuer' && e.inferredIssuer ? (
                        <>
                          <code>{e.inferredIssuer}</code> <span className="small muted">{inferredIssuerLabel(e)}: the only cluster holding the service account</span>
                        </>
                      ) : field === 'issuer' && e.clusterChecks ? (
                        <span className="muted">not quoted; the service account is in clusters with different issuers, each checked below</span>
                      ) : (
                        <span className="muted">not quoted in the message</span>
                      )}
                      {field === 'issuer' && e.parsed.issuer && (
                        <div className="small muted">
                          {e.issuerClusters.length > 0 ? `the issuer of cluster ${e.issuerClusters.join(', ')}` : 'the issuer of no known cluster'}
                        </div>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
          {e.unquoted.length > 0 && (
            <p className="small muted mb-0">
              The full assertion is in the pod&apos;s token: decode it on <Link href="/tokens">Tokens</Link>.
            </p>
          )}
        </div>
      )}

      {e.clusterChecks && (
        <div className="card">
          <h3 className="mt-0">Each cluster holding the service account</h3>
          <TableScroll label="Each cluster holding the service account">
            <table>
              <thead>
                <tr>
                  <th scope="col">Cluster</th>
                  <th scope="col">Issuer</th>
                  <th scope="col">Credential for this issuer and subject</th>
                </tr>
              </thead>
              <tbody>
                {e.clusterChecks.map((c) => (
                  <tr key={c.cluster} data-cluster={c.cluster}>
                    <th scope="row">
                      <Link href={`/map?focus=${encodeURIComponent(c.serviceAccount.id)}`}>{c.cluster}</Link>
                    </th>
                    <td>
                      <code>{c.issuer}</code>
                    </td>
                    <td>{c.matchingFics.length > 0 ? c.matchingFics.join(', ') : c.ficsUnread ? 'unknown: the credentials could not be read' : 'none: this cluster’s pods fail'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        </div>
      )}

      {e.candidates.length > 0 && (
        <div className="card">
          <h3 className="mt-0">Candidate federated credentials, nearest first</h3>
          {e.candidateCount > e.candidates.length && (
            <p className="small muted">
              The {e.candidates.length} nearest of {e.candidateCount}.
              {issuerOf(e) && (
                <>
                  {' '}
                  {/* The map's search matches issuers; without the trailing '/' it also finds the near variants. */}
                  <Link href={mapHref({ kind: ['federatedCredential'], q: issuerOf(e)!.replace(/\/+$/, '') })}>All credentials of this issuer on the map</Link>
                </>
              )}
            </p>
          )}
          <TableScroll label="Candidate federated credentials">
            <table className="explain-candidates">
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
                        {c.unchecked.length === 0 && e.unquoted.length === 0
                          ? 'matches every field'
                          : `matches ${comparedText(e, c.unchecked)}${c.unchecked.length ? `; ${c.unchecked.join(' and ')} not quoted, so not compared` : ''}`}
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
                        <DiffCells diff={d} note={d.field === 'issuer' && e.parsed.issuer === undefined ? inferredIssuerLabel(e) : undefined} />
                        <td data-difference={d.difference}>{DIFFERENCE_WORDS[d.difference]}</td>
                      </tr>
                    ))
                  ),
                )}
              </tbody>
            </table>
          </TableScroll>
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

/** "Service account: shop/checkout in cluster sample", linked to it on the map. */
export function ServiceAccountLine({ serviceAccount: sa }: { serviceAccount: NonNullable<ExplainErrorResponse['serviceAccount']> }) {
  return (
    <p className="m-0">
      Service account: <Link href={`/map?focus=${encodeURIComponent(sa.id)}`}>{`${sa.namespace}/${sa.name}`}</Link>{' '}
      <span className="muted small">in cluster {sa.cluster}</span>
    </p>
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
      {c.meantFor && (
        <div className="small muted">
          meant for{' '}
          <Link href={`/map?focus=${encodeURIComponent(c.meantFor.id)}`}>
            {c.meantFor.namespace}/{c.meantFor.name}
          </Link>{' '}
          in cluster {c.meantFor.cluster}, but its issuer is not written exactly as that cluster’s
        </div>
      )}
      {c.diffs.length > 0 && c.unchecked.length > 0 && <div className="small muted">{c.unchecked.join(' and ')} not quoted, so not compared</div>}
      {c.ruledOut && <div className="small muted">ruled out: its identity has a credential with exactly this issuer, and AADSTS700211 says the identity used has none</div>}
    </>
  );
}

/**
 * A table that wraps its long values and, when it still does not fit (a phone), scrolls inside its
 * own box (shadows at the scrolled-off edge say there is more) instead of widening the page.
 * Focusable so a keyboard can scroll it; named so that focus says what it is.
 */
function TableScroll({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="explain-table-scroll" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}

/** One side of a difference: the common parts plain, only the part that differs highlighted. */
function DiffValue({ parts, side }: { parts: DiffParts; side: 'presented' | 'configured' }) {
  return (
    <code data-side={side}>
      {parts.before}
      {parts.differing ? (
        <mark className="diff">{parts.differing}</mark>
      ) : (
        // Nothing here where the other side has more (the missing trailing '/'): a thin marker, not read out.
        (parts.before || parts.after) && <span className="diff-gap" aria-hidden="true" />
      )}
      {parts.after}
    </code>
  );
}

function DiffCells({ diff: d, note }: { diff: ExplainErrorResponse['candidates'][number]['diffs'][number]; note?: string }) {
  const split = splitDifference(d.presented, d.configured);
  return (
    <>
      <td>
        <DiffValue parts={split.presented} side="presented" />
        {note && <div className="small muted">{note}</div>}
      </td>
      <td>
        <DiffValue parts={split.configured} side="configured" />
      </td>
    </>
  );
}
