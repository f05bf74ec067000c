/**
 * The floor of a spawn, done directly, with git issued the way GitWorktreeWorkspace's
 * GitCommandRunner issues it (execFile, the same `-c` prefix and environment), then
 * child_process.spawn of the program until 'spawn': the bare `git worktree add -b` (the budget's
 * floor), and, for reference, the seven git commands of a prepare() that starts one git process
 * per check (what GitWorktreeWorkspace.prepare() ran before it read refs and HEAD itself).
 */
import { execFile, spawn } from 'node:child_process';
import { lstat, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

/** GitCommandRunner's prefix: hooks off, paths unquoted. */
const GIT_PREFIX = ['-c', 'core.hooksPath=/dev/null', '-c', 'core.quotePath=false'];

export interface FloorTiming {
  readonly totalMs: number;
  readonly gitMs: number;
  readonly spawnMs: number;
  readonly gitCommands: number;
}

export class WorkspaceFloor {
  readonly #env: Record<string, string>;
  #commands = 0;

  constructor(
    private readonly repo: string,
    hostEnv: Readonly<Record<string, string>>,
    private readonly worktreesDir = '.worktrees',
  ) {
    this.#env = { ...hostEnv, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', GIT_OPTIONAL_LOCKS: '0' };
  }

  #git(args: readonly string[], okCodes: readonly number[] = [0]): Promise<string> {
    this.#commands++;
    return new Promise((resolve, reject) => {
      execFile(
        'git',
        [...GIT_PREFIX, ...args],
        {
          cwd: this.repo,
          env: this.#env,
          timeout: 120_000,
          killSignal: 'SIGKILL',
          maxBuffer: 16 * 1024 * 1024,
          encoding: 'utf8',
          windowsHide: true,
        },
        (error, stdout, stderr) => {
          const code = error === null ? 0 : (error as NodeJS.ErrnoException).code;
          if (typeof code === 'number' && okCodes.includes(code)) resolve(stdout);
          else reject(new Error(`git ${args.join(' ')} failed (${String(code)}): ${stderr}`));
        },
      );
    });
  }

  path(name: string): string {
    return join(this.repo, this.worktreesDir, name);
  }

  /** The one-process-per-check git sequence for a new agent on the current branch, then the spawn. */
  async prepareAndSpawn(name: string, command: readonly string[]): Promise<FloorTiming> {
    this.#commands = 0;
    const started = performance.now();
    const branch = `feature/${name}`;
    const path = this.path(name);
    const base = (await this.#git(['symbolic-ref', '--quiet', '--short', 'HEAD'], [0, 1])).trim();
    await this.#git(['check-ref-format', '--branch', base], [0, 1, 128]);
    const baseSha = (
      await this.#git(['rev-parse', '--verify', '--quiet', `refs/heads/${base}^{commit}`])
    ).trim();
    await this.#git(['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`], [0, 1]);
    await lstat(path).then(
      () => {
        throw new Error(`${path} exists`);
      },
      () => undefined,
    );
    await this.#git(['worktree', 'prune']);
    await this.#git(['worktree', 'add', '-b', branch, path, baseSha]);
    await this.#git(['check-ignore', '-q', path], [0, 1]);
    const gitDone = performance.now();
    return { ...(await this.#spawnFrom(path, command, started, gitDone)), gitCommands: this.#commands };
  }

  /** Just `git worktree add -b feature/<name> .worktrees/<name> main`, then the spawn. */
  async addAndSpawn(name: string, command: readonly string[]): Promise<FloorTiming> {
    this.#commands = 0;
    const started = performance.now();
    await this.#git(['worktree', 'add', '-b', `feature/${name}`, join(this.worktreesDir, name), 'main']);
    const gitDone = performance.now();
    return {
      ...(await this.#spawnFrom(this.path(name), command, started, gitDone)),
      gitCommands: this.#commands,
    };
  }

  async #spawnFrom(
    cwd: string,
    command: readonly string[],
    started: number,
    gitDone: number,
  ): Promise<Omit<FloorTiming, 'gitCommands'>> {
    const [program = 'sleep', ...args] = command;
    const child = spawn(program, args, { cwd, stdio: 'ignore' });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    const done = performance.now();
    const exited = new Promise<void>((resolve) =>
      child.once('exit', () => {
        resolve();
      }),
    );
    child.kill('SIGKILL');
    await exited;
    return { totalMs: done - started, gitMs: gitDone - started, spawnMs: done - gitDone };
  }

  /** Removes the worktree and its branch the way GitWorktreeWorkspace.remove() does (not timed). */
  async remove(name: string): Promise<void> {
    const path = this.path(name);
    await this.#git(['worktree', 'remove', '--force', '--force', path], [0, 128]);
    await rm(path, { recursive: true, force: true });
    await this.#git(['worktree', 'prune']);
    await this.#git(['branch', '-D', `feature/${name}`], [0, 1]);
  }
}
