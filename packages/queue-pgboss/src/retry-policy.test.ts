import {
  AgentNotFoundError,
  InvariantViolationError,
  StoreUnavailableError,
  ValidationError,
  type DomainError,
  type ErrorCategory,
} from '@fracta/domain';
import { describe, expect, it } from '@jest/globals';

import { dispositionOf, failureOutput } from './retry-policy.js';

/** A domain error from "another bundle": same brand, a class this package has never seen. */
function foreignError(category: ErrorCategory): DomainError {
  const error = new (class ForeignError extends Error {})('from elsewhere') as unknown as DomainError;
  Object.assign(error, { code: 'FOREIGN', category, [Symbol.for('fracta.DomainError')]: true });
  return error;
}

describe('dispositionOf', () => {
  it('should retry transient domain errors, whatever their class', () => {
    expect(dispositionOf(new StoreUnavailableError('db down'))).toBe('retry');
    expect(dispositionOf(foreignError('transient'))).toBe('retry');
  });

  it.each([
    ['invalid', new ValidationError('X_INVALID', 'bad input')],
    ['not_found', new AgentNotFoundError('agent-1')],
    ['bug', new InvariantViolationError('broken')],
    ['conflict (foreign)', foreignError('conflict')],
  ])('should fail %s errors at once', (_, error) => {
    expect(dispositionOf(error)).toBe('fail');
  });

  it('should fail errors without a category, even ones that look like connection errors', () => {
    expect(dispositionOf(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe('fail');
    expect(dispositionOf('a string')).toBe('fail');
    expect(dispositionOf({ category: 'transient' })).toBe('fail');
  });
});

describe('failureOutput', () => {
  it('should keep the code, category and message of a domain error', () => {
    expect(failureOutput(new ValidationError('X_INVALID', 'bad input'), 'fail')).toEqual({
      name: 'ValidationError',
      code: 'X_INVALID',
      category: 'invalid',
      message: 'bad input',
      retry: false,
    });
  });

  it('should describe a thrown non-error and bound long messages', () => {
    expect(failureOutput(42, 'fail')).toMatchObject({ name: 'number', code: null, message: '42' });
    expect(failureOutput(new Error('x'.repeat(5_000)), 'retry').message).toHaveLength(2_000);
  });
});
