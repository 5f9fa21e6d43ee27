import 'server-only';
import { z } from 'zod';
import { ApiException, HttpMethod, IsomorphicFetchHttpLibrary, KubeConfig, ServerConfiguration } from '@kubernetes/client-node';
import type { ClusterInfo, ClusterSnapshot, JsonWebKeySet } from '@/lib/domain/model';
import { SourceError } from '../source-error';
import type { ClusterSource } from './cluster-source';
import { loadInCluster, type InClusterSettings } from './in-cluster';
import { credentialHint, isUnreachable, kubeconfigLoadFailure, kubeconfigLocation, tlsFailure } from './kube-failure';
import { jwksDocument, openIdConfiguration } from './kube-objects';
import { continueTokenAhead, type ListItem, type ListKind, type ParsedListPage } from './list-page';
import { parseListPageBytes } from './list-page-parser';

// Live clusters through @kubernetes/client-node: kubeconfig contexts (several = several clusters)
// or the in-cluster service account. Lists are read in pages (`limit` + `continue`) so that a
// cluster of 50,000 pods never arrives as one giant response.

export const KUBE_PAGE_SIZE = 500;
/** Upper bound of one request to the API server (headers and body), in ms: a hung server fails the read instead of holding it. */
const DEFAULT_TIMEOUT_MS = 30_000;
/** Pages downloaded ahead of their parse, at most (a pod page is ~2.7 MB in the benchmark). */
const PAGES_IN_PARSE = 6;

export interface KubeClusterOptions {
  mode: 'kubeconfig' | 'in-cluster';
  /** Contexts to read; empty = the current context. */
  contexts: string[];
  /** Path of the kubeconfig file(s); undefined = the standard loading rules (KUBECONFIG, ~/.kube/config). */
  kubeconfigText?: string;
  /** KUBECONFIG as configured, for messages naming the file that did not load. */
  kubeconfigFiles?: string;
  pageSize?: number;
  /** Per request; default 30 s (as ARM and Graph calls). */
  timeoutMs?: number;
  /** In-cluster mode's settings (the registry passes them from the configuration). */
  inCluster?: InClusterSettings;
}

/** A context of IDLENS_KUBE_CONTEXTS that could not be read, and why. */
interface ContextFailure {
  context: string;
  error: SourceError;
}

/** `cluster west (refused the credentials (401) while listing pods: …)`: the reason without naming the cluster twice. */
function contextFailureEntry({ context, error }: ContextFailure): string {
  const prefix = `Cluster ${context}`;
  const why = error.message.startsWith(`${prefix} `) || error.message.startsWith(`${prefix}:`) ? error.message.slice(prefix.length).replace(/^:?\s*/, '') : error.message;
  return `cluster ${context} (${why.replace(/\.$/, '')})`;
}

interface ClusterClient {
  name: string;
  kc: KubeConfig;
  /** The API server's URL, for messages. */
  url: string;
  /** The cluster's API server URL, as client-node's generated clients address it. */
  server: ServerConfiguration<Record<string, string>>;
}

export class KubeClusterSource implements ClusterSource {
  readonly mode: string;
  private readonly pageSize: number;
  private readonly timeoutMs: number;

