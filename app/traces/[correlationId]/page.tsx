import Link from 'next/link';
import { TraceDetail } from '@/components/traces/trace-detail';
import { notFound } from 'next/navigation';
import { correlationIdFromParam, isPathLikeSegment, tracesHref } from '@/lib/api/trace-search-params';
import { validateCorrelationId } from '@/lib/traces/correlate';
import { escapeControlChars } from '@/lib/traces/mask';
import { requireSignedIn } from '@/app/page-auth';

type Params = { params: Promise<{ correlationId: string }> };

export async function generateMetadata({ params }: Params) {
  const id = correlationIdFromParam((await params).correlationId);
  return { title: validateCorrelationId(id).ok ? `Trace ${id}` : 'Trace' };
}

/** `/traces/<id>`: a deep link that survives a reload (the trace is read in the browser from the API). */
export default async function TracePage({ params }: Params) {
  const raw = (await params).correlationId;
  await requireSignedIn(`/traces/${encodeURIComponent(correlationIdFromParam(raw))}`);
  const id = correlationIdFromParam(raw);
  if (isPathLikeSegment(id)) notFound();
  const validation = validateCorrelationId(id);
  return (
    <div className="stack">
      <nav aria-label="Breadcrumb" className="small">
        <Link href={tracesHref()}>Traces</Link> /
      </nav>
      {validation.ok ? (
        <>
          <h1>
            Trace <code className="trace-id">{id}</code>
          </h1>
          <TraceDetail correlationId={id} />
        </>
      ) : (
        <>
          <h1>Trace</h1>
          <div className="callout callout-error" role="alert" data-testid="bad-correlation-id">
            <strong>This is not a valid correlation ID.</strong> {validation.reason} (the address held{' '}
            <code>{escapeControlChars(id.slice(0, 200))}</code>).
          </div>
          <p>
            <Link href={tracesHref()}>Search for another ID</Link>
          </p>
        </>
      )}
    </div>
  );
}
