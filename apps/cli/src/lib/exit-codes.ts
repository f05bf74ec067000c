import { assertNever, ERROR_CATEGORIES, isDomainError, type ErrorCategory } from '@fracta/domain';

/** Exit codes by error category, the same for every command (documented in the README). */
export function exitCodeOf(category: ErrorCategory): number {
  switch (category) {
    case 'invalid':
      return 2;
    case 'not_found':
      return 3;
    case 'conflict':
      return 4;
    case 'forbidden':
      return 5;
    case 'transient':
      return 6;
    case 'bug':
      return 70;
    default:
      return assertNever(category, 'error category');
  }
}

/**
 * What went wrong, by category: domain errors, and errors of packages that keep their own classes
 * but carry the same code + category (ConfigError), keep theirs; anything else is an unexpected bug.
 */
export function classify(error: unknown): { category: ErrorCategory; message: string; expected: boolean } {
  if (isDomainError(error)) return { category: error.category, message: error.message, expected: true };
  const category = (error as { category?: unknown } | null)?.category;
  if (error instanceof Error && ERROR_CATEGORIES.includes(category as ErrorCategory)) {
    return { category: category as ErrorCategory, message: error.message, expected: true };
  }
  return {
    category: 'bug',
    message: error instanceof Error ? error.message : String(error),
    expected: false,
  };
}

/** One line for a person, and the exit code that goes with it. */
export function describeFailure(error: unknown): { message: string; exit: number } {
  const { category, message, expected } = classify(error);
  if (expected) return { message, exit: exitCodeOf(category) };
  return { message: `${message} (unexpected: please report it, with --debug output)`, exit: 70 };
}
