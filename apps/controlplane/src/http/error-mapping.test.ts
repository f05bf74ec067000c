import { AgentNotFoundError, ERROR_CATEGORIES, StoreUnavailableError, ValidationError } from '@fracta/domain';
import { describe, expect, it } from '@jest/globals';

import { statusOf, toHttpError } from './error-mapping.js';
import { UnauthenticatedError } from './unauthenticated.error.js';

describe(statusOf.name, () => {
  it('should give every category its status', () => {
    expect(Object.fromEntries(ERROR_CATEGORIES.map((c) => [c, statusOf(c)]))).toEqual({
      invalid: 400,
      not_found: 404,
      conflict: 409,
      forbidden: 403,
      transient: 503,
      bug: 500,
    });
  });
});

describe(toHttpError.name, () => {
  it('should map domain errors with code, message and details', () => {
    expect(toHttpError(new AgentNotFoundError('x'))).toEqual({
      status: 404,
      body: {
        error: {
          code: 'AGENT_NOT_FOUND',
          message: expect.stringContaining('"x"') as unknown,
          details: { agent: 'x' },
        },
      },
    });
    expect(toHttpError(new ValidationError('REQUEST_INVALID', 'bad')).body).toEqual({
      error: { code: 'REQUEST_INVALID', message: 'bad' },
    });
    expect(toHttpError(new StoreUnavailableError('db down')).status).toBe(503);
  });

  it('should make a missing token 401 rather than 403', () => {
    expect(toHttpError(new UnauthenticatedError('no token')).status).toBe(401);
  });

  it("should pass through Fastify's client errors and hide unknown errors", () => {
    const tooLarge = Object.assign(new Error('Request body is too large'), {
      statusCode: 413,
      code: 'FST_ERR_CTP_BODY_TOO_LARGE',
    });
    expect(toHttpError(tooLarge)).toEqual({
      status: 413,
      body: { error: { code: 'FST_ERR_CTP_BODY_TOO_LARGE', message: 'Request body is too large' } },
    });
    const hidden = toHttpError(new Error('password=hunter2 leaked in a driver message'));
    expect(hidden.status).toBe(500);
    expect(JSON.stringify(hidden)).not.toContain('hunter2');
  });
});
