'use client';

import { createContext, useContext, type ReactNode } from 'react';

// The request's CSP nonce, for the few elements made at run time that need one (the <style> of a
// mermaid diagram). Readable by this page's scripts only; a new one comes with every page load.
const NonceContext = createContext<string | undefined>(undefined);

export function NonceProvider({ nonce, children }: { nonce: string | undefined; children: ReactNode }) {
  return <NonceContext.Provider value={nonce}>{children}</NonceContext.Provider>;
}

export function useNonce(): string | undefined {
  return useContext(NonceContext);
}
