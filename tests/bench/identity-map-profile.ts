// Child process of the map benchmark (`--conditions react-server`, so `server-only` is a marker):
// where the route's time goes. Runs the production sources against the parent's stand-ins, then
// each stage of the cluster path apart on the same pages: transfer (node-fetch inside client-node
// vs plain fetch), client-node's JSON.parse + ObjectSerializer.deserialize, `plain()` (the JSON
// round trip in kube-cluster-source.ts), the zod edge, `toPod`, the domain and the response's
// JSON.stringify. Reads a ProfilePlan on stdin and prints ProfileResult as JSON on stdout.

import { gzipSync } from 'node:zlib';
import { CoreV1Api, HttpMethod, IsomorphicFetchHttpLibrary, KubeConfig, RequestContext } from '@kubernetes/client-node';
import { ObjectSerializer } from '@kubernetes/client-node/dist/gen/models/ObjectSerializer.js';
import { parseEnv } from '@/lib/config-schema.mjs';
import { buildIdentityMap } from '@/lib/domain/identity-map';
import { entraCredentialFromConfig, liveAzureSourceFromConfig } from '@/lib/sources/azure/live-azure-source';
import { KubeClusterSource } from '@/lib/sources/cluster/kube-cluster-source';
import { podObject, toPod } from '@/lib/sources/cluster/kube-objects';
import { parseListPage } from '@/lib/sources/cluster/list-page';

export interface ProfilePlan {
  kubeconfigText: string;
  /** The cluster's URL and the page URLs of pods (what the source reads). */
  podPageUrls: string[];
  env: Record<string, string>;
  runs: number;
}

export type ProfileResult = Record<string, number>;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function timeIt<T>(runs: number, fn: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const times: number[] = [];
  let value!: T;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    value = await fn();
    times.push(performance.now() - t0);
  }
  return { ms: median(times), value };
}

