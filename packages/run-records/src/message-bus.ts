/**
 * An append-only message bus file (TASK-MESSAGE-BUS.md or PROJECT-MESSAGE-BUS.md).
 *
 * Append = take the bus lock (`<bus>.lock`, see FileLock), open the bus with O_APPEND, read its
 * last few KiB to find the last msg_id and whether it ends with a newline, then write the whole
 * entry (separator included) with one write(2). Writers in other processes (agents posting through
 * their own tools, the control plane, workers) exclude each other through the lock file, so
 * entries never interleave and ids increase in file order. Readers take no lock: an entry is
 * visible whole or not at all, except after a crash mid-write, which the parser drops.
 * No fsync per entry (as conductor-loop): the bus is a log, not the source of truth.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { StringDecoder } from 'node:string_decoder';

import { type Clock } from '@fracta/domain';

import {
  BUS_MESSAGE_TYPES,
  BusParser,
  serializeBusEntry,
  type BusMessage,
  type BusMessageType,
} from './bus-entry.js';
import { FileLock, type FileLockOptions } from './file-lock.js';
import { nextMsgId } from './msg-id.js';
import { isSafeSegment, SEGMENT_LIMITS } from './path-segment.js';
import { MessageBusEntryInvalidError, RunRecordInputInvalidError } from './run-records.errors.js';

export const BUS_LIMITS = {
  /** UTF-8 bytes of one body. */
  bodyBytes: 64 * 1024,
  /** Entries one read may return. */
  readMax: 10_000,
} as const;

export interface BusMessageDraft {
  readonly type: BusMessageType;
  readonly project_id: string;
  readonly task_id?: string | null;
  readonly run_id?: string | null;
  readonly body: string;
}

export interface BusReadQuery {
  /** Entries after this one. When it is not in the file (rotated away), entries with a greater id. */
  readonly sinceMsgId?: string | undefined;
  /** 1..BUS_LIMITS.readMax, default 100. */
  readonly limit?: number;
}

export interface MessageBusOptions {
  readonly path: string;
  readonly clock?: Clock;
  readonly lock?: FileLockOptions;
}

const systemClock: Clock = { now: () => new Date() };
const CHUNK = 64 * 1024;
const TAIL_WINDOWS = [4 * 1024, 64 * 1024, 512 * 1024];
const ENTRY_START = '\n---\nmsg_id:';

function checkDraft(draft: BusMessageDraft): void {
  const invalid = (field: string, problem: string) => new MessageBusEntryInvalidError(field, problem);
  if (!BUS_MESSAGE_TYPES.includes(draft.type)) {
    throw invalid('type', `must be one of ${BUS_MESSAGE_TYPES.join(', ')}`);
  }
  const ids = [
    ['project_id', draft.project_id, SEGMENT_LIMITS.project, true],
    ['task_id', draft.task_id, SEGMENT_LIMITS.agent, false],
    ['run_id', draft.run_id, SEGMENT_LIMITS.runId, false],
  ] as const;
  for (const [field, value, max, required] of ids) {
    if (value === undefined || value === null) {
      if (required) throw invalid(field, 'is required');
      continue;
    }
    if (typeof value !== 'string' || !isSafeSegment(value, max)) {
      throw invalid(
        field,
        `must be 1-${max} letters, digits, '.', '_' or '-', starting with a letter or digit`,
      );
    }
  }
  if (typeof draft.body !== 'string') throw invalid('body', 'must be a string');
  const bytes = Buffer.byteLength(draft.body);
  if (bytes > BUS_LIMITS.bodyBytes) {
    throw invalid(
      'body',
      `is ${bytes} bytes, the limit is ${BUS_LIMITS.bodyBytes}: post a summary and put the rest in a file`,
    );
  }
}

function checkLimit(limit: number | undefined, fallback: number): number {
  const value = limit ?? fallback;
  if (!Number.isInteger(value) || value < 1 || value > BUS_LIMITS.readMax) {
    throw new RunRecordInputInvalidError(
      'limit',
      `must be an integer from 1 to ${BUS_LIMITS.readMax}, got ${value}`,
    );
  }
  return value;
}

/** The value of the last `msg_id:` header in `text`, when the header starts inside it. */
function lastMsgId(text: string, atFileStart: boolean): string | null {
  const index = text.lastIndexOf(ENTRY_START);
  let start = index + ENTRY_START.length;
  if (index < 0) {
    // The first entry of the file has no newline before it.
    if (!atFileStart || !text.startsWith(ENTRY_START.slice(1))) return null;
    start = ENTRY_START.length - 1;
  }
  const end = text.indexOf('\n', start);
  if (end < 0) return null;
  return text
    .slice(start, end)
    .trim()
    .replace(/^"(.*)"$/, '$1');
}

export class MessageBus {
  readonly path: string;
  readonly #clock: Clock;
  readonly #lock: FileLock;
  /** Appends of this instance queue here instead of spinning on the lock file. */
  #queue: Promise<unknown> = Promise.resolve();
  #dirReady = false;

