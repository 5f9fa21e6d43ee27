import { publicRoute } from '@/lib/server/auth/guard';
import { signInResponse } from '@/lib/server/auth/sign-in-flow';

export const GET = publicRoute((request) => signInResponse(request));
