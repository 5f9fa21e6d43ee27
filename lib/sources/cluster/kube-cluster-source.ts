import 'server-only';
import { ApiException, CoreV1Api, KubeConfig, OpenidApi, WellKnownApi } from '@kubernetes/client-node';
import type { ClusterInfo, ClusterSnapshot, JsonWebKeySet, Pod, ServiceAccount } from '@/lib/domain/model';
import { SourceError } from '../source-error';
import type { ClusterSource } from './cluster-source';
import { jwksDocument, openIdConfiguration, podObject, serviceAccountObject, toPod, toServiceAccount } from './kube-objects';

// Live clusters through @kubernetes/client-node: kubeconfig contexts (several = several clusters)
// or the in-cluster service account. Lists are read in pages (`limit` + `continue`) so that a
// cluster of 50,000 pods never arrives as one giant response.

export const KUBE_PAGE_SIZE = 500;

export interface KubeClusterOptions {
  mode: 'kubeconfig' | 'in-cluster';
  /** Contexts to read; empty = the current context. */
  contexts: string[];
  /** Path of the kubeconfig file(s); undefined = the standard loading rules (KUBECONFIG, ~/.kube/config). */
  kubeconfigText?: string;
  pageSize?: number;
}

interface ClusterClient {
  name: string;
  core: CoreV1Api;
  wellKnown: WellKnownApi;
  openid: OpenidApi;
}

export class KubeClusterSource implements ClusterSource {
  readonly mode: string;
  private readonly pageSize: number;

  constructor(private readonly options: KubeClusterOptions) {
    this.mode = options.mode;
    this.pageSize = options.pageSize ?? KUBE_PAGE_SIZE;
  }

  /** Builds one client per context; a kubeconfig that does not parse or names a missing context fails clearly. */
  private clients(): ClusterClient[] {
    const base = new KubeConfig();
    try {
      if (this.options.mode === 'in-cluster') base.loadFromCluster();
      else if (this.options.kubeconfigText !== undefined) base.loadFromString(this.options.kubeconfigText);
      else base.loadFromDefault();
    } catch (error) {
      throw new SourceError('config:cluster', `The kubeconfig could not be loaded: ${(error as Error).message}. Check KUBECONFIG or ~/.kube/config (kubectl config view).`);
    }
    if (this.options.mode === 'in-cluster') return [this.client(base, 'in-cluster')];
    const known = base.getContexts().map((c) => c.name);
    const wanted = this.options.contexts.length ? this.options.contexts : [base.getCurrentContext()];
    if (wanted.length === 0 || !wanted[0]) {
      throw new SourceError('config:cluster', 'The kubeconfig has no current context. Set IDLENS_KUBE_CONTEXTS or run `kubectl config use-context <name>`.');
    }
    return wanted.map((context) => {
      if (!known.includes(context)) {
        throw new SourceError('config:cluster', `The kubeconfig has no context "${context}" (IDLENS_KUBE_CONTEXTS). Known contexts: ${known.join(', ') || 'none'}.`);
      }
      const kc = new KubeConfig();
      kc.loadFromString(base.exportConfig());
      kc.setCurrentContext(context);
      return this.client(kc, context);
    });
  }

  private client(kc: KubeConfig, name: string): ClusterClient {
    return { name, core: kc.makeApiClient(CoreV1Api), wellKnown: kc.makeApiClient(WellKnownApi), openid: kc.makeApiClient(OpenidApi) };
  }

  async list(): Promise<ClusterSnapshot> {
    const clients = this.clients();
    const snapshots = await Promise.all(clients.map((c) => this.readCluster(c)));
    return {
      clusters: snapshots.map((s) => s.info),
      serviceAccounts: snapshots.flatMap((s) => s.serviceAccounts),
      pods: snapshots.flatMap((s) => s.pods),
      missing: snapshots.flatMap((s) => s.missing),
    };
  }

