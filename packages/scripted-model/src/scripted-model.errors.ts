/** What went wrong while scripting or starting the scripted model endpoint. */
export type ScriptedModelErrorCode = 'SCRIPTED_TURN_INVALID' | 'SCRIPTED_MODEL_OPTIONS_INVALID';

/**
 * A test scripted the model endpoint wrongly. Carries a `code` and a `category` like the domain
 * errors (STYLE.md §4.7) without depending on `@fracta/domain`: this package is a testing kit.
 */
export class ScriptedModelError extends Error {
  override readonly name = 'ScriptedModelError';
  readonly category = 'invalid';
  readonly code: ScriptedModelErrorCode;

  constructor(code: ScriptedModelErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
