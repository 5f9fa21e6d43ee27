'use client';

export default function FlowError({ error, retry }: { error: unknown; retry: () => void }) {
  const digest = typeof error === 'object' && error && 'digest' in error ? String((error as { digest?: string }).digest) : undefined;
  return (
    <div className="stack" role="alert">
      <h1>Token exchange flow</h1>
      <div className="callout callout-error">This page failed to render. {digest ? <>Reference: <code>{digest}</code>.</> : null}</div>
      <div>
        <button className="primary" onClick={() => retry()}>
          Try again
        </button>
      </div>
    </div>
  );
}
