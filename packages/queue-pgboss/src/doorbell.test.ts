import { describe, expect, it } from '@jest/globals';

import { Doorbell } from './doorbell.js';

describe(Doorbell.name, () => {
  it('should wake a waiter on ring', async () => {
    const bell = new Doorbell();
    const waiting = bell.wait(null);
    bell.ring();
    await expect(waiting).resolves.toBe(true);
  });

  it('should keep a ring that came while nobody waited, once', async () => {
    const bell = new Doorbell();
    bell.ring();
    bell.ring();
    await expect(bell.wait(null)).resolves.toBe(true);
    await expect(bell.wait(20)).resolves.toBe(false);
  });

  it('should time out without a ring, and not leave the timeout behind as a ring', async () => {
    const bell = new Doorbell();
    const started = Date.now();
    await expect(bell.wait(30)).resolves.toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    const waiting = bell.wait(1_000);
    bell.ring();
    await expect(waiting).resolves.toBe(true);
  });
});
