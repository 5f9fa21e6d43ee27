import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './free-port';

export const repoRoot = join(import.meta.dirname, '..', '..');

export interface RunningServer {
  url: string;
  /** Process id of the server process (benchmarks read its memory from /proc). */
  pid?: number;
  /** Everything the server printed so far (stdout + stderr). */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts the real, built server (`node lib/server/main.mjs`, which serves Next.js) on a free loopback port with `env` layered
 * over a clean environment, and waits until it answers. Started through node directly, not npx:
 * killing npx would orphan next-server, which keeps the port.
 */
export type ServerEnv = Record<string, string> | ((url: string) => Record<string, string>);

export async function startServer(env: ServerEnv = {}): Promise<RunningServer> {
  if (!existsSync(join(repoRoot, '.next', 'BUILD_ID'))) {
    throw new Error('No production build: run `npm run build` first (npm test does it for you).');
  }
  const { child, port, output } = await spawnNextStart(env);
  const url = `http://127.0.0.1:${port}`;
  await waitUntilReady(child, url, output);
  return { url, pid: child.pid, output, stop: () => stopChild(child) };
}

/** The server on a free loopback port, with `env` over a clean environment; output collected. */
async function spawnNextStart(envOrFactory: ServerEnv): Promise<{ child: ChildProcess; port: number; output: () => string }> {
  const port = await freePort();
  // A function gets the server's own URL first (IDLENS_PUBLIC_URL and the like need it).
  const env = typeof envOrFactory === 'function' ? envOrFactory(`http://127.0.0.1:${port}`) : envOrFactory;
  // idlens's own HTTP entry (npm start, the container): it validates the configuration and binds.
  const child = spawn(process.execPath, [join(repoRoot, 'lib/server/main.mjs')], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', PORT: String(port), ...(env.IDLENS_MODE === 'server' ? { IDLENS_LISTEN_HOST: '127.0.0.1' } : {}), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  return { child, port, output: () => output };
}

async function waitUntilReady(child: ChildProcess, url: string, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}:\n${output()}`);
    try {
      const response = await fetch(`${url}/api/health`);
      if (response.status < 500 || response.status === 503) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`the server did not answer within 60 s:\n${output()}`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** Runs the server expecting it to refuse to start; resolves with its exit code and output. */
export async function startServerExpectingFailure(env: ServerEnv): Promise<{ code: number | null; output: string }> {
  const { child, output } = await spawnNextStart(env);
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  return { code, output: output() };
}
