// Who is making a request, as idlens knows it. Holds no token: idlens reads clusters and Azure
// with its own identity, so a session needs nothing of the user's but who they are.

export type SignInMethod = 'entra' | 'proxy' | 'local';

export interface Principal {
  /** Stable id: the Entra object id (entra), the proxy's user header (proxy), `local`. */
  id: string;
  /** Display name. */
  name: string;
  /** Sign-in name (UPN / e-mail) where known. */
  username?: string;
  tenantId?: string;
  via: SignInMethod;
}

export const LOCAL_PRINCIPAL: Principal = { id: 'local', name: 'Local user', via: 'local' };
