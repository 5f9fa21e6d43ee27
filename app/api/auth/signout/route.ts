import { publicRoute } from '@/lib/server/auth/guard';
import { otherMethods } from '@/lib/server/responses';
import { signOutResponse } from '@/lib/server/auth/sign-in-flow';

// POST only (a form button): a link or an image cannot sign anyone out.
export const POST = publicRoute((request) => signOutResponse(request));

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods(['POST'], publicRoute);
