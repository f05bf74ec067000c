/**
 * The record of every run, in the conductor-loop layout:
 *
 *     <runsRoot>/<project>/PROJECT-MESSAGE-BUS.md
 *     <runsRoot>/<project>/<agent>/TASK-MESSAGE-BUS.md
 *     <runsRoot>/<project>/<agent>/runs/<runId>/{run-info.yaml, prompt.md, output.md,
 *                                                agent-stdout.txt, agent-stderr.txt}
 *
 * The runtime backend writes agent-stdout.txt and agent-stderr.txt itself (paths from runPaths).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, rmdir, stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';

import { RUNTIMES, type Clock, type Runtime } from '@fracta/domain';

import { writeFileAtomic, writeFileAtomicSync } from './atomic-file.js';
import { FileLock, type FileLockOptions } from './file-lock.js';
import { MessageBus } from './message-bus.js';
import { assertSegment, isSafeSegment, SEGMENT_LIMITS } from './path-segment.js';
import {
  isIsoTimestamp,
  isTerminalRunStatus,
  normalizeRunInfo,
  parseRunInfo,
  RUN_INFO_LIMITS,
  runInfoProblem,
  serializeRunInfo,
  type RunInfo,
  type RunInfoPatch,
  type RunRecordStatus,
} from './run-info.js';
import {
  RunInfoCorruptError,
  RunInfoTerminalError,
  RunRecordExistsError,
  RunRecordInputInvalidError,
  RunRecordNotFoundError,
} from './run-records.errors.js';

export const RUN_RECORD_LIMITS = {
  promptBytes: 1024 * 1024,
  /** output.md keeps the tail of longer outputs. */
  outputBytes: 1024 * 1024,
} as const;

export const RUN_FILES = {
  info: 'run-info.yaml',
  prompt: 'prompt.md',
  output: 'output.md',
  stdout: 'agent-stdout.txt',
  stderr: 'agent-stderr.txt',
  taskBus: 'TASK-MESSAGE-BUS.md',
  projectBus: 'PROJECT-MESSAGE-BUS.md',
} as const;

export interface RunRecordsOptions {
  /** Absolute. */
  readonly runsRoot: string;
  readonly project: string;
  readonly clock?: Clock;
  readonly lock?: FileLockOptions;
}

export interface RunPaths {
  readonly dir: string;
  readonly info: string;
  readonly prompt: string;
  readonly output: string;
  readonly stdout: string;
  readonly stderr: string;
}

/** What is known when the run is created; pid and pgid usually come later through updateInfo. */
export interface RunInfoInit {
  readonly runtime: Runtime;
  /** argv, never the environment. */
  readonly command: readonly string[];
  /** Absolute. */
  readonly cwd: string;
  /** Default: now. */
  readonly started_at?: string;
  readonly pid?: number | null;
  readonly pgid?: number | null;
  readonly resume_token?: string;
}

export interface CreateRunRequest {
  readonly agent: string;
  readonly runId: string;
  readonly prompt: string;
  readonly info: RunInfoInit;
}

export interface RunListEntry {
  readonly runId: string;
  readonly paths: RunPaths;
  /** Null when run-info.yaml is missing or corrupt (see `problem`). */
  readonly info: RunInfo | null;
  readonly problem: string | null;
}

const systemClock: Clock = { now: () => new Date() };

const isEnoent = (error: unknown) => (error as NodeJS.ErrnoException | null)?.code === 'ENOENT';

/** Keeps the last `max` bytes of `text`, cut on a line or character boundary, behind a marker. */
function boundOutput(text: string, max: number): string {
  const bytes = Buffer.from(text);
  if (bytes.length <= max) return text;
  const marker = (dropped: number) => `[fracta: the first ${dropped} bytes of the output were cut]\n`;
  let start = bytes.length - (max - Buffer.byteLength(marker(bytes.length)));
  while (start < bytes.length && ((bytes[start] ?? 0) & 0xc0) === 0x80) start++;
  const newline = bytes.indexOf(0x0a, start);
  if (newline >= 0 && newline - start < 1024) start = newline + 1;
  return marker(start) + bytes.subarray(start).toString('utf8');
}

