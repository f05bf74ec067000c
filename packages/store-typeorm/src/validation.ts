/** Input checks shared by the repositories; every failure is a ValidationError with a fix. */
import {
  EVENT_LIMITS,
  EVENT_OUTCOMES,
  EVENT_SEVERITIES,
  PAGE_MAX,
  ValidationError,
  type EventDraft,
} from '@fracta/domain';

export function checkLimit(limit: number, max: number): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    throw new ValidationError(
      'PAGE_LIMIT_INVALID',
      `limit must be an integer from 1 to ${max}, got ${limit}`,
    );
  }
  return limit;
}

export function checkPageLimit(limit: number): number {
  return checkLimit(limit, PAGE_MAX);
}

/** Opaque keyset cursor: "a" + base36 of the last row's sequence number. */
export function encodeCursor(seq: number): string {
  return `a${seq.toString(36)}`;
}

export function decodeCursor(cursor: string | null | undefined): number {
  if (cursor === null || cursor === undefined || cursor === '') return 0;
  if (!/^a[0-9a-z]{1,12}$/.test(cursor)) {
    throw new ValidationError(
      'PAGE_CURSOR_INVALID',
      'invalid page cursor: pass the nextCursor of a previous page unchanged',
    );
  }
  return Number.parseInt(cursor.slice(1), 36);
}

export function checkEventDraft(draft: EventDraft): void {
  const fields = ['component', 'category', 'resource', 'action'] as const;
  for (const field of fields) {
    const value = draft[field];
    if (value.length === 0 || value.length > EVENT_LIMITS.fieldChars) {
      throw new ValidationError(
        'EVENT_INVALID',
        `event ${field} must be 1-${EVENT_LIMITS.fieldChars} characters`,
      );
    }
  }
  if (!EVENT_OUTCOMES.includes(draft.outcome)) {
    throw new ValidationError('EVENT_INVALID', `event outcome must be one of ${EVENT_OUTCOMES.join(', ')}`);
  }
  if (!EVENT_SEVERITIES.includes(draft.severity)) {
    throw new ValidationError(
      'EVENT_INVALID',
      `event severity must be one of ${EVENT_SEVERITIES.join(', ')}`,
    );
  }
  const attrs = Object.entries(draft.attrs);
  if (attrs.length > EVENT_LIMITS.attrs) {
    throw new ValidationError(
      'EVENT_INVALID',
      `an event has at most ${EVENT_LIMITS.attrs} attrs, got ${attrs.length}`,
    );
  }
  for (const [key, value] of attrs) {
    if (typeof value !== 'string' || value.length > EVENT_LIMITS.attrValueChars) {
      throw new ValidationError(
        'EVENT_INVALID',
        `event attr "${key}" must be a string of at most ${EVENT_LIMITS.attrValueChars} characters`,
      );
    }
  }
}
