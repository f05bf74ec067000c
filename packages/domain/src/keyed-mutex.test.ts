import { describe, expect, it } from '@jest/globals';

import { KeyedMutex } from './keyed-mutex.js';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe(KeyedMutex.name, () => {
  it('should run work for one key one at a time, in order', async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    let releaseFirst: () => void = () => undefined;
    const first = mutex.run('k', async () => {
      log.push('first:start');
      await new Promise<void>((resolve) => {
        releaseFirst = resolve;
      });
      log.push('first:end');
      return 1;
    });
    const second = mutex.run('k', () => {
      log.push('second');
      return Promise.resolve(2);
    });
    await tick();
    expect(log).toEqual(['first:start']);
    releaseFirst();
    await expect(Promise.all([first, second])).resolves.toEqual([1, 2]);
    expect(log).toEqual(['first:start', 'first:end', 'second']);
  });

  it('should not hold other keys back', async () => {
    const mutex = new KeyedMutex();
    const blocked = mutex.run('a', () => new Promise<never>(() => undefined));
    void blocked;
    await expect(mutex.run('b', () => Promise.resolve('b done'))).resolves.toBe('b done');
  });

  it('should keep going after a failure and report it to its caller only', async () => {
    const mutex = new KeyedMutex();
    const failing = mutex.run('k', () => Promise.reject(new Error('boom')));
    const next = mutex.run('k', () => Promise.resolve('next'));
    await expect(failing).rejects.toThrow('boom');
    await expect(next).resolves.toBe('next');
  });
});
