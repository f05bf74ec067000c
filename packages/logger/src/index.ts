export { type CapturedEntry, CapturingLogger } from './capturing-logger.js';
export { LOG_LEVELS, type LogFields, Logger, type LogLevel } from './logger.js';
export {
  createPinoLogger,
  DEFAULT_REDACT_PATHS,
  type PinoLoggerOptions,
  REDACTED,
  toPino,
} from './pino-logger.js';
export { silentLogger } from './silent-logger.js';
