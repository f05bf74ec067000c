/**
 * `fracta init --scaffold <mode>`: the files each deployment mode starts from. One mode per
 * project: a project scaffolded as one mode is never re-scaffolded as another (the tree would
 * disagree with itself); re-running the same mode only adds what is missing.
 */
import { appendFile, chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

import { DomainError } from '@fracta/domain';

import { ignoredPaths, scaffoldFiles } from './scaffold-files.js';

export const SCAFFOLD_MODES = ['local', 'docker-compose', 'k8s'] as const;
export type ScaffoldMode = (typeof SCAFFOLD_MODES)[number];

const MARKER = /^# fracta scaffold: ([a-z0-9-]+)\s*$/m;

export class ScaffoldModeConflictError extends DomainError {
  readonly code = 'SCAFFOLD_MODE_CONFLICT';
  readonly category = 'conflict';
}

export class ScaffoldModeUnavailableError extends DomainError {
  readonly code = 'SCAFFOLD_MODE_UNAVAILABLE';
  readonly category = 'invalid';
}

export interface ScaffoldResult {
  readonly mode: ScaffoldMode;
  readonly written: string[];
  readonly kept: string[];
}

async function readOrNull(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** The mode an existing fracta.yaml was scaffolded as (its marker, else what its settings say). */
export function scaffoldedMode(config: string): ScaffoldMode {
  const marked = MARKER.exec(config)?.[1];
  if (marked !== undefined && (SCAFFOLD_MODES as readonly string[]).includes(marked))
    return marked as ScaffoldMode;
  if (/^\s*backend:\s*kubernetes\b/m.test(config)) return 'k8s';
  if (/^\s*url:\s*\S*:19090\b/m.test(config)) return 'docker-compose';
  return 'local';
}

export async function scaffold(root: string, mode: ScaffoldMode): Promise<ScaffoldResult> {
  if (mode === 'k8s') {
    throw new ScaffoldModeUnavailableError(
      `--scaffold ${mode} is not available in this version of fracta yet: use --scaffold local or --scaffold docker-compose`,
    );
  }
  const configPath = join(root, 'fracta.yaml');
  const existing = await readOrNull(configPath);
  if (existing !== null) {
    const current = scaffoldedMode(existing);
    if (current !== mode) {
      throw new ScaffoldModeConflictError(
        [
          `this project is already scaffolded as ${current}; cannot re-init as ${mode} without losing customizations.`,
          `  - To switch modes destructively: rm -rf deployment/ fracta.yaml .fracta/ && fracta init --scaffold ${mode}`,
          `  - To keep your existing ${current} setup: re-run fracta init --scaffold ${current}`,
        ].join('\n'),
      );
    }
  }
  const written: string[] = [];
  const kept: string[] = [];
  for (const file of scaffoldFiles(mode)) {
    const relative = join(...file.path.split('/'));
    const path = join(root, relative);
    if ((await readOrNull(path)) !== null) {
      kept.push(relative);
      continue;
    }
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, file.content, { flag: 'wx', mode: file.mode });
    // A program must be executable whatever the umask says (a helper the containers run).
    if ((file.mode & 0o111) !== 0) await chmod(path, file.mode);
    written.push(relative);
  }
  await mkdir(join(root, '.fracta'), { recursive: true, mode: 0o700 });
  const gitignore = join(root, '.gitignore');
  const ignored = (await readOrNull(gitignore)) ?? '';
  const lines = ignored.split('\n').map((line) => line.trim());
  const { why, entries } = ignoredPaths(mode);
  const missing = entries.filter(
    (entry) => !lines.includes(entry) && !lines.includes(entry.replace(/\/$/, '')),
  );
  if (missing.length > 0) {
    const prefix = ignored === '' || ignored.endsWith('\n') ? '' : '\n';
    await appendFile(gitignore, `${prefix}# fracta: ${why}\n${missing.join('\n')}\n`);
    written.push('.gitignore');
  }
  return { mode, written, kept };
}
