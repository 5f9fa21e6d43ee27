import 'server-only';
import { ApiException, CoreV1Api, KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { loadInCluster, type InClusterSettings } from '../cluster/in-cluster';
import { credentialHint, isUnreachable, kubeconfigLoadFailure, kubeconfigLocation, tlsFailure } from '../cluster/kube-failure';
import { SourceError } from '../source-error';
import type { LogSearchOptions, LogSearchResult, LogSource, RawLogLine } from './log-source';
import { allLines, capLine, linesContainingId } from './text-lines';

// Pod logs through the Kubernetes API (`kube:<namespace>[/<label-selector>]`): the pods of a
// namespace (optionally selected by labels), every container of each (init containers too:
// token acquisition can fail there), within a time window. Each container log is read with
// `sinceSeconds` and `limitBytes`, so a chatty pod costs at most `limitBytes` of memory; the
// API server enforces the cap and returns the *oldest* bytes of the window, so a hit on the cap
// is reported as `truncated` (the newest lines may be missing). `timestamps: true` prefixes each
// line with its RFC 3339 time, which lib/traces reads like `kubectl logs --timestamps`.
//
// Needs RBAC in the namespace: `list` on `pods` and `get` on `pods/log`.

export const DEFAULT_SINCE_SECONDS = 24 * 60 * 60;
export const DEFAULT_LIMIT_BYTES = 10 * 1024 * 1024;
const PAGE_SIZE = 500;

export interface KubeLogSourceOptions {
  /** kubeconfig contents; undefined = the standard loading rules (KUBECONFIG, ~/.kube/config, in-cluster). */
  kubeconfigText?: string;
  /** KUBECONFIG as configured, for messages naming the file that did not load. */
  kubeconfigFiles?: string;
  /** Context to use; undefined = the kubeconfig's current context. */
  context?: string;
  /** In-cluster mode: the pod's service account (the kubeconfig settings are then unused). */
  inCluster?: InClusterSettings;
  namespace: string;
  labelSelector?: string;
  /** Time window (default 24 h). */
  sinceSeconds?: number;
  /** Cap per container log (default 10 MiB). */
  limitBytes?: number;
  /** Container logs read at once (default 4). */
  concurrency?: number;
}

interface ContainerRef {
  pod: string;
  container: string;
  serviceHint: string;
}

async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        await work(items[index]!, index);
      }
    }),
  );
}

function statusMessage(error: ApiException<unknown>): string {
  const body = error.body as { message?: unknown } | string | undefined;
  const message = typeof body === 'object' && body && typeof body.message === 'string' ? body.message : typeof body === 'string' ? body : '';
  return message.slice(0, 500);
}

export class KubeLogSource implements LogSource {
  readonly kind = 'kube';
  readonly label: string;
  private readonly sinceSeconds: number;
  private readonly limitBytes: number;
  private readonly concurrency: number;
  private core: CoreV1Api | undefined;

  constructor(private readonly options: KubeLogSourceOptions) {
    this.label = `kube:${options.namespace}${options.labelSelector ? `/${options.labelSelector}` : ''}`;
    this.sinceSeconds = options.sinceSeconds ?? DEFAULT_SINCE_SECONDS;
    this.limitBytes = options.limitBytes ?? DEFAULT_LIMIT_BYTES;
    this.concurrency = Math.max(1, options.concurrency ?? 4);
  }

  private api(): CoreV1Api {
    if (this.core) return this.core;
    const kc = new KubeConfig();
    if (this.options.inCluster) {
      loadInCluster(kc, this.options.inCluster, 'logs');
      this.core = kc.makeApiClient(CoreV1Api);
      return this.core;
    }
    try {
      if (this.options.kubeconfigText !== undefined) kc.loadFromString(this.options.kubeconfigText);
      else kc.loadFromDefault();
      if (this.options.context) {
        if (!kc.getContexts().some((c) => c.name === this.options.context)) throw new Error(`it has no context "${this.options.context}"`);
        kc.setCurrentContext(this.options.context);
      }
    } catch (error) {
      throw new SourceError('config:logs', `${this.label}: ${kubeconfigLocation(this.options.kubeconfigText !== undefined, this.options.kubeconfigFiles)} could not be loaded: ${kubeconfigLoadFailure(error)}. Fix the file; \`kubectl config view\` shows what kubectl reads from it.`);
    }
    this.core = kc.makeApiClient(CoreV1Api);
    return this.core;
  }

