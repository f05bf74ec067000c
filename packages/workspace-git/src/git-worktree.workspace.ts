import { randomBytes } from 'node:crypto';
import { lstatSync } from 'node:fs';
import { appendFile, cp, lstat, mkdir, readFile, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

import {
  assertAgentName,
  featureBranch,
  isValidAgentName,
  KeyedMutex,
  type MergeResult,
  type PrepareOptions,
  toError,
  type WorkspaceInfo,
  WorkspaceProvider,
} from '@fracta/domain';

import { isValidBranchName } from './branch-name.js';
import { GitCommandRunner, backoffMs, gitExcerpt, isLockContention } from './git-command.runner.js';
import { readHead, RefFiles } from './ref-files.js';
import { checkRepoRelativePath, parseWorktreeList } from './repo-path.js';
import { runSetupCommand } from './setup-command.runner.js';
import {
  WorkspaceAlreadyExistsError,
  WorkspaceBaseBranchNotFoundError,
  WorkspaceBaseBranchRequiredError,
  WorkspaceBaseDirtyError,
  WorkspaceBaseMovedError,
  WorkspaceBranchNotFoundError,
  WorkspaceGitFailedError,
  WorkspaceInvalidError,
  WorkspaceMergeFailedError,
  WorkspaceNotAGitRepoError,
  WorkspaceNothingToMergeError,
  WorkspaceSetupFailedError,
} from './workspace.errors.js';

export interface WorkspaceSetupCommand {
  /** Program and arguments, run without a shell in the new worktree. */
  readonly argv: readonly string[];
  readonly timeoutMs: number;
}

export interface WorkspaceSetup {
  /** Repository-relative files or directories (e.g. `.env`) copied into each new worktree when present. */
  readonly copy?: readonly string[];
  /** Run in each new worktree after the copies (e.g. an install); a non-zero exit fails the prepare. */
  readonly command?: WorkspaceSetupCommand;
}

export interface GitWorktreeWorkspaceOptions {
  /** The repository (any directory inside its working tree; its top level is used). */
  readonly repoRoot: string;
  /** Where agent worktrees go, relative to the repository's top level. Default `.worktrees`. */
  readonly worktreesDir?: string;
  readonly setup?: WorkspaceSetup;
  /** The git executable. Default `git` (looked up on the PATH of `env`). */
  readonly git?: string;
  /**
   * Environment for git and the setup command. Default: this process's environment (so the
   * user's git identity and config apply). Variables that redirect git (GIT_DIR, GIT_WORK_TREE,
   * GIT_INDEX_FILE, …) are always dropped.
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Limit for any single git command. Default 120 s. */
  readonly gitTimeoutMs?: number;
}

interface RepoFacts {
  /** Real path of the working tree's top level. */
  readonly top: string;
  /** The common git directory (shared by every worktree). */
  readonly commonDir: string;
  /** The git directory of the top level's worktree (where its HEAD is). */
  readonly gitDir: string;
  /** Refs are in files (loose refs and packed-refs) that RefFiles can read; false for reftable. */
  readonly refFiles: boolean;
}

interface AgentWorkspace {
  readonly agent: string;
  readonly path: string;
  readonly branch: string;
}

const LIMITS = {
  copyEntries: 100,
  setupArgs: 1_000,
  setupArgChars: 8_192,
  setupTimeoutMs: 3_600_000,
  branchChars: 255,
  gitOutputBytes: 16 * 1024 * 1024,
  setupOutputChars: 4_000,
} as const;

const DEFAULT_GIT_TIMEOUT_MS = 120_000;
const LOCK_RETRY_ATTEMPTS = 8;

/** `git worktree add -b` (its `git branch` step) refusing a branch that is already there. */
const BRANCH_EXISTS = /a branch named '[^']*' already exists/i;
/** `git worktree add` on the path of a worktree whose directory is gone: `git worktree prune` clears it. */
const STALE_WORKTREE = /is a missing but already registered worktree/i;

function mergeMessage(branch: string): string {
  return `Merge ${branch} (fracta)`;
}

