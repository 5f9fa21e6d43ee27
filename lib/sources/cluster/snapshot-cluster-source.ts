import 'server-only';
import { basename, join, resolve } from 'node:path';
import { z } from 'zod';
import type { ClusterSnapshot, JsonWebKeySet } from '@/lib/domain/model';
import { notWrittenBy, readSnapshotJson, unusableSnapshotFile } from '../snapshot-file';
import { SourceError } from '../source-error';
import type { ClusterSource } from './cluster-source';
import { editDistance } from '@/lib/domain/fic-matching';
import { jwksDocument, openIdConfiguration, podObject, serviceAccountObject, toPod, toServiceAccount } from './kube-objects';

// A snapshot directory holds the plain outputs of kubectl (DESIGN.md, "snapshot directory"), so a
// cluster can be analysed without credentials of idlens's own. Any file may be missing.

const KUBERNETES_COMMAND = 'kubectl get serviceaccounts,pods -A -o json';

/**
 * What `kubectl get … -o json` writes: a List of items, each with its kind. ServiceAccount and Pod
 * items are read; other kinds (`kubectl get all,sa -A -o json`) are passed over. A list of another
 * kind, or an item kind that is a misspelt ServiceAccount or Pod, means the file is not what it
 * should be: read anyway, its missing service accounts would show as false findings.
 */
const kubernetesList = z.object({
  kind: z.literal('List', { error: (issue) => `kind is ${JSON.stringify(issue.input)}, not List (the file holds something else)` }).optional(),
  items: z.array(z.looseObject({ kind: z.string() })),
});

/** An item kind that is not ServiceAccount or Pod but was surely meant to be (`ServiceAcount`, `pod`, `Pods`). */
function misspeltKind(kind: string): string | undefined {
  const lower = kind.toLowerCase();
  if (lower === 'serviceaccount' || lower === 'serviceaccounts' || editDistance(kind, 'ServiceAccount') <= 2) return 'ServiceAccount';
  if (lower === 'pod' || lower === 'pods') return 'Pod';
  return undefined;
}

export class SnapshotClusterSource implements ClusterSource {
  readonly mode = 'snapshot';
  private readonly name: string;

  constructor(private readonly directory: string) {
    this.name = basename(resolve(directory));
  }

  async list(): Promise<ClusterSnapshot> {
    const dir = this.directory;
    /** The OIDC files are read on their own: one that is unusable costs the issuer or keys, not the service accounts and pods. */
    const optional = <S extends z.ZodType>(file: string, schema: S, command: string) =>
      readSnapshotJson('cluster', dir, file, schema, command).then(
        (value) => ({ value, missing: value ? undefined : `${file} (${command})` }),
        (error: unknown) => {
          if (!(error instanceof SourceError)) throw error;
          return { value: undefined, missing: unusableSnapshotFile(file, join(dir, file), error) };
        },
      );
    const [list, discovery, jwks] = await Promise.all([
      readSnapshotJson('cluster', dir, 'kubernetes.json', kubernetesList, KUBERNETES_COMMAND),
      optional('openid-configuration.json', openIdConfiguration, 'kubectl get --raw /.well-known/openid-configuration'),
      optional('jwks.json', jwksDocument, 'kubectl get --raw /openid/v1/jwks'),
    ]);
    const missing = [...(list ? [] : [`kubernetes.json (${KUBERNETES_COMMAND})`]), ...[discovery.missing, jwks.missing].filter((m) => m !== undefined)];

    const snapshot: ClusterSnapshot = {
      clusters: [{ name: this.name, issuer: discovery.value?.issuer, jwks: jwks.value as JsonWebKeySet | undefined }],
      serviceAccounts: [],
      pods: [],
      missing,
    };
    const file = join(dir, 'kubernetes.json');
    for (const [index, item] of (list?.items ?? []).entries()) {
      const where = { file, path: `$.items.${index}`, item };
      if (item.kind === 'ServiceAccount') {
        snapshot.serviceAccounts.push(toServiceAccount(this.name, parseItem(serviceAccountObject, where)));
      } else if (item.kind === 'Pod') {
        snapshot.pods.push(toPod(this.name, parseItem(podObject, where)));
      } else {
        const meant = misspeltKind(item.kind);
        if (meant) {
          throw notWrittenBy('cluster', file, KUBERNETES_COMMAND, `${where.path}.kind`, `kind is ${JSON.stringify(item.kind)}, not ${meant} (an edited file?). Produce it with: ${KUBERNETES_COMMAND}`);
        }
      }
    }
    // Every namespace has its `default` service account: pods without any is `kubectl get pods` alone.
    if (snapshot.pods.length > 0 && snapshot.serviceAccounts.length === 0) {
      throw new SourceError(
        'invalid-response:cluster',
        `Snapshot file ${file} holds ${snapshot.pods.length} ${snapshot.pods.length === 1 ? 'pod' : 'pods'} but no ServiceAccount (the output of \`kubectl get pods\` alone?): every pod would point at a missing service account. Produce it with: ${KUBERNETES_COMMAND}`,
      );
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

/** One item by its schema; an error names the file, the JSON path and the object (`Pod shop/cart-…`) where it has a name. */
function parseItem<S extends z.ZodType>(schema: S, where: { file: string; path: string; item: { kind: string } & Record<string, unknown> }): z.infer<S> {
  const result = schema.safeParse(where.item);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const metadata = where.item.metadata as { name?: unknown; namespace?: unknown } | undefined;
  const name = typeof metadata?.name === 'string' ? `${typeof metadata.namespace === 'string' ? `${metadata.namespace}/` : ''}${metadata.name}` : undefined;
  throw notWrittenBy('cluster', where.file, KUBERNETES_COMMAND, `${[where.path, ...issue.path].join('.')}${name ? ` (${where.item.kind} ${name})` : ''}`, issue.message);
}
