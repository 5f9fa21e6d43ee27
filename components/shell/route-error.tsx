'use client';

import Link from 'next/link';
import type { ReactNode } from 'react';

/**
 * What every route's error.tsx shows: a safe message (server errors arrive with a digest that the
 * server log carries; no stack, no upstream detail), a retry, and where to go instead.
 */
export function RouteError({ title, what, error, retry, back }: { title: string; what: string; error: unknown; retry: () => void; back?: { href: string; label: string } }) {
  const digest = typeof error === 'object' && error && 'digest' in error ? String((error as { digest?: string }).digest) : undefined;
  let reference: ReactNode = 'Reloading may help; the server log has details.';
  if (digest) reference = <>Reference: <code>{digest}</code>.</>;
  return (
    <div className="stack" role="alert">
      <h1>{title}</h1>
      <p className="callout callout-error m-0">
        {what} {reference}
      </p>
      <div className="row">
        <button type="button" className="primary" onClick={() => retry()}>
          Try again
        </button>
        {back && <Link href={back.href}>{back.label}</Link>}
      </div>
    </div>
  );
}
