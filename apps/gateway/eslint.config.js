import { createEslintConfig } from '@fracta/eslint-config';

export default createEslintConfig({ tsconfigRootDir: import.meta.dirname, layer: 'app' });
