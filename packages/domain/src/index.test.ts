import { describe, expect, it } from '@jest/globals';

import { AGENT_NAME_PATTERN } from './index.js';

describe('AGENT_NAME_PATTERN', () => {
  it('should accept a plain name', () => {
    expect(AGENT_NAME_PATTERN.test('fix-lint_1')).toBe(true);
    expect(AGENT_NAME_PATTERN.test('-bad')).toBe(false);
  });
});
