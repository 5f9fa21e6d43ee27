import 'server-only';
import { unreachableIssuerReason } from '@/lib/domain/oidc-issuer';
import type { ClusterSnapshot, JsonWebKeySet } from '@/lib/domain/model';
import { sampleKeys } from '@/lib/sample/keys';
import { sampleClusterSnapshot } from '@/lib/sample/world';
import type { ClusterSource } from './cluster-source';

// The built-in sample clusters (lib/sample/world.ts). The cluster whose OIDC issuer is public gets
// the JWKS of the keys generated at start-up, so its tokens verify; the legacy cluster's issuer
// is the in-cluster default, which publishes nothing Entra (or idlens) could fetch.

export class SampleClusterSource implements ClusterSource {
  readonly mode = 'sample';

  /** Not read today (the world has no clock); kept so every sample source takes time the same way. */
  constructor(private readonly now: () => Date = () => new Date()) {}

  async list(): Promise<ClusterSnapshot> {
    const snapshot = sampleClusterSnapshot();
    const { cluster } = await sampleKeys();
    return {
      ...snapshot,
      clusters: snapshot.clusters.map((c) => (c.issuer && !unreachableIssuerReason(c.issuer) ? { ...c, jwks: cluster.jwks } : c)),
    };
  }

  async jwksFor(issuer: string): Promise<JsonWebKeySet | undefined> {
    // Exact comparison: a token whose `iss` lacks the trailing `/` is not this cluster's.
    const known = sampleClusterSnapshot().clusters.find((c) => c.issuer === issuer);
    if (!known || unreachableIssuerReason(issuer)) return undefined;
    return (await sampleKeys()).cluster.jwks;
  }
}
