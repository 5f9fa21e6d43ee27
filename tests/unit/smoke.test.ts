import { describe, expect, it } from 'vitest';
import { parseServiceAccountSubject, serviceAccountSubject } from '@/lib/domain/model';

describe('service account subject', () => {
  it('round-trips namespace and name', () => {
    expect(parseServiceAccountSubject(serviceAccountSubject('shop', 'checkout'))).toEqual({ namespace: 'shop', name: 'checkout' });
  });
  it('rejects anything that is not exactly system:serviceaccount:<ns>:<name>', () => {
    expect(parseServiceAccountSubject('system:serviceaccount:shop')).toBeUndefined();
    expect(parseServiceAccountSubject('repo:org/app:ref:refs/heads/main')).toBeUndefined();
  });
});
