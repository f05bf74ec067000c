import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { RunRecords } from '../../src/index.js';

import { requireDist, startFixture, startTogether } from './helpers.js';

describe('run-info.yaml across processes', () => {
  let root: string;
  let records: RunRecords;

  beforeEach(async () => {
    requireDist();
    root = await mkdtemp(join(tmpdir(), 'fracta-info-procs-'));
    records = new RunRecords({ runsRoot: root, project: 'demo' });
    await records.createRun({
      agent: 'a1',
      runId: 'r1',
      prompt: 'p',
      info: { runtime: 'command', command: ['agent'], cwd: '/work' },
    });
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('should never show a reader a partial file while another process rewrites it', async () => {
    const count = 300;
    const writer = startFixture('info-writer.mjs', [root, 'a1', 'r1', 'pid', String(count)]);
    await startTogether([writer]);
    const state = { finished: false };
    const done = writer.next().then((line) => {
      state.finished = true;
      return line;
    });

    const seen: number[] = [];
    let reads = 0;
    while (!state.finished) {
      const info = await records.readInfo('a1', 'r1');
      reads++;
      if (info.pid !== null) {
        expect(info.command[1]).toBe(`--arg-0=${String(info.pid).repeat(40)}`);
        seen.push(info.pid);
      }
    }

    expect(await done).toBe('done');
    expect(await writer.exited).toBe(0);
    expect(reads).toBeGreaterThan(10);
    // Many distinct versions were read, in the order they were written.
    expect(new Set(seen).size).toBeGreaterThan(5);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
    expect((await records.readInfo('a1', 'r1')).pid).toBe(count);
  });

  it('should lose no update when two processes patch different fields at the same time', async () => {
    const count = 100;
    const writers = ['pid', 'pgid'].map((field) =>
      startFixture('info-writer.mjs', [root, 'a1', 'r1', field, String(count)]),
    );

    await startTogether(writers);
    for (const writer of writers) expect(await writer.next()).toBe('done');

    expect(await records.readInfo('a1', 'r1')).toMatchObject({ pid: count, pgid: count, status: 'running' });
  });
});
