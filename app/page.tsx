import Link from 'next/link';
import { SourceHealth } from '@/components/overview/source-health';
import { requireSignedIn } from '@/app/page-auth';

export default async function OverviewPage() {
  await requireSignedIn('/');
  return (
    <div className="stack">
      <h1>Overview</h1>
      <p className="lead">
        idlens shows how your Kubernetes workloads get Entra ID tokens without secrets: which service account federates
        with which managed identity or app registration, what a token really says, and where a token exchange broke.
      </p>
      <h2>Sources</h2>
      <SourceHealth />
      <h2>Where to go</h2>
      <ul className="grid list-plain">
        <li className="card">
          <h3 className="mt-0">
            <Link href="/tokens">Token decoder</Link>
          </h3>
          <p className="small muted">
            Paste a service-account or Entra ID token: claims explained, times, signature checked against the right JWKS,
            and which federated credential would accept it. Decoded in your browser only.
          </p>
        </li>
        <li className="card">
          <h3 className="mt-0">
            <Link href="/map">Identity map</Link>
          </h3>
          <p className="small muted">
            The trust graph from pods to service accounts, federated credentials, identities and the APIs they may call, with
            every misconfiguration flagged and a fix command for each.
          </p>
        </li>
        <li className="card">
          <h3 className="mt-0">
            <Link href="/traces">Trace search</Link>
          </h3>
          <p className="small muted">
            Follow a correlation ID through consumer and provider logs: timeline, outcome, and the token exchange drawn as it
            happened.
          </p>
        </li>
        <li className="card">
          <h3 className="mt-0">
            <Link href="/explain">Explain an error</Link>
          </h3>
          <p className="small muted">
            Paste an AADSTS70021-style error: which service account, which federated credential, which field differs, and the fix.
          </p>
        </li>
        <li className="card">
          <h3 className="mt-0">
            <Link href="/flow">Token exchange flow</Link>
          </h3>
          <p className="small muted">The exchange for any service account, with its real issuer, subject, audience and client ID.</p>
        </li>
      </ul>
    </div>
  );
}
