import { describe, expect, it } from '@jest/globals';

import {
  AgentAlreadyExistsError,
  AgentNameInvalidError,
  AgentNotFoundError,
  AgentTransitionInvalidError,
  assertNever,
  CredentialInvalidError,
  DomainError,
  ERROR_CATEGORIES,
  type ErrorCategory,
  InvariantViolationError,
  isDomainError,
  MissionNotFoundError,
  MissionStaleError,
  RunNotFoundError,
  RunNotRunningError,
  StoreUnavailableError,
  toError,
  ValidationError,
} from './errors.js';

interface Case {
  readonly className: string;
  readonly code: string;
  readonly category: ErrorCategory;
  readonly make: () => DomainError;
}

/** Every concrete error of the domain, with the code and category its edges rely on. */
const CASES: readonly Case[] = [
  {
    className: 'InvariantViolationError',
    code: 'INVARIANT_VIOLATED',
    category: 'bug',
    make: () => new InvariantViolationError('broken'),
  },
  {
    className: 'ValidationError',
    code: 'SOMETHING_INVALID',
    category: 'invalid',
    make: () => new ValidationError('SOMETHING_INVALID', 'bad input'),
  },
  {
    className: 'AgentNameInvalidError',
    code: 'AGENT_NAME_INVALID',
    category: 'invalid',
    make: () => new AgentNameInvalidError('bad name'),
  },
  {
    className: 'AgentNotFoundError',
    code: 'AGENT_NOT_FOUND',
    category: 'not_found',
    make: () => new AgentNotFoundError('ghost'),
  },
  {
    className: 'AgentAlreadyExistsError',
    code: 'AGENT_ALREADY_EXISTS',
    category: 'conflict',
    make: () => new AgentAlreadyExistsError('twin'),
  },
  {
    className: 'AgentTransitionInvalidError',
    code: 'AGENT_TRANSITION_INVALID',
    category: 'conflict',
    make: () => new AgentTransitionInvalidError('a', 'completed', 'stop'),
  },
  {
    className: 'MissionStaleError',
    code: 'MISSION_STALE',
    category: 'conflict',
    make: () => new MissionStaleError('mission-1', 1, 2),
  },
  {
    className: 'RunNotFoundError',
    code: 'RUN_NOT_FOUND',
    category: 'not_found',
    make: () => new RunNotFoundError('run-1'),
  },
  {
    className: 'RunNotRunningError',
    code: 'RUN_NOT_RUNNING',
    category: 'conflict',
    make: () => new RunNotRunningError('run-1', 'succeeded'),
  },
  {
    className: 'MissionNotFoundError',
    code: 'MISSION_NOT_FOUND',
    category: 'not_found',
    make: () => new MissionNotFoundError('mission-1'),
  },
  {
    className: 'CredentialInvalidError',
    code: 'GATEWAY_CREDENTIAL_INVALID',
    category: 'forbidden',
    make: () => new CredentialInvalidError('expired'),
  },
  {
    className: 'StoreUnavailableError',
    code: 'STORE_UNAVAILABLE',
    category: 'transient',
    make: () => new StoreUnavailableError('database is down'),
  },
];

