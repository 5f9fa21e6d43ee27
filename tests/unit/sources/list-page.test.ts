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
    const parsed = parseListPage('pods', 'c1', bytes);
    expect(parsed.next).toBe(continueTokenAhead(bytes));
    expect(parsed.items.map((p) => `${p.cluster}:${p.namespace}/${p.name}`)).toEqual(['c1:shop/a', 'c1:shop/b']);
  });
});

describe('parseListPage', () => {
  const fullPod = (name: string) => ({
    metadata: { name, namespace: 'shop', uid: `uid-${name}`, labels: { app: name }, annotations: {}, managedFields: [{ manager: 'kubectl', fieldsV1: { 'f:spec': {} } }] },
    spec: { serviceAccountName: 'orders', nodeName: 'n1', containers: [{ name: 'app', image: 'i', env: [{ name: 'AZURE_CLIENT_ID', value: 'c' }], resources: {} }] },
    status: { phase: 'Running', conditions: [{ type: 'Ready' }] },
  });

  it('gives the pods of the whole page, read from the members the schema declares', () => {
    const bytes = page({ continue: 'n' }, [fullPod('a'), fullPod('b')]);
    const parsed = parseListPage('pods', 'c1', bytes);
    expect(parsed.next).toBe('n');
    expect(parsed.items).toEqual(
      [fullPod('a'), fullPod('b')].map((p) => ({
        cluster: 'c1', namespace: 'shop', name: p.metadata.name, uid: p.metadata.uid, serviceAccountName: 'orders', labels: p.metadata.labels, annotations: {},
        containers: [{ name: 'app', image: 'i', env: { AZURE_CLIENT_ID: 'c' } }], projectedTokens: [], phase: 'Running', createdAt: undefined,
      })),
    );
  });

  it('reads the pruned text, not the whole page: a page malformed only in members nobody reads still parses', () => {
    const plain = page({}, [fullPod('a')]);
    const broken = Buffer.from(plain.toString('utf8').replace('"nodeName":"n1"', '"nodeName":tru'));
    expect(() => JSON.parse(broken.toString('utf8'))).toThrow();
    expect(parseListPage('pods', 'c1', broken)).toEqual(parseListPage('pods', 'c1', plain));
  });

  it('parses the whole page where the walker gives up (a member name with escapes): same answer', () => {
    const plain = page({ continue: 'n' }, [fullPod('a')]);
    const escaped = Buffer.from(plain.toString('utf8').replace('"serviceAccountName"', '"serviceAccount\\u004eame"'));
    expect(parseListPage('pods', 'c1', escaped)).toEqual(parseListPage('pods', 'c1', plain));
  });

  it('reports a malformed page with the error of its own text, and a refused pod with its path', () => {
    const text = page({}, [fullPod('a')]).toString('utf8');
    let expected = '';
    try {
      JSON.parse(text.slice(0, 200));
    } catch (error) {
      expected = (error as Error).message;
    }
    expect(() => parseListPage('pods', 'c1', Buffer.from(text.slice(0, 200)))).toThrow(expected);
    const refused = Buffer.from(JSON.stringify({ items: [{ ...fullPod('a'), spec: { containers: 'none' } }] }));
    expect(() => parseListPage('pods', 'c1', refused)).toThrow(/containers/);
  });
});
