import { publicRoute } from '@/lib/server/auth/guard';
import { otherMethods } from '@/lib/server/responses';
import { signInResponse } from '@/lib/server/auth/sign-in-flow';

export const GET = publicRoute((request) => signInResponse(request));

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(['GET'], publicRoute);
