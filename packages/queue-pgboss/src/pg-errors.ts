/**
 * Turns a failed pg-boss call into a domain error: connection trouble and server shutdowns are
 * QueueUnavailableError (transient, retry later), anything else is a bug in how pg-boss is called.
 */
import { InvariantViolationError, isDomainError } from '@fracta/domain';

import { QueueUnavailableError } from './queue.errors.js';

const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '53300', // too_many_connections
]);

export function isConnectionError(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return true;
  const message = error instanceof Error ? error.message : '';
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Cannot use a pool after calling end|not opened/i.test(
    message,
  );
}

export function queueError(action: string, target: string, error: unknown): Error {
  if (isDomainError(error)) return error;
  if (isConnectionError(error)) return new QueueUnavailableError(action, target, error);
  const message = error instanceof Error ? error.message : String(error);
  return new InvariantViolationError(`pg-boss ${action} failed: ${message}`, { action }, { cause: error });
}
