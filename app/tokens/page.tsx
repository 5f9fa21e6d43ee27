import { TokenDecoder } from '@/components/tokens/token-decoder';
import { requireSignedIn } from '@/app/page-auth';
import { getConfig, isSampleSource } from '@/lib/config';

export const metadata = { title: 'Tokens' };

export default async function TokensPage() {
  await requireSignedIn('/tokens');
  // Sample tokens exist only with the built-in sample cluster (/api/sample/tokens answers 404 elsewhere).
  const samples = isSampleSource(getConfig().IDLENS_CLUSTER);
  return (
    <div className="stack">
      <div>
        <h1>Token decoder</h1>
        <p className="lead">
          Decode a Kubernetes service-account token or an Entra ID token: claims in plain words, times, the signature checked
          against the issuer&apos;s keys, and which federated credential would accept it.{' '}
          <strong>The token never leaves this browser.</strong>
        </p>
      </div>
      <TokenDecoder samples={samples} />
    </div>
  );
}
