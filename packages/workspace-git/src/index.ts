export { DirectoryWorkspace, type DirectoryWorkspaceOptions } from './directory.workspace.js';
export {
  GitWorktreeWorkspace,
  type GitWorktreeWorkspaceOptions,
  type WorkspaceSetup,
  type WorkspaceSetupCommand,
} from './git-worktree.workspace.js';
export {
  WorkspaceAlreadyExistsError,
  WorkspaceBaseBranchNotFoundError,
  WorkspaceBaseBranchRequiredError,
  WorkspaceBaseDirtyError,
  WorkspaceBaseMovedError,
  WorkspaceBranchNotFoundError,
  WorkspaceGitFailedError,
  WorkspaceGitNotFoundError,
  WorkspaceInvalidError,
  WorkspaceMergeFailedError,
  WorkspaceMergeUnsupportedError,
  WorkspaceNotAGitRepoError,
  WorkspaceNothingToMergeError,
  WorkspaceSetupFailedError,
} from './workspace.errors.js';
