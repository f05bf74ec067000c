import { AgentNotFoundError, ERROR_CATEGORIES, StoreUnavailableError } from '@fracta/domain';
import { describe, expect, it } from '@jest/globals';

import { describeFailure, exitCodeOf } from './exit-codes.js';

describe(exitCodeOf.name, () => {
  it('should give each category its own non-zero code', () => {
    const codes = ERROR_CATEGORIES.map(exitCodeOf);
    expect(codes).toEqual([2, 3, 4, 5, 6, 70]);
    expect(new Set(codes).size).toBe(codes.length);
  });
});

describe(describeFailure.name, () => {
  it('should keep a domain message and map its category', () => {
    expect(describeFailure(new AgentNotFoundError('x'))).toEqual({
      message: expect.stringContaining('agent "x" not found') as unknown,
      exit: 3,
    });
    expect(describeFailure(new StoreUnavailableError('down')).exit).toBe(6);
  });

  it('should ask for a report on anything unexpected', () => {
    expect(describeFailure(new TypeError('boom'))).toEqual({
      message: 'boom (unexpected: please report it, with --debug output)',
      exit: 70,
    });
  });
});

describe('errors of other packages', () => {
  it('should map anything with a known category, like ConfigError', () => {
    const configError = Object.assign(new Error('fracta.yaml: 1 problem'), {
      code: 'CONFIG_INVALID',
      category: 'invalid',
    });
    expect(describeFailure(configError)).toEqual({ message: 'fracta.yaml: 1 problem', exit: 2 });
  });
});
