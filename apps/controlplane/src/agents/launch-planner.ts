/**
 * What a spawn would do, decided before anything is created: the runtime, the program and its
 * arguments (built by the runtime adapter, so a bad model, prompt or argument list is refused
 * here), and whether the program can be found. Used by spawn (which refuses before it creates a
 * worktree, a row or a process) and by dry-run (which only reports).
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

import { type AgentMode, type Runtime } from '@fracta/domain';
import { workspaceFilePaths } from '@fracta/mcp-config';
import { getRuntimeAdapter, type CommandLine } from '@fracta/runtimes';

import { type AppConfig } from '../config.js';
import { buildAgentEnv } from '../runs/agent-env.js';

import {
  AgentModeUnsupportedError,
  AgentPromptMissingError,
  RuntimeBinaryMissingError,
} from './agents.errors.js';

export interface LaunchRequest {
  readonly name: string;
  readonly runtime?: Runtime | undefined;
  readonly mode?: AgentMode | undefined;
  readonly prompt?: string | undefined;
  readonly command?: readonly string[] | undefined;
  readonly model?: string | undefined;
}

export interface LaunchPlan {
  readonly runtime: Runtime;
  readonly mode: AgentMode;
  readonly prompt: string;
  /** The command line of the first run, with a placeholder workspace path. */
  readonly line: CommandLine;
  /** Where the program was found. */
  readonly binaryPath: string;
  readonly model: string | null;
  /** argv of a command agent (stored with the mission). */
  readonly command: readonly string[] | null;
  /** Names (never values) of the variables the agent will get. */
  readonly envNames: readonly string[];
  /** Files written into the workspace before the run (relative paths). */
  readonly files: readonly string[];
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Finds `command` the way the process backend will: a path relative to `cwd`, else on PATH. */
export function findExecutable(command: string, cwd: string, path: string | undefined): string | null {
  if (command.includes('/')) {
    const full = isAbsolute(command) ? command : resolve(cwd, command);
    return isExecutableFile(full) ? full : null;
  }
  for (const dir of (path ?? '').split(delimiter)) {
    if (dir === '') continue;
    const full = join(dir, command);
    if (isExecutableFile(full)) return full;
  }
  return null;
}

export function planLaunch(config: AppConfig, request: LaunchRequest): LaunchPlan {
  const runtime = request.runtime ?? config.agents.defaultRuntime;
  const mode = request.mode ?? config.agents.defaultMode;
  if (mode !== 'batch') {
    throw new AgentModeUnsupportedError(
      `mode "${mode}" is not supported yet: spawn in batch mode and continue the conversation with 'fracta say'`,
    );
  }
  const settings = config.agents.runtimes[runtime];
  const adapter = getRuntimeAdapter(runtime);
  const prompt = request.prompt ?? '';
  if (runtime !== 'command' && prompt.trim() === '') {
    throw new AgentPromptMissingError(
      `a ${runtime} agent needs a task: give --prompt TEXT or --prompt-file FILE`,
    );
  }
  const command =
    runtime === 'command'
      ? (request.command ?? (settings.command === null ? null : [settings.command, ...settings.args]))
      : null;
  const model = request.model ?? settings.model;
  const line = adapter.batchCommand({
    prompt,
    workspace: {
      path: join(config.projectRoot, config.workspace.root, request.name),
      kind: config.workspace.kind,
    },
    model,
    resumeToken: null,
    binary: runtime === 'command' ? (command?.[0] ?? null) : settings.command,
    extraArgs: runtime === 'command' ? (command?.slice(1) ?? []) : settings.args,
  });
  const env = buildAgentEnv({
    runtime,
    hostEnv: config.hostEnv,
    configured: settings.env,
    runtimeEnv: line.env,
    fracta: {},
  });
  const binaryPath = findExecutable(line.command, config.projectRoot, env.PATH);
  if (binaryPath === null) {
    const where = line.command.includes('/') ? `relative to ${config.projectRoot}` : 'on the agent PATH';
    const fix =
      runtime === 'command'
        ? 'check the path and that the file is executable (chmod +x)'
        : `install it, or set agents.agent_runtimes.${runtime}.command in fracta.yaml to its path`;
    throw new RuntimeBinaryMissingError(`${runtime} binary "${line.command}" not found ${where}: ${fix}`, {
      runtime,
      binary: line.command,
    });
  }
  return {
    runtime,
    mode,
    prompt,
    line,
    binaryPath,
    model,
    command,
    envNames: [
      ...new Set([
        ...Object.keys(env),
        'FRACTA_AGENT',
        'FRACTA_RUN',
        'FRACTA_PROJECT',
        'FRACTA_RUN_DIR',
        'FRACTA_MESSAGE_BUS',
        'FRACTA_GATEWAY_URL',
        'FRACTA_GATEWAY_TOKEN',
        'FRACTA_CONTROL_PLANE_URL',
      ]),
    ].sort(),
    files: workspaceFilePaths(runtime),
  };
}
