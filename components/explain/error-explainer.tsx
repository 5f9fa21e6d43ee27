'use client';

import { useMutation } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { explainMutations } from '@/lib/api/explain-queries';
import { ApiError } from '@/lib/api/http';
import { pastedTextTooLarge } from '@/lib/domain/error-explanation';
import type { ExplainErrorResponse } from '@/lib/server/explain-error';
import { SAMPLE_CANARY, SAMPLE_ISSUER } from '@/lib/sample/world';
import { loadExplainSession, saveExplainSession } from './explain-session';
import { ExplanationView, verdictTitle } from './explanation-view';

// The sample world's own failure, as Entra ID words it (its FIC lacks the issuer's trailing '/').
const SAMPLE_ERROR =
  `AADSTS70021: No matching federated identity record found for presented assertion. Assertion Issuer: '${SAMPLE_ISSUER}'. ` +
  `Assertion Subject: '${SAMPLE_CANARY.subject}'. Assertion Audience: 'api://AzureADTokenExchange'. ` +
  'https://docs.microsoft.com/en-us/azure/active-directory/develop/workload-identity-federation Trace ID: 7c3e1a90-5b2d-4f8e-9a61-2d4c8b0e6f00 ' +
  'Correlation ID: e3a1b7c5-9d2f-4e6a-8b0c-1f3d5a7c9e21 Timestamp: 2026-11-29 04:12:33Z';

/**
 * Paste an AADSTS error (or the log line holding one) and see which field of which FIC differs.
 * `offerSampleError`: show "Try the sample world's error" (only where the sample world is shown).
 */
export function ErrorExplainer({ offerSampleError }: { offerSampleError: boolean }) {
  const [text, setText] = useState('');
  const [tooLarge, setTooLarge] = useState<string>();
  // The result this tab saw before Back (explain-session.ts); a new explain or Clear drops it.
  const [restored, setRestored] = useState<ExplainErrorResponse>();
  // Storage is read after hydration (the server has none); nothing is written before that read.
  const [sessionRead, setSessionRead] = useState(false);
  const textRef = useRef<HTMLTextAreaElement>(null);
  const explain = useMutation(explainMutations.explain());
  const result = explain.data ?? restored;

  useEffect(() => {
    const session = loadExplainSession();
    // Reading the tab's storage is an effect by nature: it does not exist during the server render.
    /* eslint-disable react-hooks/set-state-in-effect -- restoring the session once, after hydration */
    if (session) {
      setText(session.text);
      setRestored(session.result);
    }
    setSessionRead(true);
    /* eslint-enable react-hooks/set-state-in-effect */
  }, []);

  useEffect(() => {
    if (sessionRead) saveExplainSession({ text, result: tooLarge ? undefined : result });
  }, [sessionRead, text, result, tooLarge]);

  function submit(value: string) {
    if (!value.trim() || explain.isPending) return;
    setRestored(undefined);
    // Said here in the user's terms; the API's own 413 speaks to API clients ("Send {"text": …}").
    const refusal = pastedTextTooLarge(value);
    setTooLarge(refusal);
    if (refusal) explain.reset();
    else explain.mutate(value);
  }

  function clear() {
    setText('');
    setTooLarge(undefined);
    setRestored(undefined);
    explain.reset();
    textRef.current?.focus();
  }

  // A 413 the page did not foresee (e.g. a limit lowered on the server) still gets the user's wording.
  const errorMessage =
    tooLarge ??
    (explain.error instanceof ApiError && explain.error.status === 413
      ? (pastedTextTooLarge(text) ?? 'The pasted text is too large; paste only the line with the AADSTS error.')
      : explain.error?.message);

  const shown = result && !tooLarge ? result : undefined;

  return (
    <div className="stack">
      <form
        className="card stack"
        onSubmit={(e) => {
          e.preventDefault();
          submit(text);
        }}
      >
        <label htmlFor="error-text">Error text</label>
        <textarea
          ref={textRef}
          id="error-text"
          rows={6}
          spellCheck={false}
          aria-describedby="error-text-hint"
          placeholder="AADSTS70021: No matching federated identity record found for presented assertion. Assertion Issuer: '…'. Assertion Subject: '…'. Assertion Audience: '…'."
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            // Ctrl+Enter (Cmd+Enter on a Mac) explains; a plain Enter stays a new line.
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
              e.preventDefault();
              e.currentTarget.form?.requestSubmit();
            }
          }}
        />
        <p id="error-text-hint" className="small muted m-0">
          Ctrl+Enter (⌘+Enter) explains. The text stays in this tab only, until Clear or the tab closes.
        </p>
        <div className="row">
          {/* Never disabled while explaining: a disabled button drops keyboard focus to <body>. */}
          <button type="submit" className="primary" disabled={!text.trim()} aria-disabled={explain.isPending || undefined}>
            {explain.isPending ? 'Explaining…' : 'Explain'}
          </button>
          {offerSampleError && (
            <button
              type="button"
              onClick={() => {
                setText(SAMPLE_ERROR);
                submit(SAMPLE_ERROR);
              }}
            >
              Try the sample world&apos;s error
            </button>
          )}
          {(text || shown || errorMessage) && (
            <button type="button" onClick={clear}>
              Clear
            </button>
          )}
        </div>
      </form>
      {/* Announces the outcome where focus stays (the button or the text box); errors are alerts. */}
      <p role="status" className="visually-hidden" data-testid="explain-status">
        {explain.isPending ? 'Explaining…' : explain.data && !tooLarge ? `Explained: ${verdictTitle(explain.data)}` : ''}
      </p>
      {errorMessage && (
        <p role="alert" className="callout callout-error">
          {errorMessage}
        </p>
      )}
      {shown && <ExplanationView explanation={shown} />}
    </div>
  );
}
