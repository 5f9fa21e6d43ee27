'use client';

import Link from 'next/link';
import type { ReactNode, Ref } from 'react';
import type { MapEdge, MapFinding } from '@/lib/api/identity-map-queries';
import { CommandBlock } from '@/components/shell/copy-button';
import { FindingBody } from './findings-list';
import { type ClusterSummary, type CredentialComparison, type FieldStatus, KIND_LABELS, type NodeInfo, serviceNameOf, str, stringList, stringMap } from './map-model';

// Props-only: everything idlens knows about one node — what it is, its annotations and labels, a
// federated credential's issuer/subject/audience beside what the service account's token carries,
// its findings with fix commands, and where to look next (token decoder, traces).

interface Props {
  info: NodeInfo;
  comparisons: CredentialComparison[];
  edges: MapEdge[];
  labelOf(id: string): string | undefined;
  hrefFor(id: string): string;
  onFocus(id: string): void;
  onClose(): void;
  headingRef?: Ref<HTMLHeadingElement>;
  /** The filters hide this node in the graph and the table: say so, with a way to show it. */
  hiddenByFilters?: boolean;
  onClearFilters?(): void;
  /** The identity (this node, or the one this SA names) whose federated credentials were not read. */
  unreadCredentials?: string;
  /** For a service account or a pod: the kubectl command minting a token like its pods' (map-model's tokenCommandFor). */
  tokenCommand?: string;
  /** The node's cluster, when it has findings of its own (an unusable issuer breaks every exchange from it). */
  clusterWithFindings?: ClusterSummary;
}

const STATUS_TEXT: Record<FieldStatus, string> = {
  match: 'matches',
  'trailing-slash': 'differs by a trailing "/"',
  case: 'differs in case only',
  differs: 'differs',
  missing: 'not set',
};

const EDGE_TEXT: Record<string, [string, string]> = {
  runsAs: ['runs as', 'is used by'],
  federatesTo: ['federates to', 'is trusted for'],
  credentialOf: ['is a credential of', 'has credential'],
  canCall: ['can call', 'can be called by'],
};

