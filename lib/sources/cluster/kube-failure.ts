import 'server-only';

// How a request to a Kubernetes API server failed, in words a user can act on: shared by the
// cluster source and the pod-log source, with kubeconfig or in-cluster (pod token) credentials.

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
 * Node reports them with OpenSSL's codes on the error or on its `cause` (node-fetch's FetchError,
 * undici's "fetch failed").
 */
export function tlsFailure(error: unknown, inCluster: boolean): string | undefined {
  const e = error as { code?: unknown; cause?: { code?: unknown } } | undefined;
  const code = String(e?.code ?? e?.cause?.code ?? '');
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

/** A connection that could not be made (refused, no route, DNS, timeout), on the error or its cause. */
export function isUnreachable(error: unknown): boolean {
  const message = (error as Error)?.message ?? String(error);
  return /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT|fetch failed/i.test(message + String((error as { cause?: unknown })?.cause ?? ''));
}

/**
 * Where the standard loading rules read the kubeconfig from, for messages: the KUBECONFIG files
 * (`files`, from the configuration) when set, else ~/.kube/config; `given` for a kubeconfig passed
 * as text (tests).
 */
export function kubeconfigLocation(given: boolean, files: string | undefined): string {
  if (given) return 'the kubeconfig given';
  return files ? `the kubeconfig in KUBECONFIG=${files}` : 'the kubeconfig ~/.kube/config';
}

/**
 * Why a kubeconfig did not load, in one line: the YAML parser's first line ("unexpected end of the
 * stream within a double quoted scalar (5:1)") without its code frame, whose line breaks a page
 * would run together.
 */
export function kubeconfigLoadFailure(error: unknown): string {
  const message = (error as Error)?.message ?? String(error);
  return message.split('\n')[0]!.trim().replace(/\.$/, '');
}
