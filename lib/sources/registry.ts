import 'server-only';
import { type Config, getConfig } from '@/lib/config';
import type { AzureSource } from './azure/azure-source';
import { liveAzureSourceFromConfig } from './azure/live-azure-source';
import { SampleAzureSource } from './azure/sample-azure-source';
import { SnapshotAzureSource } from './azure/snapshot-azure-source';
import type { ClusterSource } from './cluster/cluster-source';
import { SampleClusterSource } from './cluster/sample-cluster-source';
import { KubeClusterSource } from './cluster/kube-cluster-source';
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

function clusterSource(config: Config): ClusterSource {
  const c = config.IDLENS_CLUSTER;
  if (c.kind === 'snapshot') return new SnapshotClusterSource(c.directory);
  if (c.mode === 'sample') return new SampleClusterSource();
  return new KubeClusterSource({ mode: c.mode as 'kubeconfig' | 'in-cluster', contexts: config.IDLENS_KUBE_CONTEXTS });
}

function azureSource(config: Config): AzureSource {
  const a = config.IDLENS_AZURE;
  if (a.kind === 'snapshot') return new SnapshotAzureSource(a.directory);
  if (a.mode === 'sample') return new SampleAzureSource();
  return liveAzureSourceFromConfig(config);
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
