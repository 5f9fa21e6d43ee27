'use client';

export default function ErrorPage({ error, retry }: { error: unknown; retry: () => void }) {
  // A safe message only: the server log has the details.
  const digest = typeof error === 'object' && error && 'digest' in error ? String((error as { digest?: string }).digest) : undefined;
  return (
    <div className="stack" role="alert">
      <h1>Something went wrong</h1>
      <p>This page failed to render. {digest ? <>Reference: <code>{digest}</code>.</> : null}</p>
      <div>
        <button className="primary" onClick={() => retry()}>
          Try again
        </button>
      </div>
    </div>
  );
}
