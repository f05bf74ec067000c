// Helpers for the integration tests: real processes found through /proc, temp dirs, bounded waits.
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type LocalProcessSpec } from '../../src/index.js';
import { listProcesses, type ProcStat, readProcStat } from '../../src/proc-table.js';

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `probe` returns a value other than undefined/false; fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 5_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

async function liveProcesses(filter: (stat: ProcStat) => boolean): Promise<ProcStat[]> {
  return (await listProcesses()).filter((stat) => stat.state !== 'Z' && filter(stat));
}

export async function groupMembers(pgid: number): Promise<ProcStat[]> {
  return liveProcesses((stat) => stat.pgrp === pgid);
}

export async function isRunning(pid: number): Promise<boolean> {
  const stat = await readProcStat(pid);
  return stat !== null && stat.state !== 'Z';
}

/** The program the supervisor `supervisorPid` runs, once it has exec'd `comm`. */
export async function programOf(supervisorPid: number, comm: string): Promise<number> {
  return waitFor(`${comm} under supervisor ${supervisorPid}`, async () => {
    for (const stat of await liveProcesses((candidate) => candidate.ppid === supervisorPid)) {
      const name = await readFile(`/proc/${stat.pid}/comm`, 'utf8').catch(() => '');
      if (name.trim() === comm) return stat.pid;
    }
    return undefined;
  });
}

/**
 * One test's sandbox: a temp dir with a state dir, and a marker put into every spec's env so that
 * every process the test started (supervisors, programs, their children) can be found afterwards.
 */
export class Sandbox {
  readonly marker = `FRACTA_TEST_SANDBOX=${randomUUID()}`;

  private constructor(readonly dir: string) {}

  static async create(): Promise<Sandbox> {
    return new Sandbox(await mkdtemp(join(tmpdir(), 'fracta-runtime-local-')));
  }

  get stateDir(): string {
    return join(this.dir, 'state');
  }

  path(...parts: string[]): string {
    return join(this.dir, ...parts);
  }

  /** A spec running `command args…` in the sandbox, output to out.txt/err.txt, PATH from this process. */
  spec(
    command: string,
    args: readonly string[] = [],
    overrides: Partial<LocalProcessSpec> = {},
  ): LocalProcessSpec {
    const [name, value] = this.marker.split('=') as [string, string];
    return {
      agent: 'test-agent',
      run: 'run-1',
      command,
      args,
      cwd: this.dir,
      stdoutPath: this.path('out.txt'),
      stderrPath: this.path('err.txt'),
      ...overrides,
      env: { PATH: process.env.PATH ?? '', [name]: value, ...overrides.env },
    };
  }

  /** Live processes carrying this sandbox's marker in their environment. */
  async processes(): Promise<number[]> {
    const found: number[] = [];
    for (const stat of await liveProcesses(() => true)) {
      const environ = await readFile(`/proc/${stat.pid}/environ`, 'latin1').catch(() => '');
      if (environ.split('\0').includes(this.marker)) found.push(stat.pid);
    }
    return found;
  }

  async stateFiles(): Promise<string[]> {
    return readdir(this.stateDir).catch(() => []);
  }

  /** SIGKILLs whatever the test left running and removes the dir; returns the leftovers' pids. */
  async dispose(): Promise<number[]> {
    const left = await this.processes();
    for (const pid of left) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await rm(this.dir, { recursive: true, force: true });
    return left;
  }
}