  constructor(options: MessageBusOptions) {
    this.path = options.path;
    this.#clock = options.clock ?? systemClock;
    this.#lock = new FileLock(`${options.path}.lock`, options.lock);
  }

  /** Appends one entry atomically and returns it as written. */
  async append(draft: BusMessageDraft): Promise<BusMessage> {
    checkDraft(draft);
    const run = this.#queue.then(() => this.#append(draft));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #append(draft: BusMessageDraft): Promise<BusMessage> {
    if (!this.#dirReady) {
      await mkdir(dirname(this.path), { recursive: true });
      this.#dirReady = true;
    }
    return this.#lock.withLock(async () => {
      const flags = constants.O_RDWR | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW;
      const handle = await open(this.path, flags, 0o644);
      try {
        const stat = await handle.stat();
        if (!stat.isFile())
          throw new MessageBusEntryInvalidError('path', `${this.path} is not a regular file`);
        const tail =
          stat.size > 0
            ? await this.#inspectTail(handle, stat.size)
            : { lastId: null, endsWithNewline: true };
        const now = this.#clock.now();
        const message: BusMessage = {
          msg_id: nextMsgId(tail.lastId, now.getTime(), randomBytes(3).toString('hex')),
          ts: now.toISOString(),
          type: draft.type,
          project_id: draft.project_id,
          task_id: draft.task_id ?? null,
          run_id: draft.run_id ?? null,
          body: draft.body,
        };
        // Empty file: no separator. A file cut short by a crash gets its line ended first.
        const separator = stat.size === 0 ? '' : tail.endsWithNewline ? '\n' : '\n\n';
        const bytes = Buffer.from(separator + serializeBusEntry(message));
        let written = 0;
        // One write(2) in practice; the loop only matters on a short write, still under the lock.
        while (written < bytes.length) {
          const { bytesWritten } = await handle.write(bytes, written, bytes.length - written, null);
          written += bytesWritten;
        }
        return message;
      } finally {
        await handle.close();
      }
    });
  }

  async #inspectTail(
    handle: FileHandle,
    size: number,
  ): Promise<{ lastId: string | null; endsWithNewline: boolean }> {
    let endsWithNewline = true;
    for (const window of TAIL_WINDOWS) {
      const length = Math.min(window, size);
      const { buffer, bytesRead } = await handle.read(Buffer.alloc(length), 0, length, size - length);
      const text = buffer.subarray(0, bytesRead).toString('utf8');
      endsWithNewline = text.endsWith('\n');
      const lastId = lastMsgId(text, length === size);
      if (lastId !== null || length === size) return { lastId, endsWithNewline };
    }
    return { lastId: null, endsWithNewline };
  }

  /** Entries oldest first: the first `limit` after `sinceMsgId`, or from the start. */
  async read(query: BusReadQuery = {}): Promise<BusMessage[]> {
    const limit = checkLimit(query.limit, 100);
    const since = query.sinceMsgId;
    let found = since === undefined;
    let after: BusMessage[] = [];
    const greater: BusMessage[] = [];
    const done = () => found && after.length >= limit;
    const parser = new BusParser((message) => {
      if (found) {
        if (after.length < limit) after.push(message);
        return;
      }
      if (message.msg_id === since) {
        found = true;
        after = [];
        return;
      }
      if (since !== undefined && message.msg_id > since && greater.length < limit) greater.push(message);
    });
    await this.#scan(parser, done);
    return found ? after : greater;
  }

  /** The last `limit` entries, oldest first, reading only the end of the file. */
  async readLast(limit: number): Promise<BusMessage[]> {
    const wanted = checkLimit(limit, 100);
    const handle = await this.#openForRead();
    if (!handle) return [];
    try {
      const size = (await handle.stat()).size;
      for (let window = 64 * 1024; ; window *= 4) {
        const length = Math.min(window, size);
        const { buffer } = await handle.read(Buffer.alloc(length), 0, length, size - length);
        let text = buffer.toString('utf8');
        if (length < size) {
          // Start at an entry boundary; a window that holds none is widened.
          const start = text.indexOf(ENTRY_START);
          if (start < 0) continue;
          text = text.slice(start + 1);
        }
        const messages: BusMessage[] = [];
        const parser = new BusParser((message) => messages.push(message));
        parser.push(text);
        parser.end();
        if (messages.length >= wanted || length === size) return messages.slice(-wanted);
      }
    } finally {
      await handle.close();
    }
  }

  async #openForRead(): Promise<FileHandle | null> {
    try {
      return await open(this.path, constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async #scan(parser: BusParser, done: () => boolean): Promise<void> {
    const handle = await this.#openForRead();
    if (!handle) return;
    try {
      const decoder = new StringDecoder('utf8');
      const buffer = Buffer.alloc(CHUNK);
      for (let position = 0; !done();) {
        const { bytesRead } = await handle.read(buffer, 0, CHUNK, position);
        if (bytesRead === 0) break;
        position += bytesRead;
        parser.push(decoder.write(buffer.subarray(0, bytesRead)));
      }
      if (!done()) {
        parser.push(decoder.end());
        parser.end();
      }
    } finally {
      await handle.close();
    }
  }
}
