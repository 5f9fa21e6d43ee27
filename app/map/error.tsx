'use client';

import { RouteError } from '@/components/shell/route-error';

export default function ErrorPage({ error, retry }: { error: unknown; retry: () => void }) {
  return <RouteError title="Identity map" what="The map page failed to render; the token decoder and trace search still work." error={error} retry={retry} back={{ href: '/tokens', label: 'Open the token decoder' }} />;
}
