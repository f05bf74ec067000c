import { execFile } from 'node:child_process';
import { appendFile, chmod, mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

import { type AgentFiles } from '../../../src/index.js';

const run = promisify(execFile);

/** A temp HOME and a temp git repository with one commit, removed by `dispose`. */
export interface AgentWorkspace {
  readonly root: string;
  readonly home: string;
  readonly repo: string;
  git(...args: string[]): Promise<string>;
  /** Commits these files, so they are tracked. */
  commit(files: Readonly<Record<string, string>>): Promise<void>;
  /** Writes the writers' output into the repository (or a worktree of it), as the control plane does. */
  write(result: AgentFiles, into?: string): Promise<void>;
  /** Adds the patterns to the repository's info/exclude, as the control plane does. */
  exclude(patterns: readonly string[]): Promise<void>;
  read(path: string): Promise<string>;
  dispose(): Promise<void>;
}

export async function createAgentWorkspace(prefix: string): Promise<AgentWorkspace> {
  const root = await realpath(await mkdtemp(join(tmpdir(), `fracta-mcp-${prefix}-`)));
  const home = join(root, 'home');
  const repo = join(root, 'repo');
  await mkdir(home);
  const git = async (...args: string[]): Promise<string> => {
    const { stdout } = await run(
      'git',
      ['-c', 'user.name=fracta-test', '-c', 'user.email=test@fracta.invalid', ...args],
      {
        cwd: repo,
      },
    );
    return stdout;
  };
  await run('git', ['init', '-q', '-b', 'main', repo]);
  await writeFile(join(repo, 'README.md'), '# test repo\n');
  await git('add', 'README.md');
  await git('commit', '-q', '-m', 'initial');
  return {
    root,
    home,
    repo,
    git,
    async commit(files) {
      for (const [path, content] of Object.entries(files)) {
        await mkdir(dirname(join(repo, path)), { recursive: true });
        await writeFile(join(repo, path), content);
      }
      await git('add', '--', ...Object.keys(files));
      await git('commit', '-q', '-m', 'user files');
    },
    async write(result, into = repo) {
      for (const file of result.files) {
        const target = join(into, file.path);
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, file.content);
        await chmod(target, file.mode);
      }
    },
    async exclude(patterns) {
      const commonDir = (await git('rev-parse', '--path-format=absolute', '--git-common-dir')).trim();
      await mkdir(join(commonDir, 'info'), { recursive: true });
      await appendFile(
        join(commonDir, 'info', 'exclude'),
        patterns.map((pattern) => `${pattern}\n`).join(''),
      );
    },
    read: (path) => readFile(join(repo, path), 'utf8'),
    dispose: () => rm(root, { recursive: true, force: true }),
  };
}
