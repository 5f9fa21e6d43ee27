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
  return runningServer(child, `http://127.0.0.1:${port}`, output, 'lib/server/main.mjs');
}

export interface StandaloneOptions {
  /** What node runs, relative to `dir` (default `server.js`, the standalone output's server). */
  args?: string[];
  /** Run as this user and group (only possible when the tests run as root), like the image's `USER`. */
  uid?: number;
  gid?: number;
}

/**
 * Starts a Next.js standalone directory the way the container image does (`node server.js` with
 * `HOSTNAME` and `PORT`), with `env` over a clean environment, bound to a free loopback port
 * whatever `env` says about HOSTNAME and PORT.
 */
export async function startStandaloneServer(dir: string, env: Record<string, string> = {}, options: StandaloneOptions = {}): Promise<RunningServer> {
  const port = await freePort();
  const { child, output } = spawnCollecting(options.args ?? ['server.js'], {
    cwd: dir,
    env: { ...cleanEnv(), ...env, HOSTNAME: '127.0.0.1', IDLENS_LISTEN_HOST: '127.0.0.1', PORT: String(port) },
    uid: options.uid,
    gid: options.gid,
  });
  return runningServer(child, `http://127.0.0.1:${port}`, output, `node ${(options.args ?? ['server.js']).join(' ')}`);
}

const cleanEnv = (): Record<string, string> => ({
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? '/tmp',
  NODE_ENV: 'production',
  NEXT_TELEMETRY_DISABLED: '1',
});

async function runningServer(child: ChildProcess, url: string, output: () => string, what: string): Promise<RunningServer> {
  await waitUntilReady(child, url, output, what);
  return { url, pid: child.pid, output, stop: () => stopChild(child) };
}

/** Runs node with `args`, output collected. */
function spawnCollecting(args: string[], options: { cwd: string; env: Record<string, string>; uid?: number; gid?: number }): { child: ChildProcess; output: () => string } {
  // The env always carries NODE_ENV (cleanEnv), which Next's typing of ProcessEnv requires.
  const child = spawn(process.execPath, args, { ...options, env: options.env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  return { child, output: () => output };
}

/** idlens's own HTTP entry (npm start, the container) on a free loopback port, with `env` over a clean environment. */
async function spawnNextStart(envOrFactory: ServerEnv): Promise<{ child: ChildProcess; port: number; output: () => string }> {
  const port = await freePort();
  // A function gets the server's own URL first (IDLENS_PUBLIC_URL and the like need it).
  const env = typeof envOrFactory === 'function' ? envOrFactory(`http://127.0.0.1:${port}`) : envOrFactory;
  const { child, output } = spawnCollecting([join(repoRoot, 'lib/server/main.mjs')], {
    cwd: repoRoot,
    env: { ...cleanEnv(), PORT: String(port), ...(env.IDLENS_MODE === 'server' ? { IDLENS_LISTEN_HOST: '127.0.0.1' } : {}), ...env },
  });
  return { child, port, output };
}

async function waitUntilReady(child: ChildProcess, url: string, output: () => string, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}:\n${output()}`);
    try {
      const response = await fetch(`${url}/api/health`);
      if (response.status < 500 || response.status === 503) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`${what} did not answer within 60 s:\n${output()}`);
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
