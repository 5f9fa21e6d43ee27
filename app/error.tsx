'use client';

import { RouteError } from '@/components/shell/route-error';

export default function ErrorPage({ error, retry }: { error: unknown; retry: () => void }) {
  return <RouteError title="Something went wrong" what="This page failed to render." error={error} retry={retry} />;
}
