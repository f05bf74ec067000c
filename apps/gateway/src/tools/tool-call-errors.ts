/**
 * The one place where errors become MCP (STYLE §4.7): a tool that ran into a problem answers with
 * a tool error result (`isError: true`, text the model can act on); only a tool that does not
 * exist for the caller, or a backend's own JSON-RPC error, is a protocol error.
 */
import { assertNever, isDomainError, toError } from '@fracta/domain';
import type { CallToolResult } from '@modelcontextprotocol/server';
import { ZodError } from 'zod';

/** The tool error result for a failure; `internal` is true for bugs (log them). */
export function toolErrorResult(error: unknown): {
  result: CallToolResult;
  message: string;
  internal: boolean;
} {
  const fail = (message: string, internal = false) => ({
    result: { content: [{ type: 'text' as const, text: message }], isError: true },
    message,
    internal,
  });
  if (error instanceof ZodError) {
    const issues = error.issues
      .slice(0, 10)
      .map((issue) => `${issue.path.length === 0 ? '(arguments)' : issue.path.join('.')}: ${issue.message}`);
    return fail(`Invalid arguments: ${issues.join('; ')}`);
  }
  if (isDomainError(error)) {
    switch (error.category) {
      case 'invalid':
      case 'not_found':
      case 'conflict':
      case 'forbidden':
        return fail(`${error.code}: ${error.message}`);
      case 'transient':
        return fail(`${error.code}: ${error.message} (temporary; try again)`);
      case 'bug':
        return fail(`internal error (${error.code}); it was logged`, true);
      default:
        return assertNever(error.category, 'error category');
    }
  }
  const failure = toError(error);
  if (failure.name === 'AbortError') return fail('the call was cancelled');
  return fail('internal error; it was logged', true);
}
