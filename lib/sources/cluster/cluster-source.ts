import type { ClusterSnapshot, JsonWebKeySet } from '@/lib/domain/model';

/** Reads service accounts, pods and OIDC metadata of one or more clusters. */
export interface ClusterSource {
  /** `sample`, `kubeconfig`, `in-cluster` or `snapshot`. */
  readonly mode: string;
  list(): Promise<ClusterSnapshot>;
  /** The JWKS that verifies tokens of `issuer`, when the issuer is one of this source's clusters. */
  jwksFor(issuer: string): Promise<JsonWebKeySet | undefined>;
}
