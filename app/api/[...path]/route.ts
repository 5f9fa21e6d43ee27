import { route } from '@/lib/server/auth/guard';
import { errorResponse } from '@/lib/server/responses';

// Unknown API paths answer in the contract's error shape, not with the HTML 404 page (and, like
// every API path, only to a signed-in user: without a session it is a 401, revealing nothing).
const notFound = route((request) => {
  const path = new URL(request.url).pathname;
  return errorResponse(404, 'not-found', `There is no API at ${path}. See README.md, "HTTP API".`);
});

export const GET = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
export const OPTIONS = notFound;
