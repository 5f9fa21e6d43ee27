'use client';

import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { explainMutations } from '@/lib/api/explain-queries';
import { ApiError } from '@/lib/api/http';
import { pastedTextTooLarge } from '@/lib/domain/error-explanation';
import { SAMPLE_CANARY, SAMPLE_ISSUER } from '@/lib/sample/world';
import { ExplanationView } from './explanation-view';

// The sample world's own failure, as Entra ID words it (its FIC lacks the issuer's trailing '/').
const SAMPLE_ERROR =
  `AADSTS70021: No matching federated identity record found for presented assertion. Assertion Issuer: '${SAMPLE_ISSUER}'. ` +
  `Assertion Subject: '${SAMPLE_CANARY.subject}'. Assertion Audience: 'api://AzureADTokenExchange'. ` +
  'https://docs.microsoft.com/en-us/azure/active-directory/develop/workload-identity-federation Trace ID: 7c3e1a90-5b2d-4f8e-9a61-2d4c8b0e6f00 ' +
  'Correlation ID: e3a1b7c5-9d2f-4e6a-8b0c-1f3d5a7c9e21 Timestamp: 2026-11-29 04:12:33Z';

/** Paste an AADSTS error (or the log line holding one) and see which field of which FIC differs. */
export function ErrorExplainer() {
  const [text, setText] = useState('');
  const [tooLarge, setTooLarge] = useState<string>();
  const explain = useMutation(explainMutations.explain());

  function submit(value: string) {
    if (!value.trim()) return;
    // Said here in the user's terms; the API's own 413 speaks to API clients ("Send {"text": …}").
    const refusal = pastedTextTooLarge(value);
    setTooLarge(refusal);
    if (refusal) explain.reset();
    else explain.mutate(value);
  }

  // A 413 the page did not foresee (e.g. a limit lowered on the server) still gets the user's wording.
  const errorMessage =
    tooLarge ??
    (explain.error instanceof ApiError && explain.error.status === 413
      ? (pastedTextTooLarge(text) ?? 'The pasted text is too large; paste only the line with the AADSTS error.')
      : explain.error?.message);

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
          id="error-text"
          rows={6}
          spellCheck={false}
          placeholder="AADSTS70021: No matching federated identity record found for presented assertion. Assertion Issuer: '…'. Assertion Subject: '…'. Assertion Audience: '…'."
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <div className="row">
          <button type="submit" className="primary" disabled={!text.trim() || explain.isPending}>
            {explain.isPending ? 'Explaining…' : 'Explain'}
          </button>
          <button
            type="button"
            onClick={() => {
              setText(SAMPLE_ERROR);
              submit(SAMPLE_ERROR);
            }}
          >
            Try the sample world&apos;s error
          </button>
        </div>
      </form>
      {errorMessage && (
        <p role="alert" className="callout callout-error">
          {errorMessage}
        </p>
      )}
      {explain.data && !tooLarge && <ExplanationView explanation={explain.data} />}
    </div>
  );
}
