import { describe, expect, it } from 'vitest';
import {
  correlationIdFromParam,
  flowHref,
  parseFlowSearch,
  parseTraceSearch,
  traceHref,
  tracesHref,
} from '@/lib/api/trace-search-params';

describe('parseTraceSearch', () => {
  it('reads outcome and service from URLSearchParams and from a Next searchParams record', () => {
    expect(parseTraceSearch(new URLSearchParams('outcome=failed&service=consumer'))).toEqual({ outcome: 'failed', service: 'consumer' });
    expect(parseTraceSearch({ outcome: 'recovered', service: ['provider', 'consumer'] })).toEqual({ outcome: 'recovered', service: 'provider' });
  });

  it('drops an unknown outcome, empty and over-long values', () => {
    expect(parseTraceSearch(new URLSearchParams('outcome=FAILED'))).toEqual({});
    expect(parseTraceSearch(new URLSearchParams('outcome=all&service='))).toEqual({});
    expect(parseTraceSearch({ service: 'x'.repeat(257) })).toEqual({});
    expect(parseTraceSearch({})).toEqual({});
  });

  it('round-trips through tracesHref', () => {
    for (const search of [{}, { outcome: 'success' as const }, { service: 'check out/api' }, { outcome: 'failed' as const, service: 'consumer' }]) {
      const href = tracesHref(search);
      expect(parseTraceSearch(new URL(href, 'http://x').searchParams)).toEqual(search);
    }
  });
});

describe('tracesHref', () => {
  it('leaves defaults out and keeps a stable order', () => {
    expect(tracesHref()).toBe('/traces');
    expect(tracesHref({ service: 'consumer', outcome: 'failed' })).toBe('/traces?outcome=failed&service=consumer');
  });

  it('encodes what a query cannot hold literally', () => {
    expect(tracesHref({ service: 'a&b=c #d' })).toBe('/traces?service=a%26b%3Dc%20%23d');
  });
});

describe('traceHref and correlationIdFromParam', () => {
  it('keeps valid IDs readable, colons included', () => {
    expect(traceHref('3f6c2a9e-11aa.b_c')).toBe('/traces/3f6c2a9e-11aa.b_c');
    expect(traceHref('svc:42')).toBe('/traces/svc:42');
  });

  it('encodes a bad ID so the page can explain it, and the page param decodes back', () => {
    const href = traceHref('a b/c?d');
    expect(href).toBe('/traces/a%20b%2Fc%3Fd');
    expect(correlationIdFromParam(href.slice('/traces/'.length))).toBe('a b/c?d');
  });

  it('keeps a malformed escape as given', () => {
    expect(correlationIdFromParam('abc%zz')).toBe('abc%zz');
    expect(correlationIdFromParam('plain-id')).toBe('plain-id');
  });
});

describe('flow search', () => {
  it('reads and writes ?sa= with a readable id', () => {
    expect(flowHref()).toBe('/flow');
    expect(flowHref({ sa: 'sa:shop/consumer' })).toBe('/flow?sa=sa:shop/consumer');
    expect(parseFlowSearch(new URL(flowHref({ sa: 'sa:prod:shop/consumer' }), 'http://x').searchParams)).toEqual({ sa: 'sa:prod:shop/consumer' });
    expect(parseFlowSearch({ sa: '  ' })).toEqual({});
  });
});
