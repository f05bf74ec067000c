#!/usr/bin/env node
// Runs Jest for one test tier of the current package in native ESM mode and writes the
// machine-readable report that scripts/test.sh totals: reports/jest-<tier>.json.
//   fracta-jest unit|integration [extra jest args]
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const [tier, ...given] = process.argv.slice(2);
// `pnpm test -- --flag` forwards the `--` itself; Jest would take what follows as a path pattern.
const rest = given[0] === '--' ? given.slice(1) : given;
if (tier !== 'unit' && tier !== 'integration') {
  console.error('usage: fracta-jest unit|integration [jest args]');
  process.exit(2);
}
const require = createRequire(import.meta.url);
const jestBin = join(dirname(require.resolve('jest/package.json')), 'bin', 'jest.js');
mkdirSync('reports', { recursive: true });
const config = tier === 'unit' ? 'jest.config.js' : 'jest.integration.config.js';
const args = [
  '--experimental-vm-modules',
  '--no-warnings=ExperimentalWarning',
  jestBin,
  '--config',
  config,
  '--ci',
  '--json',
  `--outputFile=reports/jest-${tier}.json`,
  ...rest,
];
const result = spawnSync(process.execPath, args, { stdio: 'inherit' });
process.exit(result.status ?? 1);
