'use client';

import { useEffect, useState } from 'react';
import { copyText } from './browser-files';

/** Copies `text` to the clipboard and says so in a polite live region. */
export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), 2000);
    return () => clearTimeout(timer);
  }, [state]);
  async function copy() {
    setState((await copyText(text)) ? 'copied' : 'failed');
  }
  return (
    <span className="copy">
      <button type="button" className="copy-button" onClick={copy} aria-label={`${label}: ${text.length > 60 ? `${text.slice(0, 57)}…` : text}`}>
        {label}
      </button>
      <span role="status" className="small muted">
        {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed: select the text instead' : ''}
      </span>
    </span>
  );
}

/** A fix command in a `<pre>` with its Copy button. */
export function CommandBlock({ command }: { command: string }) {
  return (
    <div className="command-block">
      <pre>
        <code>{command}</code>
      </pre>
      <CopyButton text={command} />
    </div>
  );
}
