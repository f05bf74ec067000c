import { RunRecordSegmentInvalidError } from './run-records.errors.js';

/**
 * One directory name that cannot escape its parent: starts with a letter or digit (so never `.`,
 * `..` or a hidden file), then letters, digits, `.`, `_`, `-` (so never `/`, `\`, NUL, spaces or
 * newlines). Also what the bus headers accept, so no value can inject a YAML line.
 */
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export const SEGMENT_LIMITS = { project: 64, agent: 64, runId: 128 } as const;

export function isSafeSegment(value: string, max: number): boolean {
  return value.length > 0 && value.length <= max && SEGMENT.test(value);
}

export function assertSegment(what: string, value: string, max: number): string {
  if (!isSafeSegment(value, max)) throw new RunRecordSegmentInvalidError(what, value, max);
  return value;
}
