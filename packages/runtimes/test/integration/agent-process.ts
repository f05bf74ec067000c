import { execFile, spawn } from 'node:child_process';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';

import { type CommandLine, type OutputEvent, type RunOutcome, type RuntimeAdapter } from '../../src/index.js';

/** A temp root holding `home` (the agent's HOME) and `work` (a git repository, the workspace). */
export interface AgentSandbox {
  readonly home: string;
  readonly workdir: string;
  readonly root: string;
  dispose(): Promise<void>;
}

export async function createSandbox(prefix: string): Promise<AgentSandbox> {
  const root = await realpath(await mkdtemp(join(tmpdir(), `fracta-rt-${prefix}-`)));
  const workdir = join(root, 'work');
  await promisify(execFile)('git', ['init', '-q', workdir]);
  return {
    root,
    home: join(root, 'home'),
    workdir,
    dispose: () => rm(root, { recursive: true, force: true }),
  };
}

export interface AgentRun {
  readonly outcome: RunOutcome;
  /** What the adapter's live parser made of each stdout line, in order. */
  readonly events: readonly OutputEvent[];
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
}

/**
 * Spawns `line` as the control plane would: no shell, stdin closed, cwd the workspace, env the
 * given base plus PATH plus the runtime's own variables. stdout goes line by line through the
 * adapter's live parser; the process group is killed after `timeoutMs`.
 */
export function runAgent(
  adapter: RuntimeAdapter,
  line: CommandLine,
  options: { cwd: string; env: Readonly<Record<string, string>>; timeoutMs?: number },
): Promise<AgentRun> {
  const parser = adapter.createOutputParser();
  const events: OutputEvent[] = [];
  return new Promise((resolve, reject) => {
    const child = spawn(line.command, line.args, {
      cwd: options.cwd,
      env: { ...options.env, PATH: process.env.PATH ?? '/usr/bin:/bin', ...line.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-16_384);
    });
    const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
    lines.on('line', (text) => events.push(...parser.push(text)));
    const stdoutDone = new Promise<void>((done) => lines.once('close', done));
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }, options.timeoutMs ?? 40_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (exitCode, signal) => {
      clearTimeout(timer);
      void stdoutDone.then(() => {
        const outcome = parser.finish({ exitCode, signal, stderrTail: stderr });
        resolve({ outcome, events, exitCode, signal, stderr });
      });
    });
  });
}
