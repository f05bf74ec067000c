import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { FileLock } from './file-lock.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  return child.pid;
}

describe(FileLock.name, () => {
  let dir: string;
  let path: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fracta-lock-'));
    path = join(dir, 'bus.md.lock');
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('should let one holder in at a time and leave no file behind', async () => {
    let inside = 0;
    let most = 0;
    const critical = async () => {
      inside++;
      most = Math.max(most, inside);
      await sleep(2);
      inside--;
    };

    await Promise.all(Array.from({ length: 12 }, () => new FileLock(path).withLock(critical)));

    expect(most).toBe(1);
    expect(await readdir(dir)).toEqual([]);
  });

  it('should release the lock when the critical section throws', async () => {
    const lock = new FileLock(path);

    await expect(lock.withLock(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');

    expect(await lock.withLock(() => Promise.resolve('again'))).toBe('again');
  });

  it('should give up after the timeout with a transient error naming the lock', async () => {
    await writeFile(path, JSON.stringify({ pid: process.pid, host: hostname(), token: 't', at: Date.now() }));

    const error = await new FileLock(path, { timeoutMs: 60 })
      .withLock(() => Promise.resolve())
      .then(
        () => null,
        (e: unknown) => e as { code: string; category: string; message: string },
      );

    expect(error).toMatchObject({ code: 'RECORD_LOCK_TIMEOUT', category: 'transient' });
    expect(error?.message).toContain(path);
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ token: 't' });
  });

  it('should break the lock of a dead process on this host at once', async () => {
    await writeFile(
      path,
      JSON.stringify({ pid: deadPid(), host: hostname(), token: 'dead', at: Date.now() }),
    );
    const started = Date.now();

    await new FileLock(path, { timeoutMs: 5_000 }).withLock(() => Promise.resolve());

    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await readdir(dir)).toEqual([]);
  });

  it('should break a lock older than the stale age, even of a live process', async () => {
    await writeFile(
      path,
      JSON.stringify({ pid: process.pid, host: hostname(), token: 'old', at: Date.now() - 60_000 }),
    );

    await new FileLock(path, { timeoutMs: 2_000, staleMs: 30_000 }).withLock(() => Promise.resolve());

    expect(await readdir(dir)).toEqual([]);
  });

  it('should judge a lock of another host by its age only', async () => {
    await writeFile(
      path,
      JSON.stringify({ pid: deadPid(), host: `not-${hostname()}`, token: 'remote', at: Date.now() }),
    );

    await expect(
      new FileLock(path, { timeoutMs: 50 }).withLock(() => Promise.resolve()),
    ).rejects.toMatchObject({
      code: 'RECORD_LOCK_TIMEOUT',
    });
  });

  it('should break an unreadable lock file once it is old', async () => {
    await writeFile(path, 'garbage');
    const old = new Date(Date.now() - 120_000);
    await utimes(path, old, old);

    await new FileLock(path, { timeoutMs: 2_000 }).withLock(() => Promise.resolve());

    expect(await readdir(dir)).toEqual([]);
  });

  it('should not remove a lock that another holder took over', async () => {
    const lock = new FileLock(path);

    await lock.withLock(async () => {
      await writeFile(
        path,
        JSON.stringify({ pid: process.pid, host: hostname(), token: 'usurper', at: Date.now() }),
      );
    });

    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ token: 'usurper' });
  });
});
