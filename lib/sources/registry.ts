import 'server-only';
import { type Config, getConfig } from '@/lib/config';
import type { JsonWebKeySet } from '@/lib/domain/model';
import type { AzureSource } from './azure/azure-source';
import { SampleAzureSource } from './azure/sample-azure-source';
import { SnapshotAzureSource } from './azure/snapshot-azure-source';
import type { ClusterSource } from './cluster/cluster-source';
import { SampleClusterSource } from './cluster/sample-cluster-source';
import { SnapshotClusterSource } from './cluster/snapshot-cluster-source';
import type { LogSource } from './logs/log-source';
import { SampleLogSource } from './logs/sample-log-source';
import { SourceError } from './source-error';

// Builds the configured sources once per server process. Everything above this file (routes,
// domain) only sees the ClusterSource / AzureSource / LogSource interfaces.

export interface Sources {
  cluster: ClusterSource;
  azure: AzureSource;
  logs: LogSource[];
}

/** A configured mode this build cannot serve yet: every call fails with a plain explanation. */
class NotBuiltClusterSource implements ClusterSource {
  constructor(readonly mode: string) {}
  async list(): Promise<never> {
    throw new SourceError('config:cluster', `IDLENS_CLUSTER=${this.mode}: reading a live cluster is not built yet in this version. Use IDLENS_CLUSTER=sample or a snapshot directory (see README).`);
  }
  async jwksFor(): Promise<JsonWebKeySet | undefined> {
    return undefined;
  }
}

class NotBuiltAzureSource implements AzureSource {
  readonly mode = 'live';
  async list(): Promise<never> {
    throw new SourceError('config:azure', 'IDLENS_AZURE=live: reading Azure is not built yet in this version. Use IDLENS_AZURE=sample or a snapshot directory (see README).');
  }
  async localEntraJwksFor(): Promise<JsonWebKeySet | undefined> {
    return undefined;
  }
}

function clusterSource(config: Config): ClusterSource {
  const c = config.IDLENS_CLUSTER;
  if (c.kind === 'snapshot') return new SnapshotClusterSource(c.directory);
  if (c.mode === 'sample') return new SampleClusterSource();
  return new NotBuiltClusterSource(c.mode);
}

function azureSource(config: Config): AzureSource {
  const a = config.IDLENS_AZURE;
  if (a.kind === 'snapshot') return new SnapshotAzureSource(a.directory);
  if (a.mode === 'sample') return new SampleAzureSource();
  return new NotBuiltAzureSource();
}

function logSources(config: Config): LogSource[] {
  if (config.IDLENS_LOGS === 'sample') return [new SampleLogSource()];
  return config.IDLENS_LOGS.map((spec) => ({
    kind: spec.kind,
    label: spec.kind,
    async search(): Promise<never> {
      throw new SourceError('config:logs', `IDLENS_LOGS source "${spec.kind}" is not built yet in this version. Use IDLENS_LOGS=sample.`);
    },
    async recent(): Promise<never> {
      throw new SourceError('config:logs', `IDLENS_LOGS source "${spec.kind}" is not built yet in this version. Use IDLENS_LOGS=sample.`);
    },
  }));
}

let cached: Sources | undefined;

export function getSources(): Sources {
  cached ??= (() => {
    const config = getConfig();
    return { cluster: clusterSource(config), azure: azureSource(config), logs: logSources(config) };
  })();
  return cached;
}
