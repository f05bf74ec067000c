import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { WorkspaceInfo } from '@fracta/domain';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { GitWorktreeWorkspace, type GitWorktreeWorkspaceOptions } from '../../src/index.js';

import { createGitFixture, type GitFixture } from './git-fixture.js';

const node = process.execPath;

describe(GitWorktreeWorkspace.name, () => {
  let fx: GitFixture;

  beforeEach(async () => {
    fx = await createGitFixture();
  });

  afterEach(async () => {
    await fx.cleanup();
  });

  const open = (options: Omit<GitWorktreeWorkspaceOptions, 'repoRoot'> = {}): Promise<GitWorktreeWorkspace> =>
    GitWorktreeWorkspace.open(fx.repo, { env: fx.env, ...options });

  const branches = (): string[] =>
    fx
      .git(['for-each-ref', '--format=%(refname:short)', 'refs/heads'])
      .split('\n')
      .filter((line) => line.length > 0)
      .sort();

  const worktreeCount = (): number =>
    fx
      .git(['worktree', 'list', '--porcelain'])
      .split('\n')
      .filter((line) => line.startsWith('worktree ')).length;

  /** Nothing of agent `agent` is left: no branch, no directory, no registered worktree. */
  const expectNothingLeft = (agent: string): void => {
    expect(branches()).not.toContain(`feature/${agent}`);
    expect(existsSync(join(fx.repo, '.worktrees', agent))).toBe(false);
    expect(fx.git(['worktree', 'list', '--porcelain'])).not.toContain(`.worktrees/${agent}`);
  };

  describe('open', () => {
    it('should reject a directory that is not a git repository', async () => {
      const plain = join(fx.dir, 'plain');
      await mkdir(plain);
      const error = await GitWorktreeWorkspace.open(plain, { env: fx.env }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'WORKSPACE_NOT_A_GIT_REPO', category: 'invalid' });
      expect((error as Error).message).toBe(
        `${plain} is not a git repository: run 'git init' there or start fracta in your repo`,
      );
    });

    it('should reject a missing directory and a bare repository', async () => {
      await expect(GitWorktreeWorkspace.open(join(fx.dir, 'nope'), { env: fx.env })).rejects.toMatchObject({
        code: 'WORKSPACE_NOT_A_GIT_REPO',
      });
      const bare = join(fx.dir, 'bare.git');
      fx.git(['init', '-q', '--bare', bare], fx.dir);
      await expect(GitWorktreeWorkspace.open(bare, { env: fx.env })).rejects.toThrow(/bare repository/);
    });

    it('should use the top level when opened from a subdirectory', async () => {
      await mkdir(join(fx.repo, 'sub', 'deeper'), { recursive: true });
      const workspace = await GitWorktreeWorkspace.open(join(fx.repo, 'sub', 'deeper'), { env: fx.env });
      expect(await workspace.topLevel()).toBe(fx.repo);
      const info = await workspace.prepare('sub-agent', {});
      expect(info.path).toBe(join(fx.repo, '.worktrees', 'sub-agent'));
    });

    it('should report a git binary that cannot be run', async () => {
      await expect(
        GitWorktreeWorkspace.open(fx.repo, { env: fx.env, git: join(fx.dir, 'no-git') }),
      ).rejects.toMatchObject({ code: 'WORKSPACE_GIT_NOT_FOUND' });
    });

    it('should refuse a worktrees directory outside the repository', () => {
      expect(() => new GitWorktreeWorkspace({ repoRoot: fx.repo, worktreesDir: '../elsewhere' })).toThrow(
        /must stay inside the repository/,
      );
    });
  });

  describe('prepare', () => {
    it('should create .worktrees/<agent> on feature/<agent> from the current branch', async () => {
      const workspace = await open();
      const mainSha = fx.git(['rev-parse', 'main']);

      const info = await workspace.prepare('alpha', {});

      expect(info).toEqual({
        kind: 'git-worktree',
        path: join(fx.repo, '.worktrees', 'alpha'),
        branch: 'feature/alpha',
        baseBranch: 'main',
      });
      expect(fx.git(['rev-parse', 'HEAD'], info.path)).toBe(mainSha);
      expect(fx.git(['symbolic-ref', '--short', 'HEAD'], info.path)).toBe('feature/alpha');
      expect(await readFile(join(info.path, 'README.md'), 'utf8')).toContain('line one');
      // ignored through .git/info/exclude, never the user's .gitignore
      expect(await readFile(join(fx.repo, '.git', 'info', 'exclude'), 'utf8')).toContain('/.worktrees/\n');
      expect(existsSync(join(fx.repo, '.gitignore'))).toBe(false);
      expect(fx.git(['status', '--porcelain', '--untracked-files=all'])).toBe('');
    });

    it('should add the exclude line only once for many agents', async () => {
      const workspace = await open();
      await workspace.prepare('one', {});
      await workspace.prepare('two', {});
      const exclude = await readFile(join(fx.repo, '.git', 'info', 'exclude'), 'utf8');
      expect(exclude.split('\n').filter((line) => line === '/.worktrees/')).toHaveLength(1);
    });

    it('should start from the given base branch', async () => {
      fx.git(['branch', 'develop']);
      const developSha = await fx.commit('dev.txt', 'dev\n', 'develop work');
      fx.git(['checkout', '-q', 'develop']);
      fx.git(['checkout', '-q', 'main']);
      fx.git(['branch', '-f', 'develop', developSha]);
      fx.git(['reset', '-q', '--hard', 'HEAD~1']);
      const workspace = await open();

      const info = await workspace.prepare('beta', { baseBranch: 'develop' });

      expect(info.baseBranch).toBe('develop');
      expect(fx.git(['rev-parse', 'HEAD'], info.path)).toBe(developSha);
      expect(existsSync(join(info.path, 'dev.txt'))).toBe(true);
    });

    it('should fail on a missing base branch, name existing branches and leave nothing', async () => {
      fx.git(['branch', 'develop']);
      const workspace = await open();

      const error = await workspace.prepare('gamma', { baseBranch: 'release' }).catch((e: unknown) => e);

      expect(error).toMatchObject({ code: 'WORKSPACE_BASE_BRANCH_NOT_FOUND', category: 'not_found' });
      expect((error as Error).message).toMatch(
        /"release" does not exist: pick one of the existing branches \(/,
      );
      expect((error as Error).message).toContain('develop');
      expect((error as Error).message).toContain('main');
      expectNothingLeft('gamma');
    });

    it('should refuse an invalid base branch name', async () => {
      const workspace = await open();
      await expect(workspace.prepare('gamma', { baseBranch: '--upload-pack=x' })).rejects.toMatchObject({
        code: 'WORKSPACE_INVALID',
      });
      await expect(workspace.prepare('gamma', { baseBranch: 'a..b' })).rejects.toMatchObject({
        code: 'WORKSPACE_INVALID',
      });
      expectNothingLeft('gamma');
    });

    it('should require a base branch when HEAD is detached', async () => {
      fx.git(['checkout', '-q', '--detach']);
      const workspace = await open();
      await expect(workspace.prepare('delta', {})).rejects.toMatchObject({
        code: 'WORKSPACE_BASE_BRANCH_REQUIRED',
      });
      const info = await workspace.prepare('delta', { baseBranch: 'main' });
      expect(info.baseBranch).toBe('main');
    });

    it('should refuse an invalid agent name before touching git', async () => {
      const workspace = await open();
      await expect(workspace.prepare('../evil', {})).rejects.toMatchObject({ code: 'AGENT_NAME_INVALID' });
      expect(branches()).toEqual(['main']);
    });

    it('should refuse an agent whose branch already exists and leave that branch alone', async () => {
      fx.git(['branch', 'feature/eps']);
      const sha = fx.git(['rev-parse', 'feature/eps']);
      const workspace = await open();

      const error = await workspace.prepare('eps', {}).catch((e: unknown) => e);

      expect(error).toMatchObject({ code: 'WORKSPACE_ALREADY_EXISTS', category: 'conflict' });
      expect((error as Error).message).toContain("'fracta kill --keep-files'");
      expect((error as Error).message).toContain('git branch -D feature/eps');
      expect(fx.git(['rev-parse', 'feature/eps'])).toBe(sha);
      expect(existsSync(join(fx.repo, '.worktrees', 'eps'))).toBe(false);
    });
  });

  describe('prepare with work alongside', () => {
    it('should call alongside once with where the workspace will be, while git creates it', async () => {
      const workspace = await open();
      const seen: WorkspaceInfo[] = [];
      let settled = false;

      const preparing = workspace.prepare('side', {
        alongside: async (planned) => {
          seen.push(planned);
          // prepare waits for this too: it has not settled while alongside runs.
          await new Promise((resolve) => setTimeout(resolve, 30));
          expect(settled).toBe(false);
        },
      });
      void preparing.then(() => (settled = true));
      const info = await preparing;

      expect(seen).toEqual([info]);
      expect(info).toMatchObject({ kind: 'git-worktree', branch: 'feature/side', baseBranch: 'main' });
      expect(existsSync(join(info.path, 'README.md'))).toBe(true);
    });

    it('should undo the worktree and reject with its error when alongside fails', async () => {
      const workspace = await open();

      const error = await workspace
        .prepare('refused', {
          alongside: () => Promise.reject(new Error('the agent row was refused')),
        })
        .catch((e: unknown) => e);

      expect((error as Error).message).toBe('the agent row was refused');
      expectNothingLeft('refused');
      expect(worktreeCount()).toBe(1);
    });

    it('should not call alongside when a check refuses the prepare', async () => {
      fx.git(['branch', 'feature/taken']);
      const workspace = await open();
      let calls = 0;

      const error = await workspace
        .prepare('taken', {
          alongside: () => {
            calls += 1;
            return Promise.resolve();
          },
        })
        .catch((e: unknown) => e);

      expect(error).toMatchObject({ code: 'WORKSPACE_ALREADY_EXISTS' });
      expect(calls).toBe(0);
      expect(branches()).toContain('feature/taken');
    });

    it("should reject with the workspace's own error, after alongside settled, when creating it fails", async () => {
      const workspace = await open({
        setup: { command: { argv: [node, '-e', 'process.exit(4)'], timeoutMs: 10_000 } },
      });
      let settled = false;

      const error = await workspace
        .prepare('late', {
          alongside: async () => {
            await new Promise((resolve) => setTimeout(resolve, 50));
            settled = true;
            throw new Error('alongside failed too');
          },
        })
        .catch((e: unknown) => e);

      expect(error).toMatchObject({ code: 'WORKSPACE_SETUP_FAILED' });
      expect(settled).toBe(true);
      expectNothingLeft('late');
    });
  });

  describe('setup', () => {
    it('should copy the listed files and run the setup command in the new worktree', async () => {
      await fx.write('.env', 'SECRET=1\n');
      await fx.write('config/local.json', '{"a":1}\n');
      const workspace = await open({
        setup: {
          copy: ['.env', 'config/local.json', 'missing.txt'],
          command: {
            argv: [
              node,
              '-e',
              "require('fs').writeFileSync('setup-ran', process.env.FRACTA_AGENT + ':' + process.cwd())",
            ],
            timeoutMs: 10_000,
          },
        },
      });

      const info = await workspace.prepare('eta', {});

      expect(await readFile(join(info.path, '.env'), 'utf8')).toBe('SECRET=1\n');
      expect(await readFile(join(info.path, 'config', 'local.json'), 'utf8')).toBe('{"a":1}\n');
      expect(existsSync(join(info.path, 'missing.txt'))).toBe(false);
      expect(await readFile(join(info.path, 'setup-ran'), 'utf8')).toBe(`eta:${info.path}`);
    });

    it('should undo everything when the setup command fails', async () => {
      const workspace = await open({
        setup: {
          command: {
            argv: [node, '-e', "console.error('install broke'); process.exit(3)"],
            timeoutMs: 10_000,
          },
        },
      });

      const error = await workspace.prepare('theta', {}).catch((e: unknown) => e);

      expect(error).toMatchObject({ code: 'WORKSPACE_SETUP_FAILED' });
      expect((error as Error).message).toContain('exited with 3');
      expect((error as Error).message).toContain('install broke');
      expectNothingLeft('theta');
      expect(worktreeCount()).toBe(1);
    });

    it('should kill a setup command that runs past its timeout and undo everything', async () => {
      const pidFile = join(fx.dir, 'setup.pid');
      const workspace = await open({
        setup: {
          command: {
            argv: [
              node,
              '-e',
              `require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); setInterval(() => {}, 1000)`,
            ],
            timeoutMs: 1_500,
          },
        },
      });

      await expect(workspace.prepare('iota', {})).rejects.toThrow(/did not finish within 1500 ms/);

      const pid = Number(await readFile(pidFile, 'utf8'));
      expect(() => process.kill(pid, 0)).toThrow();
      expectNothingLeft('iota');
    });

    it('should undo everything when the setup command does not exist', async () => {
      const workspace = await open({
        setup: { command: { argv: [join(fx.dir, 'no-such-tool'), 'install'], timeoutMs: 10_000 } },
      });
      await expect(workspace.prepare('kappa', {})).rejects.toThrow(/could not start \(ENOENT\)/);
      expectNothingLeft('kappa');
    });

    it('should refuse setup copy paths outside the repository', () => {
      expect(
        () => new GitWorktreeWorkspace({ repoRoot: fx.repo, setup: { copy: ['../../etc/passwd'] } }),
      ).toThrow(/invalid setup.copy path/);
      expect(() => new GitWorktreeWorkspace({ repoRoot: fx.repo, setup: { copy: ['.git/config'] } })).toThrow(
        /must not be inside .git/,
      );
    });
  });

  describe('remove', () => {
    it('should remove the worktree and the branch, and be idempotent', async () => {
      const workspace = await open();
      const info = await workspace.prepare('lambda', {});
      await fx.commit('work.txt', 'work\n', 'agent work', info.path);

      await workspace.remove(info, { keepFiles: false });
      expectNothingLeft('lambda');
      await workspace.remove(info, { keepFiles: false });
      expectNothingLeft('lambda');
      expect(branches()).toEqual(['main']);
    });

    it('should keep worktree and branch with keepFiles, and a later prepare reports the conflict', async () => {
      const workspace = await open();
      const info = await workspace.prepare('mu', {});
      await writeFile(join(info.path, 'notes.txt'), 'keep me\n');

      await workspace.remove(info, { keepFiles: true });

      expect(await readFile(join(info.path, 'notes.txt'), 'utf8')).toBe('keep me\n');
      expect(branches()).toContain('feature/mu');
      await expect(workspace.prepare('mu', {})).rejects.toMatchObject({ code: 'WORKSPACE_ALREADY_EXISTS' });
    });

    it('should clean up a worktree whose directory was deleted by hand', async () => {
      const workspace = await open();
      const info = await workspace.prepare('nu', {});
      await rm(info.path, { recursive: true, force: true });

      await workspace.remove(info, { keepFiles: false });

      expectNothingLeft('nu');
      await expect(workspace.prepare('nu', {})).resolves.toMatchObject({ branch: 'feature/nu' });
    });

    it('should refuse to touch anything that is not one of its agent worktrees', async () => {
      const workspace = await open();
      const foreign: WorkspaceInfo[] = [
        { kind: 'git-worktree', path: fx.repo, branch: 'main', baseBranch: null },
        { kind: 'git-worktree', path: join(fx.repo, '.worktrees', 'xi'), branch: 'main', baseBranch: null },
        { kind: 'directory', path: join(fx.repo, '.worktrees', 'xi'), branch: null, baseBranch: null },
        { kind: 'git-worktree', path: join(fx.dir, 'xi'), branch: 'feature/xi', baseBranch: null },
      ];
      for (const info of foreign) {
        await expect(workspace.remove(info, { keepFiles: false })).rejects.toMatchObject({
          code: 'WORKSPACE_INVALID',
        });
      }
      expect(branches()).toEqual(['main']);
      expect(existsSync(join(fx.repo, 'README.md'))).toBe(true);
    });
  });

  describe('merge', () => {
    it('should merge the agent branch into its base with a --no-ff merge commit', async () => {
      const workspace = await open();
      const info = await workspace.prepare('omicron', {});
      const mainBefore = fx.git(['rev-parse', 'main']);
      const agentSha = await fx.commit('feature.txt', 'from the agent\n', 'agent adds a file', info.path);

      const result = await workspace.merge(info);

      expect(result.merged).toBe(true);
      const head = fx.git(['rev-parse', 'HEAD']);
      expect(result).toEqual({ merged: true, commit: head });
      expect(fx.git(['rev-list', '--parents', '-n', '1', 'HEAD']).split(' ')).toEqual([
        head,
        mainBefore,
        agentSha,
      ]);
      expect(fx.git(['log', '-1', '--format=%s'])).toBe('Merge feature/omicron (fracta)');
      expect(await readFile(join(fx.repo, 'feature.txt'), 'utf8')).toBe('from the agent\n');
      expect(fx.git(['status', '--porcelain'])).toBe('');
      // non-destructive: the agent keeps its worktree and branch
      expect(fx.git(['rev-parse', 'feature/omicron'])).toBe(agentSha);
      expect(existsSync(info.path)).toBe(true);
    });

    it('should report nothing to merge when the agent has no new commits, also after a merge', async () => {
      const workspace = await open();
      const info = await workspace.prepare('pi', {});
      await expect(workspace.merge(info)).rejects.toMatchObject({
        code: 'WORKSPACE_NOTHING_TO_MERGE',
        category: 'conflict',
      });

      await fx.commit('x.txt', 'x\n', 'work', info.path);
      await expect(workspace.merge(info)).resolves.toMatchObject({ merged: true });
      const mainAfter = fx.git(['rev-parse', 'main']);
      await expect(workspace.merge(info)).rejects.toMatchObject({ code: 'WORKSPACE_NOTHING_TO_MERGE' });
      expect(fx.git(['rev-parse', 'main'])).toBe(mainAfter);
    });

    it('should abort a conflicting merge cleanly and report the files', async () => {
      const workspace = await open();
      const info = await workspace.prepare('rho', {});
      const agentSha = await fx.commit(
        'README.md',
        'line one\nagent line two\nline three\n',
        'agent edit',
        info.path,
      );
      const mainSha = await fx.commit('README.md', 'line one\nmain line two\nline three\n', 'main edit');

      const result = await workspace.merge(info);

      expect(result).toEqual({ merged: false, conflicts: ['README.md'] });
      expect(fx.git(['status', '--porcelain', '--untracked-files=all'])).toBe('');
      expect(fx.git(['rev-parse', 'main'])).toBe(mainSha);
      expect(fx.git(['rev-parse', 'feature/rho'])).toBe(agentSha);
      expect(existsSync(join(fx.repo, '.git', 'MERGE_HEAD'))).toBe(false);
      expect(await readFile(join(fx.repo, 'README.md'), 'utf8')).toBe(
        'line one\nmain line two\nline three\n',
      );
    });

    it('should refuse to merge into a base checked out with uncommitted changes, touching nothing', async () => {
      const workspace = await open();
      const info = await workspace.prepare('sigma', {});
      await fx.commit('agent.txt', 'a\n', 'agent work', info.path);
      const mainSha = fx.git(['rev-parse', 'main']);
      await fx.write('README.md', 'my unsaved edit\n');

      const error = await workspace.merge(info).catch((e: unknown) => e);

      expect(error).toMatchObject({ code: 'WORKSPACE_BASE_DIRTY', category: 'conflict' });
      expect((error as Error).message).toContain('README.md');
      expect((error as Error).message).toContain('commit or stash');
      expect(fx.git(['rev-parse', 'main'])).toBe(mainSha);
      expect(await readFile(join(fx.repo, 'README.md'), 'utf8')).toBe('my unsaved edit\n');
    });

    it('should merge with untracked files in the main tree and leave them alone', async () => {
      const workspace = await open();
      const info = await workspace.prepare('tau', {});
      await fx.commit('agent.txt', 'a\n', 'agent work', info.path);
      await fx.write('scratch.txt', 'mine\n');

      await expect(workspace.merge(info)).resolves.toMatchObject({ merged: true });
      expect(await readFile(join(fx.repo, 'scratch.txt'), 'utf8')).toBe('mine\n');
    });

    it('should report a merge git refuses (an untracked file in the way) without changing anything', async () => {
      const workspace = await open();
      const info = await workspace.prepare('upsilon', {});
      await fx.commit('clash.txt', 'agent\n', 'agent work', info.path);
      await fx.write('clash.txt', 'untracked in main\n');
      const mainSha = fx.git(['rev-parse', 'main']);

      await expect(workspace.merge(info)).rejects.toMatchObject({ code: 'WORKSPACE_MERGE_FAILED' });
      expect(fx.git(['rev-parse', 'main'])).toBe(mainSha);
      expect(await readFile(join(fx.repo, 'clash.txt'), 'utf8')).toBe('untracked in main\n');
    });

    it('should merge into a base that is not checked out, leaving the user checkout alone', async () => {
      const workspace = await open();
      const info = await workspace.prepare('phi', {});
      const agentSha = await fx.commit('agent.txt', 'agent\n', 'agent work', info.path);
      const mainBefore = fx.git(['rev-parse', 'main']);
      fx.git(['checkout', '-q', '-b', 'other']);
      await fx.write('README.md', 'dirty on other\n');

      const result = await workspace.merge(info);

      expect(result.merged).toBe(true);
      const mainAfter = fx.git(['rev-parse', 'main']);
      expect(result).toEqual({ merged: true, commit: mainAfter });
      expect(fx.git(['rev-list', '--parents', '-n', '1', 'main']).split(' ')).toEqual([
        mainAfter,
        mainBefore,
        agentSha,
      ]);
      expect(fx.git(['log', '-1', '--format=%s', 'main'])).toBe('Merge feature/phi (fracta)');
      expect(fx.git(['symbolic-ref', '--short', 'HEAD'])).toBe('other');
      expect(await readFile(join(fx.repo, 'README.md'), 'utf8')).toBe('dirty on other\n');
      expect(existsSync(join(fx.repo, 'agent.txt'))).toBe(false);
      expect(worktreeCount()).toBe(2);
    });

    it('should abort a conflicting merge into a base that is not checked out', async () => {
      const workspace = await open();
      const info = await workspace.prepare('chi', {});
      await fx.commit('README.md', 'agent\n', 'agent edit', info.path);
      const mainSha = await fx.commit('README.md', 'main\n', 'main edit');
      fx.git(['checkout', '-q', '-b', 'other']);

      const result = await workspace.merge(info);

      expect(result).toEqual({ merged: false, conflicts: ['README.md'] });
      expect(fx.git(['rev-parse', 'main'])).toBe(mainSha);
      expect(worktreeCount()).toBe(2);
      expect(fx.git(['status', '--porcelain'])).toBe('');
    });

    it('should wait for a lock held by another git process and then merge', async () => {
      const workspace = await open();
      const info = await workspace.prepare('psi', {});
      await fx.commit('agent.txt', 'a\n', 'agent work', info.path);
      const lock = join(fx.repo, '.git', 'index.lock');
      await writeFile(lock, '');
      const release = setTimeout(() => {
        void rm(lock, { force: true });
      }, 300);

      try {
        await expect(workspace.merge(info)).resolves.toMatchObject({ merged: true });
      } finally {
        clearTimeout(release);
      }
      expect(await readFile(join(fx.repo, 'agent.txt'), 'utf8')).toBe('a\n');
    });

    it('should refuse to merge when the agent branch is gone', async () => {
      const workspace = await open();
      const info = await workspace.prepare('omega', {});
      await workspace.remove(info, { keepFiles: false });
      await expect(workspace.merge(info)).rejects.toMatchObject({ code: 'WORKSPACE_BRANCH_NOT_FOUND' });
    });
  });

  describe('prepare without a git process per check', () => {
    /** A git that appends its arguments to a log, then runs the real one (`before`: a shell line run first). */
    const loggingGit = async (before = ''): Promise<{ git: string; calls: () => Promise<string[]> }> => {
      const log = join(fx.dir, 'git-calls.log');
      const git = join(fx.dir, 'logging-git.sh');
      await writeFile(
        git,
        `#!/bin/sh\nprintf '%s\\n' "$*" >> ${JSON.stringify(log)}\n${before}\nexec git "$@"\n`,
      );
      await chmod(git, 0o755);
      const calls = async () =>
        (await readFile(log, 'utf8').catch(() => ''))
          .split('\n')
          .filter((line) => line.length > 0)
          .map((line) => line.replace('-c core.hooksPath=/dev/null -c core.quotePath=false ', ''));
      return { git, calls };
    };

    it('should run only git worktree add once the repository is known', async () => {
      const { git, calls } = await loggingGit();
      const workspace = await open({ git });
      await workspace.prepare('first', {});
      const before = (await calls()).length;

      const info = await workspace.prepare('second', { baseBranch: 'main' });
      await workspace.prepare('third', {});

      expect((await calls()).slice(before)).toEqual([
        `worktree add -b feature/second ${info.path} ${fx.git(['rev-parse', 'main'])}`,
        `worktree add -b feature/third ${join(fx.repo, '.worktrees', 'third')} ${fx.git(['rev-parse', 'main'])}`,
      ]);
      expect(fx.git(['status', '--porcelain', '--untracked-files=all'])).toBe('');
    });

    it('should find a base branch and an agent branch that are only in packed-refs', async () => {
      fx.git(['branch', 'develop']);
      const developSha = await fx.commit('dev.txt', 'dev\n', 'develop work');
      fx.git(['branch', '-f', 'develop', developSha]);
      fx.git(['reset', '-q', '--hard', 'HEAD~1']);
      fx.git(['branch', 'feature/packed']);
      const packedSha = fx.git(['rev-parse', 'feature/packed']);
      fx.git(['pack-refs', '--all']);
      expect(existsSync(join(fx.repo, '.git', 'refs', 'heads', 'develop'))).toBe(false);
      expect(existsSync(join(fx.repo, '.git', 'refs', 'heads', 'feature', 'packed'))).toBe(false);
      const workspace = await open();

      const info = await workspace.prepare('from-packed', { baseBranch: 'develop' });
      const taken = await workspace.prepare('packed', {}).catch((e: unknown) => e);

      expect(fx.git(['rev-parse', 'HEAD'], info.path)).toBe(developSha);
      expect(taken).toMatchObject({ code: 'WORKSPACE_ALREADY_EXISTS' });
      expect((taken as Error).message).toContain('git branch -D feature/packed');
      expect(fx.git(['rev-parse', 'feature/packed'])).toBe(packedSha);
      expect(existsSync(join(fx.repo, '.worktrees', 'packed'))).toBe(false);
    });

    it('should start from the branch of a linked worktree opened as the repository, and see it detached', async () => {
      const linked = join(fx.dir, 'linked');
      fx.git(['worktree', 'add', '-q', '-b', 'other', linked]);
      expect((await readFile(join(linked, '.git'), 'utf8')).startsWith('gitdir: ')).toBe(true);
      const workspace = await open();
      const inLinked = await GitWorktreeWorkspace.open(linked, { env: fx.env });

      const info = await inLinked.prepare('lk', {});
      fx.git(['checkout', '-q', '--detach'], linked);
      const detached = await inLinked.prepare('lk2', {}).catch((e: unknown) => e);

      expect(info).toMatchObject({ baseBranch: 'other', path: join(linked, '.worktrees', 'lk') });
      expect(detached).toMatchObject({ code: 'WORKSPACE_BASE_BRANCH_REQUIRED' });
      expectNothingLeft('lk2');
      // the main worktree is still on main
      await expect(workspace.prepare('mn', {})).resolves.toMatchObject({ baseBranch: 'main' });
    });

    it('should resolve a symbolic branch through git', async () => {
      fx.git(['symbolic-ref', 'refs/heads/alias', 'refs/heads/main']);
      const workspace = await open();
      const info = await workspace.prepare('sym', { baseBranch: 'alias' });
      expect(info.baseBranch).toBe('alias');
      expect(fx.git(['rev-parse', 'HEAD'], info.path)).toBe(fx.git(['rev-parse', 'main']));
    });

    it('should recreate an agent whose worktree directory was deleted by hand (stale registration)', async () => {
      const workspace = await open();
      const info = await workspace.prepare('stale', {});
      await rm(info.path, { recursive: true, force: true });
      fx.git(['update-ref', '-d', 'refs/heads/feature/stale']);

      await expect(workspace.prepare('stale', {})).resolves.toEqual(info);

      expect(fx.git(['symbolic-ref', '--short', 'HEAD'], info.path)).toBe('feature/stale');
      expect(worktreeCount()).toBe(2);
    });

    it('should report a branch that appears after the lookup as existing, and leave it alone', async () => {
      const { git } = await loggingGit(
        'case "$*" in *"worktree add"*) git branch feature/race >/dev/null 2>&1 ;; esac',
      );
      const workspace = await open({ git });

      const error = await workspace.prepare('race', {}).catch((e: unknown) => e);

      expect(error).toMatchObject({ code: 'WORKSPACE_ALREADY_EXISTS', category: 'conflict' });
      expect((error as Error).message).toContain('git branch -D feature/race');
      expect(fx.git(['rev-parse', 'feature/race'])).toBe(fx.git(['rev-parse', 'main']));
      expect(existsSync(join(fx.repo, '.worktrees', 'race'))).toBe(false);
      expect(worktreeCount()).toBe(1);
    });
  });

  describe('concurrency', () => {
    it('should prepare and remove five agents in parallel from separate providers', async () => {
      const agents = ['c1', 'c2', 'c3', 'c4', 'c5'];
      const providers = await Promise.all(agents.map(() => open()));

      const infos = await Promise.all(agents.map((agent, i) => providers[i]!.prepare(agent, {})));

      expect(infos.map((info) => info.branch)).toEqual(agents.map((agent) => `feature/${agent}`));
      expect(branches()).toEqual([
        'feature/c1',
        'feature/c2',
        'feature/c3',
        'feature/c4',
        'feature/c5',
        'main',
      ]);
      expect(worktreeCount()).toBe(6);
      const exclude = await readFile(join(fx.repo, '.git', 'info', 'exclude'), 'utf8');
      expect(exclude).toContain('/.worktrees/');

      await Promise.all(infos.map((info, i) => providers[i]!.remove(info, { keepFiles: false })));
      expect(branches()).toEqual(['main']);
      expect(worktreeCount()).toBe(1);
    });
  });
});
