import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildIdentityMap } from '@/lib/domain/identity-map';
import { startArmStub } from '../support/arm-stub';
import { startEntraStub } from '../support/entra-stub';
import { startGraphStub } from '../support/graph-stub';
import { startKubeStub } from '../support/kube-api-stub';
import { repoRoot, startServer } from '../support/next-server';
import type { StubServer } from '../support/stub-server';
import { BENCH_SIZE, SYNTHETIC_TENANT, syntheticSnapshot } from './identity-map.bench-case';
import { rawWorld } from './identity-map-raw-world';
import type { ProfilePlan, ProfileResult } from './identity-map-profile';
import type { TransferPlan, TransferResult, TransferStep } from './identity-map-transfer';

// Issue #3 goals: with 10,000 ServiceAccounts, 30,000 pods and 10,000 FICs served by the loopback
// stand-ins in 500-item pages, GET /api/identity-map answers within 3× the raw HTTP transfer time
// of the same pages (measured in this run, in a separate process, like next-server); the domain
// analysis alone under 300 ms; peak memory printed; the browser gets a slim projection.

const PAGE_SIZE = 500; // the cluster source's KUBE_PAGE_SIZE, and ARM pages of the stand-in
const ROUTE_RUNS = 5;
const TRANSFER_RUNS = 3;
const DOMAIN_RUNS = 5;
const SOURCE_CONCURRENCY = 4; // DEFAULT_CONCURRENCY of lib/sources/azure/azure-rest.ts
const ARM_IDENTITY_API = '2023-01-31';
const CLIENT_ID = '0b7e4d21-0000-4000-8000-00000000cccc';
/** Strings of raw Kubernetes objects that the slim projection must not carry to the browser. */
const RAW_MARKERS = ['managedFields', 'ownerReferences', 'resourceVersion', 'containerStatuses', 'imageID', 'livenessProbe', 'tolerations', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'meta.helm.sh', 'containerd://'];

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const ms = (n: number) => Math.round(n * 10) / 10;
const mb = (bytes: number) => Math.round(bytes / 1024 / 102.4) / 10;

interface DomainResult {
  coldMs: number;
  medianMs: number;
  maxMs: number;
  rssBeforeMB: number;
  rssAfterMB: number;
  heapUsedBeforeMB: number;
  heapUsedAfterMB: number;
  nodes: number;
  edges: number;
  findings: number;
}

function benchDomain(snapshot: ReturnType<typeof syntheticSnapshot>): DomainResult {
  global.gc?.();
  const before = process.memoryUsage();
  let t0 = performance.now();
  let map = buildIdentityMap(snapshot.cluster, snapshot.azure, { azureAvailable: true });
  const coldMs = performance.now() - t0;
  for (let i = 0; i < 2; i++) buildIdentityMap(snapshot.cluster, snapshot.azure, { azureAvailable: true });
  const times: number[] = [];
  for (let i = 0; i < DOMAIN_RUNS; i++) {
    t0 = performance.now();
    map = buildIdentityMap(snapshot.cluster, snapshot.azure, { azureAvailable: true });
    times.push(performance.now() - t0);
  }
  const after = process.memoryUsage();
  return {
    coldMs,
    medianMs: median(times),
    maxMs: Math.max(...times),
    rssBeforeMB: mb(before.rss),
    rssAfterMB: mb(after.rss),
    heapUsedBeforeMB: mb(before.heapUsed),
    heapUsedAfterMB: mb(after.heapUsed),
    nodes: map.nodes.length,
    edges: map.edges.length,
    findings: map.findings.length,
  };
}

/** VmHWM (peak resident set) and VmRSS of a process and its descendants, in MB. */
function memoryOfTree(pid: number): { peakMB: number; rssMB: number; pids: number[] } {
  const pids = [pid];
  for (let i = 0; i < pids.length; i++) {
    try {
      const children = readFileSync(`/proc/${pids[i]}/task/${pids[i]}/children`, 'utf8').trim();
      if (children) pids.push(...children.split(/\s+/).map(Number));
    } catch {
      // gone
    }
  }
  let peak = 0;
  let rss = 0;
  for (const p of pids) {
    try {
      const status = readFileSync(`/proc/${p}/status`, 'utf8');
      peak += Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
      rss += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    } catch {
      // gone
    }
  }
  return { peakMB: Math.round(peak / 102.4) / 10, rssMB: Math.round(rss / 102.4) / 10, pids };
}

