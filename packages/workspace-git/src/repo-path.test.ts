import { describe, expect, it } from '@jest/globals';

import { checkRepoRelativePath, parseWorktreeList } from './repo-path.js';

describe(checkRepoRelativePath.name, () => {
  it('should accept and normalize paths inside the repository', () => {
    expect(checkRepoRelativePath('.env')).toEqual({ ok: true, path: '.env' });
    expect(checkRepoRelativePath('./config//local.json')).toEqual({ ok: true, path: 'config/local.json' });
    expect(checkRepoRelativePath('.worktrees/')).toEqual({ ok: true, path: '.worktrees' });
    expect(checkRepoRelativePath('a/../b')).toEqual({ ok: true, path: 'b' });
  });

  it('should reject paths that leave the repository, point into .git or are malformed', () => {
    for (const [value, reason] of [
      ['', /1-1024 characters/],
      ['x'.repeat(1025), /1-1024 characters/],
      ['/etc/passwd', /relative/],
      ['..', /inside the repository/],
      ['../x', /inside the repository/],
      ['a/../../x', /inside the repository/],
      ['.', /inside the repository/],
      ['.git', /inside .git/],
      ['.git/hooks/pre-commit', /inside .git/],
      ['a\nb', /line breaks/],
      ['a\0b', /NUL/],
    ] as const) {
      const result = checkRepoRelativePath(value);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.reason).toMatch(reason);
    }
  });
});

describe(parseWorktreeList.name, () => {
  it('should parse branches, detached heads, bare and prunable entries', () => {
    const output = [
      'worktree /repo',
      'HEAD 1111111111111111111111111111111111111111',
      'branch refs/heads/main',
      '',
      'worktree /repo/.worktrees/a b',
      'HEAD 2222222222222222222222222222222222222222',
      'detached',
      '',
      'worktree /repo/.worktrees/gone',
      'HEAD 3333333333333333333333333333333333333333',
      'branch refs/heads/feature/gone',
      'prunable gitdir file points to non-existent location',
      '',
      'worktree /bare.git',
      'bare',
      '',
    ].join('\n');

    expect(parseWorktreeList(output)).toEqual([
      {
        path: '/repo',
        head: '1111111111111111111111111111111111111111',
        branch: 'refs/heads/main',
        bare: false,
        prunable: false,
      },
      {
        path: '/repo/.worktrees/a b',
        head: '2222222222222222222222222222222222222222',
        branch: null,
        bare: false,
        prunable: false,
      },
      {
        path: '/repo/.worktrees/gone',
        head: '3333333333333333333333333333333333333333',
        branch: 'refs/heads/feature/gone',
        bare: false,
        prunable: true,
      },
      { path: '/bare.git', head: null, branch: null, bare: true, prunable: false },
    ]);
  });

  it('should return nothing for empty output', () => {
    expect(parseWorktreeList('')).toEqual([]);
  });
});
