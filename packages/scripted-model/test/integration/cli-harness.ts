import { execFile } from 'node:child_process';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import {
  type AgentCli,
  type CliRun,
  type OfflineCliSetup,
  prepareOfflineCli,
  runAgentCli,
  type ScriptedModel,
} from '../../src/index.js';

export { expectExit } from '../../src/index.js';

const run = promisify(execFile);

/** A temp HOME and a temp git working directory for one test, removed by `dispose`. */
export interface CliSandbox {
  readonly home: string;
  readonly workdir: string;
  readonly setup: OfflineCliSetup;
  readonly env: Record<string, string>;
  dispose(): Promise<void>;
}

export async function createSandbox(cli: AgentCli, model: ScriptedModel): Promise<CliSandbox> {
  const root = await realpath(await mkdtemp(join(tmpdir(), `fracta-sm-${cli}-`)));
  const home = join(root, 'home');
  const workdir = join(root, 'work');
  await run('git', ['init', '-q', workdir]);
  const setup = await prepareOfflineCli(cli, model, { home });
  return {
    home,
    workdir,
    setup,
    // PATH only for the launchers (node, sh) and the tools the agents run (git, bash).
    env: { ...setup.env, PATH: process.env.PATH ?? '/usr/bin:/bin' },
    dispose: () => rm(root, { recursive: true, force: true }),
  };
}

/**
 * Runs the CLI once in the sandbox (see runAgentCli), killed after `timeoutMs`: generous, as a
 * cold codex once stalled for 25 s before printing anything while CI loaded both cores.
 */
export function runCli(
  cli: AgentCli,
  args: readonly string[],
  sandbox: CliSandbox,
  timeoutMs = 60_000,
): Promise<CliRun> {
  return runAgentCli(cli, args, { cwd: sandbox.workdir, env: sandbox.env, timeoutMs });
}
