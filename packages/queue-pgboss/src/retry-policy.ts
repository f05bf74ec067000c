/**
 * What a handler's error means for its mission (STYLE.md §4.7): a domain error of category
 * `transient` (an infrastructure hiccup) is retried with backoff; anything else — invalid input,
 * not found, conflict, forbidden, a bug, or an error that is not a domain error at all — fails the
 * delivery at once, since running it again would fail the same way. Decided on the error's
 * category through the cross-bundle brand, never on `instanceof`.
 */
import { isDomainError, type ErrorCategory } from '@fracta/domain';

export type FailureDisposition = 'retry' | 'fail';

export function dispositionOf(error: unknown): FailureDisposition {
  return isDomainError(error) && error.category === 'transient' ? 'retry' : 'fail';
}

/** What is stored as the failed job's output: enough to tell why, never a stack or a payload. */
export function failureOutput(
  error: unknown,
  disposition: FailureDisposition,
): { name: string; code: string | null; category: ErrorCategory | null; message: string; retry: boolean } {
  const domain = isDomainError(error) ? error : null;
  const message = error instanceof Error ? error.message : String(error);
  return {
    name: error instanceof Error ? error.name : typeof error,
    code: domain?.code ?? null,
    category: domain?.category ?? null,
    message: message.slice(0, 2_000),
    retry: disposition === 'retry',
  };
}
