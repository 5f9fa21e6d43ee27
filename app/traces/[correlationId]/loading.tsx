import { TraceSkeleton } from '@/components/traces/trace-skeleton';

export default function Loading() {
  return (
    <div className="stack">
      <div className="skeleton" style={{ width: 360, height: 28 }} />
      <TraceSkeleton />
    </div>
  );
}
