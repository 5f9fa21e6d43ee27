import { z } from 'zod';
import { route } from '@/lib/server/auth/guard';
import { errorResponse, jsonResponse, otherMethods } from '@/lib/server/responses';
import { listTraces } from '@/lib/server/traces';

const query = z.object({
  outcome: z.enum(['success', 'recovered', 'failed']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export const GET = route(async (request) => {
  const parsed = query.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) {
    return errorResponse(400, 'bad-request', 'Use ?outcome=success|recovered|failed and ?limit=1..500.');
  }
  return jsonResponse(await listTraces(parsed.data));
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(['GET'], route);
