/**
 * Message ids: `MSG-YYYYMMDD-HHMMSS-mmm-SSSS-rrrrrr` (UTC time to the millisecond, a sequence
 * within that millisecond, 6 random hex digits). The writer derives each id from the last id in
 * the bus while holding the bus lock, so ids strictly increase in file order across processes
 * (even when a clock steps back), and they sort as strings. The random part keeps ids of
 * different buses apart.
 */
const FORMAT = /^MSG-(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})-(\d{3})-(\d{4})-[0-9a-f]{6}$/;
const SEQ_MAX = 9_999;

export interface MsgIdParts {
  readonly ms: number;
  readonly seq: number;
}

export function parseMsgId(id: string): MsgIdParts | null {
  const match = FORMAT.exec(id);
  if (!match) return null;
  const [year, month, day, hour, minute, second, milli, seq] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const ms = Date.UTC(year, month - 1, day, hour, minute, second, milli);
  return Number.isNaN(ms) ? null : { ms, seq };
}

export function formatMsgId(parts: MsgIdParts, random: string): string {
  const iso = new Date(parts.ms).toISOString();
  const date = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}`;
  const time = `${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
  return `MSG-${date}-${time}-${iso.slice(20, 23)}-${String(parts.seq).padStart(4, '0')}-${random}`;
}

/** The id after `last` (an id of this format, or anything else, or null) at time `nowMs`. */
export function nextMsgId(last: string | null, nowMs: number, random: string): string {
  const previous = last === null ? null : parseMsgId(last);
  let parts: MsgIdParts = { ms: nowMs, seq: 0 };
  if (previous !== null && previous.ms >= nowMs) {
    parts =
      previous.seq < SEQ_MAX ? { ms: previous.ms, seq: previous.seq + 1 } : { ms: previous.ms + 1, seq: 0 };
  }
  return formatMsgId(parts, random);
}
