import { StoreUnavailableError } from '@fracta/domain';
import { describe, expect, it } from '@jest/globals';

import { isConnectionError, queueError } from './pg-errors.js';

describe('queueError', () => {
  const target = 'postgres://fracta:***@db:5432/fracta';

  it('should make connection failures transient QueueUnavailableErrors that name the action and the fix', () => {
    const error = queueError(
      'enqueue',
      target,
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    );
    expect(error).toMatchObject({ code: 'QUEUE_UNAVAILABLE', category: 'transient' });
    expect(error.message).toBe(
      `mission queue unavailable (enqueue on ${target}: ECONNREFUSED): check that Postgres is running and runtime.queue.url is right`,
    );
  });

  it.each([
    ['a server shutdown', Object.assign(new Error('terminating connection'), { code: '57P01' })],
    ['a terminated connection', new Error('Connection terminated unexpectedly')],
    ['a pool timeout', new Error('timeout exceeded when trying to connect')],
  ])('should treat %s as unavailable', (_, cause) => {
    expect(isConnectionError(cause)).toBe(true);
    expect(queueError('fetch', target, cause)).toMatchObject({ category: 'transient' });
  });

  it('should pass domain errors through and call anything else a bug', () => {
    const domain = new StoreUnavailableError('x');
    expect(queueError('cancel', target, domain)).toBe(domain);
    const bug = queueError('cancel', target, new Error('syntax error at or near'));
    expect(bug).toMatchObject({ code: 'INVARIANT_VIOLATED', category: 'bug' });
    expect(bug.message).toBe('pg-boss cancel failed: syntax error at or near');
  });
});
