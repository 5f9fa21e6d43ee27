'use client';

import { useEffect, useState } from 'react';
import type { JsonWebKeySet } from '@/lib/domain/model';
import { verifySignature } from '@/lib/tokens/verify';

export type SignatureState =
  | { state: 'idle' }
  | { state: 'checking' }
  | { state: 'verified'; kid?: string; alg: string; durationMs: number }
  | { state: 'failed'; reason: string };

/**
 * Verifies `token` against `jwks` in the browser (jose + WebCrypto). Input is verified as it is
 * typed, so results arrive out of order: each result carries the token and JWKS it was computed
 * for and is shown only while they are still current, so a stale result never overwrites a newer one.
 */
export function useSignatureCheck(token: string | undefined, jwks: JsonWebKeySet | undefined): SignatureState {
  const [result, setResult] = useState<{ token: string; jwks: JsonWebKeySet; value: SignatureState } | undefined>();

  useEffect(() => {
    if (!token || !jwks) return;
    let current = true;
    const started = performance.now();
    verifySignature(token, jwks).then(
      (outcome) => {
        if (!current) return;
        const ended = performance.now();
        // A browser timing the benchmarks and tests read: decode + verify with cached keys.
        performance.measure('idlens:verify', { start: started, end: ended });
        setResult({
          token,
          jwks,
          value: outcome.ok
            ? { state: 'verified', kid: outcome.kid, alg: outcome.alg, durationMs: ended - started }
            : { state: 'failed', reason: outcome.reason },
        });
      },
      (error: unknown) => {
        if (current) setResult({ token, jwks, value: { state: 'failed', reason: (error as Error).message } });
      },
    );
    return () => {
      current = false;
    };
  }, [token, jwks]);

  if (!token) return { state: 'idle' };
  if (!jwks) return { state: 'idle' };
  if (result && result.token === token && result.jwks === jwks) return result.value;
  return { state: 'checking' };
}
