'use client';

import { useQuery } from '@tanstack/react-query';
import { sampleTokenQueries } from '@/lib/api/queries';

/** One-click tokens of the built-in sample world (only offered when the sample cluster is configured). */
export function SampleTokenButtons({ onPick }: { onPick: (id: string) => void }) {
  const { data, error } = useQuery({ ...sampleTokenQueries.list(), retry: false });
  if (error || !data) return <span />;
  return (
    <div className="row" role="group" aria-label="Sample tokens">
      <span className="small muted">Try a sample:</span>
      {data.tokens.map((t) => (
        <button key={t.id} type="button" title={t.description} onClick={() => onPick(t.id)}>
          {t.label}
        </button>
      ))}
    </div>
  );
}
