import { describe, expect, it } from '@jest/globals';

import {
  backoffMs,
  GitCommandRunner,
  type GitCommandRunnerOptions,
  gitExcerpt,
  type GitResult,
  isLockContention,
} from './git-command.runner.js';

/** A runner whose git answers from a script, to drive the retry logic without processes. */
class ScriptedGitRunner extends GitCommandRunner {
  readonly calls: string[][] = [];

  constructor(
    private readonly answers: GitResult[],
    options: Partial<GitCommandRunnerOptions> = {},
  ) {
    super({ git: 'git', env: {}, timeoutMs: 1_000, maxOutputBytes: 1_000, ...options });
  }

  override exec(_cwd: string, args: readonly string[]): Promise<GitResult> {
    this.calls.push([...args]);
    const answer = this.answers.shift();
    if (answer === undefined) throw new Error('no scripted answer left');
    return Promise.resolve(answer);
  }
}

const LOCKED =
  "fatal: Unable to create '/r/.git/index.lock': File exists.\n\nAnother git process seems to be running";

describe(isLockContention.name, () => {
  it('should recognise lock contention messages', () => {
    expect(isLockContention(LOCKED)).toBe(true);
    expect(isLockContention('error: could not lock config file .git/config: File exists')).toBe(true);
    expect(
      isLockContention(
        "error: cannot lock ref 'refs/heads/main': Unable to create '/r/.git/refs/heads/main.lock'",
      ),
    ).toBe(true);
  });

  it("should recognise another worktree's admin files read while that worktree is being added", () => {
    expect(
      isLockContention(
        "Preparing worktree (new branch 'feature/c4')\nfatal: failed to read .git/worktrees/c2/commondir: Success",
      ),
    ).toBe(true);
    expect(
      isLockContention('fatal: failed to read /r/.git/worktrees/x/gitdir: No such file or directory'),
    ).toBe(true);
    expect(isLockContention('fatal: failed to read object 1234abcd: Operation not permitted')).toBe(false);
  });

  it('should not take real conflicts or other failures for contention', () => {
    expect(isLockContention("fatal: a branch named 'feature/x' already exists")).toBe(false);
    expect(
      isLockContention(
        "fatal: cannot lock ref 'refs/heads/feature/x': 'refs/heads/feature' exists; cannot create 'refs/heads/feature/x'",
      ),
    ).toBe(false);
    expect(isLockContention('fatal: not a git repository')).toBe(false);
  });
});

describe(gitExcerpt.name, () => {
  it('should keep the first non-empty lines, bounded', () => {
    expect(gitExcerpt('\nfatal: one\n\n  two  \nthree\nfour\nfive\n')).toBe(
      'fatal: one / two / three / four',
    );
    expect(gitExcerpt('')).toBe('no error output');
    expect(gitExcerpt('x'.repeat(2_000)).length).toBe(600);
  });
});

describe(backoffMs.name, () => {
  it('should grow with the attempt and stay bounded', () => {
    expect(backoffMs(0)).toBeGreaterThanOrEqual(40);
    expect(backoffMs(0)).toBeLessThan(80);
    expect(backoffMs(20)).toBeLessThan(1_040);
  });
});

describe(GitCommandRunner.name, () => {
  it('should retry while another git holds a lock, waiting longer each time', async () => {
    const waits: number[] = [];
    const runner = new ScriptedGitRunner(
      [
        { exitCode: 128, stdout: '', stderr: LOCKED },
        { exitCode: 128, stdout: '', stderr: LOCKED },
        { exitCode: 0, stdout: 'ok\n', stderr: '' },
      ],
      { sleep: (ms) => Promise.resolve(void waits.push(ms)) },
    );

    await expect(runner.run('/r', ['branch', '-D', 'x'], { retryOnLock: true })).resolves.toEqual({
      exitCode: 0,
      stdout: 'ok\n',
      stderr: '',
    });
    expect(runner.calls).toHaveLength(3);
    expect(waits).toHaveLength(2);
    expect(waits[1]).toBeGreaterThan(waits[0]! - 40);
  });

  it("should give up on a lock after a bounded number of attempts with git's message", async () => {
    const runner = new ScriptedGitRunner(
      Array.from({ length: 8 }, () => ({ exitCode: 128, stdout: '', stderr: LOCKED })),
      {
        sleep: () => Promise.resolve(),
      },
    );
    const error = await runner
      .run('/r', ['worktree', 'prune'], { retryOnLock: true })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'WORKSPACE_GIT_FAILED', details: { cwd: '/r', exitCode: 128 } });
    expect((error as Error).message).toContain("'git worktree prune' failed: fatal: Unable to create");
    expect(runner.calls).toHaveLength(8);
  });

  it('should not retry other failures, nor locks unless asked', async () => {
    const other = new ScriptedGitRunner([{ exitCode: 128, stdout: '', stderr: 'fatal: bad revision' }]);
    await expect(other.run('/r', ['rev-parse', 'x'], { retryOnLock: true })).rejects.toThrow(/bad revision/);
    expect(other.calls).toHaveLength(1);
    const unasked = new ScriptedGitRunner([{ exitCode: 128, stdout: '', stderr: LOCKED }]);
    await expect(unasked.run('/r', ['status'])).rejects.toMatchObject({ code: 'WORKSPACE_GIT_FAILED' });
    expect(unasked.calls).toHaveLength(1);
  });

  it('should treat listed exit codes as answers', async () => {
    const runner = new ScriptedGitRunner([{ exitCode: 1, stdout: '', stderr: '' }]);
    await expect(
      runner.run('/r', ['rev-parse', '--verify', '--quiet', 'x'], { okCodes: [0, 1] }),
    ).resolves.toMatchObject({
      exitCode: 1,
    });
  });
});
