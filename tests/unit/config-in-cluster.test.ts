import { describe, expect, it } from 'vitest';
import { parseEnv } from '@/lib/config-schema.mjs';

describe('in-cluster settings', () => {
  it('reads the two variables Kubernetes sets in a pod', () => {
    const parsed = parseEnv({ IDLENS_CLUSTER: 'in-cluster', KUBERNETES_SERVICE_HOST: ' 10.0.0.1 ', KUBERNETES_SERVICE_PORT: '443' });
    expect(parsed.ok && [parsed.config.KUBERNETES_SERVICE_HOST, parsed.config.KUBERNETES_SERVICE_PORT]).toEqual(['10.0.0.1', '443']);
  });
});

describe('IDLENS_IN_CLUSTER_ROOT', () => {
  it('takes an absolute directory, without its trailing slash', () => {
    const parsed = parseEnv({ IDLENS_CLUSTER: 'in-cluster', IDLENS_IN_CLUSTER_ROOT: '/tmp/pod-root/' });
    expect(parsed.ok && parsed.config.IDLENS_IN_CLUSTER_ROOT).toBe('/tmp/pod-root');
    const unset = parseEnv({ IDLENS_CLUSTER: 'in-cluster' });
    expect(unset.ok && unset.config.IDLENS_IN_CLUSTER_ROOT).toBeUndefined();
  });
  it('refuses a relative path', () => {
    const parsed = parseEnv({ IDLENS_IN_CLUSTER_ROOT: 'pod-root' });
    expect(parsed.ok ? '' : parsed.problems.join('\n')).toMatch(/IDLENS_IN_CLUSTER_ROOT must be an absolute directory path/);
  });
});
