/**
 * Wires the queue to the run executor. At start-up every open mission in the store is handed to
 * the queue again, oldest first, so a restart loses nothing: queued agents start in their order,
 * and agents whose processes were running are adopted and tracked to their end. Concurrency is
 * the admission cap (reaper.max_concurrent): spawns beyond it wait in the queue, in order, and
 * are never rejected.
 */
import { MissionQueue, MissionRepository, PAGE_MAX } from '@fracta/domain';
import { Logger } from '@fracta/logger';
import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';

import { AppConfig } from '../config.js';

import { RunExecutor } from './run-executor.service.js';

/** "Unlimited" concurrency, as a number the queue can work with. */
const UNLIMITED = 10_000;

@Injectable()
export class DispatcherService implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly config: AppConfig,
    private readonly queue: MissionQueue,
    private readonly missions: MissionRepository,
    private readonly executor: RunExecutor,
    private readonly logger: Logger,
  ) {}

  /**
   * Missions this process runs at once: reaper.max_concurrent with the in-process queue (the
   * whole fleet's cap); runtime.queue.workers with the postgres queue (per worker process).
   */
  get concurrency(): number {
    if (this.config.fracta.runtime.queue.backend === 'postgres')
      return this.config.fracta.runtime.queue.workers;
    return this.config.reaper.maxConcurrent === 0 ? UNLIMITED : this.config.reaper.maxConcurrent;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.start();
    const open = await this.missions.listOpen(PAGE_MAX);
    for (const mission of open) await this.queue.enqueue(mission);
    if (open.length > 0) this.logger.info('missions resumed', { count: open.length });
    if (this.concurrency === 0) return; // API only: `fracta worker` processes run the missions
    await this.queue.work((lease) => this.executor.handle(lease), { concurrency: this.concurrency });
  }

  /** Stops dispatching; running agents keep running and are adopted by the next start. */
  async onApplicationShutdown(): Promise<void> {
    await this.queue.stop();
  }
}
