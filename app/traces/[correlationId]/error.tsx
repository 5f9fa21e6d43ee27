'use client';

import { RouteError } from '@/components/shell/route-error';

export default function ErrorPage({ error, retry }: { error: unknown; retry: () => void }) {
  return <RouteError title="Trace" what="This trace could not be shown." error={error} retry={retry} back={{ href: '/traces', label: 'Back to recent traces' }} />;
}
