import { assertNever, isDomainError, type ErrorCategory } from '@fracta/domain';

/** The one place a domain error category becomes an HTTP status. */
export function statusOf(category: ErrorCategory): number {
  switch (category) {
    case 'invalid':
      return 400;
    case 'not_found':
      return 404;
    case 'conflict':
      return 409;
    case 'forbidden':
      return 403;
    case 'transient':
      return 503;
    case 'bug':
      return 500;
    default:
      return assertNever(category, 'error category');
  }
}

export interface HttpError {
  readonly status: number;
  readonly body: { error: { code: string; message: string; details?: Record<string, unknown> } };
}

/** Maps anything thrown below the edge to a status and an error body; unknown errors hide their text. */
export function toHttpError(error: unknown): HttpError {
  if (isDomainError(error)) {
    const details = Object.keys(error.details).length > 0 ? { details: { ...error.details } } : {};
    // A missing or wrong token is 401, not the 403 its `forbidden` category would give.
    const status =
      error.code === 'UNAUTHENTICATED' || error.code === 'GATEWAY_CREDENTIAL_INVALID'
        ? 401
        : statusOf(error.category);
    return { status, body: { error: { code: error.code, message: error.message, ...details } } };
  }
  const http = error as { statusCode?: unknown; code?: unknown; message?: unknown };
  if (typeof http.statusCode === 'number' && http.statusCode >= 400 && http.statusCode < 500) {
    // Fastify's own rejections (body too large, bad JSON, unsupported media type, unknown route).
    const code = typeof http.code === 'string' ? http.code : 'REQUEST_INVALID';
    const message = typeof http.message === 'string' ? http.message : 'bad request';
    return { status: http.statusCode, body: { error: { code, message } } };
  }
  return {
    status: 500,
    body: {
      error: { code: 'INTERNAL', message: 'internal error: see the control plane log, and please report it' },
    },
  };
}
