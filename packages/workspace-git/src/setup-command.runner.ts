import { spawn } from 'node:child_process';

import { boundTail } from '@fracta/domain';

export interface SetupCommandResult {
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly timedOut: boolean;
  /** The tail of stdout and stderr interleaved, at most `maxOutputChars`. */
  readonly output: string;
}

export interface SetupCommandOptions {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly timeoutMs: number;
  readonly maxOutputChars: number;
}

/** How long to wait for output pipes to drain after the command's process group is gone. */
const DRAIN_MS = 200;

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // the group is already gone
  }
}

/**
 * Runs a setup command (argv, no shell) in its own process group with a timeout. When it exits or
 * times out, whatever it left running in its group is killed: setup must be finished when the
 * command returns, and nothing may outlive a failed setup.
 */
export function runSetupCommand(
  argv: readonly string[],
  options: SetupCommandOptions,
): Promise<SetupCommandResult> {
  const [file, ...args] = argv;
  if (file === undefined) return Promise.reject(new Error('empty setup command'));
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer): void => {
      output = boundTail(output + chunk.toString('utf8'), options.maxOutputChars);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) killGroup(child.pid);
    }, options.timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (exitCode, signal) => {
      clearTimeout(timer);
      if (child.pid !== undefined) killGroup(child.pid);
      const finish = (): void => {
        resolve({ exitCode, signal, timedOut, output });
      };
      const drain = setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        finish();
      }, DRAIN_MS);
      child.once('close', () => {
        clearTimeout(drain);
        finish();
      });
    });
  });
}
