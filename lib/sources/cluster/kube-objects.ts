import { z } from 'zod';
import type { Container, Pod, ProjectedTokenVolume, ServiceAccount } from '@/lib/domain/model';

// zod at the edge for Kubernetes objects, as `kubectl get … -o json` and the API server return them.
// Only the fields idlens reads are declared; everything else passes through unchecked (objects are
// not `.strict()`), so a newer Kubernetes with extra fields still parses. Not `server-only`: it holds
// no credentials and does no I/O, and the list parsing worker (list-page-worker.ts) loads it.

const stringMap = z.record(z.string(), z.string()).nullish().transform((m) => m ?? {});

const metadata = z.object({
  name: z.string(),
  namespace: z.string().optional(),
  uid: z.string().optional(),
  labels: stringMap,
  annotations: stringMap,
  creationTimestamp: z.string().nullish(),
});

export const serviceAccountObject = z.object({
  kind: z.literal('ServiceAccount').optional(),
  metadata,
});

const envVar = z.object({ name: z.string(), value: z.string().optional() });
const containerObject = z.object({
  name: z.string(),
  image: z.string().optional(),
  env: z.array(envVar).nullish(),
  volumeMounts: z.array(z.object({ name: z.string(), mountPath: z.string() })).nullish(),
});

const volumeObject = z.object({
  name: z.string(),
  projected: z
    .object({
      sources: z
        .array(
          z.object({
            serviceAccountToken: z
              .object({ audience: z.string().optional(), expirationSeconds: z.number().optional(), path: z.string() })
              .optional(),
          }),
        )
        .nullish(),
    })
    .optional(),
});

export const podObject = z.object({
  kind: z.literal('Pod').optional(),
  metadata,
  spec: z.object({
    serviceAccountName: z.string().optional(),
    containers: z.array(containerObject),
    initContainers: z.array(containerObject).nullish(),
    volumes: z.array(volumeObject).nullish(),
  }),
  status: z.object({ phase: z.string().optional() }).optional(),
});

export type ServiceAccountObject = z.infer<typeof serviceAccountObject>;
export type PodObject = z.infer<typeof podObject>;

export function toServiceAccount(cluster: string, o: ServiceAccountObject): ServiceAccount {
  return {
    cluster,
    namespace: o.metadata.namespace ?? 'default',
    name: o.metadata.name,
    uid: o.metadata.uid,
    labels: o.metadata.labels,
    annotations: o.metadata.annotations,
  };
}

export function toPod(cluster: string, o: PodObject): Pod {
  const containers: Container[] = o.spec.containers.map((c) => ({
    name: c.name,
    image: c.image,
    env: Object.fromEntries((c.env ?? []).filter((e) => e.value !== undefined).map((e) => [e.name, e.value!])),
  }));
  const projectedTokens: ProjectedTokenVolume[] = [];
  for (const volume of o.spec.volumes ?? []) {
    for (const source of volume.projected?.sources ?? []) {
      const token = source.serviceAccountToken;
      if (!token) continue;
      // The mount path is read from the spec: it differs between webhook versions (see DOMAIN.md).
      const mount = o.spec.containers.flatMap((c) => c.volumeMounts ?? []).find((m) => m.name === volume.name);
      projectedTokens.push({
        volumeName: volume.name,
        audience: token.audience,
        expirationSeconds: token.expirationSeconds,
        mountPath: mount ? `${mount.mountPath.replace(/\/$/, '')}/${token.path}` : undefined,
      });
    }
  }
  return {
    cluster,
    namespace: o.metadata.namespace ?? 'default',
    name: o.metadata.name,
    uid: o.metadata.uid,
    serviceAccountName: o.spec.serviceAccountName ?? 'default',
    labels: o.metadata.labels,
    annotations: o.metadata.annotations,
    containers,
    projectedTokens,
    phase: o.status?.phase,
    createdAt: o.metadata.creationTimestamp ?? undefined,
  };
}

export const openIdConfiguration = z.object({
  issuer: z.string(),
  jwks_uri: z.string().optional(),
});

export const jwksDocument = z.object({
  keys: z.array(z.looseObject({ kty: z.string(), kid: z.string().optional() })),
});
