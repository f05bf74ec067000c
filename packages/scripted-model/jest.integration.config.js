import { createJestConfig } from '@fracta/jest-config';

// The real CLIs start cold and share two cores with the rest of CI: each run may take up to
// its own deadline (cli-harness.ts, 60 s) before the test reads what it printed.
export default createJestConfig({ kind: 'integration', testTimeout: 90_000 });
