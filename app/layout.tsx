import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { headers } from 'next/headers';
import { AppShell } from '@/components/shell/app-shell';
import { NonceProvider } from '@/components/shell/nonce';
import { pageAuthentication } from '@/app/page-auth';
import { Providers } from './providers';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'idlens', template: '%s · idlens' },
  description: 'Azure Workload Identity on Kubernetes, made visible: identity map, token decoder, trace search.',
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1 };

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Reading the request makes every page render per request: each gets its own CSP nonce (proxy.ts).
  const requestHeaders = await headers();
  const nonce = requestHeaders.get('x-nonce') ?? undefined;
  const auth = await pageAuthentication();
  const user = auth.ok && auth.principal.via !== 'local' ? { name: auth.principal.name, username: auth.principal.username, via: auth.principal.via } : undefined;
  return (
    <html lang="en">
      <body>
        {/* cytoscape adds this one-rule stylesheet unless an element with its id exists; an inline
            <style> it made would be refused by the CSP, so it comes from here with the nonce. */}
        <style id="__________cytoscape_stylesheet" nonce={nonce}>
          {'.__________cytoscape_container { position: relative; }'}
        </style>
        <NonceProvider nonce={nonce}>
          <Providers>
            <AppShell user={user} signedIn={auth.ok}>
              {children}
            </AppShell>
          </Providers>
        </NonceProvider>
      </body>
    </html>
  );
}
