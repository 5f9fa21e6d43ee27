import { TokenDecoder } from '@/components/tokens/token-decoder';
import { requireSignedIn } from '@/app/page-auth';

export const metadata = { title: 'Tokens' };

export default async function TokensPage() {
  await requireSignedIn('/tokens');
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
      <TokenDecoder />
    </div>
  );
}