async function profile(plan: ProfilePlan): Promise<ProfileResult> {
  const { runs } = plan;
  const parsed = parseEnv(plan.env);
  if (!parsed.ok) throw new Error(parsed.problems.join('; '));
  const cluster = new KubeClusterSource({ mode: 'kubeconfig', contexts: [], kubeconfigText: plan.kubeconfigText });
  const azure = liveAzureSourceFromConfig(parsed.config);
  await Promise.all([cluster.list(), azure.list()]); // warm: JIT, connections, the Entra token

  const out: ProfileResult = {};
  const clusterAlone = await timeIt(runs, () => cluster.list());
  out.clusterSourceMs = clusterAlone.ms;
  out.azureSourceMs = (await timeIt(runs, () => azure.list())).ms;
  const both = await timeIt(runs, () => Promise.all([cluster.list(), azure.list()]));
  out.bothSourcesParallelMs = both.ms;
  const [clusterSnapshot, azureSnapshot] = both.value;
  const map = await timeIt(runs, () => buildIdentityMap(clusterSnapshot, azureSnapshot, { azureAvailable: true }));
  out.domainMs = map.ms;
  const body = { generatedAt: new Date().toISOString(), ...map.value, sources: { cluster: { mode: 'kubeconfig', ok: true }, azure: { mode: 'live', ok: true } } };
  const stringify = await timeIt(runs, () => JSON.stringify(body));
  out.responseStringifyMs = stringify.ms;
  out.responseBytes = Buffer.byteLength(stringify.value);
  // next start compresses responses (gzip, zlib's default level) when the client accepts it.
  const gzip = await timeIt(runs, () => gzipSync(stringify.value));
  out.responseGzipMs = gzip.ms;
  out.responseGzipBytes = gzip.value.length;

  // The Azure fan-out's fixed cost per call: msal's cache lookup for the bearer token (one per
  // ARM/Graph request) and a 10-FIC page through ArmClient (fetch + zod).
  const credential = entraCredentialFromConfig(parsed.config)!;
  await credential.getToken('https://management.azure.com/.default');
  out.azureGetToken1000Ms = (
    await timeIt(runs, async () => {
      for (let i = 0; i < 1000; i++) await credential.getToken('https://management.azure.com/.default');
    })
  ).ms;

  // The pod path, stage by stage, page by page (nothing kept across pages, as in the source, so
  // one stage's garbage does not bill the next): sums over the 60 pages, median of `runs`.
  const kc = new KubeConfig();
  kc.loadFromString(plan.kubeconfigText);
  const http = new IsomorphicFetchHttpLibrary();
  const stages = ['fetchText', 'clientNodeSendText', 'jsonParse', 'deserialize', 'plainRoundTrip', 'zodParse', 'toPod', 'zodAndToPodOnJson', 'listPage'] as const;
  const sums: Record<(typeof stages)[number], number[]> = Object.fromEntries(stages.map((k) => [k, [] as number[]])) as never;
  let pods = 0;
  for (let r = 0; r < runs; r++) {
    const sum = Object.fromEntries(stages.map((k) => [k, 0])) as Record<(typeof stages)[number], number>;
    pods = 0;
    for (const url of plan.podPageUrls) {
      let t = performance.now();
      const lap = (stage: (typeof stages)[number]) => {
        const now = performance.now();
        sum[stage] += now - t;
        t = now;
      };
      await (await fetch(url, { headers: { authorization: 'Bearer stub-token' } })).text();
      lap('fetchText');
      // client-node's own HTTP stack (kubeconfig auth + agent, node-fetch), without ObjectSerializer.
      const context = new RequestContext(url, HttpMethod.GET);
      context.setHeaderParam('Accept', 'application/json');
      await kc.applySecurityAuthentication(context);
      const text = await (await http.send(context).toPromise()).body.text();
      lap('clientNodeSendText');
      const json = JSON.parse(text) as { items: unknown[] };
      lap('jsonParse');
      const list = ObjectSerializer.deserialize(json, 'V1PodList', '') as { items: unknown[] };
      lap('deserialize');
      const plain = list.items.map((o) => JSON.parse(JSON.stringify(o)) as unknown);
      lap('plainRoundTrip');
      const parsed = plain.map((o) => podObject.parse(o));
      lap('zodParse');
      parsed.map((o) => toPod('bench', o));
      lap('toPod');
      json.items.map((o) => toPod('bench', podObject.parse(o)));
      lap('zodAndToPodOnJson');
      const bytes = Buffer.from(text);
      t = performance.now();
      parseListPage('pods', 'bench', bytes); // what the route's parsing worker does with a page
      lap('listPage');
      pods += json.items.length;
    }
    for (const k of stages) sums[k].push(sum[k]);
  }
  out.podsPlainFetchTextMs = median(sums.fetchText);
  out.podsClientNodeSendTextMs = median(sums.clientNodeSendText);
  out.podsJsonParseMs = median(sums.jsonParse);
  out.podsDeserializeMs = median(sums.deserialize);
  out.podsPlainRoundTripMs = median(sums.plainRoundTrip);
  out.podsZodParseMs = median(sums.zodParse);
  out.podsToPodMs = median(sums.toPod);
  out.podsZodOnRawJsonMs = median(sums.zodAndToPodOnJson);
  out.podsWholeParseMs = median(sums.jsonParse.map((v, i) => v + sums.zodAndToPodOnJson[i]!));
  out.podsListPageMs = median(sums.listPage);
  // The whole client-node call, for comparison with the sum of its stages.
  const core = kc.makeApiClient(CoreV1Api);
  out.podsClientNodeListMs = (
    await timeIt(runs, async () => {
      let cont: string | undefined;
      do {
        const page = await core.listPodForAllNamespaces({ limit: 500, _continue: cont });
        cont = page.metadata?._continue || undefined;
      } while (cont);
    })
  ).ms;
  out.pods = pods;
  return out;
}

async function main() {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const plan = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ProfilePlan;
  process.stdout.write(JSON.stringify(await profile(plan)));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
