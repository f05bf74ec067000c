import { execFile } from 'node:child_process';

import { WorkspaceGitFailedError, WorkspaceGitNotFoundError } from './workspace.errors.js';

export interface GitResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface GitRunOptions {
  /** Exit codes that are answers, not failures (e.g. 1 for `rev-parse --verify --quiet`). */
  readonly okCodes?: readonly number[];
  /** Retry when another git process holds a lock (index.lock, ref locks). */
  readonly retryOnLock?: boolean;
}

export interface GitCommandRunnerOptions {
  readonly git: string;
  /** The base environment; variables that would point git at another repository are removed. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly timeoutMs: number;
  readonly maxOutputBytes: number;
  /** Waits between lock retries (injected so unit tests do not sleep). */
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * Every git command fracta issues: user hooks are disabled (`core.hooksPath=/dev/null`) so that a
 * worktree add, merge or commit made by fracta never runs repository scripts, hangs on one, or is
 * vetoed by one (setup hooks are fracta's own `setup.command`); prompts are off and messages are
 * in the C locale so that the lock-contention check below can read them.
 */
const GIT_PREFIX = ['-c', 'core.hooksPath=/dev/null', '-c', 'core.quotePath=false'];

/** Variables that would redirect git to another repository, index or work tree. */
const REPOSITORY_VARIABLES = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_COMMON_DIR',
  'GIT_NAMESPACE',
  'GIT_CEILING_DIRECTORIES',
  'GIT_PREFIX',
];

const LOCK_ATTEMPTS = 8;

/**
 * Another `git worktree add` half way: git lists the worktrees and reads each one's admin files,
 * which the other process has created but not yet written ("failed to read
 * .git/worktrees/<name>/commondir: Success").
 */
const WORKTREE_BEING_ADDED = /failed to read [^\n]*worktrees\/[^/\s]+\/(commondir|gitdir)\b/i;

/**
 * True when git failed only because another git process was in the middle of something: it held
 * a lock, or it was creating a worktree whose admin files this one read too early.
 */
export function isLockContention(stderr: string): boolean {
  if (WORKTREE_BEING_ADDED.test(stderr)) return true;
  // "cannot lock ref 'refs/heads/feature/x': 'refs/heads/feature' exists" is a real conflict, not contention.
  if (/exists;|' exists|already exists/i.test(stderr)) return false;
  return /index\.lock|could not lock|cannot lock|unable to create '[^']*\.lock'|\.lock': File exists/i.test(
    stderr,
  );
}

/** The first non-empty lines of git's stderr, bounded, for error messages. */
export function gitExcerpt(stderr: string, maxLines = 4, maxChars = 600): string {
  const lines = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .slice(0, maxLines);
  const text = lines.join(' / ');
  if (text.length === 0) return 'no error output';
  return text.length > maxChars ? `${text.slice(0, maxChars - 1)}…` : text;
}

export function backoffMs(attempt: number): number {
  return Math.min(1_000, 40 * 2 ** attempt) + Math.floor(Math.random() * 40);
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class GitCommandRunner {
  private readonly env: Record<string, string>;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: GitCommandRunnerOptions) {
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(options.env)) {
      if (value !== undefined && !REPOSITORY_VARIABLES.includes(key)) env[key] = value;
    }
    env.GIT_TERMINAL_PROMPT = '0';
    env.LC_ALL = 'C';
    env.GIT_OPTIONAL_LOCKS = '0';
    this.env = env;
    this.sleep = options.sleep ?? realSleep;
  }

  /** Runs git in `cwd`; throws WorkspaceGitFailedError (with git's stderr) on a non-ok exit. */
  async run(cwd: string, args: readonly string[], options: GitRunOptions = {}): Promise<GitResult> {
    const okCodes = options.okCodes ?? [0];
    for (let attempt = 0; ; attempt++) {
      const result = await this.exec(cwd, args);
      if (okCodes.includes(result.exitCode)) return result;
      if (options.retryOnLock && attempt + 1 < LOCK_ATTEMPTS && isLockContention(result.stderr)) {
        await this.sleep(backoffMs(attempt));
        continue;
      }
      throw new WorkspaceGitFailedError(args.join(' ').slice(0, 200), gitExcerpt(result.stderr), {
        cwd,
        exitCode: result.exitCode,
      });
    }
  }

  /** Runs git and returns whatever it exits with (spawn problems and timeouts still throw). */
  exec(cwd: string, args: readonly string[]): Promise<GitResult> {
    const { git, timeoutMs, maxOutputBytes } = this.options;
    return new Promise((resolve, reject) => {
      execFile(
        git,
        [...GIT_PREFIX, ...args],
        {
          cwd,
          env: this.env,
          timeout: timeoutMs,
          killSignal: 'SIGKILL',
          maxBuffer: maxOutputBytes,
          encoding: 'utf8',
          windowsHide: true,
        },
        (error, stdout, stderr) => {
          if (error === null) {
            resolve({ exitCode: 0, stdout, stderr });
            return;
          }
          const command = args.join(' ').slice(0, 200);
          const code = (error as NodeJS.ErrnoException).code as unknown;
          if (code === 'ENOENT' || code === 'EACCES') {
            reject(new WorkspaceGitNotFoundError(git));
          } else if (typeof code === 'number') {
            resolve({ exitCode: code, stdout, stderr });
          } else if (code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
            reject(new WorkspaceGitFailedError(command, `output exceeded ${maxOutputBytes} bytes`, { cwd }));
          } else if (error.killed) {
            reject(new WorkspaceGitFailedError(command, `timed out after ${timeoutMs} ms`, { cwd }));
          } else {
            reject(new WorkspaceGitFailedError(command, gitExcerpt(stderr || error.message), { cwd }));
          }
        },
      );
    });
  }
}
