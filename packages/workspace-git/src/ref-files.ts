/**
 * Branches and HEAD read straight from the files of a repository that keeps its refs in files
 * (git's default "files" backend), so that a prepare does not start a git process per lookup:
 * a branch is its loose ref `refs/heads/<name>` if that file exists, else its line in
 * `packed-refs`; HEAD is `ref: refs/heads/<name>` or a commit id (detached).
 *
 * Whatever this cannot be sure of is `unknown` and the caller asks git instead: a symbolic or
 * unreadable loose ref, a path that is not what the files backend makes (another ref backend,
 * such as reftable, leaves `refs/heads` a plain file and HEAD pointing at `refs/heads/.invalid`).
 * Only use names checked with isValidBranchName (no `..`, no leading `.`), so that a name never
 * leaves `refs/heads`.
 *
 * The reads are synchronous on purpose: a few tiny files in the git directory, tens of
 * microseconds each from the page cache, on the spawn's critical path, where each asynchronous
 * read costs four thread-pool round trips (open, fstat, read, close) and the git process each
 * replaces blocked the event loop longer, for its fork.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export type BranchLookup =
  | { readonly state: 'found'; readonly sha: string }
  | { readonly state: 'absent' }
  | { readonly state: 'unknown' };

export type HeadState =
  | { readonly state: 'branch'; readonly name: string }
  | { readonly state: 'detached' }
  | { readonly state: 'unknown' };

/** A SHA-1 or SHA-256 object id, as git writes it in loose refs and packed-refs. */
const OBJECT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

const UNKNOWN = { state: 'unknown' } as const;
const ABSENT = { state: 'absent' } as const;

function readOptional(path: string): { text: string } | { code: string } {
  try {
    return { text: readFileSync(path, 'utf8') };
  } catch (error) {
    return { code: (error as NodeJS.ErrnoException).code ?? 'EUNKNOWN' };
  }
}

/** The commit id on the line `<id> <ref>` of packed-refs, or null when the ref has no line. */
export function findPackedRef(packed: string, ref: string): string | null {
  const needle = ` ${ref}`;
  for (let at = packed.indexOf(needle); at !== -1; at = packed.indexOf(needle, at + 1)) {
    const end = at + needle.length;
    if (end < packed.length && packed[end] !== '\n' && packed[end] !== '\r') continue;
    const id = packed.slice(packed.lastIndexOf('\n', at) + 1, at);
    if (OBJECT_ID.test(id)) return id;
  }
  return null;
}

/**
 * Reads refs under one common git directory. packed-refs is read at most once per instance, so
 * make one per operation (a prepare), not one per repository: refs change between operations.
 */
export class RefFiles {
  #packed: { text: string } | { code: string } | null = null;

  constructor(private readonly commonDir: string) {}

  branch(name: string): BranchLookup {
    const loose = readOptional(join(this.commonDir, 'refs', 'heads', ...name.split('/')));
    if ('text' in loose) {
      const id = loose.text.trim();
      return OBJECT_ID.test(id) ? { state: 'found', sha: id } : UNKNOWN;
    }
    // EISDIR: refs/heads/<name> is a directory of other branches (<name>/x), so no loose ref here.
    if (loose.code !== 'ENOENT' && loose.code !== 'EISDIR') return UNKNOWN;
    const packed = (this.#packed ??= readOptional(join(this.commonDir, 'packed-refs')));
    if ('code' in packed) return packed.code === 'ENOENT' ? ABSENT : UNKNOWN;
    const id = findPackedRef(packed.text, `refs/heads/${name}`);
    return id === null ? ABSENT : { state: 'found', sha: id };
  }
}

/** The branch a worktree is on, from HEAD in its git directory (`git rev-parse --git-dir`). */
export function readHead(gitDir: string): HeadState {
  const head = readOptional(join(gitDir, 'HEAD'));
  if (!('text' in head)) return UNKNOWN;
  const text = head.text.trim();
  if (OBJECT_ID.test(text)) return { state: 'detached' };
  const match = /^ref: refs\/heads\/(.+)$/.exec(text);
  const name = match?.[1];
  if (name === undefined || name === '.invalid') return UNKNOWN;
  return { state: 'branch', name };
}
