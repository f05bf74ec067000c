import { DomainError } from '@fracta/domain';

/** What is wrong with the input of a runtime adapter. */
export type RuntimeInputErrorCode =
  | 'RUNTIME_PROMPT_INVALID'
  | 'RUNTIME_MODEL_INVALID'
  | 'RUNTIME_RESUME_TOKEN_INVALID'
  | 'RUNTIME_RESUME_UNSUPPORTED'
  | 'RUNTIME_BINARY_INVALID'
  | 'RUNTIME_COMMAND_MISSING'
  | 'RUNTIME_ARGS_INVALID'
  | 'RUNTIME_WORKSPACE_INVALID';

/** A command line cannot be built from this input; the message says which field and the fix. */
export class RuntimeInputInvalidError extends DomainError {
  readonly code: RuntimeInputErrorCode;
  readonly category = 'invalid';

  constructor(code: RuntimeInputErrorCode, runtime: string, message: string) {
    super(`${runtime}: ${message}`, { runtime });
    this.code = code;
  }
}

/** The runtime name is not one of claude, codex, opencode, command. */
export class RuntimeUnknownError extends DomainError {
  readonly code = 'RUNTIME_UNKNOWN';
  readonly category = 'invalid';

  constructor(name: string, known: readonly string[]) {
    super(
      `unknown runtime ${JSON.stringify(name.length > 40 ? `${name.slice(0, 40)}…` : name)}: use one of ${known.join(', ')}`,
      { runtime: name.slice(0, 40) },
    );
  }
}
