import type { TraceOutcome } from '@/lib/traces/model';

const CLASS: Record<TraceOutcome, string> = { success: 'badge-ok', recovered: 'badge-warn', failed: 'badge-error' };

/** The trace outcome as a badge; the word itself carries the meaning, colour only repeats it. */
export function OutcomeBadge({ outcome }: { outcome: TraceOutcome }) {
  return (
    <span className={`badge ${CLASS[outcome]}`} data-outcome={outcome}>
      {outcome}
    </span>
  );
}
