import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDockerfile, runtimeStage, type DockerStage } from '../support/dockerfile';
import { startKubeStub, type KubeStub } from '../support/kube-api-stub';
import { repoRoot, startStandaloneServer, type RunningServer } from '../support/next-server';

// The container image's file layout, for real, without a Docker engine: the Dockerfile's final
// stage is read, its `COPY --from=build` lines are carried out from this checkout's build into a
// temporary /app, and its CMD runs there with its ENV, as its USER (when the tests run as root),
// over a tree the app cannot write to (as with readOnlyRootFilesystem: true), with only a separate
// temporary directory writable (the /tmp emptyDir).

const stages = readDockerfile();
const runtime = runtimeStage(stages);

/** Does what the runtime stage's COPY --from lines do, into `appDir` (the stage's WORKDIR). */
function assembleImage(appDir: string, stage: DockerStage) {
  for (const copy of stage.copies) {
    const from = stages.find((s) => s.name === copy.from);
    if (!from) throw new Error(`COPY ${copy.source}: the Dockerfile copies from "${copy.from}", which is no stage of it`);
    // The build stage's WORKDIR is this checkout.
    const source = join(repoRoot, isAbsolute(copy.source) ? relative(from.workdir, copy.source) : copy.source);
    const destination = join(appDir, isAbsolute(copy.destination) ? relative(stage.workdir, copy.destination) : copy.destination);
    if (!existsSync(source)) throw new Error(`COPY --from=${copy.from} ${copy.source}: ${source} does not exist (run \`npx next build\` with output: 'standalone')`);
    cpSync(source, destination, { recursive: true, verbatimSymlinks: true });
  }
}

/** Path → size and mtime of every file under `dir`: what the server must leave unchanged. */
function fileStates(dir: string): Map<string, string> {
  const states = new Map<string, string>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    const s = statSync(path);
    states.set(relative(dir, path), entry.isDirectory() ? 'dir' : `${s.size}:${s.mtimeMs}`);
  }
  return states;
}

function makeReadOnly(dir: string) {
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    if (!entry.isSymbolicLink()) chmodSync(path, statSync(path).mode & ~0o222);
  }
  chmodSync(dir, 0o555);
}

const asRoot = process.getuid?.() === 0;
const [uid, gid] = (runtime.user ?? '').split(':').map(Number);

interface Image {
  appDir: string;
  writable: string;
  before: Map<string, string>;
}

/** A fresh /app plus a writable "/tmp" (HOME and TMPDIR), as the Deployment mounts it. */
function prepareImage(): Image {
  const appDir = mkdtempSync(join(tmpdir(), 'idlens-image-'));
  assembleImage(appDir, runtime);
  makeReadOnly(appDir);
  const writable = mkdtempSync(join(tmpdir(), 'idlens-image-tmp-'));
  chmodSync(writable, 0o1777);
  return { appDir, writable, before: fileStates(appDir) };
}

function startImage(image: Image, env: Record<string, string> = {}): Promise<RunningServer> {
  const [command, ...args] = runtime.cmd ?? [];
  if (command !== 'node') throw new Error(`The image's CMD is ${JSON.stringify(runtime.cmd)}; this test starts \`node <script>\`: adapt it`);
  return startStandaloneServer(
    image.appDir,
    // The image's ENV, then what the Deployment sets; HOSTNAME/PORT are the test's loopback port.
    { ...runtime.env, HOME: image.writable, TMPDIR: image.writable, ...env },
    { args, ...(asRoot ? { uid, gid } : {}) },
  );
}

function cleanUp(image: Image | undefined) {
  if (!image) return;
  chmodSync(image.appDir, 0o755);
  for (const entry of readdirSync(image.appDir, { recursive: true, withFileTypes: true })) {
    if (entry.isDirectory()) chmodSync(join(entry.parentPath, entry.name), 0o755);
  }
  rmSync(image.appDir, { recursive: true, force: true });
  rmSync(image.writable, { recursive: true, force: true });
}

