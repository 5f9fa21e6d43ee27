import { route } from '@/lib/server/auth/guard';
import { describePrincipal } from '@/lib/server/auth/sign-in-flow';
import { jsonResponse, otherMethods } from '@/lib/server/responses';

export const GET = route((_request, { principal }) => jsonResponse({ user: describePrincipal(principal) }));

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(['GET'], route);
