/**
 * Before each run: the files the agent's runtime reads from its workspace (gateway entry,
 * permissions, the fracta section of its instructions), merged into what the repository already
 * has, never modifying a tracked file, and kept out of the agent's commits through the
 * repository's info/exclude. Returns the command-line options that go with them (some CLIs ignore
 * project files of a repository the user never trusted).
 */
import { execFile } from 'node:child_process';
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { promisify } from 'node:util';

import { FRACTA_AGENT_TOOLS } from '@fracta/api-contract';
import { type Agent } from '@fracta/domain';
import { ALL_GATEWAY_TOOLS, workspaceFilePaths, writeAgentFiles } from '@fracta/mcp-config';
import { Injectable } from '@nestjs/common';

import { AppConfig } from '../config.js';

const run = promisify(execFile);

async function readOrUndefined(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export function agentInstructions(
  agent: Pick<Agent, 'name' | 'branch' | 'baseBranch' | 'parentAgent'>,
): string {
  const lines = [
    `You are the fracta agent "${agent.name}". fracta runs you as one of several agents, each in its own workspace.`,
    agent.branch === null
      ? 'Work in this directory.'
      : `You work in a git worktree on branch ${agent.branch} (from ${agent.baseBranch ?? 'the base branch'}): commit your work on this branch; a person merges it.`,
    ...(agent.parentAgent === null ? [] : [`You were started by the agent "${agent.parentAgent}".`]),
    '',
    'The MCP server "fracta" gives you these tools:',
    '- fracta_set_intent: say in one line what you are doing now (people watching the fleet see it).',
    '- fracta_report: report progress, a fact you found, or an error.',
    '- fracta_inbox: read messages sent to you (by the person who started you, or other agents).',
    '- fracta_send: send a message to another agent, or to "host" (the person).',
    '- fracta_list / fracta_peek: see the other agents and what they are doing.',
    '- fracta_spawn: start a helper agent on a sub-task (when allowed).',
  ];
  return lines.join('\n');
}

/**
 * Codex runs commands in a read-only sandbox by default, so an agent could not edit its worktree.
 * workspace-write lets it write the workspace; a worktree's commits also write the repository's
 * common git directory, outside the workspace, so that is made writable too. (`exec resume` takes
 * no --sandbox flag, but honours these config overrides.) Options in fracta.yaml come after these,
 * so a user's own sandbox settings win.
 */
export function codexSandboxArgs(gitDirs: readonly string[]): string[] {
  const args = ['-c', 'sandbox_mode="workspace-write"'];
  if (gitDirs.length > 0) {
    args.push(
      '-c',
      `sandbox_workspace_write.writable_roots=[${gitDirs.map((dir) => JSON.stringify(dir)).join(', ')}]`,
    );
  }
  return args;
}

@Injectable()
export class WorkspaceFilesService {
  constructor(private readonly config: AppConfig) {}

  /** Writes the runtime's files into the agent's workspace; returns the options to add to its command line. */
  async prepare(agent: Agent): Promise<{ extraArgs: readonly string[]; files: readonly string[] }> {
    const workspace = agent.workspacePath;
    if (workspace === null || agent.runtime === 'command') return { extraArgs: [], files: [] };
    const paths = workspaceFilePaths(agent.runtime);
    const existing: Record<string, string> = {};
    for (const path of paths) {
      const content = await readOrUndefined(join(workspace, path));
      if (content !== undefined) existing[path] = content;
    }
    const git = agent.branch !== null;
    const tracked = git ? await this.tracked(workspace, paths) : [];
    const out = writeAgentFiles({
      agent: agent.name,
      runtime: agent.runtime,
      gateway: {
        url: `${this.config.gateway.url}/agents/${agent.name}/mcp`,
        urlEnvVar: 'FRACTA_GATEWAY_URL',
        tokenEnvVar: 'FRACTA_GATEWAY_TOKEN',
      },
      allowedTools: this.config.agents.runtimes[agent.runtime].allowedTools,
      // Every tool the gateway lists may be called without asking: the gateway's policy decides.
      gatewayTools: [...FRACTA_AGENT_TOOLS, ALL_GATEWAY_TOOLS],
      instructions: agentInstructions(agent),
      existing,
      tracked,
    });
    for (const file of out.files) {
      const target = join(workspace, file.path);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, file.content, { mode: file.mode });
    }
    const dirs = git ? await this.gitDirs(workspace) : null;
    if (dirs !== null && out.gitExclude.length > 0) await this.exclude(dirs.common, out.gitExclude);
    const extraArgs =
      agent.runtime === 'codex'
        ? [...codexSandboxArgs(dirs === null ? [] : [dirs.worktree, dirs.common]), ...out.extraArgs]
        : out.extraArgs;
    return { extraArgs, files: out.files.map((file) => file.path) };
  }

  /** The worktree's own git directory (index, HEAD) and the repository's common one (objects, refs). */
  private async gitDirs(workspace: string): Promise<{ worktree: string; common: string }> {
    const { stdout } = await run('git', ['rev-parse', '--absolute-git-dir', '--git-common-dir'], {
      cwd: workspace,
      env: this.gitEnv(),
    });
    const [worktree = '', common = ''] = stdout.trim().split('\n');
    return { worktree, common: isAbsolute(common) ? common : resolve(workspace, common) };
  }

  private async tracked(workspace: string, paths: readonly string[]): Promise<string[]> {
    const { stdout } = await run('git', ['ls-files', '-z', '--', ...paths], {
      cwd: workspace,
      env: this.gitEnv(),
      maxBuffer: 1024 * 1024,
    });
    return stdout.split('\0').filter((path) => path !== '');
  }

  /** Appends the missing patterns to the repository's info/exclude (shared by every worktree). */
  private async exclude(commonDir: string, patterns: readonly string[]): Promise<void> {
    const file = join(commonDir, 'info', 'exclude');
    const current = (await readOrUndefined(file)) ?? '';
    const lines = new Set(current.split('\n').map((line) => line.trim()));
    const missing = patterns.filter((pattern) => !lines.has(pattern));
    if (missing.length === 0) return;
    await mkdir(dirname(file), { recursive: true });
    const prefix = current === '' || current.endsWith('\n') ? '' : '\n';
    await appendFile(file, `${prefix}# fracta: agent runtime files\n${missing.join('\n')}\n`);
  }

  private gitEnv(): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(this.config.hostEnv)) {
      if (!key.startsWith('GIT_')) env[key] = value;
    }
    return env;
  }
}
