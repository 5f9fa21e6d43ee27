import { publicRoute } from '@/lib/server/auth/guard';
import { checkSources } from '@/lib/server/health';
import { jsonResponse, otherMethods } from '@/lib/server/responses';

// The one data-free answer without a session: kubelet probes cannot sign in. Without a session it
// says only whether the server is up (`{ "status": "ok" }`, no source names, modes or errors);
// signed in, the full per-source report of the contract.
export const GET = publicRoute(async (_request, { principal }) => {
  if (!principal) return jsonResponse({ status: 'ok' });
  return jsonResponse(await checkSources());
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(['GET'], publicRoute);
