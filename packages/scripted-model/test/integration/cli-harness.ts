import { execFile, spawn } from 'node:child_process';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

import { expect } from '@jest/globals';

import {
  type AgentCli,
  type OfflineCliSetup,
  prepareOfflineCli,
  type ScriptedModel,
} from '../../src/index.js';

const run = promisify(execFile);

const require = createRequire(import.meta.url);

/** Where each pinned CLI (a devDependency of this package) keeps its package.json. */
const PACKAGE_JSON: Readonly<Record<AgentCli, string>> = {
  claude: require.resolve('@anthropic-ai/claude-code/package.json'),
  codex: require.resolve('@openai/codex/package.json'),
  opencode: require.resolve('opencode-ai/package.json'),
};

/** The executable the pinned CLI's package declares as its `bin` (not pnpm's shell shim). */
function cliBinary(cli: AgentCli): string {
  const manifest = require(PACKAGE_JSON[cli]) as { bin: Record<string, string> };
  const bin = manifest.bin[cli];
  if (bin === undefined) throw new Error(`${PACKAGE_JSON[cli]} declares no "${cli}" binary`);
  return join(dirname(PACKAGE_JSON[cli]), bin);
}

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

export interface CliRun {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
  /** stdout lines that are JSON objects. */
  readonly events: Record<string, unknown>[];
}

/**
 * Runs the CLI once with stdin closed, in its own process group, killed (the whole group) after
 * `timeoutMs` so no test waits on a CLI that retries or hangs.
 */
export function runCli(
  cli: AgentCli,
  args: readonly string[],
  sandbox: CliSandbox,
  timeoutMs = 25_000,
): Promise<CliRun> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cliBinary(cli), args, {
      cwd: sandbox.workdir,
      env: sandbox.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (exitCode, signal) => {
      clearTimeout(timer);
      const events = stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .flatMap((line) => {
          try {
            return [JSON.parse(line) as Record<string, unknown>];
          } catch {
            return [];
          }
        });
      resolve({ exitCode, signal, stdout, stderr, durationMs: performance.now() - started, events });
    });
  });
}

/** Asserts the exit code; on a mismatch the diff shows what the CLI printed. */
export function expectExit(result: CliRun, exitCode: number): void {
  expect({
    exitCode: result.exitCode,
    signal: result.signal,
    stdout: result.stdout.slice(-3_000),
    stderr: result.stderr.slice(-3_000),
  }).toEqual({
    exitCode,
    signal: null,
    stdout: expect.any(String),
    stderr: expect.any(String),
  });
}
