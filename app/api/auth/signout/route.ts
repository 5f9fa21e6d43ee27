import { publicRoute } from '@/lib/server/auth/guard';
import { signOutResponse } from '@/lib/server/auth/sign-in-flow';

// POST only (a form button): a link or an image cannot sign anyone out.
export const POST = publicRoute((request) => signOutResponse(request));
