import { queryOptions } from '@tanstack/react-query';
import type { JsonWebKeySet } from '@/lib/domain/model';
import type { SampleToken } from '@/lib/sample/tokens';
import type { FederatedCredentialList } from '@/lib/server/federated-credentials';
import type { Health } from '@/lib/server/health';
import { fetchJson } from './http';

// One query factory per resource: key and fetcher live together, components never call fetch.

export const healthQueries = {
  status: () => queryOptions({ queryKey: ['health'], queryFn: () => fetchJson<Health>('/api/health') }),
};

export interface JwksAnswer {
  issuer: string;
  origin: string;
  jwks: JsonWebKeySet;
}

export const jwksQueries = {
  // Only the issuer (a claim, not the token) goes over the wire.
  forIssuer: (issuer: string) =>
    queryOptions({
      queryKey: ['jwks', issuer],
      queryFn: () => fetchJson<JwksAnswer>(`/api/jwks?issuer=${encodeURIComponent(issuer)}`),
      staleTime: 5 * 60_000, // signing keys rotate over days
    }),
};

export const federatedCredentialQueries = {
  list: () => queryOptions({ queryKey: ['federated-credentials'], queryFn: () => fetchJson<FederatedCredentialList>('/api/federated-credentials') }),
};

export const sampleTokenQueries = {
  list: () =>
    queryOptions({
      queryKey: ['sample-tokens'],
      queryFn: () => fetchJson<{ tokens: SampleToken[] }>('/api/sample/tokens'),
      // Minted fresh on each fetch (with the current time): always fetch anew when asked.
      staleTime: 0,
      gcTime: 0,
    }),
};
