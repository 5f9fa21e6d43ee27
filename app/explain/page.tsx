import { ErrorExplainer } from '@/components/explain/error-explainer';
import { requireSignedIn } from '@/app/page-auth';

export const metadata = { title: 'Explain an error' };

export default async function ExplainPage() {
  await requireSignedIn('/explain');
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
      <ErrorExplainer />
    </div>
  );
}
