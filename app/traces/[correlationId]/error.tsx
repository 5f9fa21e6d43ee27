'use client';

import Link from 'next/link';

export default function TraceError({ error, retry }: { error: unknown; retry: () => void }) {
  // A safe message only; client-side errors keep their message, server ones carry a digest.
  const digest = typeof error === 'object' && error && 'digest' in error ? String((error as { digest?: string }).digest) : undefined;
  return (
    <div className="stack" role="alert">
      <h1>Trace</h1>
      <div className="callout callout-error">
        This trace could not be shown. {digest ? <>Reference: <code>{digest}</code>.</> : 'Reloading may help; the server log has details.'}
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
