import { Clock } from '@fracta/domain';

/** The instant every clock and factory of the kit starts at unless told otherwise. */
export const TEST_EPOCH = new Date('2026-01-01T00:00:00.000Z');

/** A clock that always answers the same instant, until `set` changes it. */
export class FixedClock extends Clock {
  private ms: number;

  constructor(at: Date = TEST_EPOCH) {
    super();
    this.ms = checkedTime(at);
  }

  override now(): Date {
    return new Date(this.ms);
  }

  set(at: Date): void {
    this.ms = checkedTime(at);
  }
}

/** A clock that only moves when a test advances it. */
export class ManualClock extends Clock {
  private ms: number;

  constructor(start: Date = TEST_EPOCH) {
    super();
    this.ms = checkedTime(start);
  }

  override now(): Date {
    return new Date(this.ms);
  }

  /** Moves the clock forward by `ms` milliseconds and returns the new instant. */
  advance(ms: number): Date {
    if (!Number.isFinite(ms) || ms < 0) {
      throw new RangeError(`a ManualClock only moves forward: cannot advance by ${ms} ms`);
    }
    this.ms += ms;
    return this.now();
  }
}

function checkedTime(at: Date): number {
  const ms = at.getTime();
  if (Number.isNaN(ms)) throw new RangeError('a clock needs a valid date');
  return ms;
}
