import 'server-only';
import type { LogSourceSpec } from '@/lib/config';
import type { TokenProvider } from '../azure/token-provider';
import type { InClusterSettings } from '../cluster/in-cluster';
import { SourceError } from '../source-error';
import { IndexedFileLogSource } from './correlation-index';
import { KubeLogSource } from './kube-log-source';
import { LogAnalyticsLogSource } from './log-analytics-log-source';
import type { LogSource } from './log-source';
import { LokiLogSource } from './loki-log-source';

// IDLENS_LOGS entries (parsed by lib/config-schema.mjs) → LogSource instances. Building a source
// does no I/O: a missing file, an unreachable cluster or a refused token shows up as that
// source's error when it is searched, while the other sources still answer.

export interface LogSourceDeps {
  /** Entra tokens for Log Analytics (IDLENS_AZURE=live's credential); without it a loganalytics source explains what is missing. */
  tokenProvider?: TokenProvider;
  /** IDLENS_LOGANALYTICS_URL. */
  logAnalyticsUrl: string;
  /** kubeconfig contents for kube sources; undefined = KUBECONFIG / ~/.kube/config / in-cluster. */
  kubeconfigText?: string;
  /** KUBECONFIG as configured (messages name it). */
  kubeconfigFiles?: string;
  /** kubeconfig context for kube sources (e.g. the first of IDLENS_KUBE_CONTEXTS); undefined = current. */
  kubeContext?: string;
  /** Set when IDLENS_CLUSTER=in-cluster: kube sources use the pod's service account. */
  inCluster?: InClusterSettings;
  /** IDLENS_CORRELATION_FIELDS, also indexed by the correlation index of file sources. */
  correlationFields?: readonly string[];
}

const noCredential: TokenProvider = {
  async getToken(): Promise<string> {
    throw new SourceError(
      'config:logs',
      'A loganalytics: log source needs an Azure credential: set IDLENS_AZURE=live with AZURE_TENANT_ID, AZURE_CLIENT_ID and a workload identity token file, secret or certificate.',
    );
  },
};

export function logSourcesFromSpecs(specs: readonly LogSourceSpec[], deps: LogSourceDeps): LogSource[] {
  return specs.map((spec): LogSource => {
    switch (spec.kind) {
      case 'file':
        // Indexed: repeated lookups answer from correlation-index.ts, built in the background.
        return new IndexedFileLogSource({ pattern: spec.pattern, index: { correlationFields: deps.correlationFields } });
      case 'kube':
        return new KubeLogSource({ kubeconfigText: deps.kubeconfigText, kubeconfigFiles: deps.kubeconfigFiles, context: deps.kubeContext, inCluster: deps.inCluster, namespace: spec.namespace, labelSelector: spec.labelSelector });
      case 'loganalytics':
        return new LogAnalyticsLogSource({ workspaceId: spec.workspaceId, baseUrl: deps.logAnalyticsUrl, tokenProvider: deps.tokenProvider ?? noCredential });
      case 'loki':
        return new LokiLogSource({ baseUrl: spec.baseUrl });
    }
  });
}
