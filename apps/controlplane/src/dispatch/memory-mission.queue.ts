/**
 * The in-process queue of local mode: FIFO, `concurrency` missions handled at once, nothing
 * durable (the missions table is the durable record; the dispatcher re-enqueues open missions at
 * start-up). Cancelling a pending mission drops it; cancelling a running one aborts its lease.
 */
import { DomainError, MissionQueue, toError, type Mission, type MissionHandler } from '@fracta/domain';

/** The lease signal's reasons, with the codes every queue adapter uses (see the pg-boss queue). */
class MissionCancelledError extends DomainError {
  readonly code = 'MISSION_CANCELLED';
  readonly category = 'conflict';
}

class QueueStoppedError extends DomainError {
  readonly code = 'QUEUE_STOPPED';
  readonly category = 'transient';
}

interface Running {
  readonly mission: Mission;
  readonly abort: AbortController;
}

export class MemoryMissionQueue extends MissionQueue {
  readonly #pending: Mission[] = [];
  readonly #running = new Map<string, Running>();
  readonly #onError: (mission: Mission, error: Error) => void;
  #handler: MissionHandler | null = null;
  #concurrency = 0;
  #stopped = true;
  #idle: (() => void) | null = null;

  /** `onError` hears about handlers that throw (the handler is expected to record its own outcome). */
  constructor(options: { onError: (mission: Mission, error: Error) => void }) {
    super();
    this.#onError = options.onError;
  }

  override start(): Promise<void> {
    this.#stopped = false;
    this.#pump();
    return Promise.resolve();
  }

  /** Stops dispatching and aborts the running handlers' leases; resolves when they have returned. */
  override async stop(): Promise<void> {
    this.#stopped = true;
    for (const running of this.#running.values())
      running.abort.abort(
        new QueueStoppedError(`the queue stopped before mission ${running.mission.id} ended`),
      );
    if (this.#running.size === 0) return;
    await new Promise<void>((resolve) => {
      this.#idle = resolve;
    });
  }

  override enqueue(mission: Mission): Promise<void> {
    if (this.#running.has(mission.id) || this.#pending.some((m) => m.id === mission.id)) {
      return Promise.resolve();
    }
    this.#pending.push(mission);
    this.#pump();
    return Promise.resolve();
  }

  override cancel(missionId: string): Promise<boolean> {
    const index = this.#pending.findIndex((m) => m.id === missionId);
    if (index >= 0) {
      this.#pending.splice(index, 1);
      return Promise.resolve(true);
    }
    const running = this.#running.get(missionId);
    if (running === undefined) return Promise.resolve(false);
    running.abort.abort(new MissionCancelledError(`mission ${missionId} was cancelled`));
    return Promise.resolve(true);
  }

  override work(handler: MissionHandler, options: { concurrency: number }): Promise<void> {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
      throw new RangeError(`concurrency must be a positive integer, got ${options.concurrency}`);
    }
    this.#handler = handler;
    this.#concurrency = options.concurrency;
    this.#pump();
    return Promise.resolve();
  }

  /** Missions waiting for a slot, oldest first. */
  get pendingCount(): number {
    return this.#pending.length;
  }

  get runningCount(): number {
    return this.#running.size;
  }

  #pump(): void {
    const handler = this.#handler;
    if (handler === null || this.#stopped) return;
    while (this.#running.size < this.#concurrency) {
      const mission = this.#pending.shift();
      if (mission === undefined) return;
      const running: Running = { mission, abort: new AbortController() };
      this.#running.set(mission.id, running);
      void Promise.resolve()
        .then(() => handler({ mission, signal: running.abort.signal }))
        .catch((error: unknown) => {
          this.#onError(mission, toError(error));
        })
        .finally(() => {
          this.#running.delete(mission.id);
          if (this.#running.size === 0 && this.#idle !== null) {
            this.#idle();
            this.#idle = null;
          }
          this.#pump();
        });
    }
  }
}
