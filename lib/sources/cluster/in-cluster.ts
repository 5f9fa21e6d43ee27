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
   * KUBERNETES_SERVICE_HOST / KUBERNETES_SERVICE_PORT (from the configuration). client-node reads
   * the same two variables from the process environment when it builds the server URL.
   */
  host?: string;
  port?: string;
  /**
   * A directory standing in for `/` when the service-account files are read
   * (IDLENS_IN_CLUSTER_ROOT; client-node's path prefix): `<root>/var/run/secrets/…/token`. Unset in a pod.
   */
  root?: string;
}

const MODE = 'IDLENS_CLUSTER=in-cluster';

export function loadInCluster(kc: KubeConfig, settings: InClusterSettings, kind: SourceKind = 'cluster'): void {
  if (!settings.host || !settings.port) {
    throw new SourceError(
      `config:${kind}`,
      `${MODE} needs KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT, which Kubernetes sets in every pod: idlens is not running in a pod (or the variables were removed). Outside a cluster use IDLENS_CLUSTER=kubeconfig.`,
    );
  }
  const dir = `${settings.root ?? ''}${SERVICE_ACCOUNT_DIR}`;
  if (!existsSync(`${dir}/token`)) {
    throw new SourceError(
      `config:${kind}`,
      `${MODE}: ${dir}/token is missing, so the pod has no service-account token to call the API server with. Check that automountServiceAccountToken is not false on the pod or its ServiceAccount (deploy/ mounts it), or use IDLENS_CLUSTER=kubeconfig.`,
    );
  }
  if (!existsSync(`${dir}/ca.crt`)) {
    throw new SourceError(
      `config:${kind}`,
      `${MODE}: ${dir}/ca.crt is missing, so the API server's certificate cannot be checked (the token is there). The kubelet mounts it with the token (the kube-root-ca.crt ConfigMap): check the pod's projected service-account volume.`,
    );
  }
  kc.loadFromCluster(settings.root ?? '');
}
