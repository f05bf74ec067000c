/**
 * One mission = one run of one agent, from its start to its recorded end: the queue's handler.
 *
 * Start: claim the mission (its attempt fences any older worker), create the run (database row and
 * run directory), mint the agent's gateway token, build the command line and the environment,
 * start the process, record its handle, and move the agent to Running. Then follow its output
 * (live intent-free progress: last output, tool calls) and, when the process ends, decide the
 * outcome from the runtime's machine-readable output, record it everywhere (run, agent, run
 * record, message bus), revoke the token and finish the mission.
 *
 * After a control-plane restart the same handler picks up the agent's still-open mission: a
 * process that still runs is tracked to its end; one that ended meanwhile is finished from its
 * exit record; one whose supervisor vanished too is Failed with that reason.
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';

import {
  AgentRepository,
  boundHead,
  boundTail,
  canTransition,
  Clock,
  CredentialRepository,
  formatRunHandle,
  InvariantViolationError,
  parseRunHandle,
  EventRepository,
  IdGenerator,
  isDomainError,
  LIMITS,
  MissionRepository,
  RunRepository,
  RuntimeBackend,
  toError,
  type Agent,
  type MissionLease,
  type MissionRecord,
  type Run,
  type RuntimeExit,
  type RuntimeHandle,
  type TokenUsage,
} from '@fracta/domain';
import { Logger } from '@fracta/logger';
import { RunRecords, tail, type BusMessageDraft, type RunPaths } from '@fracta/run-records';
import { getRuntimeAdapter, type OutputEvent, type RunOutcome, type RuntimeAdapter } from '@fracta/runtimes';
import { Injectable } from '@nestjs/common';

import { AppConfig } from '../config.js';
import { EventNotifier } from '../events/event-notifier.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { randomToken } from '../system.js';

import { buildAgentEnv } from './agent-env.js';
import { missionPayloadOf } from './mission-payload.js';
import { OutputFollower } from './output-follower.js';
import { StartWaiters } from './start-waiters.js';
import { WorkspaceFilesService } from './workspace-files.service.js';
import { WorkspaceGates } from './workspace-gates.js';

/** How often live output is written to the agent row while it runs. */
const LIVE_UPDATE_MS = 1_000;
/** Tool-call events recorded per run at most (a looping agent must not flood the log). */
const MAX_TOOL_EVENTS = 500;

