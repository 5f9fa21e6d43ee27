import type { LogSourceStatus } from '@/lib/api/trace-queries';
import { plainText } from './plain-text';

/** One callout per log source that failed or stopped early; the others' results stand. */
export function SourceCallouts({ sources }: { sources: LogSourceStatus[] | undefined }) {
  const failed = (sources ?? []).filter((s) => !s.ok);
  const truncated = (sources ?? []).filter((s) => s.ok && s.truncated);
  if (failed.length === 0 && truncated.length === 0) return null;
  return (
    <ul className="stack plain-list" aria-label="Log source problems">
      {failed.map((s) => (
        <li key={s.source} className="callout callout-error" data-source-error={s.kind}>
          <strong>Log source {plainText(s.source)} failed</strong> ({s.error?.code ?? 'error'}): {plainText(s.error?.message ?? 'no detail')}. The
          other sources still answered.
        </li>
      ))}
      {truncated.map((s) => (
        <li key={s.source} className="callout callout-warn">
          <strong>Log source {plainText(s.source)} stopped early</strong> at its cap: older or further lines were not read.
        </li>
      ))}
    </ul>
  );
}
