import { createJestConfig } from '@fracta/jest-config';

export default createJestConfig({
  kind: 'integration',
  globalSetup: '@fracta/test-postgres/global-setup',
  globalTeardown: '@fracta/test-postgres/global-teardown',
});