export function NodeDetails({ info, comparisons, edges, labelOf, hrefFor, onFocus, onClose, headingRef, hiddenByFilters, onClearFilters, unreadCredentials, tokenCommand, clusterWithFindings }: Props) {
  const { node } = info;
  const annotations = stringMap(node.data, 'annotations');
  const labels = stringMap(node.data, 'labels');
  const facts = factsOf(info);
  const focusLink = (id: string) => (
    <a
      href={hrefFor(id)}
      onClick={(event) => {
        if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
        event.preventDefault();
        onFocus(id);
      }}
    >
      {labelOf(id) ?? id}
    </a>
  );
  const service = node.kind === 'pod' || node.kind === 'serviceAccount' ? serviceNameOf(info) : undefined;
  return (
    <section className="card stack map-details" aria-labelledby="node-details-title" data-testid="node-details">
      <DetailsHeader kind={KIND_LABELS[node.kind] ?? node.kind} title={node.label} headingRef={headingRef} onClose={onClose} />
      {hiddenByFilters && <HiddenByFilters what="this node: it is not" onClearFilters={onClearFilters} />}
      <dl className="map-facts">
        <IdFact id={node.id} />
        {info.cluster !== undefined && (
          <>
            <dt>Cluster</dt>
            <dd>{info.cluster}</dd>
          </>
        )}
        {info.namespace !== undefined && (
          <>
            <dt>Namespace</dt>
            <dd>{info.namespace}</dd>
          </>
        )}
        {facts.map(([k, v]) => (
          <Fact key={k} name={k} value={v} />
        ))}
      </dl>

      {comparisons.length > 0 && (
        <section aria-labelledby="comparison-title" className="stack">
          <h3 id="comparison-title" className="m-0">
            {node.kind === 'federatedCredential' ? 'Credential vs. service account token' : 'Service account token vs. federated credentials'}
          </h3>
          {comparisons.map((c) => (
            <ComparisonTable key={`${c.credential.node.id}\n${c.serviceAccount.node.id}`} comparison={c} subjectLink={node.kind === 'federatedCredential' ? focusLink(c.serviceAccount.node.id) : focusLink(c.credential.node.id)} />
          ))}
        </section>
      )}

      {unreadCredentials && (
        <p className="callout callout-warn small m-0" data-testid="unread-credentials">
          The federated credentials of {unreadCredentials} could not be read (the Azure source says why), so no finding is drawn from them: for this{' '}
          {(KIND_LABELS[node.kind] ?? 'node').toLowerCase()}, no finding about its credentials means unknown, not fine.
        </p>
      )}

      {clusterWithFindings && (
        <p className={`callout ${clusterWithFindings.findings.some((f) => f.severity === 'error') ? 'callout-error' : 'callout-warn'} small m-0`} data-testid="cluster-findings">
          Its cluster {clusterWithFindings.name} has {clusterWithFindings.findings.length} {clusterWithFindings.findings.length === 1 ? 'finding' : 'findings'} of its own (
          {[...new Set(clusterWithFindings.findings.map((f) => f.code))].join(', ')}) that apply to everything in it: {focusLink(clusterWithFindings.id)}.
        </p>
      )}

      <FindingsSection
        findings={info.findings}
        none={
          unreadCredentials
            ? `No finding in what could be read; its federated credentials were not read.`
            : `Nothing wrong found for this ${(KIND_LABELS[node.kind] ?? 'node').toLowerCase()}${clusterWithFindings ? ' itself (see its cluster above)' : ''}.`
        }
        labelOf={labelOf}
        hrefFor={hrefFor}
        onFocus={onFocus}
      />

      {Object.keys(annotations).length > 0 && <KeyValues title="Annotations" values={annotations} />}
      {Object.keys(labels).length > 0 && <KeyValues title="Labels" values={labels} />}

      {edges.length > 0 && (
        <section aria-labelledby="edges-title">
          <h3 id="edges-title" className="mt-0">
            Connections
          </h3>
          <ul className="small map-edges">
            {edges.slice(0, 50).map((e, i) => {
              const outgoing = e.from === node.id;
              const [forward, backward] = EDGE_TEXT[e.kind] ?? [e.kind, `← ${e.kind}`];
              const roles = 'data' in e ? e.data.roles : undefined;
              return (
                <li key={`${e.kind}:${e.from}:${e.to}:${i}`}>
                  {outgoing ? forward : backward} {focusLink(outgoing ? e.to : e.from)}
                  {roles?.length ? <span className="muted"> (roles: {roles.join(', ')})</span> : null}
                </li>
              );
            })}
            {edges.length > 50 && <li className="muted">…and {edges.length - 50} more</li>}
          </ul>
        </section>
      )}

      {tokenCommand && (
        <section aria-labelledby="token-title" className="stack">
          <h3 id="token-title" className="m-0">
            Its token
          </h3>
          <p className="small m-0">
            A token with the issuer, subject and audience {node.kind === 'pod' ? 'this pod presents' : "this service account's pods present"} (kubectl 1.24 or
            later). Paste it on <Link href="/tokens">Tokens</Link> to decode it and see which federated credential accepts it.
          </p>
          <CommandBlock command={tokenCommand} />
        </section>
      )}

      <nav aria-label="Related pages" className="row small">
        <Link href="/tokens">Decode a token</Link>
        {service && <Link href={`/traces?service=${encodeURIComponent(service)}`}>Traces of this service</Link>}
      </nav>
    </section>
  );
}

/** The details of something the filters keep out of the graph and the table, with a way to show it. */
function HiddenByFilters({ what, onClearFilters }: { what: string; onClearFilters?(): void }) {
  return (
    <div className="callout callout-warn row justify-between" role="status" data-testid="focus-hidden">
      <span>The current filters hide {what} in the graph or the table.</span>
      {onClearFilters && (
        <button type="button" onClick={onClearFilters}>
          Clear filters
        </button>
      )}
    </div>
  );
}

