/** A throwaway git repository (one commit on `main`), as the control plane's e2e harness makes it. */
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const GIT_IDENTITY = {
  GIT_AUTHOR_NAME: 'fracta bench',
  GIT_AUTHOR_EMAIL: 'bench@fracta.invalid',
  GIT_COMMITTER_NAME: 'fracta bench',
  GIT_COMMITTER_EMAIL: 'bench@fracta.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
};

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...GIT_IDENTITY },
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

export async function makeRepo(dir: string): Promise<void> {
  git(dir, 'init', '-q', '-b', 'main');
  await writeFile(join(dir, 'README.md'), '# bench project\n');
  await writeFile(join(dir, '.gitignore'), '.fracta/\n.worktrees/\n');
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'initial');
}
