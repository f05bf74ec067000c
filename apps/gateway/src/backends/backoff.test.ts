import { describe, expect, it } from '@jest/globals';

import { Backoff } from './backoff.js';

describe(Backoff.name, () => {
  it('should double from the base up to the cap', () => {
    const backoff = new Backoff(100, 1_000, () => 0);
    expect([0, 1, 2, 3, 4, 10, 1_000].map((attempt) => backoff.delay(attempt))).toEqual([
      100, 200, 400, 800, 1_000, 1_000, 1_000,
    ]);
  });

  it('should take off at most a quarter as jitter, never exceeding the cap', () => {
    const backoff = new Backoff(100, 1_000, () => 0.999);
    expect(backoff.delay(0)).toBe(75);
    expect(backoff.delay(20)).toBe(750);
  });
});
