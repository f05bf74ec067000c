/**
 * The reaper: every reaper.interval it fails agents that ran past reaper.max_age (stopping their
 * processes), and reconciles records with reality: a Running agent that nothing tracks (no open
 * mission) and whose process is gone is Failed with the reason, so no agent stays Running forever
 * and no slot leaks.
 */
import {
  AgentRepository,
  Clock,
  CredentialRepository,
  MissionRepository,
  PAGE_MAX,
  RunRepository,
  RuntimeBackend,
  toError,
  type Agent,
} from '@fracta/domain';
import { Logger } from '@fracta/logger';
import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';

import { AppConfig } from '../config.js';
import { EventNotifier } from '../events/event-notifier.js';

import { parseHandle } from './run-executor.service.js';

function describeMs(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${Math.round(ms / 1000)}s`;
}

@Injectable()
export class ReaperService implements OnApplicationBootstrap, OnApplicationShutdown {
  #timer: NodeJS.Timeout | null = null;
  #pass: Promise<void> = Promise.resolve();

  constructor(
    private readonly config: AppConfig,
    private readonly agents: AgentRepository,
    private readonly runs: RunRepository,
    private readonly missions: MissionRepository,
    private readonly credentials: CredentialRepository,
    private readonly backend: RuntimeBackend,
    private readonly clock: Clock,
    private readonly notifier: EventNotifier,
    private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.#timer = setInterval(() => {
      this.#pass = this.#pass.then(async () => {
        await this.reap();
      });
    }, this.config.reaper.intervalMs);
    this.#timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    await this.#pass;
  }

  /** One pass; returns the names of the agents it ended. */
  async reap(): Promise<string[]> {
    const ended: string[] = [];
    try {
      const page = await this.agents.list({ statuses: ['running'] }, { limit: PAGE_MAX });
      for (const agent of page.items) {
        if (await this.reapOne(agent)) ended.push(agent.name);
      }
    } catch (error) {
      this.logger.warn('reaper pass failed', { err: toError(error) });
    }
    return ended;
  }

  private async reapOne(agent: Agent): Promise<boolean> {
    const maxAge = this.config.reaper.maxAgeMs;
    const now = this.clock.now();
    if (maxAge > 0 && agent.startedAt !== null && now.getTime() - agent.startedAt.getTime() > maxAge) {
      return this.end(agent, `ran longer than reaper.max_age (${describeMs(maxAge)})`, true);
    }
    if ((await this.missions.listOpenForAgent(agent.name)).length > 0) return false;
    const run =
      agent.currentRunId === null ? null : await this.runs.get(agent.currentRunId).catch(() => null);
    const alive = run?.handle != null && (await this.backend.isAlive(parseHandle(run.handle)));
    if (alive) return false;
    return this.end(agent, 'its process is gone and nothing was tracking it (found by the reaper)', false);
  }

  private async end(agent: Agent, reason: string, stopProcess: boolean): Promise<boolean> {
    const at = this.clock.now();
    const result = await this.agents.transition({
      name: agent.name,
      trigger: 'fail',
      at,
      run: agent.currentRunId,
      reason,
      patch: { failureReason: reason },
    });
    if (!result.applied) return false;
    this.notifier.notify();
    this.logger.warn('agent reaped', { agent: agent.name, reason });
    const run =
      agent.currentRunId === null ? null : await this.runs.get(agent.currentRunId).catch(() => null);
    if (stopProcess && run?.handle != null) {
      await this.backend.stop(parseHandle(run.handle), this.config.stopGraceMs).catch(() => undefined);
    }
    if (run !== null) await this.runs.finish(run.id, { status: 'failed', finishedAt: this.clock.now() });
    await this.credentials.revokeForAgent(agent.name, this.clock.now());
    for (const mission of await this.missions.listOpenForAgent(agent.name)) {
      await this.missions.cancel(mission.id, this.clock.now());
    }
    return true;
  }
}
