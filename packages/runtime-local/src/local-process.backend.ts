import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';

import { type RuntimeExit, type RuntimeHandle, RuntimeBackend, toError } from '@fracta/domain';

import { lookupCommand } from './command-path.js';
import { parseExitRecord } from './exit-record.js';
import { EXIT_RECORDER_SCRIPT } from './exit-recorder.script.js';
import { formatHandleId, LOCAL_BACKEND_KIND, type ParsedHandle, parseHandle } from './handle-id.js';
import {
  RuntimeBinaryNotExecutableError,
  RuntimeBinaryNotFoundError,
  RuntimeCwdNotFoundError,
  RuntimeSpecInvalidError,
  RuntimeStartFailedError,
} from './local-process.errors.js';
import { listProcesses, type ProcStat, readProcStat, readProcStatSync } from './proc-table.js';
import { type LocalProcessSpec, supervisorEnv, validateSpec } from './process-spec.js';

export interface LocalProcessBackendOptions {
  /**
   * Directory for the exit files the supervisor writes (`<pid>-<starttime>.exit.json`). Every
   * control plane that may adopt these processes must use the same directory.
   */
  readonly stateDir: string;
  /** The Node.js binary that runs the supervisor. Default: the one running this code. */
  readonly nodePath?: string;
  /** How often an adopted process is checked while waiting. Default 200 ms. */
  readonly pollIntervalMs?: number;
  /**
   * @deprecated Ignored: start() no longer waits for the supervisor to report (a program that
   * cannot be executed is reported by wait(), as RuntimeExit.error). Kept so that existing callers
   * compile; will be removed.
   */
  readonly startTimeoutMs?: number;
}

interface OwnChild {
  readonly child: ChildProcess;
  readonly exited: Promise<RuntimeExit>;
  /** How many wait() calls are in progress (the child is ref'd while there is one). */
  waiters: number;
}

const KIND = LOCAL_BACKEND_KIND;
const MAX_GRACE_MS = 3_600_000;
const FINISHED_KEPT = 1_000;
const STOP_POLL_MS = 50;
const KILL_SETTLE_MS = 5_000;
/** How long stop's escalation lets the supervisor record the program's end before it is killed too. */
const RECORD_MS = 1_000;
const RECORD_POLL_MS = 10;
/** Node's SIGUSR1 inspector must not be reachable through a signal to the agent's group. */
const SUPERVISOR_FLAGS = ['--disable-sigusr1'];

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** A live process of the handle's group (started after its leader: pids are reused). */
function isMember(stat: ProcStat, handle: ParsedHandle): boolean {
  return stat.pgrp === handle.pid && stat.state !== 'Z' && BigInt(stat.startTime) >= BigInt(handle.startTime);
}

