import { TraceListSkeleton } from '@/components/traces/trace-skeleton';

export default function Loading() {
  return (
    <div className="stack">
      <h1>Traces</h1>
      <div className="skeleton h-150" />
      <TraceListSkeleton />
    </div>
  );
}