async function pathExists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/**
 * WorkspaceProvider on git worktrees: each agent works in `<worktreesDir>/<agent>` on branch
 * `feature/<agent>`, started from a base branch (default: the repository's current branch).
 *
 * Merge (`feature/<agent>` into its base, `--no-ff`, message `Merge feature/<agent> (fracta)`):
 * - the agent branch must have commits the base lacks, else WORKSPACE_NOTHING_TO_MERGE (so a second
 *   merge of the same work is reported, not silently "merged");
 * - base checked out in a worktree (usually the user's main one) with uncommitted changes to
 *   tracked files: refused (WORKSPACE_BASE_DIRTY), nothing touched; untracked files are left alone
 *   (git itself refuses, unchanged, if the merge would overwrite one);
 * - base checked out and clean: merged there, so the user's checkout shows the result;
 * - base not checked out anywhere: merged in a temporary detached worktree, then the base ref is
 *   moved with a compare-and-swap (WORKSPACE_BASE_MOVED if someone moved it meanwhile);
 * - conflicts: `git merge --abort`, `{ merged: false, conflicts }`, both branches and every
 *   working tree exactly as before.
 *
 * Every git command runs with user hooks disabled (see GitCommandRunner); setup work belongs in
 * `setup.command`. Commit signing and identity follow the user's git config.
 */
export class GitWorktreeWorkspace extends WorkspaceProvider {
  private readonly repoRoot: string;
  private readonly worktreesDir: string;
  private readonly setup: WorkspaceSetup;
  private readonly env: Readonly<Record<string, string | undefined>>;
  private readonly git: GitCommandRunner;
  private readonly mutex = new KeyedMutex();
  private facts: Promise<RepoFacts> | null = null;
  /** Set once the worktrees directory is known to be ignored (checked once per repository). */
  private ignoreChecked = false;

  constructor(options: GitWorktreeWorkspaceOptions) {
    super();
    this.repoRoot = resolve(options.repoRoot);
    const dir = checkRepoRelativePath(options.worktreesDir ?? '.worktrees');
    if (!dir.ok) {
      throw new WorkspaceInvalidError(
        `invalid worktreesDir ${JSON.stringify((options.worktreesDir ?? '').slice(0, 80))}: it ${dir.reason}; use a path like .worktrees`,
      );
    }
    this.worktreesDir = dir.path;
    this.setup = validateSetup(options.setup ?? {});
    this.env = options.env ?? process.env;
    this.git = new GitCommandRunner({
      git: options.git ?? 'git',
      env: this.env,
      timeoutMs: options.gitTimeoutMs ?? DEFAULT_GIT_TIMEOUT_MS,
      maxOutputBytes: LIMITS.gitOutputBytes,
    });
  }

  /** Opens the repository containing `repoRoot`; WORKSPACE_NOT_A_GIT_REPO when there is none (or it is bare). */
  static async open(
    repoRoot: string,
    options: Omit<GitWorktreeWorkspaceOptions, 'repoRoot'> = {},
  ): Promise<GitWorktreeWorkspace> {
    const workspace = new GitWorktreeWorkspace({ ...options, repoRoot });
    await workspace.repo();
    return workspace;
  }

  /** The real path of the repository's top level. */
  async topLevel(): Promise<string> {
    return (await this.repo()).top;
  }

