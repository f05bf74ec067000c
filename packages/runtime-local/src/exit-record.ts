import { type RuntimeExit } from '@fracta/domain';

const MAX_ERROR_CHARS = 2_000;

/**
 * Reads the supervisor's exit file (`{exitCode, signal}`, or `{exitCode: null, signal: null, error}`
 * when the program could not be executed). Null when the text is not such a record.
 */
export function parseExitRecord(text: string): RuntimeExit | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const record = value as { exitCode?: unknown; signal?: unknown; error?: unknown };
  const exitCode =
    typeof record.exitCode === 'number' && Number.isInteger(record.exitCode) ? record.exitCode : null;
  const signal =
    typeof record.signal === 'string' && /^SIG[A-Z0-9]+$/.test(record.signal) ? record.signal : null;
  if (typeof record.error === 'string' && record.error !== '') {
    return { exitCode: null, signal: null, error: record.error.slice(0, MAX_ERROR_CHARS) };
  }
  return exitCode === null && signal === null ? null : { exitCode, signal };
}
