import { type DomainError, type ErrorCategory, isDomainError } from '@fracta/domain';
import { describe, expect, it } from '@jest/globals';

import {
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

const CASES: readonly (readonly [DomainError, string, ErrorCategory])[] = [
  [new WorkspaceNotAGitRepoError('/x'), 'WORKSPACE_NOT_A_GIT_REPO', 'invalid'],
  [new WorkspaceGitNotFoundError('git'), 'WORKSPACE_GIT_NOT_FOUND', 'invalid'],
  [new WorkspaceGitFailedError('status', 'fatal: x'), 'WORKSPACE_GIT_FAILED', 'transient'],
  [new WorkspaceBaseBranchNotFoundError('dev', ['main']), 'WORKSPACE_BASE_BRANCH_NOT_FOUND', 'not_found'],
  [new WorkspaceBaseBranchRequiredError('/r'), 'WORKSPACE_BASE_BRANCH_REQUIRED', 'invalid'],
  [
    new WorkspaceAlreadyExistsError('a', 'branch feature/a', 'delete it'),
    'WORKSPACE_ALREADY_EXISTS',
    'conflict',
  ],
  [new WorkspaceSetupFailedError('a', 'exited with 1'), 'WORKSPACE_SETUP_FAILED', 'invalid'],
  [new WorkspaceInvalidError('bad: fix it'), 'WORKSPACE_INVALID', 'invalid'],
  [new WorkspaceBaseDirtyError('main', '/r', ['a.txt']), 'WORKSPACE_BASE_DIRTY', 'conflict'],
  [new WorkspaceNothingToMergeError('feature/a', 'main'), 'WORKSPACE_NOTHING_TO_MERGE', 'conflict'],
  [new WorkspaceBranchNotFoundError('feature/a'), 'WORKSPACE_BRANCH_NOT_FOUND', 'not_found'],
  [new WorkspaceBaseMovedError('main'), 'WORKSPACE_BASE_MOVED', 'transient'],
  [new WorkspaceMergeFailedError('feature/a', 'main', 'error: x'), 'WORKSPACE_MERGE_FAILED', 'conflict'],
  [new WorkspaceMergeUnsupportedError('/w/a'), 'WORKSPACE_MERGE_UNSUPPORTED', 'invalid'],
];

describe('workspace errors', () => {
  it.each(CASES)(
    'should give %p a stable code, a category and a one-line message with a fix',
    (error, code, category) => {
      expect(isDomainError(error)).toBe(true);
      expect(error.code).toBe(code);
      expect(error.category).toBe(category);
      expect(error.message).not.toContain('\n');
      expect(error.message).toMatch(/: .+/);
    },
  );

  it('should say when a repository has no branches yet', () => {
    expect(new WorkspaceBaseBranchNotFoundError('main', []).message).toBe(
      'base branch "main" does not exist: the repository has no branches with commits yet: make a first commit',
    );
  });
});