export class RunRecords {
  readonly runsRoot: string;
  readonly project: string;
  readonly projectDir: string;
  readonly #clock: Clock;
  readonly #lock: FileLockOptions;

  constructor(options: RunRecordsOptions) {
    if (!isAbsolute(options.runsRoot)) {
      throw new RunRecordInputInvalidError(
        'runsRoot',
        `must be an absolute path, got ${JSON.stringify(options.runsRoot.slice(0, 200))}: set runtime.runs_root to an absolute path`,
      );
    }
    this.runsRoot = resolve(options.runsRoot);
    this.project = assertSegment('project', options.project, SEGMENT_LIMITS.project);
    this.projectDir = join(this.runsRoot, this.project);
    this.#clock = options.clock ?? systemClock;
    this.#lock = options.lock ?? {};
  }

  agentDir(agent: string): string {
    return join(this.projectDir, assertSegment('agent', agent, SEGMENT_LIMITS.agent));
  }

  /** The agent's own temporary directory (its runs' TMPDIR: the CLIs leave sockets and caches in it). */
  tmpDir(agent: string): string {
    return join(this.agentDir(agent), 'tmp');
  }

  /**
   * Creates the agent's runs and temporary directories (the latter private) ahead of its first
   * run, so that createRun makes only the run's own directory. Idempotent.
   */
  async prepareAgent(agent: string): Promise<void> {
    const dir = this.agentDir(agent);
    await Promise.all([
      mkdir(join(dir, 'runs'), { recursive: true }),
      mkdir(this.tmpDir(agent), { recursive: true, mode: 0o700 }),
    ]);
  }

  /**
   * Undoes prepareAgent for an agent that never ran: removes its directories while they are
   * empty. Anything with content (an earlier agent's runs, its bus) stays.
   */
  async unprepareAgent(agent: string): Promise<void> {
    const dir = this.agentDir(agent);
    for (const path of [join(dir, 'runs'), this.tmpDir(agent), dir]) {
      try {
        await rmdir(path);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'ENOENT' && code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
      }
    }
  }

  runPaths(agent: string, runId: string): RunPaths {
    const dir = join(this.agentDir(agent), 'runs', assertSegment('run id', runId, SEGMENT_LIMITS.runId));
    return {
      dir,
      info: join(dir, RUN_FILES.info),
      prompt: join(dir, RUN_FILES.prompt),
      output: join(dir, RUN_FILES.output),
      stdout: join(dir, RUN_FILES.stdout),
      stderr: join(dir, RUN_FILES.stderr),
    };
  }

  taskBus(agent: string): MessageBus {
    return new MessageBus({
      path: join(this.agentDir(agent), RUN_FILES.taskBus),
      clock: this.#clock,
      lock: this.#lock,
    });
  }

  projectBus(): MessageBus {
    return new MessageBus({
      path: join(this.projectDir, RUN_FILES.projectBus),
      clock: this.#clock,
      lock: this.#lock,
    });
  }

