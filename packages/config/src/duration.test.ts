import { describe, expect, it } from '@jest/globals';

import { parseDuration, tryParseDuration } from './duration.js';

describe(parseDuration.name, () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['5m', 300_000],
    ['4h', 14_400_000],
    ['1d', 86_400_000],
    ['1h30m', 5_400_000],
    ['1.5s', 1_500],
    ['0', 0],
    ['0s', 0],
    [' 2m ', 120_000],
  ])('should parse %j as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '30', 'abc', '5 minutes', '-1s', '1w', 's', '1h 30m', '1e3s'])('should reject %j', (text) => {
    expect(tryParseDuration(text)).toBeUndefined();
    expect(() => parseDuration(text)).toThrow(RangeError);
  });

  it('should say how to write a duration', () => {
    expect(() => parseDuration('30')).toThrow(
      'invalid duration "30": write a number with a unit: ms, s, m, h or d, e.g. "500ms", "30s", "5m", "4h", "1h30m"',
    );
  });

  it('should reject a duration too large to count in milliseconds', () => {
    expect(tryParseDuration('99999999999999999d')).toBeUndefined();
  });
});
