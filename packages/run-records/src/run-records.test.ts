import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { parseRunInfo } from './run-info.js';
import { RUN_RECORD_LIMITS, RunRecords, type RunInfoInit } from './run-records.js';

const T = Date.UTC(2026, 10, 23, 22, 31, 50, 246);

const init: RunInfoInit = { runtime: 'command', command: ['./fix.sh'], cwd: '/work/demo' };

interface Failure {
  code: string;
  category: string;
  message: string;
}
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (e: unknown) => e as Failure,
  );

describe(RunRecords.name, () => {
  let root: string;
  let now: number;
  let records: RunRecords;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'fracta-runs-'));
    now = T;
    records = new RunRecords({ runsRoot: root, project: 'demo', clock: { now: () => new Date(now) } });
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('should lay out the conductor-loop paths', () => {
    expect(records.runPaths('lint-fix', 'r-1')).toEqual({
      dir: join(root, 'demo/lint-fix/runs/r-1'),
      info: join(root, 'demo/lint-fix/runs/r-1/run-info.yaml'),
      prompt: join(root, 'demo/lint-fix/runs/r-1/prompt.md'),
      output: join(root, 'demo/lint-fix/runs/r-1/output.md'),
      stdout: join(root, 'demo/lint-fix/runs/r-1/agent-stdout.txt'),
      stderr: join(root, 'demo/lint-fix/runs/r-1/agent-stderr.txt'),
    });
    expect(records.taskBus('lint-fix').path).toBe(join(root, 'demo/lint-fix/TASK-MESSAGE-BUS.md'));
    expect(records.projectBus().path).toBe(join(root, 'demo/PROJECT-MESSAGE-BUS.md'));
  });

  it.each([
    ['agent', () => records.runPaths('..', 'r-1')],
    ['agent', () => records.runPaths('a/b', 'r-1')],
    ['agent', () => records.runPaths('', 'r-1')],
    ['agent', () => records.runPaths('a'.repeat(65), 'r-1')],
    ['run id', () => records.runPaths('a', '.hidden')],
    ['run id', () => records.runPaths('a', 'r'.repeat(129))],
    ['run id', () => records.runPaths('a', 'r\n1')],
    ['project', () => new RunRecords({ runsRoot: root, project: '../etc' })],
  ])('should refuse an unsafe %s', (what, call) => {
    expect(call).toThrow(
      expect.objectContaining({ code: 'RUN_RECORD_SEGMENT_INVALID', category: 'invalid' }),
    );
    expect(call).toThrow(`invalid ${what}`);
  });

  it('should accept the longest allowed names', () => {
    expect(records.runPaths('a'.repeat(64), 'r'.repeat(128)).dir).toContain('r'.repeat(128));
  });

  it('should refuse a relative runs root', () => {
    expect(() => new RunRecords({ runsRoot: 'runs', project: 'demo' })).toThrow(
      /runsRoot: must be an absolute path/,
    );
  });

  it('should create the run with its prompt and a running run-info', async () => {
    const paths = await records.createRun({
      agent: 'lint-fix',
      runId: 'r-1',
      prompt: 'fix the lint',
      info: init,
    });

    expect(await readFile(paths.prompt, 'utf8')).toBe('fix the lint');
    expect(await records.readInfo('lint-fix', 'r-1')).toEqual({
      version: 1,
      run_id: 'r-1',
      project_id: 'demo',
      task_id: 'lint-fix',
      runtime: 'command',
      status: 'running',
      pid: null,
      pgid: null,
      started_at: '2026-11-23T22:31:50.246Z',
      finished_at: null,
      exit_code: null,
      command: ['./fix.sh'],
      cwd: '/work/demo',
    });
    expect((await readdir(paths.dir)).sort()).toEqual(['prompt.md', 'run-info.yaml']);
  });

  it('should prepare an agent ahead of its first run, and undo that only while it is empty', async () => {
    await records.prepareAgent('early');
    await records.prepareAgent('early');
    const dir = records.agentDir('early');
    expect((await readdir(dir)).sort()).toEqual(['runs', 'tmp']);
    expect((await stat(records.tmpDir('early'))).mode & 0o777).toBe(0o700);
    const paths = await records.createRun({ agent: 'early', runId: 'r-1', prompt: 'p', info: init });
    expect(paths.dir).toBe(join(dir, 'runs', 'r-1'));

    // An agent with a run keeps everything; one that never ran leaves nothing.
    await records.unprepareAgent('early');
    expect(await readFile(paths.prompt, 'utf8')).toBe('p');
    await records.prepareAgent('never');
    await records.unprepareAgent('never');
    await records.unprepareAgent('never');
    expect(await readdir(join(root, 'demo'))).toEqual(['early']);
  });

  it('should refuse to create a run twice and leave the first one alone', async () => {
    await records.createRun({ agent: 'a', runId: 'r-1', prompt: 'first', info: init });

    const error = await failure(
      records.createRun({ agent: 'a', runId: 'r-1', prompt: 'second', info: init }),
    );

    expect(error).toMatchObject({ code: 'RUN_RECORD_EXISTS', category: 'conflict' });
    expect(await readFile(records.runPaths('a', 'r-1').prompt, 'utf8')).toBe('first');
  });

  it('should refuse a run whose directory is taken by a file, and leave the file alone', async () => {
    const { dir } = records.runPaths('a', 'r-1');
    await mkdir(join(dir, '..'), { recursive: true });
    await writeFile(dir, 'not a run');

    const error = await failure(records.createRun({ agent: 'a', runId: 'r-1', prompt: 'p', info: init }));

    expect(error).toMatchObject({ code: 'RUN_RECORD_EXISTS', category: 'conflict' });
    expect(await readFile(dir, 'utf8')).toBe('not a run');
  });

  it.each([
    ['a relative cwd', { ...init, cwd: 'work' }, 'cwd'],
    ['an empty command', { ...init, command: [] }, 'command'],
    ['a non-string argument', { ...init, command: ['x', 1] as unknown as string[] }, 'command'],
    ['an unknown runtime', { ...init, runtime: 'gemini' } as unknown as RunInfoInit, 'runtime'],
    ['a local time', { ...init, started_at: '2026-11-23 10:00' }, 'started_at'],
    ['a zero pid', { ...init, pid: 0 }, 'pid'],
  ])('should refuse %s before touching the disk', async (_, info, field) => {
    const error = await failure(records.createRun({ agent: 'a', runId: 'r-1', prompt: 'p', info }));

    expect(error).toMatchObject({ code: 'RUN_RECORD_INPUT_INVALID', category: 'invalid' });
    expect(error?.message).toContain(field);
    expect(await readdir(root)).toEqual([]);
  });

  it('should refuse a prompt over the limit before touching the disk', async () => {
    const prompt = 'x'.repeat(RUN_RECORD_LIMITS.promptBytes + 1);

    await expect(records.createRun({ agent: 'a', runId: 'r-1', prompt, info: init })).rejects.toMatchObject({
      code: 'RUN_RECORD_INPUT_INVALID',
    });
    expect(await readdir(root)).toEqual([]);
  });

  it('should update run-info atomically and fill finished_at when the run ends', async () => {
    await records.createRun({ agent: 'a', runId: 'r-1', prompt: 'p', info: init });
    await records.updateInfo('a', 'r-1', { pid: 100, pgid: 100 });
    now = T + 5_000;

    const done = await records.updateInfo('a', 'r-1', {
      status: 'succeeded',
      exit_code: 0,
      resume_token: 'sess-9',
    });

    expect(done).toMatchObject({
      status: 'succeeded',
      exit_code: 0,
      pid: 100,
      finished_at: '2026-11-23T22:31:55.246Z',
      resume_token: 'sess-9',
    });
    expect(await records.readInfo('a', 'r-1')).toEqual(done);
    expect((await readdir(records.runPaths('a', 'r-1').dir)).sort()).toEqual(['prompt.md', 'run-info.yaml']);
  });

  it('should clear resume_token and error with null', async () => {
    await records.createRun({ agent: 'a', runId: 'r-1', prompt: 'p', info: { ...init, resume_token: 't' } });
    await records.updateInfo('a', 'r-1', { error: 'transient' });

    const cleared = await records.updateInfo('a', 'r-1', { error: null, resume_token: null });

    expect(cleared).not.toHaveProperty('error');
    expect(cleared).not.toHaveProperty('resume_token');
  });

  it('should never change the status of a finished run, but still record late details', async () => {
    await records.createRun({ agent: 'a', runId: 'r-1', prompt: 'p', info: init });
    await records.updateInfo('a', 'r-1', { status: 'crashed', exit_code: -1, error: 'process is not alive' });

    const error = await failure(records.updateInfo('a', 'r-1', { status: 'succeeded', exit_code: 0 }));

    expect(error).toMatchObject({ code: 'RUN_INFO_TERMINAL', category: 'conflict' });
    expect(await records.readInfo('a', 'r-1')).toMatchObject({ status: 'crashed', exit_code: -1 });
    expect(await records.updateInfo('a', 'r-1', { resume_token: 'late' })).toMatchObject({
      status: 'crashed',
      resume_token: 'late',
    });
  });

  it('should refuse an update that would make run-info invalid, and keep the file', async () => {
    await records.createRun({ agent: 'a', runId: 'r-1', prompt: 'p', info: init });

    await expect(records.updateInfo('a', 'r-1', { exit_code: 0 })).rejects.toMatchObject({
      code: 'RUN_RECORD_INPUT_INVALID',
    });
    await expect(records.updateInfo('a', 'r-1', { finished_at: 'soon' })).rejects.toMatchObject({
      code: 'RUN_RECORD_INPUT_INVALID',
    });
    expect(await records.readInfo('a', 'r-1')).toMatchObject({ status: 'running', exit_code: null });
  });

  it('should say which run is missing', async () => {
    const error = await failure(records.updateInfo('a', 'r-9', { pid: 1 }));

    expect(error).toMatchObject({ code: 'RUN_RECORD_NOT_FOUND', category: 'not_found' });
    expect(error?.message).toContain('"r-9"');
    await expect(records.readInfo('a', 'r-9')).rejects.toMatchObject({ code: 'RUN_RECORD_NOT_FOUND' });
    await expect(records.writeOutput('a', 'r-9', 'x')).rejects.toMatchObject({
      code: 'RUN_RECORD_NOT_FOUND',
    });
  });

  it('should name the corrupt file', async () => {
    const paths = await records.createRun({ agent: 'a', runId: 'r-1', prompt: 'p', info: init });
    await writeFile(paths.info, 'status: [half');

    const error = await failure(records.readInfo('a', 'r-1'));

    expect(error).toMatchObject({ code: 'RUN_INFO_CORRUPT', category: 'bug' });
    expect(error?.message).toContain(paths.info);
    expect(error?.message.split('\n')).toHaveLength(1);
  });

  it('should refuse a run-info copied from another run', async () => {
    const paths = await records.createRun({ agent: 'a', runId: 'r-1', prompt: 'p', info: init });
    await records.createRun({ agent: 'a', runId: 'r-2', prompt: 'p', info: init });
    await writeFile(records.runPaths('a', 'r-2').info, await readFile(paths.info));

    await expect(records.readInfo('a', 'r-2')).rejects.toMatchObject({ code: 'RUN_INFO_CORRUPT' });
  });

  it('should keep the tail of an output over the limit, behind a marker', async () => {
    const paths = await records.createRun({ agent: 'a', runId: 'r-1', prompt: 'p', info: init });
    const lines = Array.from({ length: 40_000 }, (_, i) => `line ${i} ${'€'.repeat(10)}`).join('\n');

    await records.writeOutput('a', 'r-1', lines);

    const stored = await readFile(paths.output);
    expect(stored.length).toBeLessThanOrEqual(RUN_RECORD_LIMITS.outputBytes);
    const text = stored.toString('utf8');
    expect(text).toMatch(/^\[fracta: the first \d+ bytes of the output were cut\]\nline \d+ /);
    expect(text.endsWith(`line 39999 ${'€'.repeat(10)}`)).toBe(true);
    expect(text).not.toContain('\uFFFD');
  });

  it('should store a short output as is', async () => {
    const paths = await records.createRun({ agent: 'a', runId: 'r-1', prompt: 'p', info: init });

    await records.writeOutput('a', 'r-1', 'done\n');

    expect(await readFile(paths.output, 'utf8')).toBe('done\n');
  });

  it('should list runs oldest first, and report a broken one instead of failing', async () => {
    expect(await records.listRuns('a')).toEqual([]);
    await records.createRun({
      agent: 'a',
      runId: 'z-first',
      prompt: 'p',
      info: { ...init, started_at: '2026-01-01T00:00:00.000Z' },
    });
    await records.createRun({
      agent: 'a',
      runId: 'a-second',
      prompt: 'p',
      info: { ...init, started_at: '2026-01-02T00:00:00.000Z' },
    });
    await mkdir(records.runPaths('a', 'broken').dir);
    await writeFile(join(root, 'demo/a/runs/.stray-file'), 'x');

    const runs = await records.listRuns('a');

    expect(runs.map((run) => [run.runId, run.info?.started_at ?? null])).toEqual([
      ['broken', null],
      ['z-first', '2026-01-01T00:00:00.000Z'],
      ['a-second', '2026-01-02T00:00:00.000Z'],
    ]);
    expect(runs[0]?.problem).toContain('is missing');
    expect(runs[1]?.problem).toBeNull();
  });

  it('should write a file that parses on its own', async () => {
    const paths = await records.createRun({ agent: 'a', runId: 'r-1', prompt: 'p', info: init });

    expect(parseRunInfo(await readFile(paths.info, 'utf8')).ok).toBe(true);
  });
});
