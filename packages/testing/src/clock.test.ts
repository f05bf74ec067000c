import { Clock } from '@fracta/domain';
import { describe, expect, it } from '@jest/globals';

import { FixedClock, ManualClock, TEST_EPOCH } from './clock.js';

describe(FixedClock.name, () => {
  it('should be a Clock', () => {
    expect(new FixedClock()).toBeInstanceOf(Clock);
  });

  it('should start at TEST_EPOCH unless told otherwise', () => {
    expect(new FixedClock().now()).toEqual(TEST_EPOCH);
    expect(new FixedClock(new Date('2030-05-06T07:08:09.000Z')).now().toISOString()).toBe(
      '2030-05-06T07:08:09.000Z',
    );
  });

  it('should answer the same instant every time, as a fresh Date', () => {
    const clock = new FixedClock();
    const first = clock.now();
    first.setFullYear(1999);

    expect(clock.now()).toEqual(TEST_EPOCH);
    expect(clock.now()).not.toBe(clock.now());
  });

  it('should move to the instant it is set to, without holding on to the caller Date', () => {
    const clock = new FixedClock();
    const later = new Date('2026-02-01T00:00:00.000Z');

    clock.set(later);
    later.setFullYear(1999);

    expect(clock.now().toISOString()).toBe('2026-02-01T00:00:00.000Z');
  });

  it('should refuse an invalid date', () => {
    expect(() => new FixedClock(new Date('nope'))).toThrow(RangeError);
  });
});

describe(ManualClock.name, () => {
  it('should be a Clock that stands still until advanced', () => {
    const clock = new ManualClock(new Date('2026-03-01T00:00:00.000Z'));

    expect(clock).toBeInstanceOf(Clock);
    expect(clock.now().toISOString()).toBe('2026-03-01T00:00:00.000Z');
    expect(clock.now().toISOString()).toBe('2026-03-01T00:00:00.000Z');
  });

  it('should advance by the given milliseconds and return the new instant', () => {
    const clock = new ManualClock();

    const returned = clock.advance(1_500);
    clock.advance(0);

    expect(returned.getTime()).toBe(TEST_EPOCH.getTime() + 1_500);
    expect(clock.now().getTime()).toBe(TEST_EPOCH.getTime() + 1_500);
  });

  it('should not be moved by a caller changing a Date it returned', () => {
    const clock = new ManualClock();
    clock.now().setTime(0);
    clock.advance(10).setTime(0);

    expect(clock.now().getTime()).toBe(TEST_EPOCH.getTime() + 10);
  });

  it('should refuse to go backwards or by a non-finite amount', () => {
    const clock = new ManualClock();

    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(() => clock.advance(Number.NaN)).toThrow(RangeError);
    expect(() => clock.advance(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(clock.now()).toEqual(TEST_EPOCH);
  });
});