  constructor(private readonly options: KubeClusterOptions) {
    this.mode = options.mode;
    this.pageSize = options.pageSize ?? KUBE_PAGE_SIZE;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  private get inCluster(): boolean {
    return this.options.mode === 'in-cluster';
  }

  /**
   * Builds one client per context. A kubeconfig that does not parse, or has no current context when
   * none is named, fails the source; a named context that is missing or names no cluster fails only
   * that context (in `failed`), so the other clusters still show.
   */
  private clients(): { clients: ClusterClient[]; failed: ContextFailure[] } {
    const base = new KubeConfig();
    if (this.inCluster) {
      loadInCluster(base, this.options.inCluster ?? {});
      return { clients: [this.client(base, 'in-cluster')], failed: [] };
    }
    // Named in the messages below (capitalised: they begin with it).
    const where = capitalized(kubeconfigLocation(this.options.kubeconfigText !== undefined, this.options.kubeconfigFiles));
    try {
      if (this.options.kubeconfigText !== undefined) base.loadFromString(this.options.kubeconfigText);
      else base.loadFromDefault();
    } catch (error) {
      throw new SourceError('config:cluster', `${where} could not be loaded: ${kubeconfigLoadFailure(error)}. Fix the file; \`kubectl config view\` shows what kubectl reads from it.`);
    }
    const known = base.getContexts().map((c) => c.name);
    if (known.length === 0) {
      throw new SourceError('config:cluster', `${where} names no context: is it a kubeconfig? \`kubectl config view\` shows what kubectl reads; \`az aks get-credentials\` writes one.`);
    }
    const wanted = this.options.contexts.length ? this.options.contexts : [base.getCurrentContext()];
    if (wanted.length === 0 || !wanted[0]) {
      throw new SourceError('config:cluster', 'The kubeconfig has no current context. Set IDLENS_KUBE_CONTEXTS or run `kubectl config use-context <name>`.');
    }
    const clients: ClusterClient[] = [];
    const failed: ContextFailure[] = [];
    for (const context of wanted) {
      if (!known.includes(context)) {
        failed.push({ context, error: new SourceError('config:cluster', `The kubeconfig has no context "${context}" (IDLENS_KUBE_CONTEXTS). Known contexts: ${known.join(', ') || 'none'}.`) });
        continue;
      }
      const kc = new KubeConfig();
      kc.loadFromString(base.exportConfig());
      kc.setCurrentContext(context);
      try {
        clients.push(this.client(kc, context));
      } catch (error) {
        if (!(error instanceof SourceError)) throw error;
        failed.push({ context, error });
      }
    }
    return { clients, failed };
  }

  private client(kc: KubeConfig, name: string): ClusterClient {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new SourceError('config:cluster', `The kubeconfig context "${name}" names no cluster. Check it with \`kubectl config view\`.`);
    return { name, kc, url: cluster.server, server: new ServerConfiguration(cluster.server, {}) };
  }

  /**
   * Every context's cluster, read in parallel. One that fails (missing context, refused, unreachable)
   * is left out whole — its issuer too, so no finding is drawn from its absent service accounts —
   * and said in `missing`; the source fails only when every context does.
   */
  async list(): Promise<ClusterSnapshot> {
    const { clients, failed } = this.clients();
    const settled = await Promise.allSettled(clients.map((c) => this.readCluster(c)));
    const snapshots = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failures = [...failed, ...settled.flatMap((s, i) => (s.status === 'rejected' ? [{ context: clients[i]!.name, error: SourceError.from(s.reason, 'cluster') }] : []))];
    if (snapshots.length === 0) {
      if (failures.length === 1) throw failures[0]!.error;
      throw new SourceError(failures[0]!.error.code, `No context could be read. ${failures.map((f) => f.error.message).join(' ')}`, { cause: failures[0]!.error });
    }
    return {
      clusters: snapshots.map((s) => s.info),
      serviceAccounts: snapshots.flatMap((s) => s.serviceAccounts),
      pods: snapshots.flatMap((s) => s.pods),
      missing: [...failures.map(contextFailureEntry), ...snapshots.flatMap((s) => s.missing)],
      ...(failures.length ? { unreadClusters: failures.map((f) => f.context) } : {}),
    };
  }

  /**
   * The keys of the cluster whose issuer is `issuer`; undefined when no cluster has it. When none
   * matched but some could not be asked, that is said (a SourceError): the issuer may be theirs.
   */
  async jwksFor(issuer: string): Promise<JsonWebKeySet | undefined> {
    const { clients, failed } = this.clients();
    const unread = failed.map(contextFailureEntry);
    for (const client of clients) {
      try {
        const info = await this.readOidc(client);
        if (info.issuer === issuer) return info.jwks;
      } catch (error) {
        unread.push(oidcFailure(client, error, this.inCluster));
      }
    }
    if (unread.length) throw new SourceError('failed:cluster', `No cluster read has this issuer, and idlens could not read ${unread.join('; ')}.`);
    return undefined;
  }

  private async readCluster(client: ClusterClient) {
    // A context named in IDLENS_KUBE_CONTEXTS need not be kubectl's current one: fixes name it.
    const named = this.options.mode === 'kubeconfig' && this.options.contexts.length > 0 ? { kubeContext: client.name } : {};
    const [serviceAccounts, pods, oidc] = await Promise.all([
      this.readList(client, 'serviceaccounts'),
      this.readList(client, 'pods'),
      this.readOidc(client).then(
        (info) => ({ info, missing: [] as string[] }),
        (error: unknown) => ({ info: { name: client.name } as ClusterInfo, missing: [oidcFailure(client, error, this.inCluster)] }),
      ),
    ]);
    return { info: { ...oidc.info, ...named }, serviceAccounts, pods, missing: oidc.missing };
  }

  /**
   * Every page of a list of all namespaces (`limit` + `continue`). The pages are sequential (each
   * names the next), but a page's head already names its token (list-page.ts), so the next page is
   * requested as soon as this one has arrived, while this one is parsed in a worker
   * (list-page-parser.ts): downloads follow one another and parsing keeps up beside them. At most
   * PAGES_IN_PARSE pages wait for their parse. Only the slim items are kept, never a raw page.
   * The parsed `metadata.continue` decides: a page whose head said otherwise (never seen from an
   * API server) is read again from there, one page after another.
   */
  private async readList<K extends ListKind>(client: ClusterClient, kind: K): Promise<Array<ListItem<K>>> {
    const path = `/api/v1/${kind}`;
    const fetchPage = (cont: string | undefined) => this.get(client, path, { limit: String(this.pageSize), ...(cont ? { continue: cont } : {}) }, `listing ${kind}`);
    const all: Array<ListItem<K>> = [];
    try {
      let cont: string | undefined;
      do {
        // One run of pages read ahead by their heads: [token asked for the page, its parse].
        const run: Array<{ asked: string | undefined; parse: Promise<ParsedListPage<K>> }> = [];
        let next: string | undefined = cont;
        let done = 0;
        for (;;) {
          const bytes = await fetchPage(next);
          const parse = parseListPageBytes(kind, client.name, bytes);
          parse.catch(() => undefined); // awaited below; a failure before then must not be unhandled
          run.push({ asked: next, parse });
          const ahead = continueTokenAhead(bytes);
          if (ahead === null) {
            next = (await parse).next; // the head does not say: wait for this page's parse
          } else {
            next = ahead;
          }
          if (!next) break;
          if (run.length - done >= PAGES_IN_PARSE) await run[done++]!.parse;
        }
        // Keep the pages in order up to the first whose parsed token differs from what was asked next.
        cont = undefined;
        for (let i = 0; i < run.length; i++) {
          const page = await run[i]!.parse;
          for (const item of page.items) all.push(item);
          const askedNext = run[i + 1]?.asked;
          if (page.next !== askedNext) {
            cont = page.next; // read on from the page the API server named
            break;
          }
        }
      } while (cont);
    } catch (error) {
      throw kubeError(client.name, kind, error, this.inCluster);
    }
    return all;
  }

  /**
   * GET `path` through client-node's own HTTP stack (the URL, kubeconfig authentication, TLS agent
   * and node-fetch of its generated clients), bounded by `timeoutMs` (headers and body), and
   * without its ObjectSerializer: for 30,000 pods, turning the pages into V1Pod class instances
   * with Date fields (~2.1 s) and those back into JSON for the zod edge (~2.2 s) cost ten times the
   * transfer (~0.4 s) in `npm run bench -- map`. Answers the body's bytes; the zod edge reads them
   * (and timestamps stay the API's strings, as in snapshot mode).
   */
  private async get(client: ClusterClient, path: string, query: Record<string, string>, what: string): Promise<Buffer> {
    const request = client.server.makeRequestContext(path, HttpMethod.GET);
    for (const [name, value] of Object.entries(query)) request.setQueryParam(name, value);
    request.setHeaderParam('Accept', 'application/json');
    await client.kc.applySecurityAuthentication(request);
    request.setSignal(AbortSignal.timeout(this.timeoutMs));
    try {
      const response = await httpLibrary.send(request).toPromise();
      const body = await response.body.binary();
      if (response.httpStatusCode < 200 || response.httpStatusCode >= 300) {
        throw new ApiException(response.httpStatusCode, `${what} failed`, body.toString('utf8', 0, 2000), response.headers);
      }
      return body;
    } catch (error) {
      const name = (error as Error)?.name;
      if (name === 'AbortError' || name === 'TimeoutError') {
        throw new SourceError('timeout:cluster', `Cluster ${client.name} at ${client.url} did not answer GET ${path} (${what}) within ${this.timeoutMs / 1000} s. Check that the API server is healthy (kubectl get --raw /readyz) and the network path to it.`);
      }
      throw error;
    }
  }

  private async readOidc(client: ClusterClient): Promise<ClusterInfo> {
    const discovery = openIdConfiguration.parse(JSON.parse((await this.get(client, OIDC_DISCOVERY, {}, `GET ${OIDC_DISCOVERY}`)).toString('utf8')));
    const jwks = jwksDocument.parse(JSON.parse((await this.get(client, OIDC_JWKS, {}, `GET ${OIDC_JWKS}`)).toString('utf8')));
    return { name: client.name, issuer: discovery.issuer, jwks: jwks as JsonWebKeySet };
  }
}

const httpLibrary = new IsomorphicFetchHttpLibrary();

const OIDC_DISCOVERY = '/.well-known/openid-configuration';
const OIDC_JWKS = '/openid/v1/jwks';

/**
 * A `missing` entry for a cluster whose issuer or keys could not be read, in words to act on: the
 * HTTP answer (never client-node's dump of body and headers), the RBAC rule a 403 lacks.
 */
function oidcFailure(client: ClusterClient, error: unknown, inCluster: boolean): string {
  const what = `the OIDC issuer and keys of cluster ${client.name}`;
  if (error instanceof ApiException) {
    const path = /GET (\S+) failed/.exec(error.message)?.[1] ?? OIDC_DISCOVERY;
    if (error.code === 403) {
      return `${what} (GET ${path} is forbidden (403): the identity needs "get" on the non-resource URLs ${OIDC_DISCOVERY} and ${OIDC_JWKS}, e.g. a ClusterRoleBinding to the built-in ClusterRole system:service-account-issuer-discovery)`;
    }
    if (error.code === 401) return `${what} (GET ${path} answered 401: ${credentialHint(inCluster).refused})`;
    if (error.code === 404) return `${what} (GET ${path} answered 404: the API server does not serve service-account issuer discovery, which Kubernetes 1.21+ serves when the service-account issuer is an https URL)`;
    return `${what} (GET ${path} answered ${error.code})`;
  }
  if (error instanceof z.ZodError) {
    const issue = error.issues[0];
    return `${what} (the answer is not an OIDC document: at ${issue?.path.length ? `$.${issue.path.join('.')}` : '$'}: ${issue?.message})`;
  }
  return `${what} (${((error as Error)?.message ?? String(error)).replace(/\.$/, '')})`;
}

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

function kubeError(cluster: string, resource: string, error: unknown, inCluster: boolean): SourceError {
  const hint = credentialHint(inCluster);
  if (error instanceof ApiException) {
    if (error.code === 401) {
      return new SourceError('unauthorized:cluster', `Cluster ${cluster} refused the credentials (401) while listing ${resource}: ${hint.refused}. Run \`kubectl get ${resource} -A\` with the same credentials to check.`);
    }
    if (error.code === 403) {
      return new SourceError('forbidden:cluster', `Cluster ${cluster} forbids listing ${resource} (403): the identity needs the RBAC verb "list" on "${resource}" at cluster scope (a ClusterRole with get/list/watch on serviceaccounts and pods, bound with a ClusterRoleBinding).`);
    }
    return new SourceError('failed:cluster', `Cluster ${cluster} answered ${error.code} while listing ${resource}.`);
  }
  if (error instanceof SourceError) return error;
  const message = (error as Error).message ?? String(error);
  const tls = tlsFailure(error, inCluster);
  if (tls) return new SourceError('unreachable:cluster', `Cluster ${cluster}: ${tls} (while listing ${resource}).`);
  if (isUnreachable(error)) {
    return new SourceError('unreachable:cluster', `Cluster ${cluster} cannot be reached while listing ${resource}: ${message}. ${hint.unreachable}`);
  }
  return new SourceError('invalid-response:cluster', `Cluster ${cluster}: listing ${resource} failed: ${message}`);
}
