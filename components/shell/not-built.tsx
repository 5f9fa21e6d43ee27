import Link from 'next/link';

/** Says plainly that a page's feature is not built yet: no fake data. */
export function NotBuilt({ title, what }: { title: string; what: string }) {
  return (
    <div className="stack">
      <h1>{title}</h1>
      <div className="callout callout-info" role="status">
        <strong>Not built yet.</strong> {what} Until then, the <Link href="/tokens">token decoder</Link> and the{' '}
        <Link href="/">source health</Link> work.
      </div>
    </div>
  );
}
