'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useMemo, useState } from 'react';
import { identityMapQueries } from '@/lib/api/identity-map-queries';
import { flowHref } from '@/lib/api/trace-search-params';
import { flowServiceAccounts } from './flow-model';
import { FlowView } from './flow-view';

/** Container for /flow: the service accounts of the identity map, the chosen one from `?sa=`. */
export function FlowExplorer({ selected }: { selected?: string }) {
  const query = useQuery(identityMapQueries.all());
  const router = useRouter();
  const [filter, setFilter] = useState('');
  const accounts = useMemo(() => (query.data ? flowServiceAccounts(query.data) : []), [query.data]);
  const needle = filter.trim().toLowerCase();
  const shown = needle ? accounts.filter((a) => `${a.id} ${a.label} ${a.clientId ?? ''}`.toLowerCase().includes(needle)) : accounts;
  const chosen = selected ? accounts.find((a) => a.id === selected) : undefined;

  if (query.isPending) {
    return (
      <div className="stack" role="status" aria-busy="true" aria-label="Loading the identity map">
        <div className="skeleton h-70" />
        <div className="skeleton h-320" />
      </div>
    );
  }
  if (query.error) {
    return (
      <div className="callout callout-error stack" role="alert">
        <div>
          <strong>The identity map could not be read.</strong> {query.error.message}
        </div>
        <div>
          <button type="button" onClick={() => query.refetch()}>
            Retry
          </button>
        </div>
      </div>
    );
  }

  return (
    <div className="stack">
      <div className="card flow-picker">
        <div className="stack">
          <label htmlFor="flow-filter">Filter service accounts</label>
          <input id="flow-filter" type="search" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="namespace, name or client ID" autoComplete="off" />
        </div>
        <div className="stack">
          <label htmlFor="flow-sa">Service account</label>
          <select id="flow-sa" value={chosen && shown.includes(chosen) ? chosen.id : ''} onChange={(e) => e.target.value && router.push(flowHref({ sa: e.target.value }))}>
            <option value="">{shown.length ? `Choose one of ${shown.length}…` : 'No service account matches'}</option>
            {shown.map((a) => (
              <option key={a.id} value={a.id}>
                {a.label}
                {a.clientId ? '' : ' (no client-id annotation)'}
                {accounts.some((b) => b !== a && b.label === a.label) ? ` · ${a.cluster}` : ''}
              </option>
            ))}
          </select>
        </div>
      </div>
      {!query.data.sources.cluster.ok && (
        <div className="callout callout-warn">The cluster source failed: {query.data.sources.cluster.error?.message}</div>
      )}
      {accounts.length === 0 ? (
        <div className="callout callout-info">The identity map has no service accounts: configure a cluster source (<code>IDLENS_CLUSTER</code>).</div>
      ) : chosen ? (
        <FlowView sa={chosen} />
      ) : selected ? (
        <div className="callout callout-warn" role="alert">
          The identity map has no service account <code>{selected}</code>. Choose one above.
        </div>
      ) : (
        <div className="callout callout-info stack">
          <span>Choose a service account to see the token exchange its pods make, with its real values.</span>
          {accounts.some((a) => a.clientId) && (
            <span className="row">
              Using workload identity:
              {accounts
                .filter((a) => a.clientId)
                .slice(0, 8)
                .map((a) => (
                  <Link key={a.id} href={flowHref({ sa: a.id })}>
                    {a.label}
                  </Link>
                ))}
            </span>
          )}
        </div>
      )}
    </div>
  );
}
