import { describe, expect, it } from '@jest/globals';

import { resolveQueueOptions } from './queue-options.js';

const url = 'postgres://fracta:secret@db.example:5432/fracta';

describe('resolveQueueOptions', () => {
  it('should fill in the defaults', () => {
    expect(resolveQueueOptions({ url })).toEqual({
      url,
      schema: 'pgboss',
      queue: 'fracta-missions',
      poolMax: 10,
      connectTimeoutMs: 5_000,
      leaseSeconds: 30,
      heartbeatMs: 10_000,
      maxRunSeconds: 86_400,
      pollIntervalMs: 2_000,
      fetchBatchMax: 50,
      retry: { limit: 10, delaySeconds: 1, backoff: true, maxDelaySeconds: 60 },
      supervise: true,
      superviseIntervalSeconds: 10,
      stopTimeoutMs: 30_000,
    });
  });

  it('should take a heartbeat in seconds and a partial retry policy', () => {
    const resolved = resolveQueueOptions({
      url,
      leaseSeconds: 10,
      heartbeatSeconds: 1.5,
      retry: { limit: 2 },
    });
    expect(resolved.heartbeatMs).toBe(1_500);
    expect(resolved.retry).toEqual({ limit: 2, delaySeconds: 1, backoff: true, maxDelaySeconds: 60 });
  });

  it('should list every problem at once', () => {
    let thrown: unknown;
    try {
      resolveQueueOptions({
        url: 'mysql://nope',
        schema: 'Bad-Schema',
        leaseSeconds: 5,
        pollIntervalMs: 10,
        retry: { limit: -1 },
      });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: 'QUEUE_OPTIONS_INVALID', category: 'invalid' });
    const message = (thrown as Error).message;
    for (const field of ['url', 'schema', 'leaseSeconds', 'pollIntervalMs', 'retry.limit']) {
      expect(message).toContain(`${field}:`);
    }
  });

  it('should refuse a heartbeat as long as the lease', () => {
    expect(() => resolveQueueOptions({ url, leaseSeconds: 10, heartbeatSeconds: 10 })).toThrow(
      /heartbeatSeconds: must be below leaseSeconds \(10\)/,
    );
  });

  it('should refuse unknown options (a typo must not be ignored)', () => {
    expect(() => resolveQueueOptions({ url, leaseSecond: 10 } as never)).toThrow(/leaseSecond/);
  });
});
