import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A throwaway repository with its own HOME, so no user or system git config is involved. */
export interface GitFixture {
  /** Real path of the temp directory holding everything. */
  readonly dir: string;
  /** The repository's working tree (branch main, one commit with README.md). */
  readonly repo: string;
  readonly env: Record<string, string>;
  git(args: readonly string[], cwd?: string): string;
  write(relative: string, content: string, cwd?: string): Promise<void>;
  /** Writes, adds and commits one file. */
  commit(relative: string, content: string, message: string, cwd?: string): Promise<string>;
  cleanup(): Promise<void>;
}

export async function createGitFixture(options: { init?: boolean } = {}): Promise<GitFixture> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), 'fracta-ws-')));
  const home = join(dir, 'home');
  const repo = join(dir, 'repo');
  await mkdir(home);
  await mkdir(repo);
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Fracta Test',
    GIT_AUTHOR_EMAIL: 'test@fracta.invalid',
    GIT_COMMITTER_NAME: 'Fracta Test',
    GIT_COMMITTER_EMAIL: 'test@fracta.invalid',
  };
  const git = (args: readonly string[], cwd = repo): string =>
    execFileSync('git', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  const write = async (relative: string, content: string, cwd = repo): Promise<void> => {
    await mkdir(dirname(join(cwd, relative)), { recursive: true });
    await writeFile(join(cwd, relative), content);
  };
  const commit = async (relative: string, content: string, message: string, cwd = repo): Promise<string> => {
    await write(relative, content, cwd);
    git(['add', relative], cwd);
    git(['commit', '-q', '-m', message], cwd);
    return git(['rev-parse', 'HEAD'], cwd);
  };
  if (options.init !== false) {
    git(['init', '-q', '-b', 'main']);
    await commit('README.md', 'line one\nline two\nline three\n', 'initial commit');
  }
  return {
    dir,
    repo,
    env,
    git,
    write,
    commit,
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
