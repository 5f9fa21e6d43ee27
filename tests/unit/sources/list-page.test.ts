import { describe, expect, it } from 'vitest';
import { continueTokenAhead, parseListPage } from '@/lib/sources/cluster/list-page';

// A list page's `continue` token is read from the head of its bytes (so the next page downloads while
// this one parses); the parsed page's own token stays the authority.

const page = (metadata: Record<string, unknown>, items: unknown[] = []) => Buffer.from(JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata, items }));
const aPod = (name: string) => ({ metadata: { name, namespace: 'shop' }, spec: { serviceAccountName: 'orders', containers: [{ name: 'app' }] } });

describe('continueTokenAhead', () => {
  it('reads the token the API server writes in metadata, before the items', () => {
    expect(continueTokenAhead(page({ resourceVersion: '12', continue: 'eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MTJ9' }, [aPod('a')]))).toBe('eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MTJ9');
  });

  it('says "last page" when metadata closes without a token', () => {
    expect(continueTokenAhead(page({ resourceVersion: '12' }, [aPod('a')]))).toBeUndefined();
    expect(continueTokenAhead(page({ resourceVersion: '12', continue: '' }))).toBeUndefined();
  });

  it('does not guess when the head does not say: items first, an escaped token, no metadata', () => {
    expect(continueTokenAhead(Buffer.from(JSON.stringify({ items: [aPod('a')], metadata: { continue: 'x' } })))).toBeNull();
    expect(continueTokenAhead(Buffer.from('{"metadata":{"continue":"a\\u0062"},"items":[]}'))).toBeNull();
    expect(continueTokenAhead(Buffer.from('{"kind":"PodList","items":[]}'))).toBeNull();
  });

  it('agrees with the parsed page', () => {
    const bytes = page({ continue: 'next-1' }, [aPod('a'), aPod('b')]);
    const parsed = parseListPage('pods', 'c1', bytes.toString('utf8'));
    expect(parsed.next).toBe(continueTokenAhead(bytes));
    expect(parsed.items.map((p) => `${p.cluster}:${p.namespace}/${p.name}`)).toEqual(['c1:shop/a', 'c1:shop/b']);
  });
});
