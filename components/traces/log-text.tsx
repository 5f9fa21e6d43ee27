'use client';

import { useMemo } from 'react';
import { tokenPageHref } from '@/lib/tokens/fragment';
import { escapeControlChars, MASKED_BEARER, MASKED_JWT, maskSecrets } from '@/lib/traces/mask';

/**
 * One log text (a message or a raw line) as React text, never as HTML: log lines are
 * attacker-controlled. Bearer tokens and JWTs are masked unless `showSecrets`; each one has a
 * "decode" link that opens the token page with the token in the URL fragment only, which
 * browsers never send to a server. CR/LF, ANSI and bidi controls are shown as escapes.
 */
export function LogText({ text, showSecrets }: { text: string; showSecrets: boolean }) {
  const secrets = useMemo(() => maskSecrets(text).secrets, [text]);
  const parts: React.ReactNode[] = [];
  let cursor = 0;
  secrets.forEach((secret, i) => {
    if (secret.start > cursor) parts.push(escapeControlChars(text.slice(cursor, secret.start)));
    const value = text.slice(secret.start, secret.end);
    parts.push(
      <span key={i} className="secret" data-secret={secret.kind}>
        <span className="secret-value">{showSecrets ? value : secret.kind === 'jwt' ? MASKED_JWT : MASKED_BEARER}</span>
        <a
          className="secret-decode"
          href={tokenPageHref(value)}
          target="_blank"
          rel="noopener noreferrer"
          aria-label={secret.kind === 'jwt' ? 'decode this JWT in the token page' : 'decode this bearer token in the token page'}
        >
          decode
        </a>
      </span>,
    );
    cursor = secret.end;
  });
  if (cursor < text.length) parts.push(escapeControlChars(text.slice(cursor)));
  return <>{parts}</>;
}
