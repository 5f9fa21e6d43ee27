import 'server-only';
import { ApiException, HttpMethod, IsomorphicFetchHttpLibrary, KubeConfig, OpenidApi, ServerConfiguration, WellKnownApi } from '@kubernetes/client-node';
import { z } from 'zod';
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
  kc: KubeConfig;
  /** The cluster's API server URL, as client-node's generated clients address it. */
  server: ServerConfiguration<Record<string, string>>;
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
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new SourceError('config:cluster', `The kubeconfig context "${name}" names no cluster. Check it with \`kubectl config view\`.`);
    return { name, kc, server: new ServerConfiguration(cluster.server, {}), wellKnown: kc.makeApiClient(WellKnownApi), openid: kc.makeApiClient(OpenidApi) };
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
        const page = await this.listPage(client, '/api/v1/serviceaccounts', cont);
        return { items: page.items.map((o) => toServiceAccount(client.name, serviceAccountObject.parse(o))), next: page.next };
      }),
      this.readAllPages(client, 'pods', async (cont) => {
        const page = await this.listPage(client, '/api/v1/pods', cont);
        return { items: page.items.map((o) => toPod(client.name, podObject.parse(o))), next: page.next };
      }),
      this.readOidc(client).then(
        (info) => ({ info, missing: [] as string[] }),
        (error: unknown) => ({ info: { name: client.name } as ClusterInfo, missing: [`${client.name}: OIDC discovery (${(error as Error).message})`] }),
      ),
    ]);
    return { info: oidc.info, serviceAccounts: serviceAccounts as ServiceAccount[], pods: pods as Pod[], missing: oidc.missing };
  }

  /**
   * GET one page of a list of all namespaces through client-node's own HTTP stack (the same URL,
   * kubeconfig authentication, TLS agent and node-fetch as `CoreV1Api.list…ForAllNamespaces`), but
   * without its ObjectSerializer: for 30,000 pods, turning the pages into V1Pod class instances
   * with Date fields (~2.1 s) and those back into JSON for the zod edge (~2.2 s) cost ten times the
   * transfer (~0.4 s) in `npm run bench -- map`. The zod edge reads the parsed JSON instead (and
   * timestamps stay the API's strings, as in snapshot mode).
   */
  private async listPage(client: ClusterClient, path: string, cont: string | undefined): Promise<{ items: unknown[]; next?: string }> {
    const request = client.server.makeRequestContext(path, HttpMethod.GET);
    request.setQueryParam('limit', String(this.pageSize));
    if (cont) request.setQueryParam('continue', cont);
    request.setHeaderParam('Accept', 'application/json');
    await client.kc.applySecurityAuthentication(request);
    const response = await httpLibrary.send(request).toPromise();
    const text = await response.body.text();
    if (response.httpStatusCode < 200 || response.httpStatusCode >= 300) {
      throw new ApiException(response.httpStatusCode, `listing ${path} failed`, text.slice(0, 2000), response.headers);
    }
    const page = listObject.parse(JSON.parse(text));
    return { items: page.items ?? [], next: page.metadata?.continue || undefined };
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

const httpLibrary = new IsomorphicFetchHttpLibrary();

/** A Kubernetes List answer (`kind: PodList` …): the items are checked one by one by the callers. */
const listObject = z.object({
  metadata: z.object({ continue: z.string().nullish() }).nullish(),
  items: z.array(z.unknown()).nullish(),
});

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
