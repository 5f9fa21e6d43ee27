import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './next-server';

// Reads the repository's Dockerfile just enough for the tests to do what its final stage does:
// the files it copies from the build stage, its environment, user and command. No Docker engine
// is needed (nor available here).

export interface DockerStage {
  name?: string;
  workdir: string;
  env: Record<string, string>;
  /** `COPY --from=<stage> <source> <destination>` lines. */
  copies: Array<{ from?: string; source: string; destination: string }>;
  user?: string;
  expose: string[];
  /** Exec-form CMD. */
  cmd?: string[];
}

/** Instructions with their continuation lines joined, comments dropped. */
function instructions(text: string): Array<{ op: string; args: string }> {
  const out: Array<{ op: string; args: string }> = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!pending && (line === '' || line.startsWith('#'))) continue;
    if (pending && line.startsWith('#')) continue;
    if (line.endsWith('\\')) {
      pending += line.slice(0, -1) + ' ';
      continue;
    }
    const full = (pending + line).trim();
    pending = '';
    const m = /^(\S+)\s*(.*)$/.exec(full);
    if (m) out.push({ op: m[1]!.toUpperCase(), args: m[2]! });
  }
  return out;
}

/** `KEY=value KEY2="value 2"` (the ENV form the Dockerfile uses). */
function parseEnv(args: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const m of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("([^"]*)"|\S*)/g)) env[m[1]!] = m[3] ?? m[2]!;
  return env;
}

export function readDockerfile(path = join(repoRoot, 'Dockerfile')): DockerStage[] {
  const stages: DockerStage[] = [];
  let stage: DockerStage | undefined;
  for (const { op, args } of instructions(readFileSync(path, 'utf8'))) {
    if (op === 'FROM') {
      const m = /\bAS\s+(\S+)\s*$/i.exec(args);
      // `FROM <earlier stage>` starts from that stage's WORKDIR and ENV.
      const base = stages.find((s) => s.name === args.split(/\s+/)[0]);
      stage = { name: m?.[1], workdir: base?.workdir ?? '/', env: { ...base?.env }, copies: [], expose: [] };
      stages.push(stage);
      continue;
    }
    if (!stage) continue;
    switch (op) {
      case 'WORKDIR':
        stage.workdir = args.startsWith('/') ? args : join(stage.workdir, args);
        break;
      case 'ENV':
        Object.assign(stage.env, parseEnv(args));
        break;
      case 'COPY': {
        const words = args.split(/\s+/);
        const from = words.find((w) => w.startsWith('--from='))?.slice('--from='.length);
        const paths = words.filter((w) => !w.startsWith('--'));
        const destination = paths.pop()!;
        for (const source of paths) stage.copies.push({ from, source, destination });
        break;
      }
      case 'USER':
        stage.user = args;
        break;
      case 'EXPOSE':
        stage.expose.push(...args.split(/\s+/));
        break;
      case 'CMD':
        stage.cmd = JSON.parse(args) as string[];
        break;
    }
  }
  return stages;
}

/** The last stage: what the image runs. */
export function runtimeStage(stages = readDockerfile()): DockerStage {
  const last = stages.at(-1);
  if (!last) throw new Error('Dockerfile has no FROM');
  return last;
}
