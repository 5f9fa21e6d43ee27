import { describe, expect, it } from 'vitest';
import { parseEnv } from '@/lib/config-schema.mjs';
import { serverTiming } from '@/lib/server/responses';

describe('serverTiming', () => {
  it('writes named durations rounded to a tenth of a millisecond, in order', () => {
    expect(serverTiming({ cluster: 812.44, azure: 390.05, domain: 160, serialize: 0.04 })).toBe('cluster;dur=812.4, azure;dur=390.1, domain;dur=160, serialize;dur=0');
    expect(serverTiming({})).toBe('');
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
