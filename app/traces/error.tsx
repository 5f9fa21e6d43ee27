'use client';

import { RouteError } from '@/components/shell/route-error';

export default function ErrorPage({ error, retry }: { error: unknown; retry: () => void }) {
  return <RouteError title="Traces" what="The trace page failed to render." error={error} retry={retry} back={{ href: '/traces', label: 'Back to recent traces' }} />;
}
