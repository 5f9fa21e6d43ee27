import { QueryClient } from '@tanstack/react-query';
import { ApiError } from './http';

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // Identity topology and keys change over minutes, not seconds: 30 s avoids refetching on
        // every navigation while an explicit refresh is always one click away.
        staleTime: 30_000,
        refetchOnWindowFocus: false,
        // Never retry what retrying cannot fix: auth failures and client errors (Headlamp's lesson).
        retry: (failureCount, error) => {
          if (error instanceof ApiError && error.status >= 400 && error.status < 500) return false;
          return failureCount < 2;
        },
      },
    },
  });
}
