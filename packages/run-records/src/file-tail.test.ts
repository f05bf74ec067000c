import { appendFile, mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { followFile, tail, TAIL_LIMITS, type FollowChunk } from './file-tail.js';

describe(tail.name, () => {
  let dir: string;
  let path: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fracta-tail-'));
    path = join(dir, 'agent-stdout.txt');
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['a\nb\nc\n', 2, 'b\nc\n'],
    ['a\nb\nc', 2, 'b\nc'],
    ['a\nb\nc\n', 3, 'a\nb\nc\n'],
    ['a\nb\nc\n', 10, 'a\nb\nc\n'],
    ['a\n\n\n', 2, '\n\n'],
    ['\n', 1, '\n'],
    ['a\nb\n', 0, ''],
    ['', 5, ''],
  ])('should give the last lines of %j (%i)', async (content, lines, expected) => {
    await writeFile(path, content);

    expect(await tail(path, { lines })).toBe(expected);
  });

  it('should find lines across read blocks', async () => {
    const lines = Array.from({ length: 30_000 }, (_, i) => `line ${i}`);
    await writeFile(path, `${lines.join('\n')}\n`);

    expect(await tail(path, { lines: 20_000 })).toBe(`${lines.slice(10_000).join('\n')}\n`);
    expect(await tail(path, { lines: 1 })).toBe('line 29999\n');
  });

  it('should give the last bytes without a broken character at the start', async () => {
    await writeFile(path, 'abc€€');

    expect(await tail(path, { bytes: 4 })).toBe('€');
    expect(await tail(path, { bytes: 100 })).toBe('abc€€');
  });

  it('should refuse counts out of range and a missing file', async () => {
    await writeFile(path, 'x');

    await expect(tail(path, { lines: -1 })).rejects.toMatchObject({ code: 'RUN_RECORD_INPUT_INVALID' });
    await expect(tail(path, { bytes: TAIL_LIMITS.bytes + 1 })).rejects.toMatchObject({
      code: 'RUN_RECORD_INPUT_INVALID',
    });
    await expect(tail(join(dir, 'nope'), { lines: 1 })).rejects.toMatchObject({
      code: 'RECORD_FILE_NOT_FOUND',
      category: 'not_found',
    });
  });
});

describe(followFile.name, () => {
  let dir: string;
  let path: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fracta-follow-'));
    path = join(dir, 'agent-stdout.txt');
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Collects chunks until `until` is true of the text so far, then aborts. */
  async function collect(
    options: { fromOffset?: number },
    until: (text: string) => boolean,
    act: () => Promise<void>,
  ) {
    const controller = new AbortController();
    const chunks: FollowChunk[] = [];
    const reading = (async () => {
      for await (const chunk of followFile(path, { ...options, signal: controller.signal, pollMs: 20 })) {
        chunks.push(chunk);
        if (until(Buffer.concat(chunks.map((c) => c.data)).toString())) controller.abort();
      }
    })();
    await act();
    await reading;
    return chunks;
  }

  it('should start at the offset and yield appends with their positions', async () => {
    await writeFile(path, 'hello ');

    const chunks = await collect(
      { fromOffset: 2 },
      (text) => text.endsWith('world'),
      async () => {
        await appendFile(path, 'world');
      },
    );

    expect(Buffer.concat(chunks.map((c) => c.data)).toString()).toBe('llo world');
    expect(chunks[0]?.start).toBe(2);
    expect(chunks.at(-1)?.end).toBe(11);
  });

  it('should wait for a file that does not exist yet', async () => {
    const chunks = await collect(
      {},
      (text) => text === 'late',
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        await writeFile(path, 'late');
      },
    );

    expect(chunks.map((c) => c.data.toString()).join('')).toBe('late');
  });

  it('should start again from 0 when the file is truncated', async () => {
    await writeFile(path, 'long first content');

    const chunks = await collect(
      {},
      (text) => text.endsWith('new'),
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 60));
        await truncate(path, 0);
        await appendFile(path, 'new');
      },
    );

    expect(chunks.at(-1)).toMatchObject({ start: 0, end: 3 });
  });

  it('should end at once when the signal is already aborted', async () => {
    await writeFile(path, 'x');
    const chunks: FollowChunk[] = [];

    for await (const chunk of followFile(path, { signal: AbortSignal.abort() })) chunks.push(chunk);

    expect(chunks).toEqual([]);
  });

  it('should refuse a negative offset', async () => {
    await expect(followFile(path, { fromOffset: -1 }).next()).rejects.toMatchObject({
      code: 'RUN_RECORD_INPUT_INVALID',
    });
  });
});
