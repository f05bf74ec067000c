import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { MessageBus, parseBusText } from '../../src/index.js';

import { requireDist, startFixture, startTogether } from './helpers.js';

const WRITERS = 4;
const PER_WRITER = 200;

const bodyOf = (name: string, seq: number) =>
  `writer=${name} seq=${seq}\n---\n${'abcdefghij'.repeat((seq * 7919) % 1200)}\n\\---\nend ${name}/${seq}`;

describe('MessageBus across processes', () => {
  let dir: string;

  beforeEach(async () => {
    requireDist();
    dir = await mkdtemp(join(tmpdir(), 'fracta-bus-procs-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('should keep every entry of 4 concurrent writer processes whole, in id order', async () => {
    const path = join(dir, 'demo', 'PROJECT-MESSAGE-BUS.md');
    const names = Array.from({ length: WRITERS }, (_, i) => `writer-${i}`);
    const workers = names.map((name) => startFixture('bus-appender.mjs', [path, name, String(PER_WRITER)]));

    await startTogether(workers);
    for (const worker of workers) expect(await worker.next()).toBe('done');
    for (const worker of workers) expect(await worker.exited).toBe(0);

    const text = await readFile(path, 'utf8');
    const entries = parseBusText(text);
    expect(entries).toHaveLength(WRITERS * PER_WRITER);
    // Every entry starts a line with its own delimiter: none was cut into another.
    expect(text.split('\n---\nmsg_id: ').length).toBe(WRITERS * PER_WRITER);
    for (const entry of entries) {
      const [, name, seq] = /^writer=(\S+) seq=(\d+)\n/.exec(entry.body) ?? [];
      expect(entry.body).toBe(bodyOf(name!, Number(seq)));
      expect(entry).toMatchObject({ project_id: 'demo', task_id: name, run_id: `run-${seq}` });
    }
    // Each writer's entries in its own order, and all ids unique and increasing in file order.
    for (const name of names) {
      const seqs = entries
        .filter((entry) => entry.task_id === name)
        .map((entry) => Number(entry.run_id?.slice(4)));
      expect(seqs).toEqual(Array.from({ length: PER_WRITER }, (_, i) => i));
    }
    const ids = entries.map((entry) => entry.msg_id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    // The processes really overlapped: some writer was not done before another began.
    const firstOfLast = entries.findIndex((entry) => entry.task_id === entries.at(-1)?.task_id);
    expect(firstOfLast).toBeLessThan(WRITERS * PER_WRITER - PER_WRITER);
    expect((await readdir(join(dir, 'demo'))).sort()).toEqual(['PROJECT-MESSAGE-BUS.md']);

    const bus = new MessageBus({ path });
    expect(await bus.read({ limit: 10_000 })).toEqual(entries);
    expect(await bus.readLast(5)).toEqual(entries.slice(-5));
    expect(await bus.read({ sinceMsgId: ids[399], limit: 3 })).toEqual(entries.slice(400, 403));
  });
});