  /**
   * One git process on the way: `git worktree add`. The checks before it (current branch, branch
   * names, whether the base and the agent's branch exist) read the repository's files; git is
   * asked only when those cannot tell, and on the error paths.
   */
  override async prepare(agent: string, options: PrepareOptions): Promise<WorkspaceInfo> {
    assertAgentName(agent);
    const branch = featureBranch(agent);
    return this.mutex.run(`agent:${agent}`, async () => {
      const repo = await this.repo();
      const base = options.baseBranch ?? (await this.currentBranch(repo));
      this.assertBranchName(base, 'base branch');
      const refs = repo.refFiles ? new RefFiles(repo.commonDir) : null;
      const path = this.agentPath(repo, agent);
      const baseRef = refs?.branch(base) ?? null;
      const agentRef = refs?.branch(branch) ?? null;
      // Not found in the files (or they could not tell): git decides, on what is the error path.
      const baseSha = baseRef?.state === 'found' ? baseRef.sha : await this.resolveBranch(repo, base);
      if (baseSha === null) throw new WorkspaceBaseBranchNotFoundError(base, await this.someBranches(repo));
      // Absent in the files is trusted: if the branch appears meanwhile, worktree add -b refuses it.
      const taken =
        agentRef?.state === 'found' ||
        (agentRef?.state !== 'absent' && (await this.resolveBranch(repo, branch)) !== null);
      if (taken) throw this.branchTaken(agent, branch);
      // Synchronous like the ref reads (see RefFiles): one lstat on the critical path.
      if (lstatSync(path, { throwIfNoEntry: false }) !== undefined) {
        throw new WorkspaceAlreadyExistsError(
          agent,
          `directory ${path}`,
          `it is left from an earlier agent or 'fracta kill --keep-files'; remove it ('git worktree remove --force ${path}'), or pick another name`,
        );
      }
      const workspace: AgentWorkspace = { agent, path, branch };
      const info: WorkspaceInfo = { kind: 'git-worktree', path, branch, baseBranch: base };
      const creating = (async () => {
        await this.addWorktree(repo, workspace, baseSha);
        await this.ensureIgnored(repo, path);
        await this.runSetup(repo, workspace);
      })();
      const [created, beside] = await Promise.allSettled([
        creating,
        options.alongside?.(info) ?? Promise.resolve(),
      ]);
      if (created.status === 'rejected') {
        // The agent's branch was there before (it appeared since it was looked up): not ours to delete.
        if (!(created.reason instanceof WorkspaceAlreadyExistsError)) await this.undo(repo, workspace);
        throw created.reason;
      }
      if (beside.status === 'rejected') {
        await this.undo(repo, workspace);
        throw beside.reason;
      }
      return info;
    });
  }

  private branchTaken(agent: string, branch: string): WorkspaceAlreadyExistsError {
    return new WorkspaceAlreadyExistsError(
      agent,
      `branch ${branch}`,
      `it is left from an earlier agent or 'fracta kill --keep-files'; merge or delete it ('git branch -D ${branch}'), or pick another name`,
    );
  }

  override async remove(workspace: WorkspaceInfo, options: { keepFiles: boolean }): Promise<void> {
    const repo = await this.repo();
    const target = this.checkInfo(repo, workspace);
    if (options.keepFiles) return;
    await this.mutex.run(`agent:${target.agent}`, async () => {
      await this.removeWorktree(repo, target.path);
      const deleted = await this.git.run(repo.top, ['branch', '-D', target.branch], {
        okCodes: [0, 1],
        retryOnLock: true,
      });
      // exit 1 is "not found" (already gone: fine) or a refusal such as "checked out at …"
      if (deleted.exitCode === 1 && (await this.resolveBranch(repo, target.branch)) !== null) {
        throw new WorkspaceGitFailedError(`branch -D ${target.branch}`, gitExcerpt(deleted.stderr));
      }
    });
  }

  override async merge(workspace: WorkspaceInfo): Promise<MergeResult> {
    const repo = await this.repo();
    const target = this.checkInfo(repo, workspace);
    const base = workspace.baseBranch ?? (await this.currentBranch(repo));
    this.assertBranchName(base, 'base branch');
    return this.mutex.run(`base:${base}`, async () => {
      const featureSha = await this.resolveBranch(repo, target.branch);
      if (featureSha === null) throw new WorkspaceBranchNotFoundError(target.branch);
      const baseSha = await this.resolveBranch(repo, base);
      if (baseSha === null) throw new WorkspaceBaseBranchNotFoundError(base, await this.someBranches(repo));
      const ahead = await this.git.run(repo.top, ['rev-list', '--count', `${baseSha}..${featureSha}`]);
      if (Number(ahead.stdout.trim()) === 0) throw new WorkspaceNothingToMergeError(target.branch, base);

      await this.git.run(repo.top, ['worktree', 'prune'], { retryOnLock: true });
      const checkedOut = await this.worktreeOf(repo, base);
      if (checkedOut !== null) {
        const dirty = await this.git.run(checkedOut, ['status', '--porcelain', '-z', '--untracked-files=no']);
        const files = dirty.stdout
          .split('\0')
          .filter((entry) => entry.length > 3)
          .map((entry) => entry.slice(3));
        if (files.length > 0) throw new WorkspaceBaseDirtyError(base, checkedOut, files.slice(0, 5));
        return this.mergeIn(checkedOut, target.branch, base, featureSha);
      }
      return this.mergeAside(repo, target, base, baseSha, featureSha);
    });
  }

