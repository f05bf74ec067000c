// The Logger port (STYLE.md §4.8, after Temporal's packages/common/src/logger.ts). Packages take a
// Logger in their constructors and never import pino; apps bind it with createPinoLogger.

/** Log levels, lowest first. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Structured fields of a log event. Pass errors as `err`. */
export type LogFields = Readonly<Record<string, unknown>>;

/**
 * A structured logger: a stable message plus fields (`logger.info('run finished', { runId, durationMs })`).
 * An abstract class rather than an interface so that it exists at runtime and can be an injection token.
 */
export abstract class Logger {
  abstract trace(msg: string, fields?: LogFields): void;
  abstract debug(msg: string, fields?: LogFields): void;
  abstract info(msg: string, fields?: LogFields): void;
  abstract warn(msg: string, fields?: LogFields): void;
  abstract error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every event (e.g. `{ component: 'reaper' }`). */
  abstract child(fields: LogFields): Logger;
}
