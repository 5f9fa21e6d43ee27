'use client';

import { useQuery } from '@tanstack/react-query';
import { useNow } from '@/components/shell/use-now';
import { traceQueries } from '@/lib/api/trace-queries';
import type { TraceSearch } from '@/lib/api/trace-search-params';
import { RecentTracesView } from './recent-traces-view';

/** Container: recent traces for the URL's filters (the outcome filter runs on the server). */
export function RecentTraces({ search }: { search: TraceSearch }) {
  const query = useQuery(traceQueries.list({ outcome: search.outcome }));
  const now = useNow(30_000);
  return (
    <RecentTracesView
      search={search}
      now={now}
      data={query.data}
      loading={query.isPending}
      error={query.error?.message}
      refreshing={query.isFetching && !query.isPending}
      onRetry={() => query.refetch()}
    />
  );
}
