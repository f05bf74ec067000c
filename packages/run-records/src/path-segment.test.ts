import { describe, expect, it } from '@jest/globals';

import { assertSegment, isSafeSegment } from './path-segment.js';

describe(isSafeSegment.name, () => {
  it.each(['a', 'A1', 'run-20261123.1', 'a_b', '9'])('should accept %j', (value) => {
    expect(isSafeSegment(value, 64)).toBe(true);
  });

  it.each(['', '.', '..', '.git', '-x', '_x', 'a/b', 'a\\b', 'a b', 'a\nb', 'a\0b', 'é'])(
    'should refuse %j',
    (value) => {
      expect(isSafeSegment(value, 64)).toBe(false);
    },
  );

  it('should enforce the length limit', () => {
    expect(isSafeSegment('a'.repeat(64), 64)).toBe(true);
    expect(isSafeSegment('a'.repeat(65), 64)).toBe(false);
  });
});

describe(assertSegment.name, () => {
  it('should return a safe value and throw a one-line invalid error for another', () => {
    expect(assertSegment('agent', 'ok', 64)).toBe('ok');
    expect(() => assertSegment('agent', 'a\nb', 64)).toThrow(/^invalid agent "a\\nb": use 1-64 letters/);
  });
});
