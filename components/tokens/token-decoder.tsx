'use client';

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { federatedCredentialQueries, jwksQueries, sampleTokenQueries } from '@/lib/api/queries';
import type { JsonWebKeySet } from '@/lib/domain/model';
import { classifyToken } from '@/lib/tokens/classify';
import { decodeToken } from '@/lib/tokens/decode';
import { tokenFromFragment } from '@/lib/tokens/fragment';
import { parseJwks } from '@/lib/tokens/verify';
import { useNow } from '@/components/shell/use-now';
import { useSignatureCheck } from './use-signature-check';
import { TokenAnalysisView } from './token-analysis-view';
import { SampleTokenButtons } from './sample-token-buttons';

/**
 * The token decoder. Everything happens in this browser: the token is decoded and verified with
 * WebCrypto here; only the issuer (to fetch its public keys) and nothing of the token goes to the
 * server. Nothing is stored: state lives in this component only. `samples`: offer the sample
 * world's tokens (only where the sample cluster is configured).
 */
export function TokenDecoder({ samples }: { samples: boolean }) {
  const [input, setInputState] = useState('');
  // When the input last changed: relative times ("issued 0 s ago") must not use a clock tick
  // older than the token being shown.
  const [inputAt, setInputAt] = useState(() => new Date());
  const setInput = (value: string) => {
    setInputState(value);
    setInputAt(new Date());
  };
  const [jwksText, setJwksText] = useState('');
  const [showJwks, setShowJwks] = useState(false);
  const tick = useNow(5_000);
  const now = tick > inputAt ? tick : inputAt;
  const queryClient = useQueryClient();

  // A token in the URL fragment (#id_token=, #access_token=, #token=) is decoded on load, then the
  // fragment is removed from the address bar.
  useEffect(() => {
    const fromFragment = tokenFromFragment(window.location.hash);
    if (fromFragment) {
      // The fragment exists only in the browser (not during server rendering), so it is read once
      // after mount; a lazy initial state would mismatch the server-rendered textarea.
      // eslint-disable-next-line react-hooks/set-state-in-effect
      setInput(fromFragment);
      window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search);
    }
  }, []);

  const decoded = useMemo(() => decodeToken(input), [input]);
  const jws = decoded.kind === 'jws' ? decoded : undefined;
  const type = jws ? classifyToken(jws.header, jws.payload) : undefined;
  const issuer = typeof jws?.payload?.iss === 'string' ? jws.payload.iss : undefined;

  const pasted = useMemo(() => (jwksText.trim() ? parseJwks(jwksText) : undefined), [jwksText]);
  const jwksQuery = useQuery({ ...jwksQueries.forIssuer(issuer ?? ''), enabled: Boolean(issuer) && !pasted });
  const ficQuery = useQuery({ ...federatedCredentialQueries.list(), enabled: type === 'Kubernetes service account token' });

  let jwks: JsonWebKeySet | undefined;
  let jwksProblem: string | undefined;
  if (pasted) {
    if (pasted.ok) jwks = pasted.jwks;
    else jwksProblem = `The pasted JWKS cannot be used: ${pasted.reason}`;
  } else if (issuer) {
    if (jwksQuery.data) jwks = jwksQuery.data.jwks;
    else if (jwksQuery.error) jwksProblem = jwksQuery.error.message;
  } else if (jws) {
    jwksProblem = 'The token has no iss claim, so idlens cannot tell whose keys signed it. Paste a JWKS to verify.';
  }
  const jwksLoading = !pasted && Boolean(issuer) && jwksQuery.isPending;
  const signature = useSignatureCheck(jws?.token, jwks);

  async function loadSample(id: string) {
    const { tokens } = await queryClient.fetchQuery(sampleTokenQueries.list());
    const sample = tokens.find((t) => t.id === id);
    if (sample) setInput(sample.token);
  }

  return (
    <div className="stack">
      <div className="card stack">
        <label htmlFor="token-input">Token</label>
        <textarea
          id="token-input"
          rows={6}
          spellCheck={false}
          autoComplete="off"
          autoCorrect="off"
          autoCapitalize="off"
          placeholder="Paste a JWT (eyJ…). A 'Bearer ' prefix, quotes and line breaks are fine."
          value={input}
          onChange={(e) => setInput(e.target.value)}
        />
        <div className="row justify-between">
          {samples ? <SampleTokenButtons onPick={loadSample} /> : <span />}
          <div className="row">
            <button type="button" onClick={() => setShowJwks((v) => !v)} aria-expanded={showJwks} aria-controls="jwks-panel">
              {showJwks ? 'Hide JWKS' : 'Paste a JWKS…'}
            </button>
            <button type="button" onClick={() => setInput('')} disabled={!input}>
              Clear
            </button>
          </div>
        </div>
        {showJwks && (
          <div id="jwks-panel" className="stack">
            <label htmlFor="jwks-input">JWKS (optional)</label>
            <p className="small muted m-0">
              Verify against keys you paste instead of the issuer&apos;s published keys, e.g. the output of{' '}
              <code>kubectl get --raw /openid/v1/jwks</code>.
            </p>
            <textarea id="jwks-input" rows={4} spellCheck={false} value={jwksText} onChange={(e) => setJwksText(e.target.value)} />
          </div>
        )}
      </div>
      <TokenAnalysisView
        samples={samples}
        decoded={decoded}
        type={type}
        now={now}
        signature={signature}
        jwksLoading={jwksLoading}
        jwksProblem={jwksProblem}
        jwksOrigin={pasted?.ok ? 'pasted' : jwksQuery.data?.origin}
        credentials={ficQuery.data}
        credentialsLoading={ficQuery.isPending && ficQuery.fetchStatus !== 'idle'}
        credentialsError={ficQuery.error?.message}
      />
    </div>
  );
}