  private failure(action: 'list' | 'get', error: unknown): SourceError {
    const what = action === 'list' ? 'list pods' : 'read pod logs';
    const permission = action === 'list' ? '"list" on "pods"' : '"get" on "pods/log"';
    const ns = this.options.namespace;
    const inCluster = this.options.inCluster !== undefined;
    const hint = credentialHint(inCluster);
    if (error instanceof ApiException) {
      if (error.code === 401) {
        return new SourceError('unauthorized:logs', `${this.label}: the cluster refused the credentials (401) to ${what}: ${hint.refused}.`);
      }
      if (error.code === 403) {
        return new SourceError('forbidden:logs', `${this.label}: forbidden to ${what} in namespace ${ns} (403): the identity needs the RBAC verb ${permission} (a Role with get on pods/log and list on pods, bound with a RoleBinding in ${ns}). ${statusMessage(error)}`.trim());
      }
      return new SourceError('failed:logs', `${this.label}: the cluster answered ${error.code} to ${what}. ${statusMessage(error)}`.trim());
    }
    if (error instanceof SourceError) return error;
    const message = (error as Error).message ?? String(error);
    const tls = tlsFailure(error, inCluster);
    if (tls) return new SourceError('unreachable:logs', `${this.label}: ${tls} (to ${what}).`);
    if (isUnreachable(error)) {
      return new SourceError('unreachable:logs', `${this.label}: the cluster cannot be reached to ${what}: ${message}. ${hint.unreachable}`);
    }
    return new SourceError('failed:logs', `${this.label}: could not ${what}: ${message}`);
  }

  /** Every container of every selected pod that may have logs (pending pods have none yet). */
  private async containers(signal: AbortSignal | undefined): Promise<ContainerRef[]> {
    const core = this.api();
    const pods: V1Pod[] = [];
    let cont: string | undefined;
    do {
      signal?.throwIfAborted();
      try {
        const page = await core.listNamespacedPod({ namespace: this.options.namespace, labelSelector: this.options.labelSelector, limit: PAGE_SIZE, _continue: cont });
        pods.push(...page.items);
        cont = page.metadata?._continue || undefined;
      } catch (error) {
        throw this.failure('list', error);
      }
    } while (cont);
    const refs: ContainerRef[] = [];
    for (const pod of pods) {
      const name = pod.metadata?.name;
      if (!name || pod.status?.phase === 'Pending') continue;
      const labels = pod.metadata?.labels ?? {};
      const app = labels['app.kubernetes.io/name'] ?? labels.app;
      for (const c of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]) {
        refs.push({ pod: name, container: c.name, serviceHint: app ?? c.name });
      }
    }
    return refs;
  }

  private async read(
    options: LogSearchOptions,
    tailLines: (containers: number) => number | undefined,
    pick: (log: string) => string[],
  ): Promise<LogSearchResult> {
    const refs = await this.containers(options.signal);
    const core = this.api();
    const perContainer: RawLogLine[][] = refs.map(() => []);
    const errors: Array<{ source: string; message: string }> = [];
    let capped = false;
    let fatal: SourceError | undefined;
    const tail = tailLines(refs.length);
    await forEachLimited(refs, this.concurrency, async (ref, index) => {
      if (fatal) return;
      options.signal?.throwIfAborted();
      const source = `kube:${this.options.namespace}/${ref.pod}/${ref.container}`;
      let log: string;
      try {
        log = await core.readNamespacedPodLog({
          name: ref.pod,
          namespace: this.options.namespace,
          container: ref.container,
          sinceSeconds: this.sinceSeconds,
          limitBytes: this.limitBytes,
          timestamps: true,
          ...(tail !== undefined ? { tailLines: tail } : {}),
        });
      } catch (error) {
        const failure = this.failure('get', error);
        // Credentials and RBAC fail every read alike: report once, for the source.
        if (failure.code === 'unauthorized:logs' || failure.code === 'forbidden:logs' || failure.code === 'unreachable:logs') fatal = failure;
        else errors.push({ source, message: failure.message });
        return;
      }
      if (typeof log !== 'string') log = String(log ?? '');
      if (Buffer.byteLength(log, 'utf8') >= this.limitBytes) capped = true;
      perContainer[index] = pick(log).map((line) => {
        const { text, cut } = capLine(line);
        return { source, text, serviceHint: ref.serviceHint, ...(cut ? { cut: true } : {}) };
      });
    });
    if (fatal) throw fatal;
    options.signal?.throwIfAborted();
    let lines = perContainer.flat();
    const over = lines.length > options.maxLines;
    if (over) lines = lines.slice(0, Math.max(0, options.maxLines));
    return { lines, truncated: capped || over, ...(errors.length ? { errors } : {}) };
  }

  async search(correlationId: string, options: LogSearchOptions): Promise<LogSearchResult> {
    return this.read(options, () => undefined, (log) => linesContainingId(log, correlationId));
  }

  async recent(options: LogSearchOptions): Promise<LogSearchResult> {
    // The newest lines of each container, the budget shared between them.
    return this.read(options, (n) => Math.max(1, Math.ceil(options.maxLines / Math.max(1, n))), allLines);
  }
}
