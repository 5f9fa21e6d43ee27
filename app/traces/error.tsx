'use client';

import Link from 'next/link';

export default function TracesError({ error, retry }: { error: unknown; retry: () => void }) {
  // A safe message only: the server log has the details (server errors arrive with a digest).
  const digest = typeof error === 'object' && error && 'digest' in error ? String((error as { digest?: string }).digest) : undefined;
  return (
    <div className="stack" role="alert">
      <h1>Traces</h1>
      <div className="callout callout-error">
        The trace page failed to render. {digest ? <>Reference: <code>{digest}</code>.</> : null}
      </div>
      <div className="row">
        <button className="primary" onClick={() => retry()}>
          Try again
        </button>
        <Link href="/traces">Back to recent traces</Link>
      </div>
    </div>
  );
}
