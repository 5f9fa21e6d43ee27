import { TracesHome } from '@/components/traces/traces-home';
import { parseTraceSearch } from '@/lib/api/trace-search-params';
import { requireSignedIn } from '@/app/page-auth';

export const metadata = { title: 'Traces' };

export default async function TracesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireSignedIn('/traces');
  // The URL owns the filters: read here and handed down, so a filtered list survives a reload.
  const search = parseTraceSearch(await searchParams);
  return (
    <div className="stack">
      <div>
        <h1>Traces</h1>
        <p className="lead">
          Follow one correlation ID through consumer and provider logs: every line in order, what failed (expired token, bad
          signature, rate limit, AADSTS at Entra ID), how the consumer recovered, and the token exchange as it really happened.
        </p>
      </div>
      <TracesHome search={search} />
    </div>
  );
}
