import { Logger } from './logger.js';

class SilentLogger extends Logger {
  trace(): void {
    // Discarded.
  }
  debug(): void {
    // Discarded.
  }
  info(): void {
    // Discarded.
  }
  warn(): void {
    // Discarded.
  }
  error(): void {
    // Discarded.
  }
  child(): Logger {
    return this;
  }
}

const silent = new SilentLogger();

/** A logger that discards everything; for tests that do not look at logs. */
export function silentLogger(): Logger {
  return silent;
}
