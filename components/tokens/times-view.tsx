import { describeRelative, formatDuration, type TokenTimes } from '@/lib/tokens/times';

const TIME_ROWS = [
  ['issuedAt', 'Issued'],
  ['notBefore', 'Valid from'],
  ['expiresAt', 'Expires'],
] as const;

/** Token times as local time, UTC and relative to now, with the lifetime. */
export function TimesView({ times, now }: { times: TokenTimes; now: Date }) {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const stateText =
    times.state === 'expired' && times.expiresAt
      ? `expired ${describeRelative(Math.floor(times.expiresAt.getTime() / 1000), nowSeconds)}`
      : times.state === 'not-yet-valid'
        ? 'not yet valid'
        : times.state === 'no-expiry'
          ? 'never expires (no exp claim)'
          : times.expiresAt
            ? `expires ${describeRelative(Math.floor(times.expiresAt.getTime() / 1000), nowSeconds)}`
            : 'valid';
  const badge = times.state === 'valid' ? 'badge-ok' : times.state === 'no-expiry' ? 'badge-warn' : 'badge-error';
  return (
    <div className="stack">
      <div className="row">
        <span className={`badge ${badge}`} data-testid="token-validity">
          {stateText}
        </span>
        {times.lifetimeSeconds !== undefined && <span className="small muted">lifetime {formatDuration(times.lifetimeSeconds)}</span>}
      </div>
      {TIME_ROWS.some(([key]) => times[key]) && (
        <table>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Local</th>
              <th scope="col">UTC</th>
              <th scope="col">Relative</th>
            </tr>
          </thead>
          <tbody>
            {TIME_ROWS.map(([key, label]) => {
              const value = times[key];
              if (!value) return null;
              return (
                <tr key={key}>
                  <th scope="row">{label}</th>
                  <td>{value.toLocaleString()}</td>
                  <td>
                    <code>{value.toISOString().replace('.000Z', 'Z')}</code>
                  </td>
                  <td>{describeRelative(Math.floor(value.getTime() / 1000), nowSeconds)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}
