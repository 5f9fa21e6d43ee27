'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { saveExplainSession } from '@/components/explain/explain-session';
import { ServiceAccountLine, verdictTitle } from '@/components/explain/explanation-view';
import { CommandBlock } from '@/components/shell/copy-button';
import { explainQueries } from '@/lib/api/explain-queries';

/**
 * What to do about a token no federated credential accepts, from /explain's analysis of the same
 * assertion: it knows which identity the token's service account is annotated with, so its fix
 * names that identity (the token page alone only sees the credentials). `text` is the token's
 * iss/sub/aud worded as AADSTS70021 (assertion-text.ts): only those claims leave the page.
 */
export function TokenFixAdvice({ text }: { text: string }) {
  const query = useQuery(explainQueries.assertion(text));
  const e = query.data;
  return (
    <div className="stack" data-testid="token-fix-advice" aria-labelledby="token-fix-title">
      <h3 id="token-fix-title" className="m-0">
        What to do
      </h3>
      <p className="small muted m-0">From the identity map: only the token’s iss, sub and aud were sent to compare, never the token.</p>
      {query.isPending && <div className="skeleton h-40" role="status" aria-busy="true" aria-label="Comparing with the identity map" />}
      {query.error && (
        <p role="alert" className="callout callout-warn m-0">
          idlens could not compare the token with the identity map: {query.error.message}
        </p>
      )}
      {e && (
        <>
          {(['cluster', 'azure'] as const)
            .filter((k) => !e.sources[k].ok)
            .map((k) => (
              <p key={k} role="alert" className="callout callout-warn m-0">
                The {k} source failed, so this advice may miss something: {e.sources[k].error?.message}
              </p>
            ))}
          <p className="m-0">
            <strong data-testid="token-fix-verdict">{verdictTitle(e)}.</strong> {e.summary}
          </p>
          {e.serviceAccount && <ServiceAccountLine serviceAccount={e.serviceAccount} />}
          {e.fix && (
            <>
              <p className="m-0">{e.fix.description}</p>
              {e.fix.commands.map((command) => (
                <CommandBlock key={command} command={command} />
              ))}
            </>
          )}
          <p className="m-0 small">
            {/* /explain restores this tab's last text and result: it opens on the same analysis. */}
            <Link href="/explain" onClick={() => saveExplainSession({ text, result: e })}>
              All candidate credentials in Explain an error
            </Link>
          </p>
        </>
      )}
    </div>
  );
}
