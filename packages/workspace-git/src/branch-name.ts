/**
 * What `git check-ref-format --branch <name>` accepts, decided without running git: the rules of
 * git's check_refname_format() (refs.c) applied to `refs/heads/<name>`, plus the two that
 * strbuf_check_branch_ref() adds (no leading `-`, not `HEAD`).
 *
 * git also expands `@{-N}` (and `@` for HEAD) before checking; callers here refuse anything with
 * `@{` anyway, and a lone `@` is the valid ref name `refs/heads/@`.
 */

/** Characters refused anywhere in a ref name (check_refname_component's disposition 4 and 5). */
const FORBIDDEN = /[\0-\x20\x7f~^:?*[\\]/;

/** One `/`-separated component of the ref name: non-empty, no leading `.`, no `.lock` suffix. */
function componentProblem(component: string): boolean {
  return component.length === 0 || component.startsWith('.') || component.endsWith('.lock');
}

/** Whether `name` is a valid branch name in git's sense (`git check-ref-format --branch` exits 0). */
export function isValidBranchName(name: string): boolean {
  if (name.length === 0 || name.startsWith('-') || name === 'HEAD') return false;
  const refname = `refs/heads/${name}`;
  if (FORBIDDEN.test(refname) || refname.includes('..') || refname.includes('@{')) return false;
  if (refname.endsWith('.')) return false;
  return !refname.split('/').some(componentProblem);
}
