import 'server-only';
import { parseEnv } from './config-schema.mjs';

// The only reader of process.env. Parsed on first use at run time (never at build time), so one
// build serves `sample` or a snapshot directory depending on the environment it starts in;
// next.config.js runs the same parse when the server starts and refuses to start on bad values.

type Parsed = ReturnType<typeof parseEnv>;
export type Config = Extract<Parsed, { ok: true }>['config'];
export type LogSourceSpec = Exclude<Config['IDLENS_LOGS'], 'sample'>[number];

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

let cached: Config | undefined;

export function getConfig(): Config {
  if (cached) return cached;
  const parsed = parseEnv(process.env);
  if (!parsed.ok) throw new ConfigError(parsed.problems);
  cached = parsed.config;
  return cached;
}

/** True for a source set to the built-in sample world (`IDLENS_CLUSTER=sample`, `IDLENS_AZURE=sample`). */
export function isSampleSource(source: Config['IDLENS_CLUSTER'] | Config['IDLENS_AZURE']): boolean {
  return source.kind === 'mode' && source.mode === 'sample';
}

/** Short human description of each source's mode, as /api/health reports it. */
export function describeModes(config: Config): { cluster: string; azure: string; logs: string } {
  const mode = (m: Config['IDLENS_CLUSTER'] | Config['IDLENS_AZURE']) =>
    m.kind === 'mode' ? m.mode : `snapshot:${m.directory}`;
  const logs = config.IDLENS_LOGS;
  return {
    cluster: mode(config.IDLENS_CLUSTER),
    azure: mode(config.IDLENS_AZURE),
    logs: logs === 'sample' ? 'sample' : logs.map((s) => s.kind).join(','),
  };
}
