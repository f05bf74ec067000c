import { describe, expect, it } from '@jest/globals';

import {
  normalizeRunInfo,
  parseRunInfo,
  RUN_INFO_LIMITS,
  runInfoProblem,
  serializeRunInfo,
  type RunInfo,
} from './run-info.js';

const info = (overrides: Partial<RunInfo> = {}): RunInfo => ({
  version: 1,
  run_id: 'r-1',
  project_id: 'demo',
  task_id: 'lint-fix',
  runtime: 'command',
  status: 'running',
  pid: 4242,
  pgid: 4242,
  started_at: '2026-11-23T22:31:50.246Z',
  finished_at: null,
  exit_code: null,
  command: ['./fix.sh', '--all'],
  cwd: '/work/demo/.worktrees/lint-fix',
  ...overrides,
});

describe(serializeRunInfo.name, () => {
  it('should write the fields as YAML in a fixed order, without unknown keys', () => {
    const withExtra = { ...info({ resume_token: 'sess-1' }), env: { SECRET: 'x' } } as RunInfo;

    expect(serializeRunInfo(withExtra)).toBe(
      [
        'version: 1',
        'run_id: r-1',
        'project_id: demo',
        'task_id: lint-fix',
        'runtime: command',
        'status: running',
        'pid: 4242',
        'pgid: 4242',
        'started_at: 2026-11-23T22:31:50.246Z',
        'finished_at: null',
        'exit_code: null',
        'command:',
        '  - ./fix.sh',
        '  - --all',
        'cwd: /work/demo/.worktrees/lint-fix',
        'resume_token: sess-1',
        '',
      ].join('\n'),
    );
  });
});

describe(parseRunInfo.name, () => {
  it('should read back what was written, including awkward argv', () => {
    const original = info({
      status: 'failed',
      finished_at: '2026-11-23T22:40:00.000Z',
      exit_code: -1,
      command: ['claude', '-p', 'multi\nline: "quoted" # not a comment', '', 'null', '123'],
      error: 'agent exited with code 1',
    });

    expect(parseRunInfo(serializeRunInfo(original))).toEqual({ ok: true, info: original });
  });

  it.each([
    ['not YAML', 'a: [', 'not valid YAML'],
    ['a list', '- 1\n', 'must be a mapping'],
    ['a wrong version', serializeRunInfo(info()).replace('version: 1', 'version: 2'), 'version'],
    ['an unknown status', serializeRunInfo(info()).replace('status: running', 'status: done'), 'status'],
    [
      'an unknown runtime',
      serializeRunInfo(info()).replace('runtime: command', 'runtime: gemini'),
      'runtime',
    ],
    ['a path as run id', serializeRunInfo(info()).replace('run_id: r-1', 'run_id: ../x'), 'run_id'],
    ['a text pid', serializeRunInfo(info()).replace('pid: 4242', 'pid: abc'), 'pid'],
    [
      'a bad timestamp',
      serializeRunInfo(info()).replace('2026-11-23T22:31:50.246Z', 'yesterday'),
      'started_at',
    ],
    ['a relative cwd', serializeRunInfo(info()).replace('cwd: /work', 'cwd: work'), 'cwd'],
    ['an empty command', serializeRunInfo(info({ command: [] })), 'command'],
    ['a running run with an exit code', serializeRunInfo(info({ exit_code: 0 })), 'status'],
    ['duplicate keys', `${serializeRunInfo(info())}status: failed\n`, 'not valid YAML'],
  ])('should refuse %s and say which field', (_, text, field) => {
    const parsed = parseRunInfo(text);

    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.problem).toContain(field);
  });
});

describe(normalizeRunInfo.name, () => {
  it('should cut long argv entries and long errors to the limits, and keep the result valid', () => {
    const long = 'p'.repeat(RUN_INFO_LIMITS.commandArgChars * 3);
    const normalized = normalizeRunInfo(
      info({
        command: ['claude', '-p', long],
        status: 'failed',
        finished_at: info().started_at,
        exit_code: 1,
        error: 'e'.repeat(10_000),
      }),
    );

    expect(normalized.command[2]?.length).toBeLessThanOrEqual(RUN_INFO_LIMITS.commandArgChars + 32);
    expect(normalized.command[2]).toMatch(/…\[\+8193 chars\]$/);
    expect(normalized.error).toHaveLength(RUN_INFO_LIMITS.errorChars);
    expect(runInfoProblem(normalized)).toBeNull();
  });
});
