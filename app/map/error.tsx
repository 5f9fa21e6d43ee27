'use client';

import { useEffect } from 'react';

export default function MapError({ error, retry }: { error: unknown; retry: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  // A safe message only: the details are in the browser console and the server log.
  const digest = typeof error === 'object' && error && 'digest' in error ? String((error as { digest?: string }).digest) : undefined;
  return (
    <div className="stack" role="alert">
      <h1>Identity map</h1>
      <p className="callout callout-error" style={{ margin: 0 }}>
        The map page failed to render. {digest ? <>Reference: <code>{digest}</code>.</> : null} The token decoder and trace search
        still work.
      </p>
      <div>
        <button type="button" className="primary" onClick={() => retry()}>
          Try again
        </button>
      </div>
    </div>
  );
}
