/**
 * Spawning, steering, merging and stopping agents: the use cases behind POST/DELETE /agents and
 * the say and merge routes. Every refusal happens before anything is created (a bad request
 * leaves no worktree, branch, row or process), and a failure half-way is undone.
 */
import { access } from 'node:fs/promises';

import {
  AgentAlreadyExistsError,
  AgentRepository,
  assertAgentName,
  checkTransition,
  Clock,
  CredentialRepository,
  EventRepository,
  HOST_MAILBOX,
  IdGenerator,
  InvariantViolationError,
  isDomainError,
  isLive,
  KeyedMutex,
  MessageRepository,
  MissionQueue,
  MissionRepository,
  RunRepository,
  RuntimeBackend,
  toError,
  WorkspaceProvider,
  type Agent,
  type Message,
  type Mission,
  type WorkspaceInfo,
} from '@fracta/domain';
import { Logger } from '@fracta/logger';
import { RunRecords } from '@fracta/run-records';
import { Injectable } from '@nestjs/common';

import { AppConfig } from '../config.js';
import { EventNotifier } from '../events/event-notifier.js';
import { toMissionPayload } from '../runs/mission-payload.js';
import { parseHandle } from '../runs/run-executor.service.js';
import { StartWaiters, type StartReport } from '../runs/start-waiters.js';
import { WorkspaceGates } from '../runs/workspace-gates.js';

import {
  AgentBusyError,
  AgentMergeConflictError,
  AgentWorkspaceGoneError,
  SubAgentRefusedError,
} from './agents.errors.js';
import { planLaunch, type LaunchPlan, type LaunchRequest } from './launch-planner.js';

export interface SpawnInput extends LaunchRequest {
  readonly baseBranch?: string | undefined;
  readonly labels?: Readonly<Record<string, string>> | undefined;
  /** Answer at once with the Queued agent instead of waiting (briefly) for it to start. */
  readonly queued?: boolean | undefined;
  readonly parentAgent?: string | null | undefined;
}

export type SayOutcome =
  | { readonly delivered: 'resumed'; readonly agent: Agent }
  | { readonly delivered: 'mailbox'; readonly agent: Agent; readonly message: Message };

/** How long spawn and say wait for the run to start before answering with a Queued agent. */
const START_WAIT_MS = 10_000;
/** How often they look at the agent's row when another process may start it. */
const START_POLL_MS = 25;

@Injectable()
export class AgentLifecycleService {
  readonly #locks = new KeyedMutex();

  constructor(
    private readonly config: AppConfig,
    private readonly agents: AgentRepository,
    private readonly runs: RunRepository,
    private readonly missions: MissionRepository,
    private readonly messages: MessageRepository,
    private readonly credentials: CredentialRepository,
    private readonly events: EventRepository,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly workspace: WorkspaceProvider,
    private readonly backend: RuntimeBackend,
    private readonly queue: MissionQueue,
    private readonly records: RunRecords,
    private readonly waiters: StartWaiters,
    private readonly gates: WorkspaceGates,
    private readonly notifier: EventNotifier,
    private readonly logger: Logger,
  ) {}

