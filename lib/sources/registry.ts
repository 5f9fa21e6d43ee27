import 'server-only';
import { type Config, getConfig } from '@/lib/config';
import type { AzureSource } from './azure/azure-source';
import { entraCredentialFromConfig, liveAzureSourceFromConfig } from './azure/live-azure-source';
import { SampleAzureSource } from './azure/sample-azure-source';
import { SnapshotAzureSource } from './azure/snapshot-azure-source';
import type { ClusterSource } from './cluster/cluster-source';
import { SampleClusterSource } from './cluster/sample-cluster-source';
import type { InClusterSettings } from './cluster/in-cluster';
import { KubeClusterSource } from './cluster/kube-cluster-source';
import { SnapshotClusterSource } from './cluster/snapshot-cluster-source';
import type { LogSource } from './logs/log-source';
import { logSourcesFromSpecs } from './logs/log-sources-from-config';
import { SampleLogSource } from './logs/sample-log-source';

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
  return new KubeClusterSource({ mode: c.mode as 'kubeconfig' | 'in-cluster', contexts: config.IDLENS_KUBE_CONTEXTS, kubeconfigFiles: config.KUBECONFIG, inCluster: inClusterSettings(config) });
}

function inClusterSettings(config: Config): InClusterSettings {
  return { host: config.KUBERNETES_SERVICE_HOST, port: config.KUBERNETES_SERVICE_PORT, root: config.IDLENS_IN_CLUSTER_ROOT };
}

type Credential = ReturnType<typeof entraCredentialFromConfig>;

function azureSource(config: Config, credential: Credential): AzureSource {
  const a = config.IDLENS_AZURE;
  if (a.kind === 'snapshot') return new SnapshotAzureSource(a.directory);
  if (a.mode === 'sample') return new SampleAzureSource();
  return liveAzureSourceFromConfig(config, credential);
}

function logSources(config: Config, credential: Credential): LogSource[] {
  if (config.IDLENS_LOGS === 'sample') return [new SampleLogSource()];
  return logSourcesFromSpecs(config.IDLENS_LOGS, {
    tokenProvider: credential,
    logAnalyticsUrl: config.IDLENS_LOGANALYTICS_URL,
    kubeContext: config.IDLENS_KUBE_CONTEXTS[0],
    kubeconfigFiles: config.KUBECONFIG,
    // Pod logs come from the same cluster as the map: in-cluster mode reads them in-cluster too.
    inCluster: config.IDLENS_CLUSTER.kind === 'mode' && config.IDLENS_CLUSTER.mode === 'in-cluster' ? inClusterSettings(config) : undefined,
    correlationFields: config.IDLENS_CORRELATION_FIELDS,
  });
}

let cached: Sources | undefined;

export function getSources(): Sources {
  cached ??= (() => {
    const config = getConfig();
    const credential = entraCredentialFromConfig(config);
    return { cluster: clusterSource(config), azure: azureSource(config, credential), logs: logSources(config, credential) };
  })();
  return cached;
}