  // ------------------------------------------------------------------ repository facts

  private repo(): Promise<RepoFacts> {
    this.facts ??= this.inspectRepo().catch((error: unknown) => {
      this.facts = null;
      throw error;
    });
    return this.facts;
  }

  private async inspectRepo(): Promise<RepoFacts> {
    const dir = this.repoRoot;
    try {
      if (!(await stat(dir)).isDirectory()) throw new WorkspaceNotAGitRepoError(dir, 'not a directory');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new WorkspaceNotAGitRepoError(dir, 'no such directory');
      }
      throw error;
    }
    const probe = await this.git.exec(dir, [
      'rev-parse',
      '--is-bare-repository',
      '--is-inside-work-tree',
      '--git-common-dir',
      '--git-dir',
    ]);
    if (probe.exitCode !== 0) throw new WorkspaceNotAGitRepoError(dir);
    const [bare, inside, commonDir, gitDir] = probe.stdout.split('\n').map((line) => line.trim());
    if (bare === 'true')
      throw new WorkspaceNotAGitRepoError(dir, 'it is a bare repository; fracta needs a working tree');
    if (
      inside !== 'true' ||
      commonDir === undefined ||
      commonDir === '' ||
      gitDir === undefined ||
      gitDir === ''
    ) {
      throw new WorkspaceNotAGitRepoError(dir, 'it is not inside a working tree');
    }
    const top = await this.git.run(dir, ['rev-parse', '--show-toplevel']);
    const common = resolve(dir, commonDir);
    return {
      top: top.stdout.trim(),
      commonDir: common,
      gitDir: resolve(dir, gitDir),
      // A reftable repository (git 2.45+) keeps its refs in <common>/reftable, not in files.
      refFiles: !(await pathExists(join(common, 'reftable'))),
    };
  }

  private async currentBranch(repo: RepoFacts): Promise<string> {
    const fromFile = repo.refFiles ? readHead(repo.gitDir) : { state: 'unknown' as const };
    if (fromFile.state === 'branch') return fromFile.name;
    if (fromFile.state === 'detached') throw new WorkspaceBaseBranchRequiredError(repo.top);
    const head = await this.git.run(repo.top, ['symbolic-ref', '--quiet', '--short', 'HEAD'], {
      okCodes: [0, 1],
    });
    const name = head.stdout.trim();
    if (head.exitCode !== 0 || name === '') throw new WorkspaceBaseBranchRequiredError(repo.top);
    return name;
  }

  /** The rules of `git check-ref-format --branch` (see isValidBranchName), and a local branch's name. */
  private assertBranchName(name: string, what: string): void {
    const valid = name.length <= LIMITS.branchChars && isValidBranchName(name);
    if (!valid || name.startsWith('refs/') || name.includes('@{')) {
      throw new WorkspaceInvalidError(
        `invalid ${what} ${JSON.stringify(name.slice(0, 80))}: use a local branch name such as main`,
        { branch: name.slice(0, 80) },
      );
    }
  }

  /** The commit a local branch points at, or null when there is no such branch. */
  private async resolveBranch(repo: RepoFacts, branch: string): Promise<string | null> {
    const result = await this.git.run(
      repo.top,
      ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`],
      {
        okCodes: [0, 1],
      },
    );
    return result.exitCode === 0 ? result.stdout.trim() : null;
  }

  private async someBranches(repo: RepoFacts): Promise<string[]> {
    const result = await this.git.run(repo.top, [
      'for-each-ref',
      '--count=8',
      '--sort=-committerdate',
      '--format=%(refname:short)',
      'refs/heads',
    ]);
    return result.stdout.split('\n').filter((line) => line.length > 0);
  }

  /** The worktree that has `branch` checked out, or null. */
  private async worktreeOf(repo: RepoFacts, branch: string): Promise<string | null> {
    const list = await this.git.run(repo.top, ['worktree', 'list', '--porcelain']);
    const entry = parseWorktreeList(list.stdout).find(
      (candidate) => candidate.branch === `refs/heads/${branch}` && !candidate.bare && !candidate.prunable,
    );
    return entry?.path ?? null;
  }

  private agentPath(repo: RepoFacts, agent: string): string {
    return join(repo.top, this.worktreesDir, agent);
  }

  /** Accepts only worktrees this provider made: `<worktreesDir>/<agent>` on `feature/<agent>`. */
  private checkInfo(repo: RepoFacts, workspace: WorkspaceInfo): AgentWorkspace {
    const agent = basename(workspace.path);
    const path = isValidAgentName(agent) ? this.agentPath(repo, agent) : null;
    const branch = `feature/${agent}`;
    if (
      workspace.kind !== 'git-worktree' ||
      path === null ||
      resolve(workspace.path) !== path ||
      workspace.branch !== branch
    ) {
      throw new WorkspaceInvalidError(
        `workspace ${workspace.path.slice(0, 200)} (${workspace.kind}, branch ${workspace.branch ?? 'none'}) is not an agent worktree of ${repo.top}: expected ${join(repo.top, this.worktreesDir)}/<agent> on feature/<agent>`,
        { path: workspace.path.slice(0, 200) },
      );
    }
    return { agent, path, branch };
  }

  // ------------------------------------------------------------------ prepare steps

  /**
   * `git worktree add -b`, retried (after undoing any partial result) while another git holds a
   * lock, and once after clearing a stale registration of the path (a worktree whose directory was
   * deleted by hand: the undo's `git worktree prune` clears it). A branch that appeared since the
   * lookup is WORKSPACE_ALREADY_EXISTS, and left alone.
   */
  private async addWorktree(repo: RepoFacts, workspace: AgentWorkspace, baseSha: string): Promise<void> {
    let pruned = false;
    for (let attempt = 0; ; attempt++) {
      const result = await this.git.exec(repo.top, [
        'worktree',
        'add',
        '-b',
        workspace.branch,
        workspace.path,
        baseSha,
      ]);
      if (result.exitCode === 0) return;
      if (BRANCH_EXISTS.test(result.stderr)) throw this.branchTaken(workspace.agent, workspace.branch);
      const stale = !pruned && STALE_WORKTREE.test(result.stderr);
      if (attempt + 1 < LOCK_RETRY_ATTEMPTS && (stale || isLockContention(result.stderr))) {
        await this.undo(repo, workspace);
        if (stale) pruned = true;
        else await sleep(backoffMs(attempt));
        continue;
      }
      throw new WorkspaceGitFailedError(`worktree add -b ${workspace.branch}`, gitExcerpt(result.stderr), {
        cwd: repo.top,
      });
    }
  }

  /**
   * Makes git ignore the worktrees directory, in `.git/info/exclude` (never the user's .gitignore).
   * Checked once per repository (this provider's lifetime): afterwards the directory is ignored,
   * by the user's own rules or the line added here.
   */
  private async ensureIgnored(repo: RepoFacts, probePath: string): Promise<void> {
    if (this.ignoreChecked) return;
    await this.mutex.run('exclude', async () => {
      if (this.ignoreChecked) return;
      await this.addExclude(repo, probePath);
      this.ignoreChecked = true;
    });
  }

  private async addExclude(repo: RepoFacts, probePath: string): Promise<void> {
    const check = await this.git.run(repo.top, ['check-ignore', '-q', probePath], { okCodes: [0, 1] });
    if (check.exitCode === 0) return;
    const excludeFile = join(repo.commonDir, 'info', 'exclude');
    const pattern = `/${this.worktreesDir.split('\\').join('/')}/`;
    let current = '';
    try {
      current = await readFile(excludeFile, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (current.split('\n').some((line) => line.trim() === pattern)) return;
    await mkdir(dirname(excludeFile), { recursive: true });
    const separator = current.length > 0 && !current.endsWith('\n') ? '\n' : '';
    await appendFile(excludeFile, `${separator}# fracta agent worktrees\n${pattern}\n`);
  }

  private async runSetup(repo: RepoFacts, workspace: AgentWorkspace): Promise<void> {
    for (const relative of this.setup.copy ?? []) {
      const source = join(repo.top, relative);
      if (!(await pathExists(source))) continue;
      const target = join(workspace.path, relative);
      try {
        await mkdir(dirname(target), { recursive: true });
        await cp(source, target, { recursive: true, force: true });
      } catch (error) {
        throw new WorkspaceSetupFailedError(
          workspace.agent,
          `could not copy ${relative}: ${toError(error).message}`,
        );
      }
    }
    const command = this.setup.command;
    if (command === undefined) return;
    const shown = command.argv.join(' ').slice(0, 200);
    let result;
    try {
      result = await runSetupCommand(command.argv, {
        cwd: workspace.path,
        env: { ...this.env, FRACTA_AGENT: workspace.agent },
        timeoutMs: command.timeoutMs,
        maxOutputChars: LIMITS.setupOutputChars,
      });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? toError(error).message;
      throw new WorkspaceSetupFailedError(
        workspace.agent,
        `setup command '${shown}' could not start (${code})`,
      );
    }
    if (result.timedOut) {
      throw new WorkspaceSetupFailedError(
        workspace.agent,
        `setup command '${shown}' did not finish within ${command.timeoutMs} ms`,
      );
    }
    if (result.exitCode !== 0) {
      const tail = result.output.trim().split('\n').slice(-5).join(' / ');
      const how =
        result.exitCode === null
          ? `was killed by ${result.signal ?? 'a signal'}`
          : `exited with ${result.exitCode}`;
      throw new WorkspaceSetupFailedError(
        workspace.agent,
        `setup command '${shown}' ${how}${tail.length > 0 ? ` (${tail.slice(0, 600)})` : ''}`,
      );
    }
  }

  /** Best effort: removes whatever a failed prepare created (it verified the branch and directory were absent). */
  private async undo(repo: RepoFacts, workspace: AgentWorkspace): Promise<void> {
    try {
      await this.removeWorktree(repo, workspace.path);
    } catch {
      // keep going: the branch must go too
    }
    try {
      await this.git.run(repo.top, ['branch', '-D', workspace.branch], {
        okCodes: [0, 1],
        retryOnLock: true,
      });
    } catch {
      // nothing more can be done here; the original error is what the caller needs
    }
  }

  /** Removes a worktree (registered or not) and its directory; already gone is fine. */
  private async removeWorktree(repo: RepoFacts, path: string): Promise<void> {
    await this.git.run(repo.top, ['worktree', 'remove', '--force', '--force', path], {
      okCodes: [0, 128],
      retryOnLock: true,
    });
    await rm(path, { recursive: true, force: true });
    await this.git.run(repo.top, ['worktree', 'prune'], { retryOnLock: true });
  }

  // ------------------------------------------------------------------ merge steps

  /** Merges `featureSha` into the branch checked out (and clean) in `dir`. */
  private async mergeIn(dir: string, branch: string, base: string, featureSha: string): Promise<MergeResult> {
    for (let attempt = 0; ; attempt++) {
      const result = await this.git.exec(dir, [
        'merge',
        '--no-ff',
        '--no-edit',
        '-m',
        mergeMessage(branch),
        featureSha,
      ]);
      if (result.exitCode === 0) {
        const head = await this.git.run(dir, ['rev-parse', 'HEAD']);
        return { merged: true, commit: head.stdout.trim() };
      }
      const unmerged = await this.git.run(dir, ['diff', '--name-only', '--diff-filter=U', '-z']);
      const conflicts = [...new Set(unmerged.stdout.split('\0').filter((file) => file.length > 0))];
      const inMerge = await this.git.run(dir, ['rev-parse', '-q', '--verify', 'MERGE_HEAD'], {
        okCodes: [0, 1],
      });
      if (inMerge.exitCode === 0) {
        await this.git.run(dir, ['merge', '--abort'], { retryOnLock: true });
      }
      if (conflicts.length > 0) return { merged: false, conflicts };
      // Another git held the index: git stops before touching files (older gits leave MERGE_HEAD, aborted above).
      const locked = isLockContention(result.stderr) || /unable to write (new )?index/i.test(result.stderr);
      if (locked && attempt + 1 < LOCK_RETRY_ATTEMPTS) {
        await sleep(backoffMs(attempt));
        continue;
      }
      throw new WorkspaceMergeFailedError(branch, base, gitExcerpt(`${result.stderr}\n${result.stdout}`));
    }
  }

  /** Base is not checked out anywhere: merge in a temporary detached worktree, then move the ref (CAS). */
  private async mergeAside(
    repo: RepoFacts,
    target: AgentWorkspace,
    base: string,
    baseSha: string,
    featureSha: string,
  ): Promise<MergeResult> {
    const scratch = join(
      repo.top,
      this.worktreesDir,
      `.merge-${target.agent}-${randomBytes(4).toString('hex')}`,
    );
    try {
      await this.git.run(repo.top, ['worktree', 'add', '--detach', scratch, baseSha], { retryOnLock: true });
      await this.ensureIgnored(repo, scratch);
      const result = await this.mergeIn(scratch, target.branch, base, featureSha);
      if (!result.merged) return result;
      const moved = await this.git.run(
        repo.top,
        ['update-ref', '-m', mergeMessage(target.branch), `refs/heads/${base}`, result.commit, baseSha],
        { okCodes: [0, 1, 128], retryOnLock: true },
      );
      if (moved.exitCode !== 0) {
        if ((await this.resolveBranch(repo, base)) !== baseSha) throw new WorkspaceBaseMovedError(base);
        throw new WorkspaceGitFailedError(`update-ref refs/heads/${base}`, gitExcerpt(moved.stderr));
      }
      return result;
    } finally {
      try {
        await this.removeWorktree(repo, scratch);
      } catch {
        // a leftover scratch worktree is pruned by the next prepare or merge
      }
    }
  }
}

