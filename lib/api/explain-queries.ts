import { mutationOptions, queryOptions } from '@tanstack/react-query';
import type { ExplainErrorResponse } from '@/lib/server/explain-error';
import { fetchJson } from './http';

const postExplain = (text: string) =>
  fetchJson<ExplainErrorResponse>('/api/explain-error', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }) });

export const explainMutations = {
  explain: () => mutationOptions({ mutationKey: ['explain-error'], mutationFn: postExplain }),
};

export const explainQueries = {
  /** The token page's question for a token no credential accepts: its claims worded as AADSTS70021 (assertion-text.ts). */
  assertion: (text: string) => queryOptions({ queryKey: ['explain-error', text], queryFn: () => postExplain(text), retry: false }),
};
