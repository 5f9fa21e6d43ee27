import { TraceSkeleton } from '@/components/traces/trace-skeleton';

export default function Loading() {
  return (
    <div className="stack">
      <div className="skeleton w-360 h-28" />
      <TraceSkeleton />
    </div>
  );
}
