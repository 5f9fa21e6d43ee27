import { claimValueText } from '@/lib/tokens/claim-text';
import type { ClaimExplanation } from '@/lib/tokens/claims';

function display(value: unknown): string {
  if (typeof value === 'string') return value;
  return claimValueText(value, 2);
}

/** Claims with their meaning in plain words; values render as text, never as HTML. */
export function ClaimsTable({ caption, claims }: { caption: string; claims: ClaimExplanation[]; now: Date }) {
  if (claims.length === 0) return null;
  return (
    <section className="card" aria-label={caption}>
      <table>
        <caption className="table-caption-left">{caption}</caption>
        <thead>
          <tr>
            <th scope="col" className="w-16p">
              Claim
            </th>
            <th scope="col" className="w-38p">
              Value
            </th>
            <th scope="col">Meaning</th>
          </tr>
        </thead>
        <tbody>
          {claims.map((c) => (
            <tr key={c.name}>
              <th scope="row">
                <code>{c.name}</code>
              </th>
              <td>
                <pre className="m-0 pre-wrap break-all">{display(c.value)}</pre>
              </td>
              <td className={c.known ? '' : 'muted'}>{c.meaning}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
