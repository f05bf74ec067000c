import { describe, expect, it } from '@jest/globals';

import { isTransient, isUniqueViolation } from './db.js';

describe(isTransient.name, () => {
  it.each([
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })],
    ['an admin shutdown of Postgres', { driverError: { code: '57P01' } }],
    ['a serialization failure', { code: '40001' }],
    ['a busy SQLite file', { code: 'SQLITE_BUSY' }],
    ['a connection that ended', new Error('Connection terminated unexpectedly')],
    [
      'TypeORM after Postgres dropped a connection mid-transaction',
      Object.assign(new Error('Query runner already released. Cannot run queries anymore.'), {
        name: 'QueryRunnerAlreadyReleasedError',
      }),
    ],
  ])('should call %s transient', (_what, error) => {
    expect(isTransient(error)).toBe(true);
  });

  it.each([
    ['a syntax error', { code: '42601' }],
    ['a unique violation', { code: '23505' }],
    ['a plain error', new Error('something else')],
    ['a string', 'nope'],
  ])('should not call %s transient', (_what, error) => {
    expect(isTransient(error)).toBe(false);
  });
});

describe(isUniqueViolation.name, () => {
  it('should know Postgres and SQLite unique violations', () => {
    expect(isUniqueViolation({ code: '23505' })).toBe(true);
    expect(isUniqueViolation({ driverError: { code: 'SQLITE_CONSTRAINT_UNIQUE' } })).toBe(true);
    expect(isUniqueViolation({ code: '40001' })).toBe(false);
  });
});
