import 'server-only';
import { basename, resolve } from 'node:path';
import { z } from 'zod';
import type { ClusterSnapshot, JsonWebKeySet } from '@/lib/domain/model';
import { readSnapshotJson } from '../snapshot-file';
import { SourceError } from '../source-error';
import type { ClusterSource } from './cluster-source';
import { jwksDocument, openIdConfiguration, podObject, serviceAccountObject, toPod, toServiceAccount } from './kube-objects';

// A snapshot directory holds the plain outputs of kubectl (DESIGN.md, "snapshot directory"), so a
// cluster can be analysed without credentials of idlens's own. Any file may be missing.

const kubernetesList = z.object({
  items: z.array(z.looseObject({ kind: z.string() })),
});

export class SnapshotClusterSource implements ClusterSource {
  readonly mode = 'snapshot';
  private readonly name: string;

  constructor(private readonly directory: string) {
    this.name = basename(resolve(directory));
  }

  async list(): Promise<ClusterSnapshot> {
    const dir = this.directory;
    const [list, discovery, jwks] = await Promise.all([
      readSnapshotJson('cluster', dir, 'kubernetes.json', kubernetesList, 'kubectl get serviceaccounts,pods -A -o json'),
      readSnapshotJson('cluster', dir, 'openid-configuration.json', openIdConfiguration, 'kubectl get --raw /.well-known/openid-configuration'),
      readSnapshotJson('cluster', dir, 'jwks.json', jwksDocument, 'kubectl get --raw /openid/v1/jwks'),
    ]);
    const missing: string[] = [];
    if (!list) missing.push('kubernetes.json (kubectl get serviceaccounts,pods -A -o json)');
    if (!discovery) missing.push('openid-configuration.json (kubectl get --raw /.well-known/openid-configuration)');
    if (!jwks) missing.push('jwks.json (kubectl get --raw /openid/v1/jwks)');

    const snapshot: ClusterSnapshot = {
      clusters: [{ name: this.name, issuer: discovery?.issuer, jwks: jwks as JsonWebKeySet | undefined }],
      serviceAccounts: [],
      pods: [],
      missing,
    };
    for (const [index, item] of (list?.items ?? []).entries()) {
      const where = `kubernetes.json at $.items.${index}`;
      if (item.kind === 'ServiceAccount') {
        snapshot.serviceAccounts.push(toServiceAccount(this.name, parseItem(serviceAccountObject, item, where)));
      } else if (item.kind === 'Pod') {
        snapshot.pods.push(toPod(this.name, parseItem(podObject, item, where)));
      }
    }
    return snapshot;
  }

  /** Reads only the two small OIDC files: a broken kubernetes.json must not hide the keys. */
  async jwksFor(issuer: string): Promise<JsonWebKeySet | undefined> {
    const dir = this.directory;
    const discovery = await readSnapshotJson('cluster', dir, 'openid-configuration.json', openIdConfiguration, 'kubectl get --raw /.well-known/openid-configuration');
    if (discovery?.issuer !== issuer) return undefined;
    return (await readSnapshotJson('cluster', dir, 'jwks.json', jwksDocument, 'kubectl get --raw /openid/v1/jwks')) as JsonWebKeySet | undefined;
  }
}

function parseItem<S extends z.ZodType>(schema: S, item: unknown, where: string): z.infer<S> {
  const result = schema.safeParse(item);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw new SourceError(
    'invalid-response:cluster',
    `Snapshot file ${where}.${issue.path.join('.')} is not what \`kubectl get serviceaccounts,pods -A -o json\` writes: ${issue.message}`,
  );
}