/** SIGKILLs one group member, checking just before that its pid still names that process. */
function killMember(member: ProcStat, handle: ParsedHandle): void {
  const now = readProcStatSync(member.pid);
  if (now?.startTime !== member.startTime || !isMember(now, handle)) return;
  try {
    process.kill(member.pid, 'SIGKILL');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

function abortReason(signal: AbortSignal): Error {
  return toError(signal.reason ?? new Error('aborted'));
}

/**
 * RuntimeBackend for local subprocesses (Linux).
 *
 * Each agent runs under a small Node supervisor (EXIT_RECORDER_SCRIPT) that leads the agent's own
 * process group and session; the program's stdout/stderr are the run's files, opened O_APPEND by
 * this backend and inherited, so output keeps landing there if the control plane dies. The
 * environment is exactly `spec.env` (nothing inherited), and the program is looked up on
 * `spec.env.PATH` only.
 *
 * start() resolves as soon as the supervisor is spawned (its pid and start time are the handle):
 * it does not wait for Node to boot. What can be checked beforehand fails start() synchronously
 * (invalid spec, missing cwd, program not found or not executable); a program the supervisor then
 * cannot execute after all (removed meanwhile, missing `#!` interpreter) ends the run with
 * `RuntimeExit.error`, through wait().
 *
 * Handle ids are `<pid>:<starttime>` (starttime: field 22 of /proc/<pid>/stat), so a pid reused by
 * another process after a restart is never taken for the agent: liveness, waiting and signals all
 * check the start time first.
 *
 * wait(): for a process this backend started, the child's exit; for an adopted one (another
 * control plane started it), /proc is polled every `pollIntervalMs`. Either way the supervisor's
 * exit file wins when there is one; without it (the supervisor itself was killed from outside) an
 * adopted process reports `{ exitCode: null, signal: null }` and an own one the supervisor's exit.
 *
 * stop(): SIGTERM to the group, then, if any member (grandchildren included) is left after
 * `graceMs`, SIGKILL to all of them: the supervisor last, once it has recorded how the program
 * ended, so wait() reports that (`SIGKILL` for a program that ignored SIGTERM) for own and adopted
 * handles alike. Works on adopted handles and after the supervisor is gone (leftover group members
 * are still found through /proc), so `stop(handle, 0)` after wait() also reaps what an agent left
 * running in the background.
 */
export class LocalProcessBackend extends RuntimeBackend {
  readonly kind = KIND;
  private readonly stateDir: string;
  private readonly nodePath: string;
  private readonly pollIntervalMs: number;
  private readonly children = new Map<string, OwnChild>();

  constructor(options: LocalProcessBackendOptions) {
    super();
    if (!isAbsolute(options.stateDir)) {
      throw new RuntimeSpecInvalidError(
        `stateDir ${options.stateDir} must be an absolute path: resolve it first`,
      );
    }
    this.stateDir = options.stateDir;
    this.nodePath = options.nodePath ?? process.execPath;
    this.pollIntervalMs = options.pollIntervalMs ?? 200;
  }

  /** A handle for a process another control plane started (restart recovery); use isAlive/wait/stop on it. */
  adopt(handleId: string): RuntimeHandle {
    parseHandle({ backend: KIND, id: handleId });
    return { backend: KIND, id: handleId };
  }

  override async start(spec: LocalProcessSpec): Promise<RuntimeHandle> {
    validateSpec(spec);
    if (!isDirectory(spec.cwd)) throw new RuntimeCwdNotFoundError(spec.cwd);
    const lookup = lookupCommand(spec.command, spec.cwd, spec.env);
    if (!lookup.found) {
      if (lookup.reason === 'not-executable') {
        throw new RuntimeBinaryNotExecutableError(spec.command, lookup.path ?? lookup.where);
      }
      throw new RuntimeBinaryNotFoundError(spec.command, lookup.where, spec.runtime ?? '<runtime>');
    }

    mkdirSync(this.stateDir, { recursive: true, mode: 0o700 });
    const fds: number[] = [];
    let child: ChildProcess;
    try {
      const stdin = spec.stdin === undefined ? 'ignore' : this.stdinFd(spec.stdin);
      if (typeof stdin === 'number') fds.push(stdin);
      const stdout = openOutput(spec.stdoutPath);
      fds.push(stdout);
      const stderr = spec.stderrPath === spec.stdoutPath ? stdout : openOutput(spec.stderrPath);
      if (stderr !== stdout) fds.push(stderr);
      child = spawn(
        this.nodePath,
        [
          ...SUPERVISOR_FLAGS,
          '-e',
          EXIT_RECORDER_SCRIPT,
          '--',
          this.stateDir,
          spec.command,
          lookup.path,
          ...spec.args,
        ],
        { cwd: spec.cwd, env: supervisorEnv(spec.env), detached: true, stdio: [stdin, stdout, stderr] },
      );
    } finally {
      for (const fd of fds) closeSync(fd);
    }

    const pid = child.pid;
    if (pid === undefined) {
      // libuv reports a failed fork/exec of the supervisor (or chdir into cwd) right away
      const error = await new Promise<Error>((resolve) => child.once('error', resolve));
      if (!isDirectory(spec.cwd)) throw new RuntimeCwdNotFoundError(spec.cwd);
      throw new RuntimeStartFailedError(
        spec.command,
        `the supervisor (${this.nodePath}) did not start: ${error.message}`,
      );
    }
    child.on('error', () => undefined);
    const exited = new Promise<RuntimeExit>((resolve) => {
      child.once('exit', (exitCode, signal) => {
        resolve({ exitCode, signal });
      });
    });
    // Read now: until this function yields, Node cannot reap the child, so /proc/<pid> is there.
    const stat = readProcStatSync(pid);
    if (stat === null) throw new RuntimeStartFailedError(spec.command, `process ${pid} vanished at once`);
    const id = formatHandleId(pid, stat.startTime);
    child.unref();
    this.remember(id, { child, exited, waiters: 0 });
    return { backend: KIND, id };
  }

  override async wait(handle: RuntimeHandle, signal?: AbortSignal): Promise<RuntimeExit> {
    const parsed = parseHandle(handle);
    if (signal?.aborted) throw abortReason(signal);
    const own = this.children.get(parsed.id);
    if (own !== undefined) {
      // Started processes do not keep this process alive (they outlive it by design), except while awaited.
      if (own.waiters++ === 0) own.child.ref();
      try {
        const exit = await abortable(own.exited, signal);
        return (await this.readExitFile(parsed)) ?? exit;
      } finally {
        if (--own.waiters === 0) own.child.unref();
      }
    }
    while (await this.leaderAlive(parsed)) {
      await abortable(sleep(this.pollIntervalMs), signal);
    }
    return (await this.readExitFile(parsed)) ?? { exitCode: null, signal: null };
  }

  override async stop(handle: RuntimeHandle, graceMs: number): Promise<void> {
    const parsed = parseHandle(handle);
    if (!Number.isFinite(graceMs) || graceMs < 0 || graceMs > MAX_GRACE_MS) {
      throw new RuntimeSpecInvalidError(`graceMs ${graceMs} is out of range: use 0 to ${MAX_GRACE_MS} ms`);
    }
    if ((await this.groupMembers(parsed)).length === 0) return;
    signalGroup(parsed.pid, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while (Date.now() < deadline) {
      if ((await this.groupMembers(parsed)).length === 0) break;
      await sleep(Math.min(STOP_POLL_MS, Math.max(1, deadline - Date.now())));
    }
    if ((await this.groupMembers(parsed)).length > 0) await this.kill(parsed);
    const own = this.children.get(parsed.id);
    if (own !== undefined) await settled(own.exited, KILL_SETTLE_MS);
  }

  override async isAlive(handle: RuntimeHandle): Promise<boolean> {
    return this.leaderAlive(parseHandle(handle));
  }

  /** Drops what this backend keeps about a finished process (its exit file included). */
  async forget(handle: RuntimeHandle): Promise<void> {
    const parsed = parseHandle(handle);
    if (await this.leaderAlive(parsed)) return;
    this.children.delete(parsed.id);
    // a supervisor killed while writing leaves its temp file
    await Promise.all([
      rm(this.exitFile(parsed), { force: true }),
      rm(`${this.exitFile(parsed)}.tmp`, { force: true }),
    ]);
  }

  // ------------------------------------------------------------------ internals

  /** True while the supervisor (group leader) with this pid AND start time runs. */
  private async leaderAlive(handle: ParsedHandle): Promise<boolean> {
    const stat = await readProcStat(handle.pid);
    return stat !== null && stat.startTime === handle.startTime && stat.state !== 'Z';
  }

  /**
   * Live members of the handle's process group. Empty when the pid now belongs to another
   * process (a pid number is not reused while its process group still has members, so the
   * group can only be ours when the leader is ours or gone).
   */
  private async groupMembers(handle: ParsedHandle): Promise<ProcStat[]> {
    const leader = await readProcStat(handle.pid);
    if (leader !== null && leader.startTime !== handle.startTime) return [];
    const processes = await listProcesses();
    return processes.filter((stat) => isMember(stat, handle));
  }

  /**
   * SIGKILL, in two steps: every member but the supervisor first, so that the supervisor can still
   * write how the program ended (an exit file, and no half-written one, for wait() to read), then
   * the whole group, the supervisor included, once it has exited or after RECORD_MS.
   */
  private async kill(handle: ParsedHandle): Promise<void> {
    const recordBy = Date.now() + RECORD_MS;
    while (Date.now() < recordBy) {
      const members = await this.groupMembers(handle);
      if (members.length === 0) return;
      for (const member of members) {
        if (member.pid !== handle.pid) killMember(member, handle);
      }
      await sleep(RECORD_POLL_MS);
    }
    signalGroup(handle.pid, 'SIGKILL');
    const settle = Date.now() + KILL_SETTLE_MS;
    while ((await this.groupMembers(handle)).length > 0 && Date.now() < settle) await sleep(STOP_POLL_MS);
  }

  private exitFile(handle: ParsedHandle): string {
    return join(this.stateDir, `${handle.pid}-${handle.startTime}.exit.json`);
  }

  private async readExitFile(handle: ParsedHandle): Promise<RuntimeExit | null> {
    try {
      return parseExitRecord(await readFile(this.exitFile(handle), 'utf8'));
    } catch {
      return null;
    }
  }

  /** Stdin text goes through a temp file unlinked right after spawn: the child keeps its descriptor. */
  private stdinFd(text: string): number {
    const path = join(
      this.stateDir,
      `stdin-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`,
    );
    writeFileSync(path, text, { mode: 0o600 });
    try {
      return openSync(path, 'r');
    } finally {
      unlinkSync(path);
    }
  }

  private remember(id: string, own: OwnChild): void {
    this.children.set(id, own);
    void own.exited.then(() => {
      // keep finished children for wait(), but not without bound
      if (this.children.size <= FINISHED_KEPT) return;
      for (const [key, value] of this.children) {
        if (this.children.size <= FINISHED_KEPT) break;
        if (value.child.exitCode !== null || value.child.signalCode !== null) this.children.delete(key);
      }
    });
  }
}

/** Waits for `promise`, at most `ms`, without leaving a timer behind. */
async function settled(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([promise, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function openOutput(path: string): number {
  mkdirSync(dirname(path), { recursive: true });
  return openSync(path, 'a', 0o600);
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      reject(abortReason(signal));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(toError(error));
      },
    );
  });
}
