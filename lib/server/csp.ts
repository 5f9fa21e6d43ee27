// The Content-Security-Policy of every page: scripts and styles only from this origin or carrying
// the request's nonce (no 'unsafe-inline', no 'unsafe-eval'), nothing framed, no plugins, forms only
// to this origin and Entra ID's sign-out. Pure.

export function contentSecurityPolicy(nonce: string, options: { formTargets?: readonly string[] } = {}): string {
  const directives: Array<[string, string[]]> = [
    ['default-src', ["'self'"]],
    // 'strict-dynamic': scripts the nonce'd Next.js runtime loads (route chunks, mermaid, cytoscape) run too.
    ['script-src', ["'self'", `'nonce-${nonce}'`, "'strict-dynamic'"]],
    ['style-src', ["'self'", `'nonce-${nonce}'`]],
    ['img-src', ["'self'", 'data:', 'blob:']],
    ['font-src', ["'self'", 'data:']],
    ['connect-src', ["'self'"]],
    // The map's layout runs in a Web Worker.
    ['worker-src', ["'self'", 'blob:']],
    ['object-src', ["'none'"]],
    ['base-uri', ["'none'"]],
    ['frame-ancestors', ["'none'"]],
    ['form-action', ["'self'", ...(options.formTargets ?? [])]],
  ];
  return directives.map(([name, values]) => `${name} ${values.join(' ')}`).join('; ');
}

/** A fresh nonce: 128 random bits, base64. */
export function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}
