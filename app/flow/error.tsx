'use client';

import { RouteError } from '@/components/shell/route-error';

export default function ErrorPage({ error, retry }: { error: unknown; retry: () => void }) {
  return <RouteError title="Token exchange flow" what="This page failed to render." error={error} retry={retry} />;
}