  /** Missions run in this process (the memory queue): a spawn can hand its run over directly. */
  get #inProcessQueue(): boolean {
    return this.config.fracta.runtime.queue.backend === 'memory';
  }

  /** What spawn would do, without doing it. */
  dryRun(input: SpawnInput): LaunchPlan {
    assertAgentName(input.name);
    return planLaunch(this.config, input);
  }

  async spawn(input: SpawnInput): Promise<Agent> {
    const name = assertAgentName(input.name);
    const plan = planLaunch(this.config, input);
    const missionId = this.ids.next('mission');
    if (input.parentAgent !== undefined && input.parentAgent !== null)
      await this.checkSubAgent(input.parentAgent);
    // Listening before the mission can start, so its start report cannot come first.
    const started =
      input.queued !== true && this.#inProcessQueue ? this.waiters.wait(missionId, START_WAIT_MS) : null;
    await this.#locks.run(name, async () => {
      let ours = false;
      let created = false;
      let mission = null as Mission | null;
      // On the in-process queue the mission is dispatched as soon as its row is there: the executor
      // claims it and writes the run row while git works, and waits for the gate (released below)
      // before it touches the workspace. Another process's worker only gets it once it is ready.
      const early = this.#inProcessQueue;
      let enqueued = false as boolean;
      // The agent's row is looked up, and its new agent and mission rows written, while git creates
      // the worktree: they only need to know where it will be. A live agent of the same name still
      // has its worktree or branch, so prepare refuses before making anything (see below); should
      // they be gone, `alongside` refuses and prepare undoes the new worktree. No run starts before
      // the worktree is there (the gate, or the enqueue after prepare).
      const workspace = await this.workspace
        .prepare(name, {
          baseBranch: input.baseBranch ?? this.config.fracta.project.default_base_branch ?? null,
          alongside: async (planned) => {
            // The run records' directories too (a thread-pool job, side by side with the rows;
            // awaited last, and never left unhandled when a step before that throws).
            const directories = this.records.prepareAgent(name);
            directories.catch(() => undefined);
            const existing = await this.agents.find(name);
            if (existing !== null && isLive(existing.status)) throw new AgentAlreadyExistsError(name);
            ours = true;
            // A finished agent of the same name gives way (its events stay in the log).
            if (existing !== null) await this.agents.delete(name);
            const at = this.clock.now();
            await this.agents.create({
              draft: {
                name,
                runtime: plan.runtime,
                mode: plan.mode,
                workspacePath: planned.path,
                branch: planned.branch,
                baseBranch: planned.baseBranch,
                parentAgent: input.parentAgent ?? null,
                labels: { ...(input.labels ?? {}) },
              },
              trigger: 'enqueue',
              at,
              attrs: { runtime: plan.runtime },
            });
            created = true;
            mission = await this.missions.create({
              id: missionId,
              agent: name,
              runKind: 'initial',
              prompt: plan.prompt,
              payload: toMissionPayload({
                ...(plan.command === null ? {} : { command: [...plan.command] }),
                ...(input.model === undefined ? {} : { model: input.model }),
              }),
              createdAt: at,
            });
            if (early) {
              this.gates.hold(missionId);
              enqueued = true;
              await this.queue.enqueue(mission);
            }
            await directories;
          },
        })
        .then((prepared) => {
          this.gates.release(missionId, true);
          return prepared;
        })
        .catch(async (error: unknown) => {
          // An executor that took the mission stops at the gate; the undo below removes its run row.
          this.gates.release(missionId, false);
          // prepare undid the worktree; the rows and the records' directories are this side's.
          if (created) await this.undoRows(name);
          if (ours) await this.undoDirectories(name);
          // The workspace is taken: by a live agent of this name, the usual case, which says so.
          if (
            isDomainError(error) &&
            error.category === 'conflict' &&
            !(error instanceof AgentAlreadyExistsError)
          ) {
            const holder = await this.agents.find(name);
            if (holder !== null && isLive(holder.status)) throw new AgentAlreadyExistsError(name);
          }
          throw error;
        });
      try {
        if (mission === null) throw new InvariantViolationError(`spawn of ${name}: no mission was created`);
        if (!enqueued) await this.queue.enqueue(mission);
      } catch (error) {
        await this.undoSpawn(name, workspace);
        throw error;
      }
    });
    if (input.queued !== true && (await this.startsAtOnce())) {
      const report = await (started ??
        this.waitForStart(missionId, name, (agent) => agent.status !== 'queued'));
      // The started agent as the start wrote it: no second read on the answer's path.
      if (report?.started === true) {
        // Watchers (SSE, the gateway) wake once the answer is out: they would only delay it.
        setImmediate(() => {
          this.notifier.notify();
        });
        return report.agent;
      }
    }
    this.notifier.notify();
    return this.agents.get(name);
  }

  /**
   * The start report of an in-process worker, or (with the postgres queue, where any worker
   * process may take the mission) the agent's row showing it started; at most START_WAIT_MS.
   */
  private async waitForStart(
    missionId: string,
    name: string,
    started: (agent: Agent) => boolean,
  ): Promise<StartReport | null> {
    if (this.#inProcessQueue) return this.waiters.wait(missionId, START_WAIT_MS);
    const abort = new AbortController();
    const polled = (async (): Promise<StartReport | null> => {
      const deadline = Date.now() + START_WAIT_MS;
      while (!abort.signal.aborted && Date.now() < deadline) {
        const agent = await this.agents.find(name);
        if (agent === null || started(agent))
          return agent?.currentRunId ? { started: true, run: agent.currentRunId, agent } : null;
        await new Promise((resolve) => setTimeout(resolve, START_POLL_MS));
      }
      return null;
    })();
    const report = await Promise.race([this.waiters.wait(missionId, START_WAIT_MS), polled]);
    abort.abort();
    return report;
  }

  /** Whether the queue has a free slot for every open mission (so the newest one starts now). */
  private async startsAtOnce(): Promise<boolean> {
    const cap = this.config.reaper.maxConcurrent;
    if (cap === 0) return true;
    return (await this.missions.listOpen(cap + 1)).length <= cap;
  }

  /** Sub-agents (fracta_spawn): allowed by agents.spawn, within its depth and fan-out limits. */
  private async checkSubAgent(parentName: string): Promise<void> {
    const limits = this.config.fracta.agents.spawn;
    if (!limits.allow) {
      throw new SubAgentRefusedError(
        'agents may not start sub-agents here (agents.spawn.allow is false in fracta.yaml)',
      );
    }
    const parent = await this.agents.get(parentName);
    if (!isLive(parent.status)) {
      throw new SubAgentRefusedError(
        `agent "${parentName}" is ${parent.status}: only a live agent can start sub-agents`,
      );
    }
    let depth = 1;
    for (let ancestor = parent.parentAgent; ancestor !== null && depth <= limits.max_depth; depth++) {
      ancestor = (await this.agents.find(ancestor))?.parentAgent ?? null;
    }
    if (depth > limits.max_depth) {
      throw new SubAgentRefusedError(
        `a sub-agent of "${parentName}" would be ${depth} levels deep, over agents.spawn.max_depth (${limits.max_depth}): do the work yourself or ask the host`,
      );
    }
    const children = await this.agents.count({
      parentAgent: parentName,
      statuses: ['queued', 'running', 'idle'],
    });
    if (children >= limits.max_children) {
      throw new SubAgentRefusedError(
        `agent "${parentName}" already has ${children} live sub-agents, the most agents.spawn.max_children allows: wait for one to finish`,
      );
    }
  }

  /** A spawn that failed once its workspace, rows and directories were all there. */
  private async undoSpawn(name: string, workspace: WorkspaceInfo): Promise<void> {
    await this.undoRows(name);
    await this.undoDirectories(name);
    try {
      await this.workspace.remove(workspace, { keepFiles: false });
    } catch (error) {
      this.logger.error('spawn rollback incomplete', { agent: name, err: toError(error) });
    }
  }

  /** A spawn that failed after its agent row was written: Failed (one event says so), then gone with its mission. */
  private async undoRows(name: string): Promise<void> {
    try {
      await this.agents.transition({ name, trigger: 'fail', at: this.clock.now(), reason: 'spawn failed' });
      await this.agents.delete(name);
    } catch (error) {
      this.logger.error('spawn rollback incomplete', { agent: name, err: toError(error) });
    }
  }

  /** The run records' directories of a spawn that failed before its first run (empty ones only). */
  private async undoDirectories(name: string): Promise<void> {
    try {
      await this.records.unprepareAgent(name);
    } catch (error) {
      this.logger.error('spawn rollback incomplete', { agent: name, err: toError(error) });
    }
  }

  /**
   * Stops the agent (queued: never starts; running: SIGTERM to its process group, SIGKILL after
   * the grace period) and removes its worktree and branch unless `keepFiles`. On a finished agent
   * it only removes the files.
   */
  async kill(name: string, options: { keepFiles: boolean }): Promise<Agent> {
    return this.#locks.run(name, async () => {
      const agent = await this.agents.get(name);
      if (isLive(agent.status)) {
        const at = this.clock.now();
        const stopped = await this.agents.transition({
          name,
          trigger: 'stop',
          at,
          reason: 'killed',
          patch: { failureReason: null },
        });
        if (stopped.applied) this.notifier.notify();
        for (const mission of await this.missions.listOpenForAgent(name)) {
          await this.missions.cancel(mission.id, at);
          await this.queue.cancel(mission.id);
        }
        await this.stopProcess(agent);
        await this.credentials.revokeForAgent(name, this.clock.now());
      }
      if (!options.keepFiles && agent.workspacePath !== null) {
        await this.workspace.remove(this.workspaceOf(agent), { keepFiles: false });
      }
      return this.agents.get(name);
    });
  }

  private async stopProcess(agent: Agent): Promise<void> {
    if (agent.currentRunId === null) return;
    const run = await this.runs.get(agent.currentRunId).catch(() => null);
    if (run?.status !== 'running' || run.handle === null) return;
    await this.backend.stop(parseHandle(run.handle), this.config.stopGraceMs);
    const finished = await this.runs.finish(run.id, { status: 'stopped', finishedAt: this.clock.now() });
    if (finished.applied) {
      await this.records
        .updateInfo(agent.name, run.id, { status: 'stopped', finished_at: this.clock.now().toISOString() })
        .catch(() => undefined);
    }
  }

  /**
   * A finished batch agent resumes its session with the message as a new turn; a live one gets
   * the message in its mailbox (it reads it with fracta_inbox).
   */
  async say(name: string, text: string): Promise<SayOutcome> {
    const started = await this.#locks.run(name, async () => {
      const agent = await this.agents.get(name);
      if (isLive(agent.status)) {
        const message = await this.messages.send({
          from: HOST_MAILBOX,
          to: name,
          body: text,
          createdAt: this.clock.now(),
        });
        return { delivered: 'mailbox' as const, agent, message };
      }
      checkTransition(agent, 'say');
      await this.assertWorkspace(agent);
      if ((await this.missions.listOpenForAgent(name)).length > 0) {
        throw new AgentBusyError(`agent "${name}" already has a turn waiting to start; wait for it`);
      }
      const mission = await this.missions.create({
        id: this.ids.next('mission'),
        agent: name,
        runKind: 'say',
        prompt: text,
        payload: {},
        createdAt: this.clock.now(),
      });
      await this.queue.enqueue(mission);
      return { delivered: 'resumed' as const, missionId: mission.id, previousRun: agent.currentRunId };
    });
    if (started.delivered === 'mailbox') return started;
    const report = (await this.startsAtOnce())
      ? await this.waitForStart(
          started.missionId,
          name,
          (agent) => agent.currentRunId !== started.previousRun && agent.status === 'running',
        )
      : null;
    if (report !== null && !report.started) throw report.error;
    return { delivered: 'resumed', agent: await this.agents.get(name) };
  }

  private async assertWorkspace(agent: Agent): Promise<void> {
    const gone = new AgentWorkspaceGoneError(
      `agent "${agent.name}" has no workspace any more (it was killed without --keep-files): spawn a new agent instead`,
    );
    if (agent.workspacePath === null) throw gone;
    await access(agent.workspacePath).catch(() => {
      throw gone;
    });
  }

  /** Merges the agent's branch into its base branch (`--no-ff`); conflicts abort cleanly. */
  async merge(name: string): Promise<{ commit: string; agent: Agent }> {
    return this.#locks.run(name, async () => {
      const agent = await this.agents.get(name);
      if (agent.status === 'running' || agent.status === 'queued') {
        throw new AgentBusyError(
          `agent "${name}" is ${agent.status}: wait until it finishes (fracta watch), or kill it with --keep-files first`,
        );
      }
      await this.assertWorkspace(agent);
      const workspace = this.workspaceOf(agent);
      const result = await this.workspace.merge(workspace);
      if (!result.merged) {
        throw new AgentMergeConflictError(
          name,
          workspace.branch ?? '?',
          workspace.baseBranch ?? '?',
          result.conflicts,
        );
      }
      await this.events.append({
        ts: this.clock.now(),
        component: 'controlplane',
        category: 'agent',
        resource: 'workspace',
        action: 'merged',
        outcome: 'success',
        severity: 'info',
        agent: name,
        run: null,
        attrs: { branch: workspace.branch ?? '', base: workspace.baseBranch ?? '', commit: result.commit },
      });
      this.notifier.notify();
      this.logger.info('agent merged', { agent: name, commit: result.commit });
      return { commit: result.commit, agent };
    });
  }

  private workspaceOf(agent: Agent): WorkspaceInfo {
    return {
      kind: agent.branch === null ? 'directory' : 'git-worktree',
      path: agent.workspacePath ?? '',
      branch: agent.branch,
      baseBranch: agent.baseBranch,
    };
  }
}
