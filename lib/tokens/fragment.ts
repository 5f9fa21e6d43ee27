// Like jwt.ms, idlens can be a redirect target: a token in the URL fragment is decoded on load.
// The fragment never reaches the server (browsers do not send it), and the page removes it from
// the address bar right after reading it so it does not linger in history.

const FRAGMENT_KEYS = ['id_token', 'access_token', 'token'] as const;

/** The token carried by a fragment such as `#id_token=…&state=…`, if any. */
export function tokenFromFragment(hash: string): string | undefined {
  const fragment = hash.startsWith('#') ? hash.slice(1) : hash;
  if (!fragment) return undefined;
  const params = new URLSearchParams(fragment);
  for (const key of FRAGMENT_KEYS) {
    const value = params.get(key);
    if (value) return value;
  }
  return undefined;
}

/** Link to the token page that opens `token` without any request carrying it. */
export function tokenPageHref(token: string): string {
  return `/tokens#token=${encodeURIComponent(token)}`;
}