function validateSetup(setup: WorkspaceSetup): WorkspaceSetup {
  const copy: string[] = [];
  const entries = setup.copy ?? [];
  if (entries.length > LIMITS.copyEntries) {
    throw new WorkspaceInvalidError(
      `setup.copy lists ${entries.length} paths: at most ${LIMITS.copyEntries}`,
    );
  }
  for (const entry of entries) {
    const checked = checkRepoRelativePath(entry);
    if (!checked.ok) {
      throw new WorkspaceInvalidError(
        `invalid setup.copy path ${JSON.stringify(entry.slice(0, 80))}: it ${checked.reason}; list repository-relative files such as .env`,
      );
    }
    copy.push(checked.path);
  }
  const command = setup.command;
  if (command !== undefined) {
    const { argv, timeoutMs } = command;
    if (
      argv.length === 0 ||
      argv.length > LIMITS.setupArgs ||
      argv.some((arg) => arg.length > LIMITS.setupArgChars || arg.includes('\0')) ||
      argv[0] === ''
    ) {
      throw new WorkspaceInvalidError(
        `invalid setup.command: give a program and its arguments (1-${LIMITS.setupArgs} items, no NUL), e.g. ["pnpm", "install"]`,
      );
    }
    if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > LIMITS.setupTimeoutMs) {
      throw new WorkspaceInvalidError(
        `invalid setup.command timeoutMs ${String(timeoutMs)}: use a whole number of milliseconds from 1 to ${LIMITS.setupTimeoutMs}`,
      );
    }
    return { copy, command: { argv: [...argv], timeoutMs } };
  }
  return { copy };
}
