import { mutationOptions } from '@tanstack/react-query';
import type { ExplainErrorResponse } from '@/lib/server/explain-error';
import { fetchJson } from './http';

export const explainMutations = {
  explain: () =>
    mutationOptions({
      mutationKey: ['explain-error'],
      mutationFn: (text: string) =>
        fetchJson<ExplainErrorResponse>('/api/explain-error', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }) }),
    }),
};