/** CPU time (user + system, all threads) used so far by a process tree, in ms (/proc/<pid>/stat). */
function cpuOfTree(pids: number[]): number {
  const tick = 1000 / 100; // USER_HZ is 100 on Linux
  let total = 0;
  for (const p of pids) {
    try {
      const fields = readFileSync(`/proc/${p}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
      total += (Number(fields[11]) + Number(fields[12])) * tick; // utime, stime (fields 14, 15 of stat)
    } catch {
      // gone
    }
  }
  return total;
}

/** Runs a child benchmark script (its own process, like next-server) with `input` on stdin; resolves with its JSON output. */
async function runChild<T>(script: string, input: unknown, nodeArgs: string[] = []): Promise<T> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', join(import.meta.dirname, script)], { cwd: repoRoot, stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stdin.end(JSON.stringify(input));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`${script} exited with ${code}`);
  return JSON.parse(out) as T;
}

/** The pages the sources read, as URLs: found by walking each list once with its paging tokens. */
async function transferPlan(kube: string, arm: string, graph: string, world: ReturnType<typeof rawWorld>): Promise<TransferPlan> {
  const headers = { authorization: 'Bearer bench-transfer', accept: 'application/json' };
  const walk = async (first: string, nextOf: (body: Record<string, unknown>, url: URL) => string | undefined) => {
    const urls: string[] = [];
    let url: string | undefined = first;
    while (url) {
      urls.push(url);
      const body = (await (await fetch(url, { headers })).json()) as Record<string, unknown>;
      url = nextOf(body, new URL(url));
    }
    return urls;
  };
  const kubeNext = (body: Record<string, unknown>, url: URL) => {
    const cont = (body.metadata as { continue?: string }).continue;
    if (!cont) return undefined;
    const next = new URL(url);
    next.searchParams.set('continue', cont);
    return next.href;
  };
  const armNext = (body: Record<string, unknown>) => body.nextLink as string | undefined;
  const graphNext = (body: Record<string, unknown>) => body['@odata.nextLink'] as string | undefined;

  const serviceAccounts = await walk(`${kube}/api/v1/serviceaccounts?limit=${PAGE_SIZE}`, kubeNext);
  const pods = await walk(`${kube}/api/v1/pods?limit=${PAGE_SIZE}`, kubeNext);
  const identities = await walk(`${arm}/subscriptions/${world.arm.subscription}/providers/Microsoft.ManagedIdentity/userAssignedIdentities?api-version=${ARM_IDENTITY_API}`, armNext);
  const fics: string[] = [];
  for (const id of world.arm.identityIds) fics.push(...(await walk(`${arm}${encodeURI(id)}/federatedIdentityCredentials?api-version=${ARM_IDENTITY_API}`, armNext)));
  const applications = await walk(`${graph}/v1.0/applications?$select=id,appId,displayName,identifierUris,appRoles&$top=999`, graphNext);
  const graphRest: string[] = [];
  for (const app of world.graph.applications as Array<{ id: string }>) graphRest.push(...(await walk(`${graph}/v1.0/applications/${app.id}/federatedIdentityCredentials`, graphNext)));
  for (const sp of world.graph.servicePrincipals) {
    graphRest.push(`${graph}/v1.0/servicePrincipals(appId='${sp.appId}')?$select=id,appId`);
    graphRest.push(...(await walk(`${graph}/v1.0/servicePrincipals/${sp.id}/appRoleAssignedTo`, graphNext)));
  }
  const step = (name: string, urls: string[], concurrency = 1): TransferStep => ({ name, urls, concurrency });
  return {
    headers,
    lanes: [
      [step('kube serviceaccounts', serviceAccounts)],
      [step('kube pods', pods)],
      [step('kube oidc', [`${kube}/.well-known/openid-configuration`, `${kube}/openid/v1/jwks`])],
      [step('arm identities', identities), step('arm fics', fics, SOURCE_CONCURRENCY)],
      [step('graph applications', applications), step('graph fics+sp+assignments', graphRest, SOURCE_CONCURRENCY)],
    ],
    runs: TRANSFER_RUNS,
  };
}

async function timeRoute(url: string, headers: Record<string, string> = {}): Promise<{ ms: number; headersMs: number; text: string; status: number; timing: string }> {
  const t0 = performance.now();
  const response = await fetch(url, { headers });
  const headersMs = performance.now() - t0;
  const text = await response.text();
  return { ms: performance.now() - t0, headersMs, text, status: response.status, timing: response.headers.get('server-timing') ?? '' };
}

/** What a browser receives: bytes on the wire with `accept-encoding: gzip, deflate, br`, and the encoding used. */
function wireSize(url: string): Promise<{ bytes: number; encoding: string; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    get(url, { headers: { 'accept-encoding': 'gzip, deflate, br' } }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => resolve({ bytes, encoding: String(res.headers['content-encoding'] ?? 'identity'), ms: performance.now() - t0 }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

interface MapBody {
  nodes: Array<{ id: string; kind: string; data: unknown }>;
  edges: unknown[];
  findings: Array<{ code: string }>;
  sources: { cluster: { ok: boolean; error?: unknown }; azure: { ok: boolean; error?: unknown; missing?: string[] } };
}

export async function benchIdentityMap(): Promise<Record<string, number>> {
  // 4. The domain analysis alone, in this process, before the raw world takes memory.
  const snapshot = syntheticSnapshot(BENCH_SIZE);
  const domain = benchDomain(snapshot);
  console.log(
    `map: domain buildIdentityMap(${snapshot.cluster.serviceAccounts.length} SAs, ${snapshot.cluster.pods.length} pods, ${snapshot.azure.federatedCredentials.length} FICs, ${snapshot.azure.identities.length} identities) → ${domain.nodes} nodes, ${domain.edges} edges, ${domain.findings} findings`,
  );
  console.log(
    `map: domain analysis cold ${ms(domain.coldMs)} ms, warm median ${ms(domain.medianMs)} ms of ${DOMAIN_RUNS} (max ${ms(domain.maxMs)}) (goal < 300 ms); this process rss ${domain.rssBeforeMB} → ${domain.rssAfterMB} MB, heapUsed ${domain.heapUsedBeforeMB} → ${domain.heapUsedAfterMB} MB`,
  );

  // 1. The same world as the upstreams send it, served in 500-item pages.
  const t0 = performance.now();
  const world = rawWorld(snapshot);
  const podJsonBytes = Buffer.byteLength(JSON.stringify(world.pods[0]));
  const saJsonBytes = Buffer.byteLength(JSON.stringify(world.serviceAccounts[0]));
  console.log(`map: raw world generated in ${ms(performance.now() - t0)} ms: one pod ${podJsonBytes} B, one ServiceAccount ${saJsonBytes} B of JSON`);

  const stubs: StubServer[] = [];
  const dir = await mkdtemp(join(tmpdir(), 'idlens-map-bench-'));
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  try {
    const kube = await startKubeStub({ serviceAccounts: world.serviceAccounts, pods: world.pods, issuer: world.issuer, jwks: world.jwks, cachePages: true });
    const entra = await startEntraStub(SYNTHETIC_TENANT);
    const arm = await startArmStub({
      subscriptions: [world.arm.subscription],
      identities: { [world.arm.subscription]: world.arm.identities },
      federatedCredentials: world.arm.federatedCredentials,
      pageSize: PAGE_SIZE,
    });
    const graph = await startGraphStub(world.graph);
    stubs.push(kube, entra, arm, graph);

    // 2. Baseline: the raw transfer of the same pages, in a child process.
    const plan = await transferPlan(kube.url, arm.url, graph.url, world);
    const transfer = await runChild<TransferResult>('identity-map-transfer.ts', plan);
    for (const [name, t] of Object.entries(transfer.steps)) {
      console.log(`map: raw transfer  ${name.padEnd(26)} ${String(t.requests).padStart(5)} requests ${String(mb(t.bytes)).padStart(7)} MB ${String(ms(t.ms)).padStart(8)} ms`);
    }
    const line = (label: string, t: { ms: number; bytes: number; requests: number }) =>
      console.log(`map: ${label.padEnd(44)} ${String(ms(t.ms)).padStart(8)} ms  (${t.requests} requests, ${mb(t.bytes)} MB)`);
    line('raw transfer, every page one after another', transfer.sequentialRead);
    line('  … plus JSON.parse of every page', transfer.sequentialParse);
    line('raw transfer, shaped as the sources read', transfer.shapedRead);
    line('  … plus JSON.parse of every page', transfer.shapedParse);

    // 3. The real server against the stand-ins.
    const kubeconfig = join(dir, 'kubeconfig');
    await writeFile(kubeconfig, kube.kubeconfig(['bench']));
    const azureEnv = {
      IDLENS_AZURE: 'live',
      AZURE_TENANT_ID: SYNTHETIC_TENANT,
      AZURE_CLIENT_ID: CLIENT_ID,
      AZURE_CLIENT_SECRET: 'bench-secret',
      AZURE_AUTHORITY_HOST: entra.authorityHost,
      IDLENS_ARM_URL: arm.url,
      IDLENS_GRAPH_URL: graph.url,
      IDLENS_AZURE_SUBSCRIPTIONS: world.arm.subscription,
    };
    server = await startServer({ IDLENS_CLUSTER: 'kubeconfig', KUBECONFIG: kubeconfig, IDLENS_KUBE_CONTEXTS: 'bench', IDLENS_LOGS: 'sample', ...azureEnv });
    const memoryAtStart = server.pid ? memoryOfTree(server.pid) : undefined;
    const routeUrl = `${server.url}/api/identity-map?refresh=1`;
    const warm = await timeRoute(routeUrl);
    if (warm.status !== 200) throw new Error(`/api/identity-map answered ${warm.status}: ${warm.text.slice(0, 500)}\n${server.output()}`);
    const kubeRequestsBefore = kube.requests.length;
    const serverPids = server.pid ? memoryOfTree(server.pid).pids : [];
    const serverCpuBefore = cpuOfTree(serverPids);
    const standInCpuBefore = process.cpuUsage();
    const routeTimes: number[] = [];
    let last = warm;
    for (let i = 0; i < ROUTE_RUNS; i++) {
      last = await timeRoute(routeUrl);
      if (last.status !== 200) throw new Error(`/api/identity-map answered ${last.status}`);
      routeTimes.push(last.ms);
      console.log(`map: route run ${i + 1}: ${ms(last.ms)} ms (headers at ${ms(last.headersMs)} ms); server-timing ${last.timing}`);
    }
    const kubeRequestsPerRun = (kube.requests.length - kubeRequestsBefore) / ROUTE_RUNS;
    const serverCpuPerRun = (cpuOfTree(serverPids) - serverCpuBefore) / ROUTE_RUNS;
    const standInUsage = process.cpuUsage(standInCpuBefore);
    const standInCpuPerRun = (standInUsage.user + standInUsage.system) / 1000 / ROUTE_RUNS;
    const wire = await wireSize(routeUrl);
    const memory = server.pid ? memoryOfTree(server.pid) : undefined;
    await server.stop();
    server = undefined;

    const body = JSON.parse(last.text) as MapBody;
    if (!body.sources.cluster.ok || !body.sources.azure.ok) throw new Error(`a source failed: ${JSON.stringify(body.sources)}`);
    const responseBytes = Buffer.byteLength(last.text);
    const byKind: Record<string, number> = {};
    let largest = { bytes: 0, id: '' };
    for (const node of body.nodes) {
      byKind[node.kind] = (byKind[node.kind] ?? 0) + 1;
      const bytes = Buffer.byteLength(JSON.stringify(node));
      if (bytes > largest.bytes) largest = { bytes, id: node.id };
    }
    const nodesBytes = Buffer.byteLength(JSON.stringify(body.nodes));
    const rawFound = RAW_MARKERS.filter((m) => last.text.includes(m));
    const routeMs = median(routeTimes);
    const raw = transfer.shapedRead.ms;

    console.log(`map: GET /api/identity-map?refresh=1 warm-up ${ms(warm.ms)} ms; then ${routeTimes.map(ms).join(', ')} ms → median ${ms(routeMs)} ms (${kubeRequestsPerRun} Kubernetes requests per map request)`);
    console.log(
      `map: route / raw transfer = ${ms(routeMs)} / ${ms(raw)} ms = ${(routeMs / raw).toFixed(2)}× (goal ≤ 3×); vs raw+JSON.parse ${(routeMs / transfer.shapedParse.ms).toFixed(2)}×; vs every page one after another ${(routeMs / transfer.sequentialRead.ms).toFixed(2)}×`,
    );
    const cores = availableParallelism();
    const cpuFloor = (serverCpuPerRun + standInCpuPerRun) / cores;
    console.log(
      `map: CPU per map request: next-server ${ms(serverCpuPerRun)} ms (all threads), the stand-ins and this client ${ms(standInCpuPerRun)} ms; on ${cores} cores no schedule answers before (sum / cores) ${ms(cpuFloor)} ms = ${(cpuFloor / raw).toFixed(2)}× the raw transfer`,
    );
    console.log(
      `map: response ${mb(responseBytes)} MB for ${body.nodes.length} nodes (${Object.entries(byKind).map(([k, n]) => `${n} ${k}`).join(', ')}), ${body.edges.length} edges, ${body.findings.length} findings; ${Math.round(nodesBytes / body.nodes.length)} B per node on average, largest node ${largest.bytes} B (${largest.id}); upstream pages were ${mb(transfer.shapedRead.bytes)} MB → ${((responseBytes / transfer.shapedRead.bytes) * 100).toFixed(1)}%`,
    );
    console.log(`map: on the wire to a browser (accept-encoding gzip, deflate, br): ${mb(wire.bytes)} MB, content-encoding ${wire.encoding}, ${ms(wire.ms)} ms for that request`);
    console.log(`map: raw Kubernetes fields in the response: ${rawFound.length ? `FOUND ${rawFound.join(', ')}` : `none of ${RAW_MARKERS.length} markers (${RAW_MARKERS.slice(0, 4).join(', ')}, …)`}`);
    if (memory) {
      console.log(`map: next-server peak memory (VmHWM, ${memory.pids.length} process${memory.pids.length > 1 ? 'es' : ''}) ${memory.peakMB} MB; RSS ${memoryAtStart?.rssMB} MB after start, ${memory.rssMB} MB after ${ROUTE_RUNS + 1} map requests`);
    }

    // Where the route's time goes: the same sources and stages in a child process, stage by stage.
    let breakdown: ProfileResult | undefined;
    if (routeMs / raw > 3) {
      const podPages = plan.lanes.flat().find((s) => s.name === 'kube pods')!.urls;
      breakdown = await runChild<ProfileResult>('identity-map-profile.ts', { kubeconfigText: kube.kubeconfig(['bench']), podPageUrls: podPages, env: azureEnv, runs: 3 } satisfies ProfilePlan, [
        '--conditions',
        'react-server',
      ]);
      const b = breakdown;
      const row = (label: string, value: number) => console.log(`map: breakdown  ${label.padEnd(64)} ${String(ms(value)).padStart(8)} ms`);
      console.log(`map: the route missed its goal; where the time goes (same sources in one process, medians of 3):`);
      // tsx cannot load the parsing worker (.ts in a worker thread on Node 20): this child parses in-thread, next-server in its worker.
      row('cluster source list() (SAs ∥ pods ∥ OIDC; parsed in-thread here)', b.clusterSourceMs!);
      row('azure source list() (ARM identities → 1000 FIC lists at 4, Graph)', b.azureSourceMs!);
      row('  of which: 1000 × msal getToken from its cache (one per ARM call)', b.azureGetToken1000Ms!);
      row('both sources in parallel (as the route)', b.bothSourcesParallelMs!);
      row('buildIdentityMap on their result', b.domainMs!);
      row(`JSON.stringify of the response (${mb(b.responseBytes!)} MB)`, b.responseStringifyMs!);
      row(`gzip of that JSON (zlib default level, → ${mb(b.responseGzipBytes!)} MB)`, b.responseGzipMs!);
      row(`pods: client-node listPodForAllNamespaces, ${b.pods} pods in pages of 500 (whole call)`, b.podsClientNodeListMs!);
      console.log(`map: breakdown  the same ${b.pods} pods stage by stage, summed over the pages:`);
      row('  plain fetch + text() (undici)', b.podsPlainFetchTextMs!);
      row('  client-node HTTP stack (auth, agent, node-fetch) + text()', b.podsClientNodeSendTextMs!);
      row('  JSON.parse', b.podsJsonParseMs!);
      row('  ObjectSerializer.deserialize → V1Pod instances (client-node)', b.podsDeserializeMs!);
      row('  plain() = JSON.parse(JSON.stringify(instance)) (kube-cluster-source)', b.podsPlainRoundTripMs!);
      row('  podObject.parse (zod)', b.podsZodParseMs!);
      row('  toPod', b.podsToPodMs!);
      row('  instead of deserialize+plain+zod+toPod: zod + toPod on the JSON', b.podsZodOnRawJsonMs!);
      row('  JSON.parse + zod + toPod of the whole pages', b.podsWholeParseMs!);
      row("  the route's parse: pruned to the schemas' members, then JSON.parse + zod + toPod", b.podsListPageMs!);
    }

    return {
      ...(breakdown ? Object.fromEntries(Object.entries(breakdown).map(([k, v]) => [`map.breakdown.${k}`, ms(v)])) : {}),
      'map.domainColdMs': ms(domain.coldMs),
      'map.domainMedianMs': ms(domain.medianMs),
      'map.domainMaxMs': ms(domain.maxMs),
      'map.domainRssBeforeMB': domain.rssBeforeMB,
      'map.domainRssAfterMB': domain.rssAfterMB,
      'map.domainHeapUsedBeforeMB': domain.heapUsedBeforeMB,
      'map.domainHeapUsedAfterMB': domain.heapUsedAfterMB,
      'map.rawTransferSequentialMs': ms(transfer.sequentialRead.ms),
      'map.rawTransferSequentialParseMs': ms(transfer.sequentialParse.ms),
      'map.rawTransferMs': ms(transfer.shapedRead.ms),
      'map.rawTransferParseMs': ms(transfer.shapedParse.ms),
      'map.rawTransferMB': mb(transfer.shapedRead.bytes),
      'map.rawTransferRequests': transfer.shapedRead.requests,
      'map.routeWarmupMs': ms(warm.ms),
      'map.routeMedianMs': ms(routeMs),
      'map.serverCpuPerRouteMs': ms(serverCpuPerRun),
      'map.standInCpuPerRouteMs': ms(standInCpuPerRun),
      'map.cpuFloorMs': ms(cpuFloor),
      'map.routeToRawRatio': Math.round((routeMs / raw) * 100) / 100,
      'map.responseBytes': responseBytes,
      'map.responseWireBytes': wire.bytes,
      'map.responseWireMs': ms(wire.ms),
      'map.nodes': body.nodes.length,
      'map.edges': body.edges.length,
      'map.findings': body.findings.length,
      'map.bytesPerNode': Math.round(nodesBytes / body.nodes.length),
      'map.largestNodeBytes': largest.bytes,
      'map.rawMarkersInResponse': rawFound.length,
      ...(memory ? { 'map.serverPeakMB': memory.peakMB, 'map.serverRssMB': memory.rssMB } : {}),
    };
  } finally {
    await server?.stop();
    await Promise.all(stubs.map((s) => s.close()));
    await rm(dir, { recursive: true, force: true });
  }
}
