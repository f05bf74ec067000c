export { PROMPT_MAX_BYTES } from './command-input.js';
export { MODEL_ENV, PROMPT_ENV } from './command.runtime.js';
export {
  type BatchCommandInput,
  type CommandLine,
  type EnvHint,
  type ExitInfo,
  type OutputEvent,
  type OutputParser,
  type RunOutcome,
  type RuntimeAdapter,
  type RuntimeWorkspace,
} from './runtime-adapter.js';
export { getRuntimeAdapter, runtimeAdapters } from './runtime-registry.js';
export {
  type RuntimeInputErrorCode,
  RuntimeInputInvalidError,
  RuntimeUnknownError,
} from './runtimes.errors.js';
