import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';

export type CommandLookup =
  | { readonly found: true; readonly path: string }
  | {
      readonly found: false;
      readonly reason: 'missing' | 'not-executable';
      readonly where: string;
      readonly path?: string;
    };

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const MAX_PATH_SHOWN = 300;

/**
 * Finds the program the way execvp would, but only on the PATH of the agent's own environment
 * (never the control plane's) and with no default PATH when it has none. A command containing a
 * slash is taken relative to `cwd`.
 */
export function lookupCommand(
  command: string,
  cwd: string,
  env: Readonly<Record<string, string>>,
): CommandLookup {
  if (command.includes('/')) {
    const path = resolve(cwd, command);
    if (!isFile(path)) return { found: false, reason: 'missing', where: `(no file at ${path})` };
    if (!isExecutable(path)) return { found: false, reason: 'not-executable', where: path, path };
    return { found: true, path };
  }
  const searchPath = env.PATH;
  if (searchPath === undefined || searchPath === '') {
    return { found: false, reason: 'missing', where: "on PATH (the agent's environment has no PATH)" };
  }
  let notExecutable: string | undefined;
  for (const dir of searchPath.split(delimiter)) {
    const candidate = join(resolve(cwd, dir === '' ? '.' : dir), command);
    if (!isFile(candidate)) continue;
    if (isExecutable(candidate)) return { found: true, path: candidate };
    notExecutable ??= candidate;
  }
  if (notExecutable !== undefined) {
    return { found: false, reason: 'not-executable', where: notExecutable, path: notExecutable };
  }
  const shown = searchPath.length > MAX_PATH_SHOWN ? `${searchPath.slice(0, MAX_PATH_SHOWN)}…` : searchPath;
  return { found: false, reason: 'missing', where: `on PATH (PATH=${shown})` };
}
