import { errorResponse } from '@/lib/server/responses';

// Unknown API paths answer in the contract's error shape, not with the HTML 404 page.
function notFound(request: Request): Response {
  const path = new URL(request.url).pathname;
  return errorResponse(404, 'not-found', `There is no API at ${path}. See README.md, "HTTP API".`);
}

export const GET = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
