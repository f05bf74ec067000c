/**
 * A cross-process lock on a path, for the short critical sections of the records (one bus append,
 * one run-info read-modify-write). Node has no flock(2), so the lock is a file:
 *
 * - **Take**: write the owner (`pid`, `host`, a random `token`, the time) to a private temp file,
 *   then `link(2)` it to `<name>.lock`. link is atomic and fails with EEXIST when the lock exists,
 *   so exactly one contender wins, and the lock file is complete the moment it appears (no reader
 *   ever sees an empty lock, unlike open(O_EXCL) followed by a write).
 * - **Wait**: retry with a short jittered backoff (1 ms doubling to 16 ms) until `timeoutMs`, then
 *   fail with a transient RecordLockTimeoutError.
 * - **Stale lock**: an owner on this host whose pid is dead, or any lock older than `staleMs`
 *   (default 30 s; holders keep it for microseconds), is broken: rename it to a unique grave name
 *   (atomic, so only one contender moves it), then check the moved file is the one judged stale.
 *   If a fresh lock was moved instead (it was taken between the check and the rename), it is
 *   linked back when the name is still free. Mutual exclusion can only fail in that double race,
 *   which needs a crashed or 30 s-frozen holder first.
 * - **Release**: unlink the lock only if it still carries our token.
 */
import { randomUUID } from 'node:crypto';
import { link, open, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';

import { RecordLockTimeoutError } from './run-records.errors.js';

export interface FileLockOptions {
  /** Give up after this long (default 10 s). */
  readonly timeoutMs?: number;
  /** A lock older than this is broken (default 30 s). */
  readonly staleMs?: number;
}

interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly token: string;
  readonly at: number;
}

const DEFAULTS = { timeoutMs: 10_000, staleMs: 30_000 } as const;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const errorCode = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;

function parseOwner(text: string): LockOwner | null {
  try {
    const value = JSON.parse(text) as Partial<LockOwner>;
    if (
      typeof value.pid === 'number' &&
      typeof value.host === 'string' &&
      typeof value.token === 'string' &&
      typeof value.at === 'number'
    ) {
      return { pid: value.pid, host: value.host, token: value.token, at: value.at };
    }
  } catch {
    // not ours, or garbage: judged by age alone
  }
  return null;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return errorCode(error) === 'EPERM';
  }
}

export class FileLock {
  readonly #timeoutMs: number;
  readonly #staleMs: number;

  constructor(
    readonly path: string,
    options: FileLockOptions = {},
  ) {
    this.#timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
    this.#staleMs = options.staleMs ?? DEFAULTS.staleMs;
  }

  /** Runs `fn` while holding the lock; the lock's directory must exist. */
  async withLock<T>(fn: () => Promise<T>): Promise<T> {
    const token = await this.#acquire();
    try {
      return await fn();
    } finally {
      await this.#release(token);
    }
  }

  async #acquire(): Promise<string> {
    const token = randomUUID();
    const owner: LockOwner = { pid: process.pid, host: hostname(), token, at: Date.now() };
    const temp = `${this.path}.${token}`;
    await writeFile(temp, JSON.stringify(owner), { flag: 'wx', mode: 0o644 });
    const deadline = Date.now() + this.#timeoutMs;
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          await link(temp, this.path);
          return token;
        } catch (error) {
          if (errorCode(error) !== 'EEXIST') throw error;
        }
        if (await this.#breakIfStale()) continue;
        const remaining = deadline - Date.now();
        if (remaining <= 0) throw new RecordLockTimeoutError(this.path, this.#timeoutMs);
        const backoff = Math.min(2 ** Math.min(attempt, 4), 16) * (0.5 + Math.random());
        await sleep(Math.min(backoff, remaining));
      }
    } finally {
      await rm(temp, { force: true });
    }
  }

  async #release(token: string): Promise<void> {
    const owner = await this.#readOwner(this.path);
    // Someone judged us stale and took over: their lock is not ours to remove.
    if (owner?.owner?.token === token) await rm(this.path, { force: true });
  }

  async #readOwner(path: string): Promise<{ owner: LockOwner | null; mtimeMs: number } | null> {
    let handle;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return null;
      throw error;
    }
    try {
      // One descriptor for both: the content and the time belong to the same file.
      const [stat, text] = [await handle.stat(), await handle.readFile('utf8')];
      return { owner: parseOwner(text), mtimeMs: stat.mtimeMs };
    } finally {
      await handle.close();
    }
  }

  /** True when a stale lock was removed (so taking it again is worth trying at once). */
  async #breakIfStale(): Promise<boolean> {
    const current = await this.#readOwner(this.path);
    if (current === null) return true;
    const { owner, mtimeMs } = current;
    const age = Date.now() - Math.min(owner?.at ?? mtimeMs, mtimeMs);
    const deadOwner = owner !== null && owner.host === hostname() && !processAlive(owner.pid);
    if (!deadOwner && age <= this.#staleMs) return false;

    const grave = `${this.path}.stale-${randomUUID()}`;
    try {
      await rename(this.path, grave);
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return true;
      throw error;
    }
    const moved = await this.#readOwner(grave);
    if (moved !== null && owner !== null && moved.owner?.token !== owner.token) {
      // We moved a lock taken after our check: give it back unless someone already took the name.
      await link(grave, this.path).catch((error: unknown) => {
        if (errorCode(error) !== 'EEXIST') throw error;
      });
    }
    await unlink(grave).catch(() => undefined);
    return true;
  }
}
