import { describe, expect, it } from 'vitest';
import { serverTiming } from '@/lib/server/responses';

describe('serverTiming', () => {
  it('writes named durations rounded to a tenth of a millisecond, in order', () => {
    expect(serverTiming({ cluster: 812.44, azure: 390.05, domain: 160, serialize: 0.04 })).toBe('cluster;dur=812.4, azure;dur=390.1, domain;dur=160, serialize;dur=0');
    expect(serverTiming({})).toBe('');
  });
});
