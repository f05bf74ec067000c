import { DomainError } from '@fracta/domain';

/** What is wrong with a request to write an agent's workspace files. */
export type McpConfigErrorCode =
  /** A field of the input is missing, malformed or over its size limit. */
  | 'MCP_CONFIG_INPUT_INVALID'
  /** A workspace path is absolute, climbs out with `..`, or is not one the writers know. */
  | 'MCP_CONFIG_PATH_INVALID'
  /** A file already in the workspace cannot be parsed, so it is not overwritten. */
  | 'MCP_CONFIG_EXISTING_INVALID'
  /** Every place a setting could go is tracked by git, so writing it would dirty the branch. */
  | 'MCP_CONFIG_TRACKED_CONFLICT';

/**
 * The workspace files of an agent cannot be written from this input. The message names the field
 * or file and the fix; nothing is written (the writers are pure, so there is nothing to undo).
 */
export class McpConfigInvalidError extends DomainError {
  readonly code: McpConfigErrorCode;
  readonly category = 'invalid';

  constructor(code: McpConfigErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message, details);
    this.code = code;
  }
}
