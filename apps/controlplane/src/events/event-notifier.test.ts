import { describe, expect, it } from '@jest/globals';

import { EventNotifier } from './event-notifier.js';

describe(EventNotifier.name, () => {
  it('should wake every waiter on notify, long before the timeout', async () => {
    const notifier = new EventNotifier();
    const signal = new AbortController().signal;
    const started = Date.now();
    const waits = [notifier.wait(10_000, signal), notifier.wait(10_000, signal)];
    notifier.notify();
    await Promise.all(waits);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('should resolve on timeout and on abort', async () => {
    const notifier = new EventNotifier();
    const started = Date.now();
    await notifier.wait(20, new AbortController().signal);
    expect(Date.now() - started).toBeGreaterThanOrEqual(15);
    const abort = new AbortController();
    const pending = notifier.wait(10_000, abort.signal);
    abort.abort();
    await pending;
    abort.abort();
    await notifier.wait(10_000, abort.signal);
  });
});
