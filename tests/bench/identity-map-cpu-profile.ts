// `node --import tsx tests/bench/identity-map-cpu-profile.ts [runs]`: the map benchmark's world
// behind the stand-ins, next-server started with --cpu-prof, `runs` × GET /api/identity-map?refresh=1,
// then the profile's self time summed per function and per package (top 40). A tool for finding
// where the route's time goes; not part of `npm run bench`.
import { copyFileSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startArmStub } from '../support/arm-stub';
import { startEntraStub } from '../support/entra-stub';
import { startGraphStub } from '../support/graph-stub';
import { startKubeStub } from '../support/kube-api-stub';
import { spawn } from 'node:child_process';
import { freePort } from '../support/free-port';
import { repoRoot } from '../support/next-server';
import { BENCH_SIZE, SYNTHETIC_TENANT, syntheticSnapshot } from './identity-map.bench-case';
import { rawWorld } from './identity-map-raw-world';

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface CpuProfile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

function summarise(profile: CpuProfile, top = 40) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const perFn = new Map<string, number>();
  const perPkg = new Map<string, number>();
  for (const [id, us] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const short = url.replace(/^.*node_modules\//, 'nm:').replace(/^.*\.next\//, '.next/').replace(/^file:\/\//, '');
    perFn.set(`${functionName || '(anon)'} ${short}:${lineNumber}`, (perFn.get(`${functionName || '(anon)'} ${short}:${lineNumber}`) ?? 0) + us);
    const pkg = /nm:(@[^/]+\/[^/]+|[^/]+)/.exec(short)?.[1] ?? (short.startsWith('.next/') ? '.next (app)' : short.startsWith('node:') ? 'node:' + short.split(/[:/]/)[1] : url ? 'other' : functionName);
    perPkg.set(pkg, (perPkg.get(pkg) ?? 0) + us);
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const show = (m: Map<string, number>, n: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, us]) => `${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`).join('\n');
  console.log(`total sampled ${(total / 1000).toFixed(0)} ms\n--- per package ---\n${show(perPkg, 20)}\n--- per function (self) ---\n${show(perFn, top)}`);
}

async function main() {
  const runs = Number(process.argv[2] ?? 3);
  const world = rawWorld(syntheticSnapshot(BENCH_SIZE));
  const dir = await mkdtemp(join(tmpdir(), 'idlens-cpuprof-'));
  const kube = await startKubeStub({ serviceAccounts: world.serviceAccounts, pods: world.pods, issuer: world.issuer, jwks: world.jwks, cachePages: true });
  const entra = await startEntraStub(SYNTHETIC_TENANT);
  const arm = await startArmStub({ subscriptions: [world.arm.subscription], identities: { [world.arm.subscription]: world.arm.identities }, federatedCredentials: world.arm.federatedCredentials, pageSize: 500 });
  const graph = await startGraphStub(world.graph);
  const kubeconfig = join(dir, 'kubeconfig');
  await writeFile(kubeconfig, kube.kubeconfig(['bench']));
  const port = await freePort();
  const env = {
    IDLENS_CLUSTER: 'kubeconfig', KUBECONFIG: kubeconfig, IDLENS_KUBE_CONTEXTS: 'bench', IDLENS_LOGS: 'sample',
    IDLENS_AZURE: 'live', AZURE_TENANT_ID: SYNTHETIC_TENANT, AZURE_CLIENT_ID: '0b7e4d21-0000-4000-8000-00000000cccc', AZURE_CLIENT_SECRET: 'x',
    AZURE_AUTHORITY_HOST: entra.authorityHost, IDLENS_ARM_URL: arm.url, IDLENS_GRAPH_URL: graph.url, IDLENS_AZURE_SUBSCRIPTIONS: world.arm.subscription,
  };
  // --cpu-prof is refused in NODE_OPTIONS: next-server runs in this node process itself.
  const child = spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, join(repoRoot, 'node_modules/next/dist/bin/next'), 'start', '-H', '127.0.0.1', '-p', String(port)], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const server = {
    url: `http://127.0.0.1:${port}`,
    stop: () => new Promise<void>((resolve) => { child.once('exit', () => resolve()); child.kill('SIGTERM'); }),
  };
  for (let i = 0; ; i++) {
    try { await fetch(`${server.url}/api/health`); break; } catch { if (i > 300) throw new Error('next start did not answer'); await new Promise((r) => setTimeout(r, 200)); }
  }
  try {
    await (await fetch(`${server.url}/api/identity-map?refresh=1`)).text(); // warm-up (not excluded from the profile)
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const r = await fetch(`${server.url}/api/identity-map?refresh=1`);
      await r.text();
      console.log(`route ${r.status} ${(performance.now() - t0).toFixed(0)} ms`);
    }
  } finally {
    await server.stop();
    await Promise.all([kube, entra, arm, graph].map((s) => s.close()));
  }
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    console.log(`== ${f}`);
    summarise(JSON.parse(readFileSync(join(dir, f), 'utf8')) as CpuProfile);
    if (process.argv[3]) copyFileSync(join(dir, f), `${process.argv[3]}.${f}`); // keep it for a closer look (e.g. Chrome DevTools)
  }
  await rm(dir, { recursive: true, force: true });
}

main().catch((e) => { console.error(e); process.exit(1); });
