// CI gate: fails on a known security advisory in the packages whose patch lag broke comparable
// dashboards: next, react, react-dom and react-server-dom-*. Reads `npm audit --json` (run here, or
// a file given as the first argument, which the unit test uses).
//
// When the registry serves no advisory data (this machine's registry answers the audit endpoint
// with 405), there is nothing to judge: the gate says so loudly and passes, unless
// IDLENS_AUDIT_REQUIRED=1 makes missing data a failure (set it where the registry has the data).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const WATCHED = /^(next|react|react-dom|react-server-dom-[a-z-]+)$/;

/**
 * @param {any} report `npm audit --json` output
 * @returns {{ status: 'ok' | 'vulnerable' | 'unavailable', findings: string[], reason?: string }}
 */
export function judge(report) {
  if (!report || typeof report !== 'object') return { status: 'unavailable', findings: [], reason: 'npm audit printed no JSON' };
  if (report.error || report.message) {
    return { status: 'unavailable', findings: [], reason: String(report.error?.summary || report.message || 'npm audit failed') };
  }
  const vulnerabilities = report.vulnerabilities ?? {};
  const findings = [];
  for (const [name, entry] of Object.entries(vulnerabilities)) {
    if (!WATCHED.test(name)) continue;
    const advisories = (entry.via ?? []).filter((v) => typeof v === 'object').map((v) => `${v.title ?? 'advisory'} (${v.url ?? v.source ?? 'no link'}, affects ${v.range ?? entry.range})`);
    findings.push(`${name} ${entry.range ?? ''} [${entry.severity}]: ${advisories.join('; ') || 'via ' + (entry.via ?? []).join(', ')}`);
  }
  return { status: findings.length ? 'vulnerable' : 'ok', findings };
}

function readReport(path) {
  if (path) return JSON.parse(readFileSync(path, 'utf8'));
  const run = spawnSync('npm', ['audit', '--json', '--omit=dev'], { encoding: 'utf8', timeout: 120_000 });
  try {
    return JSON.parse(run.stdout);
  } catch {
    return { message: (run.stderr || run.stdout || 'npm audit gave no output').trim().split('\n')[0] };
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const verdict = judge(readReport(process.argv[2]));
  if (verdict.status === 'vulnerable') {
    console.error(`advisory gate: known advisories in next/react:\n${verdict.findings.map((f) => `  - ${f}`).join('\n')}\nUpgrade them (npm install next@latest react@latest react-dom@latest within the pinned majors).`);
    process.exit(1);
  }
  if (verdict.status === 'unavailable') {
    const required = process.env.IDLENS_AUDIT_REQUIRED === '1';
    console.error(`advisory gate: ${required ? 'FAILED' : 'WARNING'}: no advisory data from the registry (${verdict.reason}); next/react were not checked.`);
    process.exit(required ? 1 : 0);
  }
  console.log('advisory gate: no known advisories in next, react, react-dom or react-server-dom-*');
}
