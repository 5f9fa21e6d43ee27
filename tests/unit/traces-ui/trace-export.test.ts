import { describe, expect, it } from 'vitest';
import { buildTraceExport, parseTraceExport, traceExportFileName } from '@/components/traces/trace-export';
import { MASKED_JWT } from '@/lib/traces/mask';
import type { Trace } from '@/lib/traces/model';

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6c2hvcDpjb25zdW1lciJ9.c2lnbmF0dXJl';

function aTrace(overrides: Partial<Trace> = {}): Trace {
  return {
    correlationId: 'corr-1',
    events: [
      { time: '2025-03-04T10:00:00.000Z', service: 'consumer', level: 'info', message: `calling with Bearer ${JWT}`, source: 'test:1', raw: `{"auth":"Bearer ${JWT}"}`, format: 'json' },
    ],
    summary: { outcome: 'success', services: ['consumer'], errors: [], eventCount: 1, retries: 0, startedAt: '2025-03-04T10:00:00.000Z', durationMs: 0 },
    exchanges: [],
    workload: { consumer: 'consumer' },
    sequence: 'sequenceDiagram\n  participant pod as consumer',
    truncated: false,
    ...overrides,
  };
}

describe('trace export', () => {
  it('masks every secret, marks the file redacted and stamps it', () => {
    const file = buildTraceExport(aTrace(), new Date('2025-03-05T08:09:10.123Z'));
    const text = JSON.stringify(file);
    expect(text).not.toContain(JWT.split('.')[2]);
    expect(file.trace.events[0]!.message).toBe(`calling with Bearer ${MASKED_JWT}`);
    expect(file).toMatchObject({ kind: 'idlens-trace-export', version: 1, redacted: true, exportedAt: '2025-03-05T08:09:10.123Z' });
    expect(traceExportFileName('corr-1', file.exportedAt)).toBe('idlens-trace-corr-1-20250305T080910Z.json');
  });

  it('round-trips through parseTraceExport', () => {
    const file = buildTraceExport({ ...aTrace(), sources: [{ source: 'sample', kind: 'sample', ok: true }] }, new Date('2025-03-05T08:09:10Z'));
    const parsed = parseTraceExport(JSON.stringify(file));
    expect(parsed).toEqual({ ok: true, value: file });
  });

  it('explains what is wrong with a file that is not an export', () => {
    expect(parseTraceExport('not json')).toEqual({ ok: false, reason: expect.stringMatching(/not JSON/) });
    expect(parseTraceExport('{"traces":[]}')).toEqual({ ok: false, reason: expect.stringMatching(/not an idlens trace export/) });
    const damaged = { ...buildTraceExport(aTrace(), new Date()), trace: { ...aTrace(), correlationId: 'a b' } };
    expect(parseTraceExport(JSON.stringify(damaged))).toEqual({ ok: false, reason: expect.stringMatching(/damaged.*correlationId/) });
    const unredacted = { ...buildTraceExport(aTrace(), new Date()), redacted: false };
    expect(parseTraceExport(JSON.stringify(unredacted)).ok).toBe(false);
  });
});
