import { correlationIdFromParam, isPathLikeSegment } from '@/lib/api/trace-search-params';
import { route } from '@/lib/server/auth/guard';
import { errorResponse, jsonResponse, otherMethods } from '@/lib/server/responses';
import { findTrace } from '@/lib/server/traces';
import { validateCorrelationId } from '@/lib/traces/correlate';

export const GET = route<{ correlationId: string }>(async (_request, { params }) => {
  const { correlationId } = params;
  if (isPathLikeSegment(correlationIdFromParam(correlationId))) return errorResponse(404, 'not-found', 'There is no such trace path.');
  const validation = validateCorrelationId(correlationId);
  if (!validation.ok) return errorResponse(400, 'bad-correlation-id', validation.reason);
  const lookup = await findTrace(correlationId);
  if (!lookup.found) {
    const failed = lookup.sources.filter((s) => !s.ok);
    const why = failed.length ? ` (${failed.length} of ${lookup.sources.length} log sources failed: ${failed.map((s) => `${s.source}: ${s.error?.message}`).join('; ')})` : '';
    return errorResponse(404, 'trace-not-found', `No log line carries the correlation ID ${correlationId}${why}.`);
  }
  return jsonResponse(lookup.trace);
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(['GET'], route);
