import { appendFile, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { BUS_LIMITS, MessageBus } from './message-bus.js';

const T = Date.UTC(2026, 10, 23, 22, 31, 50, 246);

describe(MessageBus.name, () => {
  let dir: string;
  let path: string;
  let now: number;
  let bus: MessageBus;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fracta-bus-'));
    path = join(dir, 'nested', 'TASK-MESSAGE-BUS.md');
    now = T;
    bus = new MessageBus({ path, clock: { now: () => new Date(now) } });
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('should create the file and its directory, and return the entry as written', async () => {
    const written = await bus.append({
      type: 'RUN_START',
      project_id: 'demo',
      task_id: 'a1',
      run_id: 'r1',
      body: 'started',
    });

    expect(written).toEqual({
      msg_id: expect.stringMatching(/^MSG-20261123-223150-246-0000-[0-9a-f]{6}$/) as unknown,
      ts: '2026-11-23T22:31:50.246Z',
      type: 'RUN_START',
      project_id: 'demo',
      task_id: 'a1',
      run_id: 'r1',
      body: 'started',
    });
    expect(await bus.read()).toEqual([written]);
    const text = await readFile(path, 'utf8');
    expect(text.startsWith('---\nmsg_id: MSG-')).toBe(true);
    expect(text.endsWith('---\nstarted\n')).toBe(true);
  });

  it('should separate entries with one empty line and keep bodies exact', async () => {
    await bus.append({ type: 'FACT', project_id: 'demo', body: 'one\n---\n' });
    await bus.append({ type: 'INFO', project_id: 'demo', body: '' });

    expect((await bus.read()).map((entry) => [entry.type, entry.body, entry.task_id])).toEqual([
      ['FACT', 'one\n---\n', null],
      ['INFO', '', null],
    ]);
    expect(await readFile(path, 'utf8')).toContain('\\---\n\n\n---\nmsg_id:');
  });

  it('should give increasing ids, in file order, when the clock stands still or steps back', async () => {
    const ids: string[] = [];
    for (const at of [T, T, T - 60_000, T + 1]) {
      now = at;
      ids.push((await bus.append({ type: 'PROGRESS', project_id: 'demo', body: String(at) })).msg_id);
    }

    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(4);
  });

  it('should continue after the last id written by another instance', async () => {
    const first = await bus.append({ type: 'INFO', project_id: 'demo', body: 'a' });
    const other = new MessageBus({ path, clock: { now: () => new Date(T - 1000) } });

    const second = await other.append({ type: 'INFO', project_id: 'demo', body: 'b' });

    expect(second.msg_id > first.msg_id).toBe(true);
  });

  it('should serialize concurrent appends of one process without losing or mixing entries', async () => {
    const bodies = Array.from({ length: 50 }, (_, i) => `entry ${i}\n${'x'.repeat(i * 100)}`);
    const other = new MessageBus({ path });

    await Promise.all(
      bodies.map((body, i) => (i % 2 ? bus : other).append({ type: 'FACT', project_id: 'demo', body })),
    );

    const entries = await bus.read({ limit: 1000 });
    expect(entries.map((entry) => entry.body).sort()).toEqual([...bodies].sort());
    expect(entries.map((entry) => entry.msg_id)).toEqual(entries.map((entry) => entry.msg_id).sort());
    expect((await readdir(join(dir, 'nested'))).sort()).toEqual(['TASK-MESSAGE-BUS.md']);
  });

  it('should page forward after a cursor, and by id when the cursor was rotated away', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      now = T + i;
      ids.push((await bus.append({ type: 'INFO', project_id: 'demo', body: `m${i}` })).msg_id);
    }

    expect((await bus.read({ limit: 2 })).map((entry) => entry.body)).toEqual(['m0', 'm1']);
    expect((await bus.read({ sinceMsgId: ids[1], limit: 2 })).map((entry) => entry.body)).toEqual([
      'm2',
      'm3',
    ]);
    expect(await bus.read({ sinceMsgId: ids[4] })).toEqual([]);
    const rotated = ids[2]!.replace(/-[0-9a-f]{6}$/, '-000000');
    expect((await bus.read({ sinceMsgId: rotated })).map((entry) => entry.body)).toEqual(['m2', 'm3', 'm4']);
  });

  it('should read the last entries from the end of a big file', async () => {
    for (let i = 0; i < 40; i++) {
      await bus.append({ type: 'PROGRESS', project_id: 'demo', body: `${i}:${'y'.repeat(8_000)}` });
    }

    const last = await bus.readLast(3);
    expect(last.map((entry) => entry.body.split(':')[0])).toEqual(['37', '38', '39']);
    expect((await bus.readLast(100)).length).toBe(40);
  });

  it('should read nothing from a bus that does not exist yet', async () => {
    expect(await bus.read()).toEqual([]);
    expect(await bus.readLast(5)).toEqual([]);
  });

  it('should end a line cut short by a crash before appending, and drop only the torn entry', async () => {
    await bus.append({ type: 'FACT', project_id: 'demo', body: 'kept' });
    await appendFile(
      path,
      '\n---\nmsg_id: MSG-20261123-223150-246-0001-aaaaaa\nts: x\ntype: FACT\nproject_id: "demo"\n---\npart',
    );

    expect((await bus.read()).map((entry) => entry.body)).toEqual(['kept']);
    await bus.append({ type: 'FACT', project_id: 'demo', body: 'after the crash' });
    expect((await bus.read()).map((entry) => entry.body)).toEqual(['kept', 'part', 'after the crash']);
  });

  it.each([
    ['an unknown type', { type: 'DEBUG' }, 'type'],
    ['a missing project', { project_id: '' }, 'project_id'],
    ['a newline in the task id', { task_id: 'a\ntype: ERROR' }, 'task_id'],
    ['a path in the run id', { run_id: '../x' }, 'run_id'],
    ['a body over the limit', { body: 'é'.repeat(BUS_LIMITS.bodyBytes / 2 + 1) }, 'body'],
  ])('should refuse %s and write nothing', async (_, overrides, field) => {
    const draft = { type: 'INFO', project_id: 'demo', body: 'b', ...overrides } as Parameters<
      MessageBus['append']
    >[0];

    const error = await bus.append(draft).then(
      () => null,
      (e: unknown) => e as { code: string; category: string; message: string },
    );

    expect(error).toMatchObject({ code: 'MESSAGE_BUS_ENTRY_INVALID', category: 'invalid' });
    expect(error?.message).toContain(field);
    await expect(readFile(path)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('should accept a body of exactly the limit', async () => {
    const body = 'z'.repeat(BUS_LIMITS.bodyBytes);

    await bus.append({ type: 'INFO', project_id: 'demo', body });

    expect((await bus.read())[0]?.body).toBe(body);
  });

  it('should refuse a read limit out of range', async () => {
    await expect(bus.read({ limit: 0 })).rejects.toMatchObject({ code: 'RUN_RECORD_INPUT_INVALID' });
    await expect(bus.readLast(BUS_LIMITS.readMax + 1)).rejects.toMatchObject({
      code: 'RUN_RECORD_INPUT_INVALID',
    });
  });

  it('should not follow a symlink planted at the bus path', async () => {
    await mkdir(join(dir, 'nested'));
    const target = join(dir, 'elsewhere.md');
    await writeFile(target, 'precious\n');
    await symlink(target, path);

    await expect(bus.append({ type: 'INFO', project_id: 'demo', body: 'b' })).rejects.toMatchObject({
      code: 'ELOOP',
    });
    expect(await readFile(target, 'utf8')).toBe('precious\n');
  });
});
