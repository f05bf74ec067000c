import { createJestConfig } from '@fracta/jest-config';

// The real CLIs take a few seconds per turn; each run is also bounded by its own timeout.
export default createJestConfig({ kind: 'integration', testTimeout: 90_000 });