describe(DomainError.name, () => {
  it('should have exactly the six categories of STYLE.md §4.7', () => {
    expect([...ERROR_CATEGORIES]).toEqual([
      'invalid',
      'not_found',
      'conflict',
      'forbidden',
      'transient',
      'bug',
    ]);
  });

  it('should cover every category with at least one concrete error', () => {
    expect(new Set(CASES.map((c) => c.category))).toEqual(new Set(ERROR_CATEGORIES));
  });

  describe.each(CASES)('$className', ({ className, code, category, make }) => {
    it(`should carry code ${code} and category ${category}`, () => {
      const error = make();

      expect(error.code).toBe(code);
      expect(error.code).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/);
      expect(error.category).toBe(category);
      expect(ERROR_CATEGORIES).toContain(error.category);
    });

    it('should be named after its class', () => {
      const error = make();

      expect(error.name).toBe(className);
      expect(error.constructor.name).toBe(className);
      expect(String(error)).toMatch(new RegExp(`^${className}: .+`));
    });

    it('should be an Error, a DomainError and recognised by isDomainError', () => {
      const error = make();

      expect(error).toBeInstanceOf(Error);
      expect(error).toBeInstanceOf(DomainError);
      expect(isDomainError(error)).toBe(true);
      expect(error.message).not.toBe('');
      expect(error.stack).toContain(className);
    });

    it('should freeze its details', () => {
      const error = make();

      expect(Object.isFrozen(error.details)).toBe(true);
    });
  });

  it('should keep the cause it wraps', () => {
    const cause = new Error('ECONNREFUSED');
    const error = new StoreUnavailableError('database is down', { host: 'db' }, { cause });

    expect(error.cause).toBe(cause);
    expect(error.details).toEqual({ host: 'db' });
  });

  it('should copy the details it is given', () => {
    const details: Record<string, unknown> = { host: 'db' };
    const error = new StoreUnavailableError('database is down', details);
    details.host = 'changed';

    expect(error.details).toEqual({ host: 'db' });
  });

  it('should give structured details to the errors that have them', () => {
    expect(new AgentTransitionInvalidError('a', null, 'say').details).toEqual({
      agent: 'a',
      from: null,
      trigger: 'say',
    });
    expect(new MissionStaleError('m', 1, 3).details).toEqual({ mission: 'm', attempt: 1, currentAttempt: 3 });
    expect(new RunNotFoundError('run-9').details).toEqual({ run: 'run-9' });
    expect(new RunNotRunningError('run-9', 'failed').details).toEqual({ run: 'run-9', status: 'failed' });
    expect(new MissionNotFoundError('m-1').details).toEqual({ mission: 'm-1' });
    expect(new ValidationError('X_INVALID', 'bad', { field: 'f' }).details).toEqual({ field: 'f' });
  });

  it('should say why a finished run refuses a handle', () => {
    expect(new RunNotRunningError('run-9', 'failed').message).toBe(
      'run "run-9" cannot attach a handle while failed: only a running run can',
    );
  });

  it('should explain a refused transition, with its reason', () => {
    expect(new AgentTransitionInvalidError('a', null, 'say').message).toBe('agent "a" cannot say while new');
    expect(new AgentTransitionInvalidError('a', 'failed', 'say', 'no token').message).toBe(
      'agent "a" cannot say while failed: no token',
    );
  });
});

describe(isDomainError.name, () => {
  it.each([
    ['a plain Error', new Error('x')],
    ['a TypeError', new TypeError('x')],
    [
      'an object shaped like a domain error',
      { code: 'AGENT_NOT_FOUND', category: 'not_found', message: 'x' },
    ],
    ['null', null],
    ['undefined', undefined],
    ['a string', 'AGENT_NOT_FOUND'],
    ['a number', 42],
  ])('should reject %s', (_, value) => {
    expect(isDomainError(value)).toBe(false);
  });

  it('should recognise the brand of another bundle of the domain', () => {
    expect(isDomainError({ [Symbol.for('fracta.DomainError')]: true })).toBe(true);
  });
});

describe(toError.name, () => {
  it('should return an Error unchanged', () => {
    const error = new TypeError('x');

    expect(toError(error)).toBe(error);
  });

  it('should keep a string as the message', () => {
    const error = toError('boom');

    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe('boom');
  });

  it('should serialise an object as JSON', () => {
    expect(toError({ status: 503, reason: 'down' }).message).toBe('{"status":503,"reason":"down"}');
  });

  it('should serialise numbers, booleans and null', () => {
    expect(toError(42).message).toBe('42');
    expect(toError(false).message).toBe('false');
    expect(toError(null).message).toBe('null');
  });

  it('should not throw on a circular object', () => {
    const circular: Record<string, unknown> = { name: 'loop' };
    circular.self = circular;

    const error = toError(circular);

    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe('[object Object]');
  });

  it('should not throw on a value JSON cannot serialise', () => {
    expect(toError(10n).message).toBe('10');
  });

  it('should return an Error for undefined', () => {
    expect(toError(undefined)).toBeInstanceOf(Error);
  });
});

describe(assertNever.name, () => {
  it('should throw an invariant violation of category bug', () => {
    let caught: unknown;
    try {
      assertNever('surprise' as never, 'runtime');
    } catch (error) {
      caught = error;
    }

    expect(caught).toBeInstanceOf(InvariantViolationError);
    expect(caught).toMatchObject({ code: 'INVARIANT_VIOLATED', category: 'bug' });
    expect((caught as Error).message).toBe('unexpected runtime: "surprise"');
  });

  it("should call the value 'value' by default", () => {
    expect(() => assertNever(3 as never)).toThrow('unexpected value: 3');
  });
});
