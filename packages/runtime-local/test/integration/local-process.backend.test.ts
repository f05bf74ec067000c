import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import {
  LocalProcessBackend,
  RuntimeBinaryNotExecutableError,
  RuntimeBinaryNotFoundError,
  RuntimeCwdNotFoundError,
  RuntimeSpecInvalidError,
} from '../../src/index.js';
import { readProcStat } from '../../src/proc-table.js';
import { groupMembers, programOf, Sandbox, sleep, waitFor } from '../support/processes.js';

const O_APPEND = 0o2000;

function supervisorPid(handle: { id: string }): number {
  return Number(handle.id.split(':')[0]);
}

async function openFlags(pid: number, fd: number): Promise<number> {
  const info = await readFile(`/proc/${pid}/fdinfo/${fd}`, 'utf8');
  return parseInt(/^flags:\s*(\d+)$/m.exec(info)![1]!, 8);
}

describe(LocalProcessBackend.name, () => {
  let box: Sandbox;
  let backend: LocalProcessBackend;

  beforeEach(async () => {
    box = await Sandbox.create();
    backend = new LocalProcessBackend({ stateDir: box.stateDir, pollIntervalMs: 20 });
  });

  afterEach(async () => {
    // nothing a test started may outlive it
    expect(await box.dispose()).toEqual([]);
  });

  describe('output', () => {
    it('should append both streams, in order, to one file when both paths are the same', async () => {
      const out = box.path('run', 'output.txt');
      await writeFile(box.path('existing.txt'), '');
      const handle = await backend.start(
        box.spec('sh', ['-c', 'echo out; echo err >&2; echo out again'], {
          stdoutPath: out,
          stderrPath: out,
        }),
      );
      expect(await backend.wait(handle)).toEqual({ exitCode: 0, signal: null });
      await writeFile(out, 'appended by someone else\n', { flag: 'a' });

      const second = await backend.start(
        box.spec('sh', ['-c', 'echo second run; echo its error >&2'], { stdoutPath: out, stderrPath: out }),
      );
      expect(await backend.wait(second)).toEqual({ exitCode: 0, signal: null });

      expect(await readFile(out, 'utf8')).toBe(
        'out\nerr\nout again\nappended by someone else\nsecond run\nits error\n',
      );
    });

    it('should write each stream to its own file', async () => {
      const handle = await backend.start(box.spec('sh', ['-c', 'echo to stdout; echo to stderr >&2']));

      expect(await backend.wait(handle)).toEqual({ exitCode: 0, signal: null });
      expect(await readFile(box.path('out.txt'), 'utf8')).toBe('to stdout\n');
      expect(await readFile(box.path('err.txt'), 'utf8')).toBe('to stderr\n');
    });

    it('should give the program its output files opened O_APPEND', async () => {
      const handle = await backend.start(box.spec('sleep', ['100']));
      const program = await programOf(supervisorPid(handle), 'sleep');

      for (const fd of [1, 2]) expect((await openFlags(program, fd)) & O_APPEND).toBe(O_APPEND);
      await backend.stop(handle, 0);
    });
  });

  describe('exit status', () => {
    it.each([0, 3, 255])('should report exit code %d', async (code) => {
      const handle = await backend.start(box.spec('sh', ['-c', `exit ${code}`]));

      expect(await backend.wait(handle)).toEqual({ exitCode: code, signal: null });
      expect(await backend.isAlive(handle)).toBe(false);
    });

    it.each(['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGKILL', 'SIGUSR1'])(
      'should report a program killed by %s as that signal',
      async (signal) => {
        const handle = await backend.start(box.spec('sh', ['-c', `kill -${signal.slice(3)} $$`]));

        expect(await backend.wait(handle)).toEqual({ exitCode: null, signal });
      },
    );

    it('should give the same answer to every wait(), including concurrent ones', async () => {
      const handle = await backend.start(box.spec('sh', ['-c', 'sleep 0.2; exit 9']));
      const exits = await Promise.all([backend.wait(handle), backend.wait(handle)]);

      expect(exits).toEqual([
        { exitCode: 9, signal: null },
        { exitCode: 9, signal: null },
      ]);
      expect(await backend.wait(handle)).toEqual({ exitCode: 9, signal: null });
    });

    it('should stop waiting when aborted, leaving the process running', async () => {
      const handle = await backend.start(box.spec('sleep', ['100']));
      const controller = new AbortController();
      const waiting = backend.wait(handle, controller.signal);
      controller.abort(new Error('shutting down'));

      await expect(waiting).rejects.toThrow('shutting down');
      expect(await backend.isAlive(handle)).toBe(true);
      await backend.stop(handle, 0);
    });

    it('should keep the exit file until forget(), and keep it while the process runs', async () => {
      const running = await backend.start(box.spec('sleep', ['100']));
      await backend.forget(running);
      expect(await backend.isAlive(running)).toBe(true);
      await backend.stop(running, 0);
      await backend.forget(running);

      const handle = await backend.start(box.spec('sh', ['-c', 'exit 4']));
      await backend.wait(handle);
      const file = `${handle.id.replace(':', '-')}.exit.json`;
      expect(await box.stateFiles()).toEqual([file]);
      expect(JSON.parse(await readFile(box.path('state', file), 'utf8'))).toEqual({
        exitCode: 4,
        signal: null,
      });

      await backend.forget(handle);
      expect(await box.stateFiles()).toEqual([]);
    });
  });

  describe('environment and input', () => {
    it("should give the program exactly spec.env, Node's own variables included, and none of the control plane's", async () => {
      process.env.FRACTA_CONTROL_PLANE_ONLY = 'must not leak';
      const env = {
        FRACTA_AGENT: 'test-agent',
        EMPTY: '',
        MULTI_LINE: 'one\ntwo',
        NODE_OPTIONS: '--require ./no-such-hook.cjs',
        NODE_DEBUG: 'child_process,module',
        NODE_CHANNEL_FD: '99',
        UV_THREADPOOL_SIZE: '1',
      };
      try {
        const spec = box.spec('env', ['-0'], { env });
        const handle = await backend.start(spec);
        expect(await backend.wait(handle)).toEqual({ exitCode: 0, signal: null });

        const printed = (await readFile(box.path('out.txt'), 'utf8'))
          .split('\0')
          .filter((line) => line !== '');
        expect(printed.sort()).toEqual(
          Object.entries(spec.env)
            .map(([k, v]) => `${k}=${v}`)
            .sort(),
        );
        // the supervisor did not act on NODE_DEBUG or NODE_OPTIONS either
        expect(await readFile(box.path('err.txt'), 'utf8')).toBe('');
      } finally {
        delete process.env.FRACTA_CONTROL_PLANE_ONLY;
      }
    });

    it('should deliver the stdin text, and /dev/null without it', async () => {
      const text = 'first line\nzweite Zeile: äöü 😀\nno newline at the end';
      const withInput = await backend.start(box.spec('cat', [], { stdin: text }));
      expect(await backend.wait(withInput)).toEqual({ exitCode: 0, signal: null });
      expect(await readFile(box.path('out.txt'), 'utf8')).toBe(text);
      expect(await box.stateFiles()).not.toContainEqual(expect.stringMatching(/^stdin-/));

      const without = await backend.start(box.spec('cat', [], { stdoutPath: box.path('empty.txt') }));
      expect(await backend.wait(without)).toEqual({ exitCode: 0, signal: null });
      expect(await readFile(box.path('empty.txt'), 'utf8')).toBe('');
    });

    it('should pass arguments verbatim, without a shell, and run in cwd', async () => {
      const args = ['-c', 'pwd; printf "[%s]" "$@"', 'argv0', '$HOME', 'two words', '', '*'];
      await mkdir(box.path('work'));
      const handle = await backend.start(box.spec('sh', args, { cwd: box.path('work') }));

      expect(await backend.wait(handle)).toEqual({ exitCode: 0, signal: null });
      expect(await readFile(box.path('out.txt'), 'utf8')).toBe(
        `${box.path('work')}\n[$HOME][two words][][*]`,
      );
    });
  });

  describe('process group', () => {
    it('should run the program in a new session and group led by the supervisor, named by the handle', async () => {
      const handle = await backend.start(box.spec('sleep', ['100']));
      const pid = supervisorPid(handle);
      const supervisor = await readProcStat(pid);
      const own = await readProcStat(process.pid);
      const program = await readProcStat(await programOf(pid, 'sleep'));

      expect(handle).toEqual({ backend: 'local', id: `${pid}:${supervisor!.startTime}` });
      expect(supervisor).toMatchObject({ pgrp: pid, session: pid });
      expect(own!.pgrp).not.toBe(pid);
      expect(own!.session).not.toBe(pid);
      expect(program).toMatchObject({ ppid: pid, pgrp: pid, session: pid });
      await backend.stop(handle, 0);
    });
  });

  describe('supervisor', () => {
    it('should not open an inspector port, nor stop, when the group gets SIGUSR1', async () => {
      const handle = await backend.start(box.spec('sh', ['-c', 'trap "" USR1; sleep 100']));
      const pid = supervisorPid(handle);
      // The supervisor has booted and spawned sh, and sh has set its trap (it runs sleep after it).
      await programOf(await programOf(pid, 'sh'), 'sleep');
      process.kill(-pid, 'SIGUSR1');
      await sleep(300);

      expect(await readFile(box.path('err.txt'), 'utf8')).toBe('');
      expect(await backend.isAlive(handle)).toBe(true);
      await backend.stop(handle, 0);
    });
  });

  describe('stop', () => {
    it('should SIGTERM the whole group, grandchildren included, without waiting for the grace period', async () => {
      const handle = await backend.start(box.spec('sh', ['-c', 'sleep 100 & sleep 100 & wait']));
      const pid = supervisorPid(handle);
      await waitFor('supervisor, sh and two sleeps', async () => (await groupMembers(pid)).length === 4);

      const started = Date.now();
      await backend.stop(handle, 10_000);

      expect(Date.now() - started).toBeLessThan(5_000);
      expect(await groupMembers(pid)).toEqual([]);
      expect(await backend.wait(handle)).toEqual({ exitCode: null, signal: 'SIGTERM' });
    });

    it('should SIGKILL the group after the grace period when the program and its children ignore SIGTERM', async () => {
      const handle = await backend.start(
        box.spec('sh', ['-c', 'trap "" TERM; sleep 100 & sleep 100 & wait']),
      );
      const pid = supervisorPid(handle);
      await waitFor('supervisor, sh and two sleeps', async () => (await groupMembers(pid)).length === 4);

      const started = Date.now();
      const stopping = backend.stop(handle, 600);
      await sleep(300);
      const duringGrace = (await groupMembers(pid)).length;
      await stopping;
      const elapsed = Date.now() - started;

      expect(duringGrace).toBe(4);
      expect(elapsed).toBeGreaterThanOrEqual(600);
      expect(elapsed).toBeLessThan(5_000);
      expect(await groupMembers(pid)).toEqual([]);
      expect(await backend.wait(handle)).toEqual({ exitCode: null, signal: 'SIGKILL' });
      // the supervisor was killed last, after it had recorded that
      expect(await box.stateFiles()).toEqual([`${handle.id.replace(':', '-')}.exit.json`]);
    });

    it('should reap what a finished program left running in the background', async () => {
      const handle = await backend.start(box.spec('sh', ['-c', 'sleep 100 & exit 0']));
      const pid = supervisorPid(handle);

      expect(await backend.wait(handle)).toEqual({ exitCode: 0, signal: null });
      expect((await groupMembers(pid)).length).toBe(1);
      await backend.stop(handle, 0);
      expect(await groupMembers(pid)).toEqual([]);
    });

    it('should do nothing for a process that has ended, and reject a bad grace period', async () => {
      const handle = await backend.start(box.spec('true'));
      await backend.wait(handle);

      await backend.stop(handle, 1_000);
      await expect(backend.stop(handle, -1)).rejects.toThrow(RuntimeSpecInvalidError);
      await expect(backend.stop(handle, Number.NaN)).rejects.toThrow('graceMs NaN is out of range');
    });
  });

  describe('start failures', () => {
    async function expectNothingLeft(): Promise<void> {
      expect(await box.processes()).toEqual([]);
      expect(await box.stateFiles()).toEqual([]);
      await expect(readFile(box.path('out.txt'))).rejects.toThrow('ENOENT');
    }

    it('should fail on a program that is not on the PATH of spec.env, saying how to fix it', async () => {
      const spec = box.spec('fracta-no-such-program', [], { env: { PATH: box.dir }, runtime: 'claude' });

      const failure = backend.start(spec);
      await expect(failure).rejects.toThrow(RuntimeBinaryNotFoundError);
      await expect(failure).rejects.toThrow(
        `fracta-no-such-program not found on PATH (PATH=${box.dir}): install it or set agents.agent_runtimes.claude.command in fracta.yaml`,
      );
      await expectNothingLeft();
    });

    it('should fail on a program that is there but not executable', async () => {
      const path = box.path('tool.sh');
      await writeFile(path, '#!/bin/sh\necho never\n');
      await chmod(path, 0o644);

      const failure = backend.start(box.spec('./tool.sh'));
      await expect(failure).rejects.toThrow(RuntimeBinaryNotExecutableError);
      await expect(failure).rejects.toThrow(`run 'chmod +x ${path}'`);
      await expectNothingLeft();
    });

    it('should fail on a missing working directory', async () => {
      const failure = backend.start(box.spec('true', [], { cwd: box.path('not-prepared') }));

      await expect(failure).rejects.toThrow(RuntimeCwdNotFoundError);
      await expect(failure).rejects.toThrow('prepare the workspace before starting');
      await expectNothingLeft();
    });

    it('should fail on an invalid spec before touching anything', async () => {
      const failure = backend.start(box.spec('true', [], { stdoutPath: 'relative.txt', env: { 'A=B': '' } }));

      await expect(failure).rejects.toThrow(RuntimeSpecInvalidError);
      await expect(failure).rejects.toThrow('stdoutPath must be an absolute path');
      await expectNothingLeft();
    });

    it('should report through wait() a program the supervisor could not execute, also after a restart', async () => {
      const path = box.path('broken.sh');
      await writeFile(path, '#!/nonexistent/interpreter\n');
      await chmod(path, 0o755);

      const handle = await backend.start(box.spec(path));
      const exit = await backend.wait(handle);

      expect(exit).toEqual({
        exitCode: null,
        signal: null,
        error: expect.stringContaining(`could not execute ${path}: ENOENT`),
      });
      expect(await readFile(box.path('err.txt'), 'utf8')).toBe(`fracta: ${exit.error}\n`);
      expect(await box.processes()).toEqual([]);
      const restarted = new LocalProcessBackend({ stateDir: box.stateDir });
      expect(await restarted.wait(restarted.adopt(handle.id))).toEqual(exit);
    });
  });

  it('should reject handles it cannot use', async () => {
    expect(() => backend.adopt('12:ab')).toThrow('expected <pid>:<start time>');
    await expect(backend.isAlive({ backend: 'kubernetes', id: 'job-1' })).rejects.toThrow(
      'belongs to the "kubernetes" backend',
    );
    expect(() => new LocalProcessBackend({ stateDir: 'relative/state' })).toThrow(RuntimeSpecInvalidError);
  });
});
