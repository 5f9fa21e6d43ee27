import 'server-only';
import { existsSync } from 'node:fs';
import type { KubeConfig } from '@kubernetes/client-node';
import { SourceError, type SourceKind } from '../source-error';

// In-cluster mode: the API server from the KUBERNETES_SERVICE_HOST/PORT variables Kubernetes sets
// in every pod, the pod's service-account token and CA from the mounted directory, loaded by
// client-node's own in-cluster rules (the token file is re-read as the kubelet rotates it). Checks
// first what client-node would only fail on later, so the message says what is missing and why.

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface InClusterSettings {
  /**
   * A directory standing in for `/` when the service-account files are read
   * (IDLENS_IN_CLUSTER_ROOT; client-node's path prefix): `<root>/var/run/secrets/…/token`. Unset in a pod.
   */
  root?: string;
}

export function loadInCluster(kc: KubeConfig, settings: InClusterSettings, kind: SourceKind = 'cluster'): void {
  const mode = 'IDLENS_CLUSTER=in-cluster';
  // client-node reads the two variables from the process environment itself; checked here first.
  if (!process.env.KUBERNETES_SERVICE_HOST || !process.env.KUBERNETES_SERVICE_PORT) {
    throw new SourceError(
      `config:${kind}`,
      `${mode} needs KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT, which Kubernetes sets in every pod: idlens is not running in a pod (or the variables were removed). Outside a cluster use IDLENS_CLUSTER=kubeconfig.`,
    );
  }
  const dir = `${settings.root ?? ''}${SERVICE_ACCOUNT_DIR}`;
  for (const file of ['token', 'ca.crt']) {
    if (!existsSync(`${dir}/${file}`)) {
      throw new SourceError(
        `config:${kind}`,
        `${mode}: ${dir}/${file} is missing, so the pod has no service-account token to call the API server with. Check that automountServiceAccountToken is not false on the pod or its ServiceAccount (deploy/ mounts it), or use IDLENS_CLUSTER=kubeconfig.`,
      );
    }
  }
  kc.loadFromCluster(settings.root ?? '');
}
