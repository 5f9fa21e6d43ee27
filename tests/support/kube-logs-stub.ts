import { stubKubeconfig } from './stub-kubeconfig';
import { sendJson, startStubServer, type StubServer } from './stub-server';

// A loopback Kubernetes API for pod logs: `GET /api/v1/namespaces/{ns}/pods` (with a simple
// `key=value` labelSelector, `limit` + `continue` paging) and
// `GET /api/v1/namespaces/{ns}/pods/{name}/log` answering text/plain, honouring `container`,
// `limitBytes` (cuts the bytes, as the kubelet does), `tailLines` and `timestamps`. 401/403
// answers are Status objects, as the API server writes them.

export interface StubContainer {
  name: string;
  /** The log lines, each `[RFC 3339 time, line]`. */
  lines: Array<[string, string]>;
}

export interface StubPod {
  name: string;
  labels?: Record<string, string>;
  phase?: string;
  initContainers?: StubContainer[];
  containers: StubContainer[];
}

export interface KubeLogsStubOptions {
  namespace: string;
  pods: StubPod[];
  failListWith?: number;
  failLogsWith?: number;
  /** Answer the log of this container with a 400 (e.g. a container still waiting to start). */
  badRequestFor?: { pod: string; container: string };
  /** Serve HTTPS with this key and certificate. */
  tls?: { key: string; cert: string };
}

export interface KubeLogsStub extends StubServer {
  kubeconfig(): string;
}

function status(code: number, reason: string, message: string) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

export async function startKubeLogsStub(options: KubeLogsStubOptions): Promise<KubeLogsStub> {
  const server = await startStubServer((req, res) => {
    const url = new URL(req.url, 'http://stub');
    const ns = options.namespace;
    if (url.pathname === `/api/v1/namespaces/${ns}/pods`) {
      if (options.failListWith === 403) return sendJson(res, 403, status(403, 'Forbidden', `pods is forbidden: User "idlens" cannot list resource "pods" in API group "" in the namespace "${ns}"`));
      if (options.failListWith === 401) return sendJson(res, 401, status(401, 'Unauthorized', 'Unauthorized'));
      const selector = url.searchParams.get('labelSelector');
      const wanted = selector ? selector.split(',').map((kv) => kv.split('=') as [string, string]) : [];
      const all = options.pods.filter((p) => wanted.every(([k, v]) => p.labels?.[k] === v));
      const limit = Number(url.searchParams.get('limit') ?? all.length) || all.length;
      const start = Number(url.searchParams.get('continue') ?? '0');
      const next = start + limit < all.length ? String(start + limit) : undefined;
      return sendJson(res, 200, {
        kind: 'PodList',
        apiVersion: 'v1',
        metadata: { resourceVersion: '1', ...(next ? { continue: next } : {}) },
        items: all.slice(start, start + limit).map((p) => ({
          metadata: { name: p.name, namespace: ns, labels: p.labels ?? {} },
          spec: { containers: p.containers.map((c) => ({ name: c.name })), ...(p.initContainers ? { initContainers: p.initContainers.map((c) => ({ name: c.name })) } : {}) },
          status: { phase: p.phase ?? 'Running' },
        })),
      });
    }
    const logPath = new RegExp(`^/api/v1/namespaces/${ns}/pods/([^/]+)/log$`).exec(url.pathname);
    if (logPath) {
      if (options.failLogsWith === 403) return sendJson(res, 403, status(403, 'Forbidden', `pods "${logPath[1]}" is forbidden: User "idlens" cannot get resource "pods/log" in API group "" in the namespace "${ns}"`));
      if (options.failLogsWith === 401) return sendJson(res, 401, status(401, 'Unauthorized', 'Unauthorized'));
      const pod = options.pods.find((p) => p.name === logPath[1]);
      if (!pod) return sendJson(res, 404, status(404, 'NotFound', `pods "${logPath[1]}" not found`));
      const containerName = url.searchParams.get('container') ?? pod.containers[0]?.name;
      if (options.badRequestFor?.pod === pod.name && options.badRequestFor.container === containerName) {
        return sendJson(res, 400, status(400, 'BadRequest', `container "${containerName}" in pod "${pod.name}" is waiting to start: ContainerCreating`));
      }
      const container = [...(pod.initContainers ?? []), ...pod.containers].find((c) => c.name === containerName);
      if (!container) return sendJson(res, 400, status(400, 'BadRequest', `container ${containerName} is not valid for pod ${pod.name}`));
      const timestamps = url.searchParams.get('timestamps') === 'true';
      let lines = container.lines.map(([time, line]) => (timestamps ? `${time} ${line}` : line));
      const tail = url.searchParams.get('tailLines');
      if (tail !== null) lines = lines.slice(-Number(tail));
      let body = Buffer.from(lines.map((l) => `${l}\n`).join(''), 'utf8');
      const limitBytes = url.searchParams.get('limitBytes');
      if (limitBytes !== null) body = body.subarray(0, Number(limitBytes));
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(body);
      return;
    }
    sendJson(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
  }, { tls: options.tls });
  return {
    ...server,
    kubeconfig: () => stubKubeconfig(server.url),
  };
}
