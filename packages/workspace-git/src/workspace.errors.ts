import { DomainError } from '@fracta/domain';

/** The directory given as the repository is not a (non-bare) git working tree. */
export class WorkspaceNotAGitRepoError extends DomainError {
  readonly code = 'WORKSPACE_NOT_A_GIT_REPO';
  readonly category = 'invalid';
  constructor(dir: string, reason?: string) {
    super(
      `${dir} is not a git repository${reason ? ` (${reason})` : ''}: run 'git init' there or start fracta in your repo`,
      { dir },
    );
  }
}

/** The git binary could not be run at all. */
export class WorkspaceGitNotFoundError extends DomainError {
  readonly code = 'WORKSPACE_GIT_NOT_FOUND';
  readonly category = 'invalid';
  constructor(git: string) {
    super(`git (${git}) could not be run: install git or point the workspace's git option at it`, { git });
  }
}

/** A git command failed in a way fracta does not handle itself; carries git's own words. */
export class WorkspaceGitFailedError extends DomainError {
  readonly code = 'WORKSPACE_GIT_FAILED';
  readonly category = 'transient';
  constructor(command: string, detail: string, details: Record<string, unknown> = {}) {
    super(`'git ${command}' failed: ${detail}: fix the repository state git reports, then retry`, {
      command,
      ...details,
    });
  }
}

export class WorkspaceBaseBranchNotFoundError extends DomainError {
  readonly code = 'WORKSPACE_BASE_BRANCH_NOT_FOUND';
  readonly category = 'not_found';
  constructor(branch: string, existing: readonly string[]) {
    const hint =
      existing.length === 0
        ? 'the repository has no branches with commits yet: make a first commit'
        : `pick one of the existing branches (${existing.join(', ')})`;
    super(`base branch "${branch}" does not exist: ${hint}`, { branch, existing });
  }
}

/** HEAD is detached and no base branch was given. */
export class WorkspaceBaseBranchRequiredError extends DomainError {
  readonly code = 'WORKSPACE_BASE_BRANCH_REQUIRED';
  readonly category = 'invalid';
  constructor(repoRoot: string) {
    super(
      `HEAD of ${repoRoot} is detached, so there is no current branch to start from: pass a base branch or check out a branch`,
      { repoRoot },
    );
  }
}

/** The agent's branch or worktree directory is already there (an earlier agent, or `fracta kill --keep-files`). */
export class WorkspaceAlreadyExistsError extends DomainError {
  readonly code = 'WORKSPACE_ALREADY_EXISTS';
  readonly category = 'conflict';
  constructor(agent: string, what: string, fix: string) {
    super(`workspace for agent "${agent}" already exists (${what}): ${fix}`, { agent, what });
  }
}

/** The setup hook (copying files, running the setup command) failed; nothing was left behind. */
export class WorkspaceSetupFailedError extends DomainError {
  readonly code = 'WORKSPACE_SETUP_FAILED';
  readonly category = 'invalid';
  constructor(agent: string, detail: string) {
    super(
      `workspace setup for agent "${agent}" failed: ${detail}: fix the setup section of the workspace config (or the files it names) and spawn again`,
      { agent },
    );
  }
}

/** A WorkspaceInfo or option this provider cannot act on. */
export class WorkspaceInvalidError extends DomainError {
  readonly code = 'WORKSPACE_INVALID';
  readonly category = 'invalid';
}

/** The base branch is checked out in a worktree with uncommitted changes to tracked files. */
export class WorkspaceBaseDirtyError extends DomainError {
  readonly code = 'WORKSPACE_BASE_DIRTY';
  readonly category = 'conflict';
  constructor(base: string, worktree: string, files: readonly string[]) {
    super(
      `cannot merge into "${base}": it is checked out in ${worktree} with uncommitted changes (${files.join(', ')}): commit or stash them, then merge again`,
      { base, worktree, files },
    );
  }
}

/** The agent's branch has no commit that the base branch does not already contain. */
export class WorkspaceNothingToMergeError extends DomainError {
  readonly code = 'WORKSPACE_NOTHING_TO_MERGE';
  readonly category = 'conflict';
  constructor(branch: string, base: string) {
    super(
      `nothing to merge: ${branch} has no commits that "${base}" does not already have (not committed yet, or already merged): let the agent commit its work first`,
      { branch, base },
    );
  }
}

export class WorkspaceBranchNotFoundError extends DomainError {
  readonly code = 'WORKSPACE_BRANCH_NOT_FOUND';
  readonly category = 'not_found';
  constructor(branch: string) {
    super(
      `branch ${branch} does not exist (deleted, or the workspace was removed): nothing to merge; run 'git branch' to check`,
      { branch },
    );
  }
}

/** The base branch moved while a merge was being prepared off to the side; nothing was changed. */
export class WorkspaceBaseMovedError extends DomainError {
  readonly code = 'WORKSPACE_BASE_MOVED';
  readonly category = 'transient';
  constructor(base: string) {
    super(`"${base}" moved while the merge was prepared, so it was not updated: merge again`, { base });
  }
}

/** The merge could not start or finish for a reason other than conflicts (git's words included). */
export class WorkspaceMergeFailedError extends DomainError {
  readonly code = 'WORKSPACE_MERGE_FAILED';
  readonly category = 'conflict';
  constructor(branch: string, base: string, detail: string) {
    super(
      `merging ${branch} into "${base}" failed: ${detail}: fix what git reports (for example move the untracked files it names), then merge again`,
      { branch, base },
    );
  }
}

export class WorkspaceMergeUnsupportedError extends DomainError {
  readonly code = 'WORKSPACE_MERGE_UNSUPPORTED';
  readonly category = 'invalid';
  constructor(path: string) {
    super(
      `directory workspaces have no merge: copy what you need out of ${path}, or use git worktree workspaces (local mode)`,
      { path },
    );
  }
}
