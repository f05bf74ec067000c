// Human durations ("500ms", "30s", "5m", "4h", "1d", "1h30m") to milliseconds.

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
type DurationUnit = keyof typeof UNIT_MS;

const DURATION_PATTERN = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/;
const SEGMENT_PATTERN = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;

/** How to write a duration; appended to every "bad duration" message. */
export const DURATION_HINT =
  'write a number with a unit: ms, s, m, h or d, e.g. "500ms", "30s", "5m", "4h", "1h30m"';

/**
 * Parses a duration and returns milliseconds, or `undefined` when the text is not a duration.
 * Accepts "0" without a unit. Fractions are allowed ("1.5h") and rounded to whole milliseconds.
 */
export function tryParseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '0') return 0;
  if (!DURATION_PATTERN.test(trimmed)) return undefined;
  let total = 0;
  for (const match of trimmed.matchAll(SEGMENT_PATTERN)) {
    const [, amount, unit] = match;
    total += Number(amount) * UNIT_MS[unit as DurationUnit];
  }
  const ms = Math.round(total);
  return Number.isSafeInteger(ms) ? ms : undefined;
}

/**
 * Parses a duration such as "500ms", "30s", "5m", "4h", "1d" or "1h30m" into milliseconds.
 * @throws RangeError when the text is not a duration.
 */
export function parseDuration(text: string): number {
  const ms = tryParseDuration(text);
  if (ms === undefined) throw new RangeError(`invalid duration ${JSON.stringify(text)}: ${DURATION_HINT}`);
  return ms;
}