describe('the Dockerfile', () => {
  it('runs a non-root numeric user on port 3000 with telemetry off and HOME in /tmp', () => {
    expect(runtime.user).toMatch(/^\d+:\d+$/);
    expect(uid).toBeGreaterThanOrEqual(10000);
    expect(runtime.expose).toEqual(['3000']);
    expect(runtime.env).toMatchObject({ NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', HOME: '/tmp', HOSTNAME: '0.0.0.0', PORT: '3000' });
    expect(runtime.cmd).toEqual(['node', 'lib/server/main.mjs']);
  });

  it('builds with the native toolchain better-sqlite3 needs', () => {
    const text = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');
    expect(text).toMatch(/apt-get install[^\n]*python3[^\n]*make[^\n]*g\+\+/);
    expect(text).toMatch(/npm (ci|install)/);
  });
});

describe('the image layout (standalone output + static + public) runs', () => {
  let image: Image | undefined;
  let server: RunningServer | undefined;
  beforeAll(async () => {
    image = prepareImage();
    server = await startImage(image);
  });
  afterAll(async () => {
    await server?.stop();
    cleanUp(image);
  });

  it('carries the server external packages, with the compiled better-sqlite3 addon', () => {
    const modules = join(image!.appDir, 'node_modules');
    for (const p of ['@kubernetes/client-node/package.json', '@azure/msal-node/package.json', 'better-sqlite3/package.json', 'next/package.json']) {
      expect(existsSync(join(modules, p)), `${p} in the image`).toBe(true);
    }
    expect(existsSync(join(modules, 'better-sqlite3/build/Release/better_sqlite3.node'))).toBe(true);
  });

  it('serves the overview, its static assets, public files and /api/health with the sample environment', async () => {
    const page = await fetch(`${server!.url}/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const asset = /\/_next\/static\/[^"']+\.js/.exec(html)?.[0];
    expect(asset, 'the page references a static chunk').toBeDefined();
    expect((await fetch(`${server!.url}${asset}`)).status).toBe(200);
    expect((await fetch(`${server!.url}/screenshots/map.png`)).status).toBe(200);

    const health = await fetch(`${server!.url}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', sources: { cluster: { mode: 'sample', ok: true }, azure: { mode: 'sample', ok: true } } });
    expect((await fetch(`${server!.url}/api/identity-map`)).status).toBe(200);
  });

  it.runIf(asRoot)('runs as the image\'s USER', () => {
    const status = readFileSync(`/proc/${server!.pid}/status`, 'utf8');
    expect(status).toMatch(new RegExp(`^Uid:\\s+${uid}\\s`, 'm'));
    expect(status).toMatch(new RegExp(`^Gid:\\s+${gid}\\s`, 'm'));
  });

  it('writes nothing into /app (read-only root filesystem) and logs no permission error', () => {
    const after = fileStates(image!.appDir);
    const changed = [...after].filter(([path, state]) => image!.before.get(path) !== state).map(([path]) => path);
    expect(changed).toEqual([]);
    expect(server!.output()).not.toMatch(/EACCES|EROFS|EPERM/);
  });
});

describe('the image layout loads its native and external modules', () => {
  let image: Image | undefined;
  let server: RunningServer | undefined;
  let kube: KubeStub | undefined;
  let inputs: string | undefined;
  const correlationId = 'c0ffee00-1111-4222-8333-444455556666';
  beforeAll(async () => {
    image = prepareImage();
    kube = await startKubeStub({
      serviceAccounts: [{ metadata: { name: 'idlens', namespace: 'idlens', uid: 'u1' } }],
      pods: [],
      issuer: 'https://westeurope.oic.prod-aks.azure.com/00000000-0000-0000-0000-000000000001/11111111-2222-3333-4444-555555555555/',
      jwks: { keys: [] },
    });
    inputs = mkdtempSync(join(tmpdir(), 'idlens-image-inputs-'));
    chmodSync(inputs, 0o755);
    writeFileSync(join(inputs, 'kubeconfig'), kube.kubeconfig(), { mode: 0o644 });
    mkdirSync(join(inputs, 'logs'), { mode: 0o755 });
    const lines = Array.from({ length: 50 }, (_, i) =>
      JSON.stringify({ time: new Date(Date.UTC(2026, 10, 1, 10, 0, i)).toISOString(), service: 'consumer', level: 'info', msg: `step ${i}`, correlationId: i % 5 ? `other-${i}` : correlationId }),
    );
    writeFileSync(join(inputs, 'logs', 'consumer.log'), lines.join('\n') + '\n', { mode: 0o644 });
    server = await startImage(image, { IDLENS_CLUSTER: 'kubeconfig', KUBECONFIG: join(inputs, 'kubeconfig'), IDLENS_LOGS: join(inputs, 'logs') });
  });
  afterAll(async () => {
    await server?.stop();
    await kube?.close();
    cleanUp(image);
    if (inputs) rmSync(inputs, { recursive: true, force: true });
  });

  it('reads the cluster with @kubernetes/client-node', async () => {
    const health = await (await fetch(`${server!.url}/api/health`)).json();
    expect(health.sources.cluster).toMatchObject({ mode: expect.stringContaining('kubeconfig'), ok: true });
    const map = await (await fetch(`${server!.url}/api/identity-map`)).json();
    expect(map.nodes.map((n: { id: string }) => n.id)).toContain('sa:idlens/idlens');
  });

  it('builds the correlation index with better-sqlite3, in the writable /tmp only', async () => {
    const trace = await fetch(`${server!.url}/api/traces/${correlationId}`);
    expect(trace.status).toBe(200);
    expect((await trace.json()).events).toHaveLength(10);
    const indexDir = join(image!.writable, 'idlens-index');
    const deadline = Date.now() + 20_000;
    while (!(existsSync(indexDir) && readdirSync(indexDir).some((f) => f.endsWith('.sqlite'))) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(readdirSync(indexDir).filter((f) => f.endsWith('.sqlite'))).toHaveLength(1);
    expect(server!.output()).not.toMatch(/better-sqlite3|EACCES|EROFS|Cannot find module/);
  });
});
