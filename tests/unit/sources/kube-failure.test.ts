import { describe, expect, it } from 'vitest';
import { credentialHint, tlsFailure } from '@/lib/sources/cluster/kube-failure';

const failed = (code: string) => Object.assign(new Error('request failed'), { code });

describe('tlsFailure', () => {
  it('tells an expired or not-yet-valid certificate from an untrusted one', () => {
    expect(tlsFailure(failed('CERT_HAS_EXPIRED'), false)).toMatch(/certificate is expired \(CERT_HAS_EXPIRED\): renew it, or check this machine's clock/);
    expect(tlsFailure(failed('CERT_NOT_YET_VALID'), true)).toMatch(/not valid yet \(CERT_NOT_YET_VALID\)/);
    expect(tlsFailure(failed('ERR_TLS_CERT_ALTNAME_INVALID'), false)).toMatch(/does not name the address/);
    expect(tlsFailure(failed('SELF_SIGNED_CERT_IN_CHAIN'), true)).toMatch(/not accepted \(SELF_SIGNED_CERT_IN_CHAIN\): the CA idlens trusts for it \(the pod's ca\.crt\)/);
    expect(tlsFailure(failed('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), false)).toMatch(/certificate-authority-data in the kubeconfig/);
  });
  it('is undefined for anything else', () => {
    expect(tlsFailure(failed('ECONNREFUSED'), false)).toBeUndefined();
    expect(tlsFailure(new Error('boom'), false)).toBeUndefined();
    expect(tlsFailure(undefined, true)).toBeUndefined();
  });
});

describe('credentialHint', () => {
  it("names the pod's token in-cluster and the kubeconfig otherwise", () => {
    expect(credentialHint(true).refused).toContain("pod's service-account token");
    expect(credentialHint(true).refused).not.toContain('kubeconfig');
    expect(credentialHint(false).refused).toContain('kubeconfig');
    expect(credentialHint(true).unreachable).toContain('KUBERNETES_SERVICE_HOST/PORT');
  });
});
