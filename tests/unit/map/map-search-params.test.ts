import { describe, expect, it } from 'vitest';
import { EMPTY_MAP_SEARCH, ignoredMapParams, isFiltered, mapHref, mapSearchParams, parseMapSearch } from '@/lib/api/map-search-params';

const parse = (query: string) => parseMapSearch(new URLSearchParams(query));

describe('parseMapSearch', () => {
  it('reads nothing as the default view', () => {
    expect(parse('')).toEqual(EMPTY_MAP_SEARCH);
  });

  it('reads every parameter of a shared link', () => {
    expect(parse('q=check&ns=shop,payments&kind=pod,serviceAccount&severity=error&broken=1&focus=sa:shop/checkout')).toEqual({
      q: 'check',
      ns: ['shop', 'payments'],
      kind: ['pod', 'serviceAccount'],
      severity: ['error'],
      broken: true,
      focus: 'sa:shop/checkout',
    });
  });

  it('drops unknown kinds and severities, empty list items and duplicates', () => {
    const s = parse('kind=pod,,secret,pod&severity=fatal,warning&ns=,shop,shop');
    expect(s.kind).toEqual(['pod']);
    expect(s.severity).toEqual(['warning']);
    expect(s.ns).toEqual(['shop']);
  });

  it('treats broken as a flag: 1 or true, anything else is off', () => {
    expect(parse('broken=1').broken).toBe(true);
    expect(parse('broken=true').broken).toBe(true);
    expect(parse('broken=0').broken).toBe(false);
    expect(parse('broken=').broken).toBe(false);
  });

  it('ignores an empty focus and caps absurdly long values', () => {
    expect(parse('focus=').focus).toBeUndefined();
    expect(parse('focus=%20%20').focus).toBeUndefined();
    expect(parse(`q=${'x'.repeat(5000)}`).q).toHaveLength(512);
  });

  it('accepts a Next.js page searchParams record, taking the first of repeated values', () => {
    expect(parseMapSearch({ q: ['a', 'b'], kind: 'application', focus: undefined })).toEqual({ ...EMPTY_MAP_SEARCH, q: 'a', kind: ['application'] });
  });

  it('keeps the search text as typed (spaces, case, commas)', () => {
    expect(parse('q=Checkout%20API,%20v2').q).toBe('Checkout API, v2');
  });
});

describe('ignoredMapParams', () => {
  const ignored = (query: string) => ignoredMapParams(new URLSearchParams(query));

  it('reports nothing for a valid or empty URL', () => {
    expect(ignored('')).toEqual([]);
    expect(ignored('kind=pod,application&severity=error&broken=1&ns=whatever&q=x')).toEqual([]);
    expect(ignored('broken=0')).toEqual([]);
    expect(ignored('broken=')).toEqual([]);
  });

  it('names each unknown kind and severity with the values that are allowed', () => {
    expect(ignored('kind=pod,bogus&severity=critical')).toEqual([
      { name: 'kind', value: 'bogus', reason: 'not a node kind (pod, serviceAccount, federatedCredential, managedIdentity, application)' },
      { name: 'severity', value: 'critical', reason: 'not a finding severity (error, warning, info)' },
    ]);
  });

  it('reports a broken flag that is neither on nor off', () => {
    expect(ignored('broken=yes')).toEqual([{ name: 'broken', value: 'yes', reason: 'not a flag (1 or true; 0 or false)' }]);
  });

  it('quotes a long value shortened, and each duplicate once', () => {
    const [only, ...rest] = ignored(`kind=${'x'.repeat(100)},${'x'.repeat(100)}`);
    expect(rest).toEqual([]);
    expect(only!.value).toBe(`${'x'.repeat(60)}…`);
  });

  it('reads a Next.js page searchParams record too', () => {
    expect(ignoredMapParams({ kind: ['nope', 'pod'] }).map((p) => p.value)).toEqual(['nope']);
  });
});

describe('mapHref and mapSearchParams', () => {
  it('leaves defaults out', () => {
    expect(mapHref()).toBe('/map');
    expect(mapHref({ q: '', ns: [], broken: false })).toBe('/map');
  });

  it('writes ids readably and escapes what must be escaped', () => {
    expect(mapHref({ focus: 'sa:shop/checkout' })).toBe('/map?focus=sa:shop/checkout');
    expect(mapHref({ q: 'a&b=c #d+e' })).toBe('/map?q=a%26b%3Dc%20%23d%2Be');
  });

  it('writes kinds and severities in one canonical order', () => {
    expect(mapHref({ kind: ['application', 'pod'], severity: ['info', 'error'] })).toBe('/map?kind=pod,application&severity=error,info');
  });

  it('round-trips through the URL', () => {
    const search = { q: 'a b&c', ns: ['shop', 'team-a'], kind: ['federatedCredential' as const], severity: ['warning' as const], broken: true, focus: 'fic:1234/checkout-prod' };
    expect(parse(mapHref(search).slice('/map?'.length))).toEqual(search);
    expect(parseMapSearch(mapSearchParams(search))).toEqual(search);
  });
});

describe('isFiltered', () => {
  it('is false for the default view and for focus alone', () => {
    expect(isFiltered(EMPTY_MAP_SEARCH)).toBe(false);
    expect(isFiltered({ ...EMPTY_MAP_SEARCH, focus: 'sa:a/b' })).toBe(false);
    expect(isFiltered({ ...EMPTY_MAP_SEARCH, q: '   ' })).toBe(false);
  });
  it('is true for any filter', () => {
    expect(isFiltered({ ...EMPTY_MAP_SEARCH, q: 'x' })).toBe(true);
    expect(isFiltered({ ...EMPTY_MAP_SEARCH, ns: ['x'] })).toBe(true);
    expect(isFiltered({ ...EMPTY_MAP_SEARCH, kind: ['pod'] })).toBe(true);
    expect(isFiltered({ ...EMPTY_MAP_SEARCH, severity: ['info'] })).toBe(true);
    expect(isFiltered({ ...EMPTY_MAP_SEARCH, broken: true })).toBe(true);
  });
});
