'use client';

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { identityMapQueries } from '@/lib/api/identity-map-queries';

/** The identity map query plus an explicit refresh that makes the server read its sources anew. */
export function useIdentityMap() {
  const queryClient = useQueryClient();
  const query = useQuery(identityMapQueries.all());
  const [refreshing, setRefreshing] = useState(false);
  async function refresh() {
    setRefreshing(true);
    try {
      // One attempt, no retries: `refresh` travels in the query's meta, which the mounted observer
      // resets to the plain options on its next render, so a retry fetched the server's cached map
      // (200), wiped the refresh's 503 and hid the failure. The user can press Refresh again.
      await queryClient.fetchQuery({ ...identityMapQueries.all({ refresh: true }), staleTime: 0, retry: false });
    } catch {
      // The query keeps the error; the panel shows it beside the map it still has.
    } finally {
      setRefreshing(false);
    }
  }
  return { query, refresh, refreshing };
}
