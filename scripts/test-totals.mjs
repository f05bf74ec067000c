// Totals the Jest JSON reports (apps/*/reports, packages/*/reports, and reports/jest-compose.json
// of scripts/compose-test.sh) into one closing line,
// "N passed, N failed". A suite that crashed, or a test script that left no report at all,
// counts as a failure; so does a run that executed no test.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const tiers = { test: 'unit', 'test:integration': 'integration' };
let passed = 0;
let failed = 0;
const rows = [];
for (const group of ['apps', 'packages']) {
  if (!existsSync(group)) continue;
  for (const pkg of readdirSync(group).sort()) {
    const manifest = join(group, pkg, 'package.json');
    if (!existsSync(manifest)) continue;
    const scripts = JSON.parse(readFileSync(manifest, 'utf8')).scripts ?? {};
    for (const [script, tier] of Object.entries(tiers)) {
      if (!scripts[script]) continue;
      const label = `${group}/${pkg}`.padEnd(28) + ' ' + tier.padEnd(12);
      const file = join(group, pkg, 'reports', `jest-${tier}.json`);
      if (!existsSync(file)) {
        failed += 1;
        rows.push(`${label}   no report: the run failed before Jest wrote one (see its output above)`);
        continue;
      }
      const report = JSON.parse(readFileSync(file, 'utf8'));
      const crashed = report.numRuntimeErrorTestSuites ?? 0;
      passed += report.numPassedTests;
      failed += report.numFailedTests + crashed;
      rows.push(
        `${label} ${String(report.numPassedTests).padStart(5)} passed ${String(report.numFailedTests + crashed).padStart(3)} failed`,
      );
    }
  }
}
// Suites run by a script rather than a package's Jest, each writing a report of Jest's shape.
for (const [label, file] of [['scripts/compose-test.sh', 'reports/jest-compose.json']]) {
  const row = label.padEnd(28) + ' ' + 'docker'.padEnd(12);
  if (!existsSync(file)) {
    failed += 1;
    rows.push(`${row}   no report: the script failed before it wrote one (see its output above)`);
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests + (report.numRuntimeErrorTestSuites ?? 0);
  rows.push(
    `${row} ${String(report.numPassedTests).padStart(5)} passed ${String(report.numFailedTests).padStart(3)} failed`,
  );
}
console.log('\n' + rows.join('\n'));
if (passed + failed === 0) {
  console.log('no test ran');
  failed = 1;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
