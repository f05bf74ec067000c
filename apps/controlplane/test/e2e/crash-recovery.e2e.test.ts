/**
 * The real control plane process (dist/main.js) killed with SIGKILL while agents run, then
 * started again: live agents are still tracked to their end, dead ones are Failed with a reason,
 * queued ones start, and no slot leaks.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ControlPlaneClient, type AgentView } from '@fracta/api-contract';
import { freePort } from '@fracta/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';

import { GIT_IDENTITY, makeRepo } from './harness.js';
import { processesWithEnv, programOf, sleep, waitFor } from './wait.js';

const MAIN = join(import.meta.dirname, '..', '..', 'dist', 'main.js');
const TOKEN = 'crash-test-token-0123456789abcdef0123456789';

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

describe('control plane crash recovery (SIGKILL, restart)', () => {
  let dir: string;
  let port: number;
  let client: ControlPlaneClient;
  let controlPlane: ChildProcess | null = null;

  async function startControlPlane(): Promise<void> {
    const child = spawn(process.execPath, [MAIN], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, ...GIT_IDENTITY },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    controlPlane = child;
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`control plane exited ${child.exitCode}: ${stderr}`);
        return client.health().then(
          () => true,
          () => false,
        );
      },
      'the control plane to answer',
      20_000,
    );
  }

  async function sigkillControlPlane(): Promise<void> {
    const child = controlPlane;
    if (child?.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    controlPlane = null;
  }

  async function statusOf(name: string): Promise<AgentView> {
    return client.getAgent(name);
  }

  async function until(name: string, status: AgentView['status'], timeoutMs = 20_000): Promise<AgentView> {
    let last: AgentView | null = null;
    await waitFor(
      async () => {
        last = await statusOf(name);
        return last.status === status;
      },
      `agent ${name} to be ${status}`,
      timeoutMs,
    ).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}; last seen ${JSON.stringify(last)}`);
    });
    return last as unknown as AgentView;
  }

  beforeAll(async () => {
    dir = await realpath(await mkdtemp(join(tmpdir(), 'fracta-crash-')));
    await makeRepo(dir);
    port = await freePort();
    await writeFile(
      join(dir, 'fracta.yaml'),
      [
        'version: 1',
        'control_plane_api:',
        `  listen: 127.0.0.1:${port}`,
        `  token: ${TOKEN}`,
        'reaper:',
        '  max_concurrent: 2',
        '  interval: 1s',
        'observability:',
        '  log_level: warn',
        '',
      ].join('\n'),
    );
    client = new ControlPlaneClient({ baseUrl: `http://127.0.0.1:${port}`, token: TOKEN, timeoutMs: 15_000 });
  });

  afterEach(async () => {
    await sigkillControlPlane();
  });

  afterAll(async () => {
    for (const name of ['survivor', 'victim', 'orphan', 'waiting']) {
      for (const pid of processesWithEnv('FRACTA_AGENT', name)) killQuietly(pid);
    }
    await rm(dir, { recursive: true, force: true });
  });

  it('should track a live agent to Completed, fail the dead ones with a reason, and start the queued one', async () => {
    await startControlPlane();
    // survivor outlives the crash; victim's program is killed while the control plane is down;
    // orphan loses its supervisor too; waiting is queued behind the cap of 2.
    await client.spawn({
      name: 'survivor',
      runtime: 'command',
      command: ['sh', '-c', 'while [ ! -f release ]; do sleep 0.1; done; echo survived'],
    });
    await client.spawn({ name: 'victim', runtime: 'command', command: ['sleep', '300'] });
    const waiting = await client.spawn({
      name: 'waiting',
      runtime: 'command',
      command: ['sh', '-c', 'echo waited'],
    });
    expect(waiting.status).toBe('queued');
    await until('survivor', 'running');
    await until('victim', 'running');
    // Running is recorded once the supervisor is up; its program may still be on its way to exec.
    await waitFor(() => programOf('victim', 'sleep') !== undefined, 'the victim to exec sleep');

    await sigkillControlPlane();
    const victimPids = processesWithEnv('FRACTA_AGENT', 'victim');
    expect(victimPids.length).toBe(2); // the supervisor and sleep
    // Kill the program only: its supervisor records the signal and exits.
    process.kill(programOf('victim', 'sleep') ?? 0, 'SIGKILL');
    await waitFor(() => processesWithEnv('FRACTA_AGENT', 'victim').length === 0, 'the victim to be gone');

    await startControlPlane();
    const victim = await until('victim', 'failed');
    expect(victim.failure_reason).toMatch(/SIGKILL/);
    expect(victim.failure_reason).toMatch(/control plane was down/);
    expect((await statusOf('survivor')).status).toBe('running');
    // The victim's slot is free again: the queued agent starts and completes.
    const waited = await until('waiting', 'completed');
    expect(waited.last_output).toBe('waited');

    await writeFile(join(dir, '.worktrees', 'survivor', 'release'), '');
    const survivor = await until('survivor', 'completed');
    expect(survivor.last_output).toBe('survived');
    expect(survivor.exit_code).toBe(0);
    const runs = await client.runs('survivor');
    expect(runs.map((r) => r.status)).toEqual(['succeeded']);
  });

  it('should fail an agent whose supervisor died too, saying no exit status was recorded', async () => {
    await startControlPlane();
    await client.spawn({ name: 'orphan', runtime: 'command', command: ['sleep', '300'] });
    await until('orphan', 'running');
    await waitFor(() => programOf('orphan', 'sleep') !== undefined, 'the orphan to exec sleep');
    await sigkillControlPlane();
    // Kill the supervisor and its program, again until none is left (no fork can slip past).
    await waitFor(() => {
      const pids = processesWithEnv('FRACTA_AGENT', 'orphan');
      for (const pid of pids) killQuietly(pid);
      return pids.length === 0;
    }, 'the orphan to be gone');
    await sleep(50);

    await startControlPlane();
    const orphan = await until('orphan', 'failed');
    expect(orphan.failure_reason).toMatch(/no exit status was recorded/);
    // Nothing is left running and no slot is held: two new agents run at once.
    await client.spawn({ name: 'after-1', runtime: 'command', command: ['sh', '-c', 'sleep 0.5'] });
    const second = await client.spawn({
      name: 'after-2',
      runtime: 'command',
      command: ['sh', '-c', 'sleep 0.5'],
    });
    expect(second.status).toBe('running');
  });
});
