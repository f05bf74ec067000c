import { type ErrorAnswer } from './answer.js';

const ERROR_TYPES: Readonly<Record<number, { type: string; code: string | null }>> = {
  400: { type: 'invalid_request_error', code: null },
  401: { type: 'invalid_request_error', code: 'invalid_api_key' },
  403: { type: 'permission_error', code: null },
  404: { type: 'invalid_request_error', code: 'model_not_found' },
  413: { type: 'invalid_request_error', code: 'request_too_large' },
  429: { type: 'rate_limit_error', code: 'rate_limit_exceeded' },
};

/** The OpenAI error body: `{ error: { message, type, param, code } }`. */
export function openaiError(error: ErrorAnswer): unknown {
  const known = ERROR_TYPES[error.status] ?? {
    type: error.status >= 500 ? 'server_error' : 'invalid_request_error',
    code: null,
  };
  return {
    error: { message: error.message, type: error.errorType ?? known.type, param: null, code: known.code },
  };
}
