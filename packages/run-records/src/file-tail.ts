/**
 * Reading the end of big, growing files (agent-stdout.txt can reach gigabytes): `tail` reads
 * backwards in blocks and stops as soon as it has enough; `followFile` streams what gets appended,
 * woken by fs.watch with polling as the backstop (watch events get lost, and some filesystems
 * never send them).
 */
import { watch, type FSWatcher } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';

import { RecordFileNotFoundError, RunRecordInputInvalidError } from './run-records.errors.js';

export const TAIL_LIMITS = { lines: 100_000, bytes: 16 * 1024 * 1024 } as const;

export type TailOptions = { readonly lines: number } | { readonly bytes: number };

const BLOCK = 64 * 1024;
const NEWLINE = 0x0a;

const isEnoent = (error: unknown) => (error as NodeJS.ErrnoException | null)?.code === 'ENOENT';

function checkCount(field: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new RunRecordInputInvalidError(field, `must be an integer from 0 to ${max}, got ${value}`);
  }
  return value;
}

async function openExisting(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'r');
  } catch (error) {
    if (isEnoent(error)) throw new RecordFileNotFoundError(path);
    throw error;
  }
}

/** Drops UTF-8 continuation bytes at the start of a cut, so decoding starts on a character. */
function fromCharBoundary(bytes: Buffer): Buffer {
  let start = 0;
  while (start < Math.min(3, bytes.length) && ((bytes[start] ?? 0) & 0xc0) === 0x80) start++;
  return bytes.subarray(start);
}

/**
 * The last `lines` lines (a final newline does not start an empty line) or the last `bytes`
 * bytes of the file, as text. Reads at most what it returns plus one block.
 */
export async function tail(path: string, options: TailOptions): Promise<string> {
  const handle = await openExisting(path);
  try {
    const size = (await handle.stat()).size;
    if ('bytes' in options) {
      const length = Math.min(checkCount('bytes', options.bytes, TAIL_LIMITS.bytes), size);
      const { buffer } = await handle.read(Buffer.alloc(length), 0, length, size - length);
      return fromCharBoundary(buffer).toString('utf8');
    }
    const lines = checkCount('lines', options.lines, TAIL_LIMITS.lines);
    if (lines === 0 || size === 0) return '';
    const blocks: Buffer[] = [];
    let position = size;
    let needed = lines;
    while (position > 0) {
      const length = Math.min(BLOCK, position);
      position -= length;
      const { buffer } = await handle.read(Buffer.alloc(length), 0, length, position);
      blocks.unshift(buffer);
      for (let i = length - 1; i >= 0; i--) {
        if (buffer[i] !== NEWLINE) continue;
        // A final newline ends the last line; it is not a break before another one.
        if (position + i === size - 1) continue;
        needed--;
        if (needed === 0) {
          blocks[0] = buffer.subarray(i + 1);
          return Buffer.concat(blocks).toString('utf8');
        }
      }
    }
    return Buffer.concat(blocks).toString('utf8');
  } finally {
    await handle.close();
  }
}

export interface FollowOptions {
  /** Byte offset to start from (default 0: the whole file, then what gets appended). */
  readonly fromOffset?: number;
  /** Ends the iteration (without an error). */
  readonly signal?: AbortSignal;
  /** Polling interval, the backstop for missed watch events (default 250 ms). */
  readonly pollMs?: number;
  /** Largest chunk yielded (default 256 KiB). */
  readonly chunkBytes?: number;
}

export interface FollowChunk {
  readonly data: Buffer;
  /** Byte offsets of `data` in the file; `end` is the `fromOffset` to resume from. */
  readonly start: number;
  readonly end: number;
}

/**
 * Yields the bytes of `path` from `fromOffset` on, then every append, until `signal` aborts. A
 * file that does not exist yet is waited for. When the file shrinks (truncated or replaced), it
 * starts again from offset 0: the next chunk's `start` is lower than the previous `end`.
 */
export async function* followFile(path: string, options: FollowOptions = {}): AsyncGenerator<FollowChunk> {
  const { signal } = options;
  const aborted = () => signal?.aborted === true;
  const pollMs = options.pollMs ?? 250;
  const chunkBytes = options.chunkBytes ?? 256 * 1024;
  let offset = checkCount('fromOffset', options.fromOffset ?? 0, Number.MAX_SAFE_INTEGER);
  let watcher: FSWatcher | null = null;
  let watchedIno: number | null = null;
  /** Counts watch events and aborts, so one that comes while reading is not slept through. */
  let pokes = 0;
  let wake: (() => void) | null = null;
  const poke = () => {
    pokes++;
    wake?.();
  };
  signal?.addEventListener('abort', poke);
  const unwatch = () => {
    watcher?.close();
    watcher = null;
    watchedIno = null;
  };
  try {
    while (!aborted()) {
      const pokesBefore = pokes;
      let info = null;
      try {
        info = await stat(path);
      } catch (error) {
        if (!isEnoent(error)) throw error;
      }
      if (info === null) {
        unwatch();
      } else {
        if (watchedIno !== info.ino) {
          unwatch();
          try {
            watcher = watch(path, { persistent: false }, poke);
            watcher.on('error', unwatch);
            watchedIno = info.ino;
          } catch {
            // inotify limits and the like: polling alone still works
          }
        }
        if (info.size < offset) offset = 0;
        if (info.size > offset) {
          const handle = await open(path, 'r');
          try {
            while (offset < info.size && !aborted()) {
              const length = Math.min(chunkBytes, info.size - offset);
              const { buffer, bytesRead } = await handle.read(Buffer.alloc(length), 0, length, offset);
              if (bytesRead === 0) break;
              const chunk = { data: buffer.subarray(0, bytesRead), start: offset, end: offset + bytesRead };
              offset = chunk.end;
              yield chunk;
            }
          } finally {
            await handle.close();
          }
          continue;
        }
      }
      if (pokes !== pokesBefore) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, pollMs);
        function done() {
          clearTimeout(timer);
          wake = null;
          resolve();
        }
        wake = done;
      });
    }
  } finally {
    signal?.removeEventListener('abort', poke);
    unwatch();
  }
}
