import { createJestConfig } from '@fracta/jest-config';

export default createJestConfig({ kind: 'unit' });
