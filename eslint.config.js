// Root config: lints only the repo's own JS config files; each package has its own eslint.config.js.
import js from '@eslint/js';

export default [
  { ignores: ['apps/**', 'packages/**', 'node_modules/**', '.tools/**', 'bench/**'] },
  js.configs.recommended,
  { languageOptions: { globals: { process: 'readonly', console: 'readonly' } } },
];
