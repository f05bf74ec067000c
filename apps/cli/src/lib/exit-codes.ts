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

/** One line for a person, and the exit code that goes with it. */
export function describeFailure(error: unknown): { message: string; exit: number } {
  if (isDomainError(error)) return { message: error.message, exit: exitCodeOf(error.category) };
  // Errors of packages that keep their own classes (ConfigError) carry the same code + category.
  const category = (error as { category?: unknown } | null)?.category;
  if (error instanceof Error && ERROR_CATEGORIES.includes(category as ErrorCategory)) {
    return { message: error.message, exit: exitCodeOf(category as ErrorCategory) };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { message: `${message} (unexpected: please report it, with --debug output)`, exit: 70 };
}
