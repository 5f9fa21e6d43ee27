'use client';

import { useQuery } from '@tanstack/react-query';
import { healthQueries } from '@/lib/api/queries';
import type { Health } from '@/lib/server/health';

const TITLES: Record<keyof Health['sources'], string> = { cluster: 'Cluster', azure: 'Azure', logs: 'Logs' };

export function SourceHealth() {
  const { data, error, isPending, refetch, isFetching } = useQuery(healthQueries.status());
  if (isPending) {
    return (
      <div className="grid" role="status" aria-busy="true" aria-label="Checking sources">
        {Object.values(TITLES).map((t) => (
          <div key={t} className="card">
            <div className="skeleton h-48" />
          </div>
        ))}
      </div>
    );
  }
  if (error) {
    return (
      <div role="alert" className="callout callout-error">
        Could not read the server&apos;s health: {error.message}{' '}
        <button onClick={() => refetch()}>Retry</button>
      </div>
    );
  }
  return (
    <div className="stack">
      <div className="row">
        <span>Overall:</span>
        <span className={`badge ${data.status === 'ok' ? 'badge-ok' : data.status === 'down' ? 'badge-error' : 'badge-warn'}`}>{data.status}</span>
        <button onClick={() => refetch()} disabled={isFetching}>
          {isFetching ? 'Checking…' : 'Check again'}
        </button>
      </div>
      <SourceHealthView health={data} />
    </div>
  );
}

export function SourceHealthView({ health }: { health: Health }) {
  return (
    <ul className="grid list-plain m-0">
      {(Object.keys(TITLES) as Array<keyof Health['sources']>).map((kind) => {
        const s = health.sources[kind];
        const partial = s.ok && (s.missing?.length ?? 0) > 0;
        return (
          <li key={kind} className="card stack" aria-label={`${TITLES[kind]} source`}>
            <div className="row justify-between">
              <strong>{TITLES[kind]}</strong>
              <span className={`badge ${!s.ok ? 'badge-error' : partial ? 'badge-warn' : 'badge-ok'}`}>{!s.ok ? 'failing' : partial ? 'partial' : 'healthy'}</span>
            </div>
            <div className="small">
              mode <code>{s.mode}</code>
            </div>
            {s.error && (
              <p className="small callout callout-error m-0">
                <code>{s.error.code}</code>: {s.error.message}
              </p>
            )}
            {s.missing && s.missing.length > 0 && (
              <div className="small callout callout-warn">
                {s.mode.startsWith('snapshot:') ? 'Not read from the snapshot' : 'Could not be read'} (reported, not guessed; no findings are drawn from what is missing):
                <ul>
                  {s.missing.map((m) => (
                    <li key={m}>
                      <code>{m}</code>
                    </li>
                  ))}
                </ul>
              </div>
            )}
          </li>
        );
      })}
    </ul>
  );
}
