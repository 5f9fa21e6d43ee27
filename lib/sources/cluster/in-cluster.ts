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

/** What to check when a request with in-cluster or kubeconfig credentials is refused (401: a clause) or cannot connect (a sentence). */
export function credentialHint(inCluster: boolean): { refused: string; unreachable: string } {
  return inCluster
    ? {
        refused: "the pod's service-account token was refused: check that its ServiceAccount still exists and that the mounted token is current (the kubelet rotates it)",
        unreachable: 'Check KUBERNETES_SERVICE_HOST/PORT and that a NetworkPolicy lets the pod reach the API server (deploy/ allows egress on 443).',
      }
    : {
        refused: 'the token or certificate in the kubeconfig is invalid or expired: refresh the credentials (e.g. `az aks get-credentials`)',
        unreachable: 'Check the server URL in the kubeconfig and the network.',
      };
}

/**
 * A TLS failure of a request to the API server, explained; undefined when the error is not one.
 * Node reports them with OpenSSL's codes on the error (node-fetch's FetchError carries them too).
 */
export function tlsFailure(error: unknown, inCluster: boolean): string | undefined {
  const code = String((error as { code?: unknown })?.code ?? '');
  const trusted = inCluster ? "the pod's ca.crt" : 'certificate-authority-data in the kubeconfig';
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return `the API server's TLS certificate is ${code === 'CERT_HAS_EXPIRED' ? 'expired' : 'not valid yet'} (${code}): renew it, or check this machine's clock`;
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return `the API server's TLS certificate does not name the address idlens connects to (${code}): check the server URL`;
  }
  if (/CERT|UNABLE_TO_VERIFY|SELF_SIGNED|ERR_TLS/.test(code)) {
    return `the API server's TLS certificate was not accepted (${code}): the CA idlens trusts for it (${trusted}) did not sign the certificate the server sent. Check the server URL and the CA (kubectl cluster-info)`;
  }
  return undefined;
}
