import { getConfig, isSampleSource } from '@/lib/config';
import { mintSampleTokens } from '@/lib/sample/tokens';
import { route } from '@/lib/server/auth/guard';
import { errorResponse, jsonResponse, otherMethods } from '@/lib/server/responses';

// Fresh tokens of the built-in sample world, signed with the keys its JWKS publish. They exist only
// when the sample cluster is configured: elsewhere they would verify against nothing.
export const GET = route(async () => {
  if (!isSampleSource(getConfig().IDLENS_CLUSTER)) {
    return errorResponse(404, 'not-sample', 'Sample tokens exist only with the built-in sample environment (IDLENS_CLUSTER=sample).');
  }
  return jsonResponse({ tokens: await mintSampleTokens(new Date()) });
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(['GET'], route);
