// `npm test`: everything, in the order that fails fastest — lint, typecheck, unit tests, the
// production build, then integration (real server over loopback) and browser tests (Chromium).
import { spawnSync } from 'node:child_process';

const steps = [
  // Known advisories in next / react / react-server-dom-* fail the run (tests/support/advisory-gate.mjs).
  ['advisories', 'node', ['tests/support/advisory-gate.mjs']],
  ['lint', 'npx', ['eslint', '.']],
  ['typecheck', 'npx', ['tsc', '--noEmit']],
  ['unit', 'npx', ['vitest', 'run', '--config', 'tests/vitest.config.ts', '--project', 'unit']],
  ['build', 'npx', ['next', 'build']],
  ['integration + e2e', 'npx', ['vitest', 'run', '--config', 'tests/vitest.config.ts', '--project', 'integration', '--project', 'e2e']],
];

const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };
for (const [name, command, args] of steps) {
  console.log(`\n=== ${name}: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env });
  if (result.status !== 0) {
    console.error(`\n=== ${name} failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status || 1);
  }
}
console.log('\n=== all test steps passed');
