/** Keyset page cursors and page-size checks of the SQL stores. */
import { checkLimit, PAGE_MAX, ValidationError } from '@fracta/domain';

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
