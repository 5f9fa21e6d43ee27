'use client';

import { useEffect, useState } from 'react';

/** Copies `text` to the clipboard and says so in a polite live region. */
export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), 2000);
    return () => clearTimeout(timer);
  }, [state]);
  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      setState('failed');
    }
  }
  return (
    <span className="map-copy">
      <button type="button" className="map-copy-button" onClick={copy} aria-label={`${label}: ${text.length > 60 ? `${text.slice(0, 57)}…` : text}`}>
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
    <div className="map-command">
      <pre>
        <code>{command}</code>
      </pre>
      <CopyButton text={command} />
    </div>
  );
}
