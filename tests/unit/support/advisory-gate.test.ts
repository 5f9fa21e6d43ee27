import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { judge } from '../../support/advisory-gate.mjs';

// The shape `npm audit --json` (npm 7+) prints, with the advisory for CVE-2025-29927.
const NEXT_ADVISORY = {
  auditReportVersion: 2,
  vulnerabilities: {
    next: {
      name: 'next',
      severity: 'critical',
      isDirect: true,
      via: [{ source: 1104031, name: 'next', title: 'Authorization Bypass in Next.js Middleware', url: 'https://github.com/advisories/GHSA-f82v-jwr5-mffw', severity: 'critical', range: '>=15.0.0 <15.2.3' }],
      range: '15.0.0 - 15.2.2',
      fixAvailable: true,
    },
    'brace-expansion': { name: 'brace-expansion', severity: 'low', via: [{ title: 'ReDoS', url: 'https://github.com/advisories/GHSA-x', range: '<2.0.2' }], range: '2.0.0 - 2.0.1' },
  },
  metadata: { vulnerabilities: { critical: 1, low: 1 } },
};

function runGate(report: unknown, env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'idlens-audit-'));
  const file = join(dir, 'audit.json');
  writeFileSync(file, JSON.stringify(report));
  return spawnSync(process.execPath, [join(import.meta.dirname, '../../support/advisory-gate.mjs'), file], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', ...env } as NodeJS.ProcessEnv });
}

describe('advisory gate', () => {
  it('fails CI on an advisory in next, naming it', () => {
    const verdict = judge(NEXT_ADVISORY);
    expect(verdict.status).toBe('vulnerable');
    expect(verdict.findings).toHaveLength(1);
    expect(verdict.findings[0]).toContain('GHSA-f82v-jwr5-mffw');
    const run = runGate(NEXT_ADVISORY);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('Authorization Bypass in Next.js Middleware');
  });

  it('watches react, react-dom and react-server-dom-*, not other packages', () => {
    const only = (name: string) => ({ vulnerabilities: { [name]: { name, severity: 'high', via: [{ title: 't', url: 'u', range: '*' }], range: '*' } } });
    for (const name of ['react', 'react-dom', 'react-server-dom-webpack', 'react-server-dom-turbopack']) expect(judge(only(name)).status, name).toBe('vulnerable');
    for (const name of ['reactive', 'nextra', 'brace-expansion']) expect(judge(only(name)).status, name).toBe('ok');
  });

  it('passes with a warning when the registry has no advisory data, unless data is required', () => {
    const unavailable = { message: '405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk' };
    const lenient = runGate(unavailable);
    expect(lenient.status).toBe(0);
    expect(lenient.stderr).toMatch(/WARNING: no advisory data/);
    expect(runGate(unavailable, { IDLENS_AUDIT_REQUIRED: '1' }).status).toBe(1);
    expect(runGate({ auditReportVersion: 2, vulnerabilities: {} }).status).toBe(0);
  });
});
