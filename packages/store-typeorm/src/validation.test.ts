import { describe, expect, it } from '@jest/globals';

import { decodeCursor, encodeCursor } from './validation.js';

describe('page cursors', () => {
  it('should round-trip sequence numbers and treat no cursor as the start', () => {
    for (const seq of [1, 35, 36, 1_000_000, Number.MAX_SAFE_INTEGER])
      expect(decodeCursor(encodeCursor(seq))).toBe(seq);
    expect(decodeCursor(undefined)).toBe(0);
    expect(decodeCursor(null)).toBe(0);
    expect(decodeCursor('')).toBe(0);
  });

  it('should reject anything it did not produce', () => {
    for (const bad of ['1', 'a', 'A1', 'a-1', "a1' OR 1=1", `a${'z'.repeat(13)}`]) {
      expect(() => decodeCursor(bad)).toThrow(expect.objectContaining({ code: 'PAGE_CURSOR_INVALID' }));
    }
  });
});
