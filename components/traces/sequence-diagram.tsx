'use client';

import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { copyText, downloadText } from '@/components/shell/browser-files';
import { mountSvg, renderUnderCsp } from '@/components/shell/csp-safe-svg';
import { useNonce } from '@/components/shell/nonce';

type RenderState = { state: 'rendering' } | { state: 'rendered'; svg: string; stylesheets: string[] } | { state: 'failed'; message: string };

/**
 * A mermaid `sequenceDiagram` rendered to SVG in the browser. mermaid (about 1 MB gzipped) is
 * imported here, when the diagram mounts, so only the pages that draw one ever load it.
 * `securityLevel: 'strict'` makes mermaid sanitise labels and disables click handlers; the SVG
 * it returns is the only markup the trace pages inject. The source itself is built from log
 * values escaped for mermaid (lib/traces/sequence.ts).
 */
export function SequenceDiagram({ source, fileName, title }: { source: string; fileName: string; title: string }) {
  const reactId = useId();
  const [render, setRender] = useState<RenderState>({ state: 'rendering' });
  const [copied, setCopied] = useState<'idle' | 'copied' | 'failed'>('idle');
  const nonce = useNonce();
  const svgHost = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let cancelled = false;
    // mermaid uses the id for the SVG element and its CSS: letters and digits only.
    const id = `mermaid-${reactId.replace(/[^A-Za-z0-9]/g, '')}-${Math.random().toString(36).slice(2, 8)}`;
    (async () => {
      try {
        const mermaid = (await import('mermaid')).default;
        const dark = window.matchMedia?.('(prefers-color-scheme: dark)').matches ?? false;
        mermaid.initialize({
          startOnLoad: false,
          securityLevel: 'strict',
          theme: dark ? 'dark' : 'default',
          // The dark theme's note text (#b8b6b6 on #474949) is 4.49:1, just under WCAG AA's 4.5:1.
          ...(dark ? { themeVariables: { noteTextColor: '#dedede' } } : {}),
          // Wider actors than the default 150 px: labels carry URLs and IDs, wrapped inside the boxes.
          sequence: { useMaxWidth: true, wrap: true, width: 210, actorMargin: 60 },
        });
        // The page's CSP allows no inline styles: see renderUnderCsp / mountSvg.
        const { result, stylesheets } = await renderUnderCsp(nonce, id, () => mermaid.render(id, source));
        if (!cancelled) setRender({ state: 'rendered', svg: result.svg, stylesheets });
      } catch (error) {
        // mermaid leaves its temporary container behind when parsing fails.
        document.getElementById(`d${id}`)?.remove();
        document.getElementById(id)?.remove();
        if (!cancelled) setRender({ state: 'failed', message: error instanceof Error ? error.message : String(error) });
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [source, reactId, nonce]);

  // Mounted by hand (not dangerouslySetInnerHTML): the page's CSP needs the SVG's styles applied
  // through the CSSOM and its stylesheet nonce'd (components/shell/csp-safe-svg.ts).
  const mountDiagram = useCallback(
    (host: HTMLDivElement | null) => {
      svgHost.current = host;
      if (!host || render.state !== 'rendered') return;
      try {
        mountSvg(host, render.svg, nonce, render.stylesheets);
      } catch (error) {
        host.textContent = `The diagram could not be shown: ${error instanceof Error ? error.message : String(error)}`;
      }
    },
    [render, nonce],
  );

  async function copySource() {
    setCopied((await copyText(source)) ? 'copied' : 'failed');
    setTimeout(() => setCopied('idle'), 2000);
  }

  return (
    <div className="stack">
      <div className="row">
        <button type="button" onClick={() => render.state === 'rendered' && svgHost.current && downloadText(`${fileName}.svg`, svgHost.current.innerHTML, 'image/svg+xml')} disabled={render.state !== 'rendered'}>
          Download SVG
        </button>
        <button type="button" onClick={copySource}>
          Copy mermaid source
        </button>
        <span role="status" className="small muted">
          {copied === 'copied' ? 'Mermaid source copied.' : copied === 'failed' ? 'Copying failed: select the source below.' : ''}
        </span>
      </div>
      {render.state === 'rendering' && <div className="skeleton sequence-skeleton" role="status" aria-busy="true" aria-label="Drawing the sequence diagram" />}
      {render.state === 'failed' && (
        <div role="alert" className="callout callout-error">
          <strong>The sequence diagram could not be drawn.</strong> The source below can still be copied and pasted into another
          mermaid renderer. mermaid said:
          <pre className="log-pre">{render.message}</pre>
        </div>
      )}
      {render.state === 'rendered' && (
        <figure className="sequence-figure" aria-label={title} data-testid="sequence-diagram">
          {/* The SVG comes from mermaid with securityLevel 'strict' (sanitised labels, no scripts), mounted by mountSvg. */}
          <div className="sequence-svg" ref={mountDiagram} />
        </figure>
      )}
      <details open={render.state === 'failed'}>
        <summary>Mermaid source</summary>
        {/* Focusable: the source scrolls within its box, and keyboard users scroll it too. */}
        <pre className="log-pre" tabIndex={0}>
          {source}
        </pre>
      </details>
    </div>
  );
}