  /**
   * Creates the run directory with prompt.md and run-info.yaml (status running). Everything is
   * validated first; RunRecordExistsError when the directory exists; a failed write removes the
   * directory again.
   */
  async createRun(request: CreateRunRequest): Promise<RunPaths> {
    const paths = this.runPaths(request.agent, request.runId);
    if (typeof request.prompt !== 'string')
      throw new RunRecordInputInvalidError('prompt', 'must be a string');
    const promptBytes = Buffer.byteLength(request.prompt);
    if (promptBytes > RUN_RECORD_LIMITS.promptBytes) {
      throw new RunRecordInputInvalidError(
        'prompt',
        `is ${promptBytes} bytes, the limit is ${RUN_RECORD_LIMITS.promptBytes}: put large context in files of the workspace`,
      );
    }
    const { info: init } = request;
    const info = this.#validated({
      version: 1,
      run_id: request.runId,
      project_id: this.project,
      task_id: request.agent,
      runtime: init.runtime,
      status: 'running',
      pid: init.pid ?? null,
      pgid: init.pgid ?? null,
      started_at: init.started_at ?? this.#clock.now().toISOString(),
      finished_at: null,
      exit_code: null,
      command: init.command,
      cwd: init.cwd,
      ...(init.resume_token === undefined ? {} : { resume_token: init.resume_token }),
    });

    // Synchronous on purpose: a directory and two small files, written right before the run's
    // process starts (on the spawn's critical path). Each asynchronous call is a thread-pool round
    // trip that costs far more than the syscall once the machine is busy; these block the event
    // loop about as long as the state store's own (synchronous) writes of a spawn.
    // One mkdir for the parents and the run directory: it returns the first directory it created,
    // nothing when the run directory was already there.
    let created: string | undefined;
    try {
      created = mkdirSync(paths.dir, { recursive: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (created === undefined) throw new RunRecordExistsError(request.agent, request.runId, paths.dir);
    try {
      writeFileSync(paths.prompt, request.prompt, { flag: 'wx', mode: 0o644 });
      // Not fsynced: files of a new run directory, that its process is about to write next to.
      // Recovery after a crash trusts the state store's run row, not these files; a power loss
      // before the page cache is flushed can leave them empty or missing, which updateInfo
      // reports (RunRecordNotFound, RunInfoCorrupt) and its callers log. Readers still never see
      // a partial run-info.yaml (temp file + rename); later updates stay durable.
      writeFileAtomicSync(paths.info, serializeRunInfo(info), 0o644, { durable: false });
    } catch (error) {
      await rm(paths.dir, { recursive: true, force: true });
      throw error;
    }
    return paths;
  }

  async readInfo(agent: string, runId: string): Promise<RunInfo> {
    const paths = this.runPaths(agent, runId);
    return this.#readInfoAt(paths.info, agent, runId);
  }

  /**
   * Applies `patch` under the run's lock and rewrites run-info.yaml atomically. A terminal status
   * never changes (RunInfoTerminalError); finished_at defaults to now when the run ends.
   */
  async updateInfo(agent: string, runId: string, patch: RunInfoPatch): Promise<RunInfo> {
    const paths = this.runPaths(agent, runId);
    const lock = new FileLock(`${paths.info}.lock`, this.#lock);
    try {
      await stat(paths.dir);
    } catch (error) {
      if (isEnoent(error)) throw new RunRecordNotFoundError(agent, runId, paths.info);
      throw error;
    }
    return lock.withLock(async () => {
      const current = await this.#readInfoAt(paths.info, agent, runId);
      const status: RunRecordStatus = patch.status ?? current.status;
      if (isTerminalRunStatus(current.status) && status !== current.status) {
        throw new RunInfoTerminalError(runId, current.status, status);
      }
      const ending = !isTerminalRunStatus(current.status) && isTerminalRunStatus(status);
      const { resume_token, error, ...rest } = current;
      const resumeToken = patch.resume_token === undefined ? resume_token : patch.resume_token;
      const errorText = patch.error === undefined ? error : patch.error;
      const next = this.#validated({
        ...rest,
        status,
        pid: patch.pid === undefined ? current.pid : patch.pid,
        pgid: patch.pgid === undefined ? current.pgid : patch.pgid,
        finished_at:
          patch.finished_at === undefined
            ? ending && current.finished_at === null
              ? this.#clock.now().toISOString()
              : current.finished_at
            : patch.finished_at,
        exit_code: patch.exit_code === undefined ? current.exit_code : patch.exit_code,
        command: patch.command ?? current.command,
        ...(resumeToken === undefined || resumeToken === null ? {} : { resume_token: resumeToken }),
        ...(errorText === undefined || errorText === null ? {} : { error: errorText }),
      });
      await writeFileAtomic(paths.info, serializeRunInfo(next));
      return next;
    });
  }

  /** Writes output.md atomically, keeping the last RUN_RECORD_LIMITS.outputBytes. */
  async writeOutput(agent: string, runId: string, text: string): Promise<void> {
    const paths = this.runPaths(agent, runId);
    if (typeof text !== 'string') throw new RunRecordInputInvalidError('output', 'must be a string');
    try {
      await stat(paths.dir);
    } catch (error) {
      if (isEnoent(error)) throw new RunRecordNotFoundError(agent, runId, paths.dir);
      throw error;
    }
    await writeFileAtomic(paths.output, boundOutput(text, RUN_RECORD_LIMITS.outputBytes));
  }

  /** The agent's runs, oldest first (by started_at, then id); an agent without runs has none. */
  async listRuns(agent: string): Promise<RunListEntry[]> {
    const runsDir = join(this.agentDir(agent), 'runs');
    let names: string[];
    try {
      const entries = await readdir(runsDir, { withFileTypes: true });
      names = entries
        .filter((entry) => entry.isDirectory() && isSafeSegment(entry.name, SEGMENT_LIMITS.runId))
        .map((entry) => entry.name);
    } catch (error) {
      if (isEnoent(error)) return [];
      throw error;
    }
    const list = await Promise.all(
      names.map(async (runId): Promise<RunListEntry> => {
        const paths = this.runPaths(agent, runId);
        try {
          return { runId, paths, info: await this.#readInfoAt(paths.info, agent, runId), problem: null };
        } catch (error) {
          return { runId, paths, info: null, problem: (error as Error).message };
        }
      }),
    );
    const key = (entry: RunListEntry) => entry.info?.started_at ?? '';
    return list.sort((a, b) => key(a).localeCompare(key(b)) || a.runId.localeCompare(b.runId));
  }

  async #readInfoAt(path: string, agent: string, runId: string): Promise<RunInfo> {
    let text: string;
    try {
      const size = (await stat(path)).size;
      if (size > RUN_INFO_LIMITS.fileBytes) {
        throw new RunInfoCorruptError(path, `${size} bytes, more than a run-info ever holds`);
      }
      text = await readFile(path, 'utf8');
    } catch (error) {
      if (isEnoent(error)) throw new RunRecordNotFoundError(agent, runId, path);
      throw error;
    }
    const parsed = parseRunInfo(text);
    if (!parsed.ok) throw new RunInfoCorruptError(path, parsed.problem);
    if (
      parsed.info.task_id !== agent ||
      parsed.info.run_id !== runId ||
      parsed.info.project_id !== this.project
    ) {
      throw new RunInfoCorruptError(path, 'its run_id, task_id or project_id does not match its directory');
    }
    return parsed.info;
  }

  #validated(candidate: RunInfo): RunInfo {
    const { command } = candidate;
    if (!Array.isArray(command) || !command.every((arg) => typeof arg === 'string')) {
      throw new RunRecordInputInvalidError('run-info command', 'must be a list of strings (argv)');
    }
    if (!RUNTIMES.includes(candidate.runtime)) {
      throw new RunRecordInputInvalidError('run-info runtime', `must be one of ${RUNTIMES.join(', ')}`);
    }
    for (const field of ['started_at', 'finished_at'] as const) {
      const value = candidate[field];
      if (value !== null && !isIsoTimestamp(value)) {
        throw new RunRecordInputInvalidError(
          `run-info ${field}`,
          'must be an ISO 8601 UTC timestamp (Date.toISOString())',
        );
      }
    }
    const info = normalizeRunInfo(candidate);
    const problem = runInfoProblem(info);
    if (problem) throw new RunRecordInputInvalidError(`run-info ${problem.field}`, problem.problem);
    return info;
  }
}
