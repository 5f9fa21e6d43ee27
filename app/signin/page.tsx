import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { getConfig } from '@/lib/config';
import { pageAuthentication } from '@/app/page-auth';
import { safeReturnTo } from '@/lib/server/auth/entra-sign-in';
import { signInErrorMessage } from '@/lib/server/auth/sign-in-flow';

export const metadata = { title: 'Sign in' };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export default async function SignInPage({ searchParams }: Props) {
  const config = getConfig();
  const params = await searchParams;
  const returnTo = safeReturnTo(first(params.returnTo));
  const auth = await pageAuthentication();
  if (auth.ok) redirect(returnTo);
  const error = first(params.error) ? (signInErrorMessage((await cookies()).toString()) ?? 'The sign-in did not complete. Try again.') : undefined;
  const signedOut = first(params['signed-out']) !== undefined;

  return (
    <div className="stack signin-card">
      <h1>Sign in to idlens</h1>
      {signedOut && !error ? (
        <p role="status" className="callout callout-info">
          You are signed out.
        </p>
      ) : null}
      {error ? (
        <div role="alert" className="callout callout-error">
          <strong>Sign-in failed.</strong> {error}
        </div>
      ) : null}
      {config.IDLENS_AUTH === 'entra' ? (
        <>
          <p className="lead">
            This idlens shows the identity topology and logs of your clusters, so it admits signed-in members of your organisation
            only{config.IDLENS_AUTH_REQUIRED_GROUP || config.IDLENS_AUTH_REQUIRED_ROLE ? ' with the required group or app role' : ''}.
          </p>
          <p>
            <a className="button button-primary" href={`/api/auth/signin?returnTo=${encodeURIComponent(returnTo)}`}>
              Sign in with Microsoft Entra ID
            </a>
          </p>
        </>
      ) : (
        <p className="lead">
          This idlens is behind an authentication proxy, and your request did not arrive through it with a signed-in user. Open
          idlens at its usual address to sign in there; if that is what you did, ask the administrator to check the proxy&apos;s
          configuration (IDLENS_AUTH_PROXY_ADDRESSES and IDLENS_AUTH_PROXY_HEADER).
        </p>
      )}
    </div>
  );
}
