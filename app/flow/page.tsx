import { FlowExplorer } from '@/components/flow/flow-explorer';
import { parseFlowSearch } from '@/lib/api/trace-search-params';
import { requireSignedIn } from '@/app/page-auth';

export const metadata = { title: 'Flow' };

export default async function FlowPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireSignedIn('/flow');
  const { sa } = parseFlowSearch(await searchParams);
  return (
    <div className="stack">
      <div>
        <h1>Token exchange flow</h1>
        <p className="lead">
          How a pod of a service account gets an Entra ID token: the projected SA token, the client-credentials request with that
          token as <code>client_assertion</code>, and the federated credential Entra matches it against, with this cluster&apos;s real
          values.
        </p>
      </div>
      <FlowExplorer selected={sa} />
    </div>
  );
}
