import { type LogFields, Logger, type LogLevel } from './logger.js';

/** One event recorded by a CapturingLogger; `fields` includes the bindings of the child it was logged on. */
export interface CapturedEntry {
  readonly level: LogLevel;
  readonly msg: string;
  readonly fields: LogFields;
}

/**
 * A logger that records every event in memory, for tests that assert something was logged.
 * Children share their parent's `entries`.
 */
export class CapturingLogger extends Logger {
  #entries: CapturedEntry[] = [];
  #bindings: LogFields = {};

  /** Every event logged through this logger, its parent or any of its children, oldest first. */
  get entries(): readonly CapturedEntry[] {
    return this.#entries;
  }

  /** The messages logged, optionally only those at `level`. */
  messages(level?: LogLevel): string[] {
    return this.#entries
      .filter((entry) => level === undefined || entry.level === level)
      .map((entry) => entry.msg);
  }

  /** Forgets every recorded event (for this logger and its whole family). */
  clear(): void {
    this.#entries.length = 0;
  }

  trace(msg: string, fields?: LogFields): void {
    this.#record('trace', msg, fields);
  }
  debug(msg: string, fields?: LogFields): void {
    this.#record('debug', msg, fields);
  }
  info(msg: string, fields?: LogFields): void {
    this.#record('info', msg, fields);
  }
  warn(msg: string, fields?: LogFields): void {
    this.#record('warn', msg, fields);
  }
  error(msg: string, fields?: LogFields): void {
    this.#record('error', msg, fields);
  }

  child(fields: LogFields): CapturingLogger {
    const child = new CapturingLogger();
    child.#entries = this.#entries;
    child.#bindings = { ...this.#bindings, ...fields };
    return child;
  }

  #record(level: LogLevel, msg: string, fields: LogFields | undefined): void {
    this.#entries.push({ level, msg, fields: { ...this.#bindings, ...fields } });
  }
}