/** Why a lease's signal aborted: QUEUE_STOPPED, MISSION_CANCELLED, MISSION_LEASE_LOST (the queue port's reasons). */
function abortCode(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  return typeof reason === 'object' && reason !== null && 'code' in reason && typeof reason.code === 'string'
    ? reason.code
    : 'QUEUE_STOPPED';
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The runtime handle a run row stores (written by this executor, so a malformed one is a bug). */
export function parseHandle(text: string): RuntimeHandle {
  const handle = parseRunHandle(text);
  if (handle === null)
    throw new InvariantViolationError(`run handle ${JSON.stringify(text.slice(0, 100))} is malformed`);
  return handle;
}

function addUsage(previous: TokenUsage | null, run: TokenUsage | null): TokenUsage | null {
  if (run === null) return previous;
  if (previous === null) return run;
  const cost =
    previous.costUsd === undefined && run.costUsd === undefined
      ? {}
      : { costUsd: (previous.costUsd ?? 0) + (run.costUsd ?? 0) };
  const cache =
    previous.cacheReadTokens === undefined && run.cacheReadTokens === undefined
      ? {}
      : { cacheReadTokens: (previous.cacheReadTokens ?? 0) + (run.cacheReadTokens ?? 0) };
  return {
    inputTokens: previous.inputTokens + run.inputTokens,
    outputTokens: previous.outputTokens + run.outputTokens,
    ...cache,
    ...cost,
  };
}

interface Started {
  readonly agent: Agent;
  readonly run: Run;
  readonly handle: RuntimeHandle;
  /** Started by an earlier control plane (adopted after a restart). */
  readonly adopted: boolean;
}

@Injectable()
export class RunExecutor {
  constructor(
    private readonly config: AppConfig,
    private readonly agents: AgentRepository,
    private readonly runs: RunRepository,
    private readonly missions: MissionRepository,
    private readonly credentials: CredentialRepository,
    private readonly events: EventRepository,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly backend: RuntimeBackend,
    private readonly records: RunRecords,
    private readonly notifier: EventNotifier,
    private readonly waiters: StartWaiters,
    private readonly gates: WorkspaceGates,
    private readonly workspaceFiles: WorkspaceFilesService,
    private readonly metrics: MetricsService,
    private readonly logger: Logger,
  ) {}

  /** The queue handler. Never throws for an agent's own failure: that is recorded on the agent. */
  async handle(lease: MissionLease): Promise<void> {
    const mission = await this.claim(lease);
    if (mission === null) return;
    const agent = await this.agents.find(mission.agent);
    if (agent === null) {
      await this.missions.finish(mission.id, mission.attempt, 'failed', this.clock.now());
      return;
    }

    const adopted = await this.adopted(agent, mission);
    if (adopted === 'finished') return;
    let started: Started | null = adopted;
    if (started === null) {
      if (!this.mayStart(agent, mission)) {
        await this.missions.finish(mission.id, mission.attempt, 'failed', this.clock.now());
        this.waiters.report(mission.id, {
          started: false,
          error: new Error(`agent ${agent.name} is ${agent.status}: nothing to start`),
        });
        return;
      }
      started = await this.start(agent, mission);
      if (started === null) return;
    }
    if (lease.signal.aborted) return;
    await this.track(started, mission, lease.signal);
  }

  /**
   * Claims the lease's mission: at the lease's attempt first (one write on the usual path, where
   * the lease is what was just enqueued), else at the stored attempt when it is still open (a
   * re-dispatch after a lost lease or a restart makes the older attempt stale). Null when it is
   * finished, cancelled, gone, or another worker claimed it in between.
   */
  private async claim(lease: MissionLease): Promise<MissionRecord | null> {
    const { id, attempt } = lease.mission;
    const first = await this.missions.claim(id, attempt, this.clock.now());
    if (first !== null) return first;
    const current = await this.missions.get(id).catch(() => null);
    if (current === null || (current.status !== 'pending' && current.status !== 'claimed')) return null;
    if (current.attempt === attempt) return null;
    return this.missions.claim(id, current.attempt, this.clock.now());
  }

  private mayStart(agent: Agent, mission: MissionRecord): boolean {
    if (mission.runKind === 'initial') return agent.status === 'queued';
    return canTransition(agent.status, 'say');
  }

  /**
   * A mission whose agent already has a process (the control plane restarted while it ran):
   * the run to keep tracking, 'finished' when it was settled here, null when nothing was started.
   */
  private async adopted(agent: Agent, mission: MissionRecord): Promise<Started | 'finished' | null> {
    if (agent.status !== 'running' || agent.currentRunId === null) return null;
    const run = await this.runs.get(agent.currentRunId).catch(() => null);
    if (run?.status !== 'running') return null;
    if (run.handle === null) {
      await this.failUnstarted(
        agent,
        run,
        mission,
        'the control plane stopped while starting the process; no process was recorded',
      );
      return 'finished';
    }
    const handle = parseHandle(run.handle);
    this.logger.info('run adopted', { agent: agent.name, run: run.id, handle: run.handle });
    return { agent, run, handle, adopted: true };
  }

  private async failUnstarted(agent: Agent, run: Run, mission: MissionRecord, reason: string): Promise<void> {
    const at = this.clock.now();
    await this.runs.finish(run.id, { status: 'failed', finishedAt: at });
    await this.transitionEnd(agent.name, run.id, 'fail', { failureReason: reason }, reason);
    await this.credentials.revokeForAgent(agent.name, at);
    await this.missions.finish(mission.id, mission.attempt, 'failed', at);
  }

  // ------------------------------------------------------------------ start

  private async start(agent: Agent, mission: MissionRecord): Promise<Started | null> {
    const startedAt = this.clock.now();
    const adapter = getRuntimeAdapter(agent.runtime);
    const settings = this.config.agents.runtimes[agent.runtime];
    const payload = missionPayloadOf(mission.payload);
    const runId = this.ids.next('run');
    const paths = this.records.runPaths(agent.name, runId);
    const prompt = mission.prompt ?? '';
    let run: Run | null = null;
    try {
      if (agent.workspacePath === null) throw new Error(`agent ${agent.name} has no workspace`);
      const token = randomToken();
      // The run row with its gateway token (one write: both or neither), before anything on disk
      // (never a run directory without its row). startFailed revokes the token whatever else failed.
      run = await this.runs.create({
        id: runId,
        agent: agent.name,
        kind: mission.runKind,
        startedAt,
        dir: paths.dir,
        credential: {
          id: this.ids.next('credential'),
          agent: agent.name,
          tokenHash: hashToken(token),
          createdAt: startedAt,
          expiresAt: null,
        },
      });
      // A spawn may still be creating the worktree (see WorkspaceGates): from here on it must be there.
      if (!(await this.gates.ready(mission.id))) return null;
      const argv =
        payload.command ?? (settings.command === null ? null : [settings.command, ...settings.args]);
      const files = await this.workspaceFiles.prepare(agent);
      const line = adapter.batchCommand({
        prompt,
        workspace: { path: agent.workspacePath, kind: this.config.workspace.kind },
        model: payload.model ?? settings.model,
        resumeToken: mission.runKind === 'initial' ? null : agent.resumeToken,
        binary: agent.runtime === 'command' ? (argv?.[0] ?? null) : settings.command,
        extraArgs:
          agent.runtime === 'command' ? (argv?.slice(1) ?? []) : [...files.extraArgs, ...settings.args],
      });
      const cwd = agent.workspacePath;
      // Each agent its own temp directory: the CLIs leave sockets, probes and caches in it. The
      // spawn made it (RunRecords.prepareAgent); this synchronous mkdir only checks, as a
      // thread-pool round trip here was once the longest step before the process starts.
      const tmp = this.records.tmpDir(agent.name);
      mkdirSync(tmp, { recursive: true, mode: 0o700 });
      await this.records.createRun({
        agent: agent.name,
        runId,
        prompt,
        info: {
          runtime: agent.runtime,
          command: [line.command, ...line.args],
          cwd,
          started_at: startedAt.toISOString(),
        },
      });
      const env = buildAgentEnv({
        runtime: agent.runtime,
        hostEnv: this.config.hostEnv,
        configured: { TMPDIR: tmp, ...settings.env },
        runtimeEnv: line.env,
        fracta: this.fractaEnv(agent.name, runId, paths, token),
      });
      const handle = await this.backend.start({
        agent: agent.name,
        run: runId,
        command: line.command,
        args: line.args,
        cwd: agent.workspacePath,
        env,
        stdoutPath: paths.stdout,
        stderrPath: paths.stderr,
      });
      // Running and the process handle in one write: a restart finds both or neither.
      const moved = await this.agents.transition({
        name: agent.name,
        trigger: mission.runKind === 'initial' ? 'start' : 'say',
        at: this.clock.now(),
        run: runId,
        patch: { currentRunId: runId },
        runHandle: formatRunHandle(handle),
        attrs: { runtime: agent.runtime, run_kind: mission.runKind },
      });
      if (!moved.applied) {
        // Killed while starting: the kill found no process yet, so this stops it.
        await this.backend.stop(handle, 0);
        await this.runs.finish(runId, { status: 'stopped', finishedAt: this.clock.now() });
        await this.records.updateInfo(agent.name, runId, {
          status: 'stopped',
          finished_at: this.clock.now().toISOString(),
        });
        await this.credentials.revokeForAgent(agent.name, this.clock.now());
        await this.missions.finish(mission.id, mission.attempt, 'failed', this.clock.now());
        this.waiters.report(mission.id, {
          started: false,
          error: new Error(`agent ${agent.name} was stopped before it started`),
        });
        return null;
      }
      this.metrics.spawnToRunning.observe((Date.now() - mission.createdAt.getTime()) / 1000);
      // The spawn's answer waits for this, not for the bus entry below.
      this.waiters.report(mission.id, { started: true, run: runId, agent: moved.agent });
      // Let the spawn's answer go out before anything else: the watchers (SSE, the gateway) wake
      // after it, then the log line and the bus entry (a locked file append).
      await new Promise((resolve) => setImmediate(resolve));
      this.notifier.notify();
      this.logger.info('run started', { agent: agent.name, run: runId, runtime: agent.runtime });
      await this.bus({ type: 'RUN_START', task_id: agent.name, run_id: runId, body: `run ${runId} started` });
      return { agent: moved.agent, run: await this.runs.get(runId), handle, adopted: false };
    } catch (error) {
      // The spawn failed meanwhile and undoes everything (the run row goes with the agent's).
      if (!(await this.gates.ready(mission.id))) return null;
      await this.startFailed(agent, mission, run, toError(error));
      return null;
    }
  }

  private async startFailed(
    agent: Agent,
    mission: MissionRecord,
    run: Run | null,
    error: Error,
  ): Promise<void> {
    const reason = boundHead(`could not start: ${error.message}`, LIMITS.failureReasonChars);
    const at = this.clock.now();
    this.logger.warn('run start failed', { agent: agent.name, err: error });
    try {
      if (run !== null) {
        await this.runs.finish(run.id, { status: 'failed', finishedAt: at });
        await this.records
          .updateInfo(agent.name, run.id, { status: 'failed', finished_at: at.toISOString(), error: reason })
          .catch(() => undefined);
        await this.bus({ type: 'RUN_CRASH', task_id: agent.name, run_id: run.id, body: reason });
      }
      if (mission.runKind === 'initial') {
        await this.transitionEnd(agent.name, run?.id ?? null, 'fail', { failureReason: reason }, reason);
      }
      await this.credentials.revokeForAgent(agent.name, at);
      await this.missions.finish(mission.id, mission.attempt, 'failed', at);
    } finally {
      this.waiters.report(mission.id, { started: false, error });
    }
  }

  private fractaEnv(agent: string, runId: string, paths: RunPaths, token: string): Record<string, string> {
    return {
      FRACTA_AGENT: agent,
      FRACTA_RUN: runId,
      FRACTA_PROJECT: this.config.project,
      FRACTA_RUN_DIR: paths.dir,
      FRACTA_MESSAGE_BUS: this.records.taskBus(agent).path,
      FRACTA_GATEWAY_URL: `${this.config.gateway.url}/agents/${agent}/mcp`,
      FRACTA_GATEWAY_TOKEN: token,
      FRACTA_CONTROL_PLANE_URL: `http://${this.config.http.host.includes(':') ? `[${this.config.http.host}]` : this.config.http.host}:${this.config.http.port}`,
    };
  }

  // ------------------------------------------------------------------ track and finish

  private async track(started: Started, mission: MissionRecord, signal: AbortSignal): Promise<void> {
    const { agent, run, handle } = started;
    const adapter = getRuntimeAdapter(agent.runtime);
    const parser = adapter.createOutputParser();
    const paths = this.records.runPaths(agent.name, run.id);
    const live = new LiveProgress(this, agent.name, run.id);
    const follower = new OutputFollower(paths.stdout, (line) => {
      live.add(parser.push(line));
    });
    follower.start();
    let exit: RuntimeExit;
    try {
      exit = await this.backend.wait(handle, signal);
    } catch (error) {
      if (!signal.aborted) {
        await follower.finish().catch(() => undefined);
        live.stop();
        throw error;
      }
      const reason = abortCode(signal);
      if (reason === 'QUEUE_STOPPED') {
        // Shutting down: the process lives on, and the next start adopts it.
        await follower.finish().catch(() => undefined);
        live.stop();
        return;
      }
      // Cancelled (a kill, from any control plane), or the lease was lost (another worker may run
      // the mission now): the process must not run on. A cancelled run is still recorded here.
      await this.backend.stop(handle, this.config.stopGraceMs);
      if (reason === 'MISSION_LEASE_LOST') {
        await follower.finish().catch(() => undefined);
        live.stop();
        this.logger.warn('run abandoned: lease lost', { agent: agent.name, run: run.id });
        return;
      }
      exit = await this.backend.wait(handle);
    }
    await follower.finish();
    live.stop();
    await live.flush();
    const stderrTail = await tail(paths.stderr, { lines: 20 }).catch(() => '');
    let outcome = parser.finish({ ...exit, stderrTail });
    if (exit.error !== undefined) {
      outcome = { ...outcome, status: 'failed', error: `could not start the program: ${exit.error}` };
    } else if (started.adopted && exit.exitCode === null && exit.signal === null) {
      outcome = {
        ...outcome,
        status: 'failed',
        error:
          'the process ended while the control plane was down, and no exit status was recorded (its supervisor was killed too)',
      };
    } else if (started.adopted && outcome.status === 'failed') {
      outcome = { ...outcome, error: `${outcome.error ?? 'failed'} (while the control plane was down)` };
    }
    await this.finishRun(agent, run, mission, adapter, exit, outcome);
    // Reap what the agent left running in its process group (servers, watchers).
    await this.backend.stop(handle, 0).catch(() => undefined);
  }

  private async finishRun(
    agent: Agent,
    run: Run,
    mission: MissionRecord,
    adapter: RuntimeAdapter,
    exit: RuntimeExit,
    outcome: RunOutcome,
  ): Promise<void> {
    const at = this.clock.now();
    const current = (await this.agents.find(agent.name)) ?? agent;
    const stopped = current.status === 'stopped';
    const runStatus = stopped ? 'stopped' : outcome.status;
    const finalText = outcome.finalText ?? '';
    await this.records.writeOutput(agent.name, run.id, finalText).catch((error: unknown) => {
      this.logger.warn('output.md not written', { agent: agent.name, run: run.id, err: toError(error) });
    });
    await this.records
      .updateInfo(agent.name, run.id, {
        status: runStatus,
        finished_at: at.toISOString(),
        exit_code: exit.exitCode,
        ...(outcome.resumeToken === null ? {} : { resume_token: outcome.resumeToken }),
        ...(outcome.error === undefined ? {} : { error: outcome.error }),
      })
      .catch((error: unknown) => {
        this.logger.warn('run-info.yaml not updated', {
          agent: agent.name,
          run: run.id,
          err: toError(error),
        });
      });
    await this.runs.finish(run.id, { status: runStatus, finishedAt: at, exitCode: exit.exitCode });
    const usage =
      adapter.usageScope === 'session'
        ? (outcome.usage ?? current.usage)
        : addUsage(current.usage, outcome.usage);
    const patch = {
      exitCode: exit.exitCode,
      lastOutput: finalText === '' ? current.lastOutput : boundTail(finalText),
      usage,
      resumeToken: outcome.resumeToken ?? current.resumeToken,
    };
    if (outcome.status === 'succeeded') {
      await this.transitionEnd(agent.name, run.id, 'complete', patch, null);
    } else {
      const reason = outcome.error ?? `exited with ${exit.signal ?? `code ${exit.exitCode ?? '?'}`}`;
      await this.transitionEnd(agent.name, run.id, 'fail', { ...patch, failureReason: reason }, reason);
    }
    await this.bus({
      type: outcome.status === 'succeeded' || stopped ? 'RUN_STOP' : 'RUN_CRASH',
      task_id: agent.name,
      run_id: run.id,
      body: stopped
        ? `run ${run.id} stopped`
        : outcome.status === 'succeeded'
          ? `run ${run.id} succeeded`
          : `run ${run.id} failed: ${outcome.error ?? 'non-zero exit'}`,
    });
    await this.credentials.revokeForAgent(agent.name, at);
    await this.missions.finish(
      mission.id,
      mission.attempt,
      outcome.status === 'succeeded' ? 'completed' : 'failed',
      at,
    );
    this.logger.info('run finished', {
      agent: agent.name,
      run: run.id,
      status: runStatus,
      exitCode: exit.exitCode,
      signal: exit.signal,
    });
  }

  /** Ends the agent's turn; not applied when a kill (or anything else) settled it first. */
  private async transitionEnd(
    name: string,
    run: string | null,
    trigger: 'complete' | 'fail',
    patch: {
      exitCode?: number | null;
      lastOutput?: string | null;
      usage?: TokenUsage | null;
      resumeToken?: string | null;
      failureReason?: string;
    },
    reason: string | null,
  ): Promise<void> {
    const result = await this.agents.transition({
      name,
      trigger,
      at: this.clock.now(),
      run,
      patch,
      reason: reason === null ? null : boundHead(reason, LIMITS.failureReasonChars),
    });
    if (result.applied) this.notifier.notify();
  }

  /** Live progress, throttled: the last text, session id and usage on the agent row; tool calls as events. */
  async recordProgress(
    name: string,
    runId: string,
    progress: { text: string | null; resumeToken: string | null; usage: TokenUsage | null; tools: string[] },
  ): Promise<void> {
    try {
      if (progress.text !== null || progress.resumeToken !== null) {
        await this.agents.update(name, {
          ...(progress.text === null ? {} : { lastOutput: boundTail(progress.text) }),
          ...(progress.resumeToken === null ? {} : { resumeToken: progress.resumeToken }),
        });
      }
      for (const tool of progress.tools) {
        await this.events.append({
          ts: this.clock.now(),
          component: 'runtime',
          category: 'agent',
          resource: 'tool',
          action: 'tool_call',
          outcome: 'success',
          severity: 'info',
          agent: name,
          run: runId,
          attrs: { tool: boundHead(tool, 200) },
        });
      }
      if (progress.tools.length > 0) this.notifier.notify();
    } catch (error) {
      // A finished agent refuses updates: the run ended between two progress writes.
      if (!isDomainError(error))
        this.logger.warn('progress not recorded', { agent: name, err: toError(error) });
    }
  }

  private async bus(draft: Omit<BusMessageDraft, 'project_id'>): Promise<void> {
    try {
      await this.records.taskBus(draft.task_id ?? '').append({ ...draft, project_id: this.config.project });
    } catch (error) {
      this.logger.warn('message bus append failed', { err: toError(error) });
    }
  }
}

/** Collects parser events and writes them at most once per LIVE_UPDATE_MS. */
class LiveProgress {
  #text: string | null = null;
  #session: string | null = null;
  #tools: string[] = [];
  #toolCount = 0;
  #dirty = false;
  #timer: NodeJS.Timeout | null = null;
  #writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly executor: RunExecutor,
    private readonly agent: string,
    private readonly run: string,
  ) {
    this.#timer = setInterval(() => {
      void this.flush();
    }, LIVE_UPDATE_MS);
    this.#timer.unref();
  }

  add(events: OutputEvent[]): void {
    for (const event of events) {
      switch (event.kind) {
        case 'text':
          this.#text = event.text;
          this.#dirty = true;
          break;
        case 'session':
          this.#session = event.id;
          this.#dirty = true;
          break;
        case 'tool':
          if (event.phase === 'started' && this.#toolCount < MAX_TOOL_EVENTS) {
            this.#toolCount++;
            this.#tools.push(event.name);
            this.#dirty = true;
          }
          break;
        case 'usage':
        case 'error':
          break;
      }
    }
  }

  flush(): Promise<void> {
    if (!this.#dirty) return this.#writing;
    this.#dirty = false;
    const progress = { text: this.#text, resumeToken: this.#session, usage: null, tools: this.#tools };
    this.#text = null;
    this.#session = null;
    this.#tools = [];
    this.#writing = this.#writing.then(() => this.executor.recordProgress(this.agent, this.run, progress));
    return this.#writing;
  }

  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }
}