  async jwksFor(issuer: string): Promise<JsonWebKeySet | undefined> {
    for (const client of this.clients()) {
      const info = await this.readOidc(client).catch(() => undefined);
      if (info?.issuer === issuer) return info.jwks;
    }
    return undefined;
  }

  private async readCluster(client: ClusterClient) {
    const [serviceAccounts, pods, oidc] = await Promise.all([
      this.readAllPages(client, 'serviceaccounts', async (cont) => {
        const page = await client.core.listServiceAccountForAllNamespaces({ limit: this.pageSize, _continue: cont });
        return { items: page.items.map((o) => toServiceAccount(client.name, serviceAccountObject.parse(plain(o)))), next: page.metadata?._continue };
      }),
      this.readAllPages(client, 'pods', async (cont) => {
        const page = await client.core.listPodForAllNamespaces({ limit: this.pageSize, _continue: cont });
        return { items: page.items.map((o) => toPod(client.name, podObject.parse(plain(o)))), next: page.metadata?._continue };
      }),
      this.readOidc(client).then(
        (info) => ({ info, missing: [] as string[] }),
        (error: unknown) => ({ info: { name: client.name } as ClusterInfo, missing: [`${client.name}: OIDC discovery (${(error as Error).message})`] }),
      ),
    ]);
    return { info: oidc.info, serviceAccounts: serviceAccounts as ServiceAccount[], pods: pods as Pod[], missing: oidc.missing };
  }

  private async readOidc(client: ClusterClient): Promise<ClusterInfo> {
    const discovery = openIdConfiguration.parse(parseJsonText(await client.wellKnown.getServiceAccountIssuerOpenIDConfiguration()));
    const jwks = jwksDocument.parse(parseJsonText(await client.openid.getServiceAccountIssuerOpenIDKeyset()));
    return { name: client.name, issuer: discovery.issuer, jwks: jwks as JsonWebKeySet };
  }

  private async readAllPages<T>(client: ClusterClient, resource: string, read: (cont: string | undefined) => Promise<{ items: T[]; next?: string }>): Promise<T[]> {
    const all: T[] = [];
    let cont: string | undefined;
    do {
      let page: { items: T[]; next?: string };
      try {
        page = await read(cont);
      } catch (error) {
        throw kubeError(client.name, resource, error);
      }
      all.push(...page.items);
      cont = page.next || undefined;
    } while (cont);
    return all;
  }
}

/** client-node returns class instances with Date fields; the zod edge takes JSON-shaped data. */
function plain(o: unknown): unknown {
  return JSON.parse(JSON.stringify(o));
}

function parseJsonText(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value;
}

function kubeError(cluster: string, resource: string, error: unknown): SourceError {
  if (error instanceof ApiException) {
    if (error.code === 401) {
      return new SourceError('unauthorized:cluster', `Cluster ${cluster} refused the credentials (401) while listing ${resource}: the token or certificate in the kubeconfig is invalid or expired. Run \`kubectl get ${resource} -A\` to check, and refresh the credentials (e.g. \`az aks get-credentials\`).`);
    }
    if (error.code === 403) {
      return new SourceError('forbidden:cluster', `Cluster ${cluster} forbids listing ${resource} (403): the identity needs the RBAC verb "list" on "${resource}" at cluster scope (a ClusterRole with get/list/watch on serviceaccounts and pods, bound with a ClusterRoleBinding).`);
    }
    return new SourceError('failed:cluster', `Cluster ${cluster} answered ${error.code} while listing ${resource}.`);
  }
  if (error instanceof SourceError) return error;
  const message = (error as Error).message ?? String(error);
  if (/ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT|fetch failed/i.test(message + String((error as { cause?: unknown }).cause ?? ''))) {
    return new SourceError('unreachable:cluster', `Cluster ${cluster} cannot be reached while listing ${resource}: ${message}. Check the server URL in the kubeconfig and the network.`);
  }
  return new SourceError('invalid-response:cluster', `Cluster ${cluster}: listing ${resource} failed: ${message}`);
}