/** The details' kind, title (the heading focus goes to) and close button, for a node or a cluster. */
function DetailsHeader({ kind, title, headingRef, onClose }: { kind: string; title: string; headingRef?: Ref<HTMLHeadingElement>; onClose(): void }) {
  return (
    <div className="row justify-between items-start">
      <div>
        <span className="small muted">{kind}</span>
        <h2 id="node-details-title" ref={headingRef} tabIndex={-1} className="m-0 break-all">
          {title}
        </h2>
      </div>
      <button type="button" onClick={onClose} aria-label="Close details">
        ×
      </button>
    </div>
  );
}

function IdFact({ id }: { id: string }) {
  return (
    <>
      <dt>Id</dt>
      <dd>
        <code data-testid="node-id">{id}</code>
      </dd>
    </>
  );
}

/** The findings about what the details show (a node or a cluster), with their fixes; `none` says so when there are none. */
function FindingsSection({ findings, none, labelOf, hrefFor, onFocus }: { findings: MapFinding[]; none: string } & Pick<Props, 'labelOf' | 'hrefFor' | 'onFocus'>) {
  return (
    <section aria-labelledby="node-findings-title" className="stack">
      <h3 id="node-findings-title" className="m-0">
        Findings ({findings.length})
      </h3>
      {findings.length === 0 ? (
        <p className="muted small m-0">{none}</p>
      ) : (
        <ul className="map-finding-list">
          {findings.map((f, i) => (
            <li key={`${f.code}:${i}`} className="map-finding" data-code={f.code}>
              <FindingBody finding={f} labelOf={labelOf} hrefFor={hrefFor} onFocus={onFocus} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Fact({ name, value }: { name: string; value: string }) {
  return (
    <>
      <dt>{name}</dt>
      <dd>
        <code>{value}</code>
      </dd>
    </>
  );
}

/** Kind-specific facts worth a line: client IDs, the SA a pod runs as, a credential's fields. */
function factsOf(info: NodeInfo): Array<[string, string]> {
  const d = info.node.data;
  const pick: Array<[string, string]> =
    info.node.kind === 'pod'
      ? [
          ['Service account', 'serviceAccountName'],
          ['Phase', 'phase'],
        ]
      : info.node.kind === 'federatedCredential'
        ? [
            ['Name', 'name'],
            ['Owner client ID', 'ownerClientId'],
            ['Issuer', 'issuer'],
            ['Subject', 'subject'],
            ['Claims expression', 'claimsMatchingExpression'],
          ]
        : info.node.kind === 'managedIdentity'
          ? [
              ['Client ID', 'clientId'],
              ['Principal ID', 'principalId'],
              ['Tenant', 'tenantId'],
              ['Resource group', 'resourceGroup'],
              ['Resource', 'resourceId'],
            ]
          : info.node.kind === 'application'
            ? [
                ['App ID', 'appId'],
                ['Tenant', 'tenantId'],
              ]
            : [];
  const facts: Array<[string, string]> = [];
  for (const [label, key] of pick) {
    const v = str(d, key);
    if (v) facts.push([label, v]);
  }
  if (info.node.kind === 'federatedCredential') {
    const audiences = stringList(d, 'audiences');
    if (audiences) facts.push(['Audiences', audiences.join(', ') || '(none)']);
  }
  if (info.node.kind === 'application') {
    const uris = stringList(d, 'identifierUris');
    if (uris?.length) facts.push(['Identifier URIs', uris.join(', ')]);
  }
  return facts;
}

function KeyValues({ title, values }: { title: string; values: Record<string, string> }) {
  return (
    <section aria-label={title}>
      <h3 className="mt-0">{title}</h3>
      <table className="map-kv">
        <tbody>
          {Object.entries(values).map(([k, v]) => (
            <tr key={k}>
              <th scope="row">
                <code>{k}</code>
              </th>
              <td>
                <code>{v}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function ComparisonTable({ comparison, subjectLink }: { comparison: CredentialComparison; subjectLink: ReactNode }) {
  const ok = comparison.fields.every((f) => f.status === 'match');
  return (
    <div className="stack map-comparison" data-testid="fic-comparison">
      <p className="small m-0">
        {subjectLink}{' '}
        {ok ? (
          <span className="badge badge-ok">matches</span>
        ) : comparison.otherIssuer ? (
          <span className="badge badge-info">another issuer</span>
        ) : (
          <span className="badge badge-error">mismatch</span>
        )}
        {!comparison.linked && <span className="muted"> (same client ID)</span>}
      </p>
      {comparison.otherIssuer && (
        <p className="small muted m-0" data-testid="fic-other-issuer">
          This credential trusts another issuer (another cluster, or CI) with the same subject. It does not take this service account&apos;s tokens and
          breaks nothing: another credential of the identity does.
        </p>
      )}
      <table>
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Credential has</th>
            <th scope="col">Token carries</th>
          </tr>
        </thead>
        <tbody>
          {comparison.fields.map((f) => {
            const differs = f.status !== 'match';
            return (
              <tr key={f.field} data-field={f.field} data-status={f.status}>
                <th scope="row">
                  {f.field}
                  {differs && <div className="small map-diff-note">{STATUS_TEXT[f.status]}</div>}
                </th>
                <td>
                  <code className={differs ? 'diff' : undefined}>{f.actual ?? '(not set)'}</code>
                </td>
                <td>
                  <code className={differs ? 'diff' : undefined}>{f.expected}</code>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** A node's details props, but a cluster in place of the node; `hiddenByFilters`: none of the cluster's nodes passes the filters. */
type ClusterProps = { cluster: ClusterSummary } & Pick<Props, 'labelOf' | 'hrefFor' | 'onFocus' | 'onClose' | 'headingRef' | 'hiddenByFilters' | 'onClearFilters'>;

/**
 * A cluster (`cluster:<name>`, named by findings such as CLUSTER_OIDC_ISSUER_DISABLED): not a node
 * of the graph, but what a user following that ref wants to know — its issuer and whether it looks
 * usable to Entra ID (judged from the URL's form: nothing is fetched), how many of its service
 * accounts and pods the map holds, and the findings about it.
 */
export function ClusterDetails({ cluster, labelOf, hrefFor, onFocus, onClose, headingRef, hiddenByFilters, onClearFilters }: ClusterProps) {
  return (
    <section className="card stack map-details" aria-labelledby="node-details-title" data-testid="cluster-details">
      <DetailsHeader kind="Cluster" title={cluster.name} headingRef={headingRef} onClose={onClose} />
      {hiddenByFilters && <HiddenByFilters what="every node of this cluster: none is" onClearFilters={onClearFilters} />}
      <dl className="map-facts">
        <IdFact id={cluster.id} />
        <dt>OIDC issuer</dt>
        <dd>{cluster.issuer === undefined ? <span className="muted">not read</span> : <code>{cluster.issuer}</code>}</dd>
        <dt>Issuer usable</dt>
        <dd data-testid="issuer-usable">
          {cluster.issuer === undefined ? (
            <span className="muted">unknown: the issuer could not be read</span>
          ) : cluster.issuerProblem ? (
            <>
              <span className="badge badge-error">no</span> Entra ID cannot fetch its keys: {cluster.issuerProblem}.
            </>
          ) : (
            <>
              <span className="badge badge-ok">looks usable</span> a public https URL; whether Entra ID can fetch its keys is not checked.
            </>
          )}
        </dd>
        <dt>Service accounts</dt>
        <dd data-testid="cluster-service-accounts">{cluster.serviceAccounts}</dd>
        <dt>Pods</dt>
        <dd data-testid="cluster-pods">{cluster.pods}</dd>
      </dl>
      <FindingsSection findings={cluster.findings} none="Nothing wrong found about this cluster itself." labelOf={labelOf} hrefFor={hrefFor} onFocus={onFocus} />
    </section>
  );
}
