// The one Jest preset of the repo: native ESM (run with NODE_OPTIONS=--experimental-vm-modules),
// TypeScript through @swc/jest (no type-check here: that is the `typecheck` task), workspace
// packages resolved to their sources through the "@fracta/source" export condition.

import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** @typedef {'unit' | 'integration'} TestKind */

const swcOptions = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'es6' },
  sourceMaps: 'inline',
};

/**
 * @param {{ kind: TestKind, globalSetup?: string, globalTeardown?: string, testTimeout?: number }} options
 * @returns {import('jest').Config}
 */
export function createJestConfig({ kind, globalSetup, globalTeardown, testTimeout }) {
  return {
    testEnvironment: 'node',
    extensionsToTreatAsEsm: ['.ts'],
    moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
    transform: { '^.+\\.ts$': [require.resolve('@swc/jest'), swcOptions] },
    testEnvironmentOptions: { customExportConditions: ['@fracta/source', 'node', 'node-addons'] },
    testMatch: kind === 'unit' ? ['<rootDir>/src/**/*.test.ts'] : ['<rootDir>/test/integration/**/*.test.ts'],
    ...(kind === 'integration' ? { maxWorkers: 1 } : {}),
    ...(globalSetup ? { globalSetup } : {}),
    ...(globalTeardown ? { globalTeardown } : {}),
    testTimeout: testTimeout ?? (kind === 'unit' ? 5_000 : 30_000),
    // Failing loudly on a forgotten focus or an empty suite: both would hide real tests.
    passWithNoTests: false,
    errorOnDeprecated: true,
  };
}
