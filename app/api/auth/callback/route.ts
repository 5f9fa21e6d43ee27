import { publicRoute } from '@/lib/server/auth/guard';
import { otherMethods } from '@/lib/server/responses';
import { callbackResponse } from '@/lib/server/auth/sign-in-flow';

export const GET = publicRoute((request, { log }) => callbackResponse(request, log));

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(['GET'], publicRoute);
