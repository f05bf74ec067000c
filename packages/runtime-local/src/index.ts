export { LocalProcessBackend, type LocalProcessBackendOptions } from './local-process.backend.js';
export {
  RuntimeBinaryNotExecutableError,
  RuntimeBinaryNotFoundError,
  RuntimeCwdNotFoundError,
  RuntimeHandleInvalidError,
  RuntimeSpecInvalidError,
  RuntimeStartFailedError,
} from './local-process.errors.js';
export { type LocalProcessSpec } from './process-spec.js';
