/**
 * The on-disk format of one message bus entry (conductor-loop's):
 *
 *     ---
 *     msg_id: MSG-20261123-223150-246-0000-a1b2c3
 *     ts: 2026-11-23T22:31:50.246Z
 *     type: FACT
 *     project_id: "demo"
 *     task_id: "lint-fix"
 *     run_id: ""
 *     ---
 *     <body>
 *
 * Entries are separated by one empty line. Every body line that could read as a `---` delimiter
 * (optional backslashes, `---`, optional trailing blanks) gets one more leading backslash, and
 * the reader removes it again, so bodies round-trip exactly and can never end an entry early
 * (conductor-loop's own reader breaks on a bare `---` in a body). Header values are validated
 * ids, so they cannot inject lines either.
 */
import { parse } from 'yaml';

export const BUS_MESSAGE_TYPES = [
  'RUN_START',
  'RUN_STOP',
  'RUN_CRASH',
  'FACT',
  'PROGRESS',
  'ERROR',
  'INFO',
] as const;
export type BusMessageType = (typeof BUS_MESSAGE_TYPES)[number];

export interface BusMessage {
  readonly msg_id: string;
  /** ISO 8601, UTC. */
  readonly ts: string;
  /** One of BUS_MESSAGE_TYPES when fracta wrote it; other tools may write other types. */
  readonly type: string;
  readonly project_id: string;
  readonly task_id: string | null;
  readonly run_id: string | null;
  readonly body: string;
}

const DELIMITER_LIKE = /^\\*---\s*$/;
const ESCAPED = /^\\+---\s*$/;
const TYPE = /^[A-Z][A-Z0-9_]{0,31}$/;
const HEADER_MAX_LINES = 64;
const HEADER_MAX_CHARS = 16 * 1024;
const HEADER_VALUE_MAX = 256;

const isDelimiter = (line: string) => line.trimEnd() === '---';

export function escapeBody(body: string): string {
  return body
    .split('\n')
    .map((line) => (DELIMITER_LIKE.test(line) ? `\\${line}` : line))
    .join('\n');
}

function unescapeLine(line: string): string {
  return ESCAPED.test(line) ? line.slice(1) : line;
}

/** The entry text, without the separator that goes before every entry but the first. */
export function serializeBusEntry(message: BusMessage): string {
  return [
    '---',
    `msg_id: ${message.msg_id}`,
    `ts: ${message.ts}`,
    `type: ${message.type}`,
    `project_id: ${JSON.stringify(message.project_id)}`,
    `task_id: ${JSON.stringify(message.task_id ?? '')}`,
    `run_id: ${JSON.stringify(message.run_id ?? '')}`,
    '---',
    // The body always gets a final newline of its own, so a body that ends with one keeps it.
    `${escapeBody(message.body)}\n`,
  ].join('\n');
}

function headerValue(header: Record<string, unknown>, key: string): string | null {
  const value = header[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.length > HEADER_VALUE_MAX || /[\r\n]/.test(value)) return null;
  return value;
}

const emptyToNull = (value: string | null) => (value === '' ? null : value);

function parseHeader(lines: readonly string[]): Omit<BusMessage, 'body'> | null {
  let header: unknown;
  try {
    // failsafe: every scalar is a string, so `task_id: 123` or `run_id: true` stay text.
    header = parse(lines.join('\n'), { schema: 'failsafe', maxAliasCount: 0 });
  } catch {
    return null;
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) return null;
  const record = header as Record<string, unknown>;
  const msgId = headerValue(record, 'msg_id');
  const ts = headerValue(record, 'ts');
  const type = headerValue(record, 'type');
  const projectId = headerValue(record, 'project_id');
  if (!msgId || !ts || !type || !TYPE.test(type) || !projectId) return null;
  return {
    msg_id: msgId,
    ts,
    type,
    project_id: projectId,
    // conductor-loop writes absent ids as empty strings.
    task_id: emptyToNull(headerValue(record, 'task_id')),
    run_id: emptyToNull(headerValue(record, 'run_id')),
  };
}

/**
 * Incremental reader: feed it text in any pieces, get whole entries back. Garbage and headers
 * that do not parse are skipped (as conductor-loop does); a last entry cut short by a crash (the
 * file does not end with a newline) is dropped.
 */
export class BusParser {
  #state: 'seek' | 'header' | 'body' = 'seek';
  #partial = '';
  #header: string[] = [];
  #headerChars = 0;
  #current: Omit<BusMessage, 'body'> | null = null;
  #body: string[] = [];

  constructor(private readonly emit: (message: BusMessage) => void) {}

  push(text: string): void {
    const lines = (this.#partial + text).split('\n');
    this.#partial = lines.pop() ?? '';
    for (const line of lines) this.#line(line);
  }

  /** Call once at the end of the input. */
  end(): void {
    const torn = this.#partial !== '';
    this.#partial = '';
    if (this.#state === 'body' && !torn) this.#finish(false);
    this.#state = 'seek';
    this.#current = null;
  }

  #line(line: string): void {
    switch (this.#state) {
      case 'seek':
        if (isDelimiter(line)) this.#openHeader();
        return;
      case 'header': {
        if (isDelimiter(line)) {
          this.#current = parseHeader(this.#header);
          if (this.#current) {
            this.#body = [];
            this.#state = 'body';
          } else {
            // A body with a bare `---` (written by another tool) made us read body text as a
            // header; this delimiter may well open the next real entry.
            this.#openHeader();
          }
          return;
        }
        this.#header.push(line);
        this.#headerChars += line.length + 1;
        if (this.#header.length > HEADER_MAX_LINES || this.#headerChars > HEADER_MAX_CHARS)
          this.#state = 'seek';
        return;
      }
      case 'body':
        if (isDelimiter(line)) {
          this.#finish(true);
          this.#openHeader();
        } else {
          this.#body.push(line);
        }
        return;
    }
  }

  #openHeader(): void {
    this.#state = 'header';
    this.#header = [];
    this.#headerChars = 0;
  }

  #finish(followed: boolean): void {
    const header = this.#current;
    if (!header) return;
    const lines = this.#body;
    // The empty line before the next entry is a separator, not body.
    if (followed && lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    this.emit({ ...header, body: lines.map(unescapeLine).join('\n') });
    this.#current = null;
    this.#body = [];
  }
}

/** Every entry of a complete bus text. */
export function parseBusText(text: string): BusMessage[] {
  const out: BusMessage[] = [];
  const parser = new BusParser((message) => out.push(message));
  parser.push(text);
  parser.end();
  return out;
}
