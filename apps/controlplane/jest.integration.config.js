import { createJestConfig } from '@fracta/jest-config';

// e2e: the built app on 127.0.0.1:0, called over HTTP.
export default {
  ...createJestConfig({
    kind: 'integration',
    globalSetup: '@fracta/test-postgres/global-setup',
    globalTeardown: '@fracta/test-postgres/global-teardown',
  }),
  testMatch: ['<rootDir>/test/**/*.test.ts'],
};
