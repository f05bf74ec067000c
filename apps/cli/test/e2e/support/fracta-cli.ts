/** The built `fracta` CLI (bin/run.js) as a real child process, for the end-to-end tests. */
import { execFile } from 'node:child_process';

export const BIN = new URL('../../../bin/run.js', import.meta.url).pathname;

/** A commit identity for the git the control plane runs (merge commits) and the tests' own commits. */
export const GIT_IDENTITY = {
  GIT_AUTHOR_NAME: 'fracta test',
  GIT_AUTHOR_EMAIL: 'test@fracta.invalid',
  GIT_COMMITTER_NAME: 'fracta test',
  GIT_COMMITTER_EMAIL: 'test@fracta.invalid',
} as const;

export interface Result {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function runBin(
  cwd: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  timeout: number,
): Promise<Result> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd, env, timeout }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/** The CLI once, with the test's environment (but no FRACTA_TOKEN from it) plus `env`. */
export function fracta(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Result> {
  return runBin(cwd, args, { ...process.env, FRACTA_TOKEN: '', ...env }, 45_000);
}

/**
 * The CLI once, in an environment of its own: PATH, HOME = `cwd` and the git identity, nothing
 * else of the test's (the control plane it starts inherits just that).
 */
export function fractaIsolated(cwd: string, args: readonly string[]): Promise<Result> {
  return runBin(cwd, args, { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: cwd, ...GIT_IDENTITY }, 60_000);
}
