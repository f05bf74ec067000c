import { isAbsolute, normalize, sep } from 'node:path';

const MAX_PATH_CHARS = 1_024;

/**
 * Checks that `value` names a path inside the repository (relative, no `..` escape, not in `.git`)
 * and returns it normalized; returns the reason as a string otherwise.
 */
export function checkRepoRelativePath(
  value: string,
): { ok: true; path: string } | { ok: false; reason: string } {
  if (value.length === 0 || value.length > MAX_PATH_CHARS) {
    return { ok: false, reason: `must be 1-${MAX_PATH_CHARS} characters` };
  }
  if (/[\0\n\r]/.test(value)) return { ok: false, reason: 'must not contain NUL or line breaks' };
  if (isAbsolute(value)) return { ok: false, reason: 'must be relative to the repository root' };
  const path = normalize(value).replace(/[\\/]+$/, '');
  if (path === '.' || path === '' || path === '..' || path.startsWith(`..${sep}`)) {
    return { ok: false, reason: 'must stay inside the repository' };
  }
  if (path === '.git' || path.startsWith(`.git${sep}`))
    return { ok: false, reason: 'must not be inside .git' };
  return { ok: true, path };
}

export interface WorktreeEntry {
  readonly path: string;
  readonly head: string | null;
  /** Full ref (refs/heads/…), null when detached. */
  readonly branch: string | null;
  readonly bare: boolean;
  readonly prunable: boolean;
}

/** Parses `git worktree list --porcelain` (blocks of "key value" lines separated by blank lines). */
export function parseWorktreeList(output: string): WorktreeEntry[] {
  const entries: WorktreeEntry[] = [];
  for (const block of output.split(/\n\s*\n/)) {
    let path: string | null = null;
    let head: string | null = null;
    let branch: string | null = null;
    let bare = false;
    let prunable = false;
    for (const line of block.split('\n')) {
      const space = line.indexOf(' ');
      const key = space === -1 ? line : line.slice(0, space);
      const value = space === -1 ? '' : line.slice(space + 1);
      if (key === 'worktree') path = value;
      else if (key === 'HEAD') head = value;
      else if (key === 'branch') branch = value;
      else if (key === 'bare') bare = true;
      else if (key === 'prunable') prunable = true;
    }
    if (path !== null) entries.push({ path, head, branch, bare, prunable });
  }
  return entries;
}
