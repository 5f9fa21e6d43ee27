import { ErrorExplainer } from '@/components/explain/error-explainer';
import { requireSignedIn } from '@/app/page-auth';
import { getConfig, isSampleSource } from '@/lib/config';

export const metadata = { title: 'Explain an error' };

export default async function ExplainPage() {
  await requireSignedIn('/explain');
  const config = getConfig();
  // The sample error names the sample world's objects: offered only where that world is shown.
  const sampleWorld = isSampleSource(config.IDLENS_CLUSTER) && isSampleSource(config.IDLENS_AZURE);
  return (
    <div className="stack">
      <div>
        <h1>Explain an Entra ID error</h1>
        <p className="lead">
          Paste an AADSTS error (or the log line holding one). idlens reads the code and the issuer, subject and audience the
          token presented, finds the service account and the federated credentials that were candidates, and shows which field
          differs and how to fix it.
        </p>
      </div>
      <ErrorExplainer offerSampleError={sampleWorld} />
    </div>
  );
}
