import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, readFile, writeFile } from 'node:fs/promises';

import { afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';

import { LocalProcessBackend } from '../../src/index.js';
import { readProcStat } from '../../src/proc-table.js';
import { assertBuilt, startControlPlane } from '../support/control-plane.js';
import { groupMembers, isRunning, programOf, Sandbox, waitFor } from '../support/processes.js';

// Waits in the sandbox until a file named "go" appears, then exits with the code given.
const untilGo = (code: number): string[] => [
  '-c',
  `echo waiting; while [ ! -e go ]; do sleep 0.02; done; echo done; exit ${code}`,
];

describe('LocalProcessBackend after a control plane restart', () => {
  let box: Sandbox;
  let restarted: LocalProcessBackend;

  beforeAll(async () => {
    await assertBuilt();
  });

  beforeEach(async () => {
    box = await Sandbox.create();
    restarted = new LocalProcessBackend({ stateDir: box.stateDir, pollIntervalMs: 20 });
  });

  afterEach(async () => {
    expect(await box.dispose()).toEqual([]);
  });

  it('should adopt an agent that still runs and learn its real exit code when it ends', async () => {
    const controlPlane = await startControlPlane(box.stateDir, box.spec('sh', untilGo(7)));
    await controlPlane.kill();

    const handle = restarted.adopt(controlPlane.handleId);
    expect(await restarted.isAlive(handle)).toBe(true);
    const waiting = restarted.wait(handle);
    await writeFile(box.path('go'), '');

    expect(await waiting).toEqual({ exitCode: 7, signal: null });
    expect(await restarted.isAlive(handle)).toBe(false);
    // output kept landing in the run's file after its control plane died
    expect(await readFile(box.path('out.txt'), 'utf8')).toBe('waiting\ndone\n');
  });

  it('should learn the exit code of an agent that ended while no control plane ran', async () => {
    const controlPlane = await startControlPlane(box.stateDir, box.spec('sh', untilGo(5)));
    await controlPlane.kill();
    await writeFile(box.path('go'), '');
    const handle = restarted.adopt(controlPlane.handleId);
    await waitFor('the agent to end', async () => !(await restarted.isAlive(handle)));

    expect(await restarted.wait(handle)).toEqual({ exitCode: 5, signal: null });
  });

  it('should report the signal of an agent SIGKILLed while no control plane ran', async () => {
    const controlPlane = await startControlPlane(box.stateDir, box.spec('sleep', ['100']));
    await controlPlane.kill();
    const supervisor = Number(controlPlane.handleId.split(':')[0]);
    process.kill(await programOf(supervisor, 'sleep'), 'SIGKILL');
    await waitFor('the supervisor to end', async () => !(await isRunning(supervisor)));

    const handle = restarted.adopt(controlPlane.handleId);
    expect(await restarted.isAlive(handle)).toBe(false);
    expect(await restarted.wait(handle)).toEqual({ exitCode: null, signal: 'SIGKILL' });
  });

  it('should report no status when the supervisor itself was SIGKILLed, and still stop what it left', async () => {
    const controlPlane = await startControlPlane(box.stateDir, box.spec('sleep', ['100']));
    await controlPlane.kill();
    const supervisor = Number(controlPlane.handleId.split(':')[0]);
    const program = await programOf(supervisor, 'sleep');
    process.kill(supervisor, 'SIGKILL');
    await waitFor('the supervisor to end', async () => !(await isRunning(supervisor)));

    const handle = restarted.adopt(controlPlane.handleId);
    expect(await restarted.isAlive(handle)).toBe(false);
    expect(await restarted.wait(handle)).toEqual({ exitCode: null, signal: null });
    expect(await box.stateFiles()).toEqual([]);

    expect(await isRunning(program)).toBe(true);
    await restarted.stop(handle, 1_000);
    expect(await groupMembers(supervisor)).toEqual([]);
  });

  it('should stop an adopted agent, its whole group included', async () => {
    const controlPlane = await startControlPlane(
      box.stateDir,
      box.spec('sh', ['-c', 'sleep 100 & sleep 100 & wait']),
    );
    await controlPlane.kill();
    const supervisor = Number(controlPlane.handleId.split(':')[0]);
    await waitFor('supervisor, sh and two sleeps', async () => (await groupMembers(supervisor)).length === 4);

    const handle = restarted.adopt(controlPlane.handleId);
    await restarted.stop(handle, 5_000);

    expect(await groupMembers(supervisor)).toEqual([]);
    expect(await restarted.wait(handle)).toEqual({ exitCode: null, signal: 'SIGTERM' });
  });

  it('should SIGKILL an adopted agent that ignores SIGTERM and still learn how it ended', async () => {
    const controlPlane = await startControlPlane(
      box.stateDir,
      box.spec('sh', ['-c', 'trap "" TERM; sleep 100 & wait']),
    );
    await controlPlane.kill();
    const supervisor = Number(controlPlane.handleId.split(':')[0]);
    await waitFor('supervisor, sh and sleep', async () => (await groupMembers(supervisor)).length === 3);

    const handle = restarted.adopt(controlPlane.handleId);
    await restarted.stop(handle, 300);

    expect(await groupMembers(supervisor)).toEqual([]);
    expect(await restarted.wait(handle)).toEqual({ exitCode: null, signal: 'SIGKILL' });
  });

  it('should never take a process that reuses the pid for the agent', async () => {
    // the agent (this handle) ended with 3 and its pid now belongs to an unrelated group leader
    const unrelated = spawn('sleep', ['100'], { detached: true, stdio: 'ignore' });
    try {
      const pid = unrelated.pid!;
      const stat = await readProcStat(pid);
      expect(stat).toMatchObject({ pgrp: pid });
      const staleStartTime = (BigInt(stat!.startTime) - 1n).toString();
      await mkdir(box.stateDir, { recursive: true });
      await writeFile(
        box.path('state', `${pid}-${staleStartTime}.exit.json`),
        '{"exitCode":3,"signal":null}',
      );
      const handle = restarted.adopt(`${pid}:${staleStartTime}`);

      expect(await restarted.isAlive(handle)).toBe(false);
      expect(await restarted.wait(handle)).toEqual({ exitCode: 3, signal: null });
      await restarted.stop(handle, 0);
      expect(await isRunning(pid)).toBe(true);
      await restarted.forget(handle);
      expect(await box.stateFiles()).toEqual([]);
    } finally {
      unrelated.kill('SIGKILL');
      await once(unrelated, 'exit');
    }
  });

  it('should let a control plane exit on its own while its agent keeps running', async () => {
    const controlPlane = await startControlPlane(box.stateDir, box.spec('sh', untilGo(0)), 'exit');

    expect(await controlPlane.exited).toBe(0);
    const handle = restarted.adopt(controlPlane.handleId);
    expect(await restarted.isAlive(handle)).toBe(true);
    await writeFile(box.path('go'), '');
    expect(await restarted.wait(handle)).toEqual({ exitCode: 0, signal: null });
  });
});
