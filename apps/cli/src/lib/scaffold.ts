/**
 * `fracta init --scaffold <mode>`: the files each deployment mode starts from. One mode per
 * project: a project scaffolded as one mode is never re-scaffolded as another (the tree would
 * disagree with itself); re-running the same mode only adds what is missing.
 */
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

import { DomainError } from '@fracta/domain';

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

const LOCAL_CONFIG = `# fracta scaffold: local
# fracta.yaml: local mode. The control plane runs on this machine (SQLite in .fracta/, agents as
# processes in git worktrees under .worktrees/). Every key is optional; this file works as is.
# Reference: packages/config/fracta.example.yaml in the fracta repository.
version: 1

project:
  # name: my-project               # default: this directory's name
  # default_base_branch: main      # default: the branch you have checked out
  allowed_tools: []                # tool patterns every agent may use, e.g. ["Read", "Bash(git *)"]

agents:
  default_runtime: claude          # claude | codex | opencode | command
  agent_runtimes:
    claude:
      # command: claude            # default: claude on PATH
      # model: claude-sonnet-4-5
      env: {}                      # e.g. ANTHROPIC_BASE_URL: \${ANTHROPIC_BASE_URL}
    codex:
      env: {}
    opencode:
      env: {}

runtime:
  backend: local
  state:
    driver: sqlite
    path: .fracta/state.db
  queue:
    backend: memory
  workspace_root: .worktrees
  workspace_setup:
    copy: []                       # e.g. [.env]: files copied into each new worktree
    command: []                    # e.g. [pnpm, install, --frozen-lockfile]
  stop_grace: 10s

control_plane_api:
  listen: 127.0.0.1:9090           # loopback only; the token is written to .fracta/controlplane.token

gateway:
  url: http://127.0.0.1:8080       # how agents reach their MCP gateway

reaper:
  max_concurrent: 4                # agents running at once; more are queued, never rejected
  max_age: 4h                      # a running agent is stopped after this long
`;

const AUTH_HELPERS_README = `# Auth helpers

Programs that print a credential for an agent runtime (for example Claude Code's \`apiKeyHelper\`)
go in this folder. fracta puts it on the agents' PATH in container and Kubernetes modes; in local
mode, reference helpers by absolute path or keep them on your own PATH.

- One executable per provider, e.g. \`fetch-anthropic-key\`, printing the secret on stdout.
- Never commit secrets here: helpers fetch them (a password manager, a cloud secret store).
- Reference a helper from \`auth.credentials.profiles.<name>.helper\` in fracta.yaml.
`;

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
  if (mode !== 'local') {
    throw new ScaffoldModeUnavailableError(
      `--scaffold ${mode} is not available in this version of fracta yet: use --scaffold local`,
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
  const files: [string, string][] = [
    ['fracta.yaml', LOCAL_CONFIG],
    [join('deployment', 'auth-helpers', 'README.md'), AUTH_HELPERS_README],
  ];
  for (const [relative, content] of files) {
    const path = join(root, relative);
    if ((await readOrNull(path)) !== null) {
      kept.push(relative);
      continue;
    }
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content, { flag: 'wx' });
    written.push(relative);
  }
  await mkdir(join(root, '.fracta'), { recursive: true, mode: 0o700 });
  const gitignore = join(root, '.gitignore');
  const ignored = (await readOrNull(gitignore)) ?? '';
  const lines = ignored.split('\n').map((line) => line.trim());
  const missing = ['.fracta/', '.worktrees/'].filter(
    (entry) => !lines.includes(entry) && !lines.includes(entry.slice(0, -1)),
  );
  if (missing.length > 0) {
    const prefix = ignored === '' || ignored.endsWith('\n') ? '' : '\n';
    await appendFile(
      gitignore,
      `${prefix}# fracta: runtime state and agent worktrees\n${missing.join('\n')}\n`,
    );
    written.push('.gitignore');
  }
  return { mode, written, kept };
}
