import { createJestConfig } from '@fracta/jest-config';

// Integration and e2e: a real control plane (child process), real backend MCP servers, the SDK
// client and the MCP Inspector CLI against the gateway on 127.0.0.1.
export default {
  ...createJestConfig({ kind: 'integration', testTimeout: 60_000 }),
  testMatch: ['<rootDir>/test/**/*.test.ts'],
};
