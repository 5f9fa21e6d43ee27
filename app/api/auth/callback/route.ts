import { publicRoute } from '@/lib/server/auth/guard';
import { callbackResponse } from '@/lib/server/auth/sign-in-flow';

export const GET = publicRoute((request, { log }) => callbackResponse(request, log));
