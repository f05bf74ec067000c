import { createJestConfig } from '@fracta/jest-config';

// Runs the built `fracta` binary as a real process against a real control plane.
export default {
  ...createJestConfig({ kind: 'integration', testTimeout: 60_000 }),
  testMatch: ['<rootDir>/test/**/*.test.ts'],
};
