/**
 * The team-mode MissionQueue on pg-boss 12: durable delivery of missions to any number of workers
 * in any number of processes on one Postgres database. The queue delivers; the state store fences
 * (the handler claims the mission's attempt first, so a stale worker's late result never lands).
 *
 * Delivery. One dispatch loop per process claims up to its free slots of jobs in one fetch and
 * runs each mission's handler on its own, so a long mission never holds up a short one. It wakes
 * on pg-boss's NOTIFY for the queue (the queue is created with `notify: true`, so every insert
 * notifies in its own transaction), when a slot frees after a full fetch, and on a polling
 * backstop. pg-boss's own `work()` loops are not used: they sleep out their poll after every
 * batch (a backlog drains at about one batch per poll per loop), hold one polling loop per
 * concurrency slot, and settle a batch as one.
 *
 * Leases. A claimed mission carries pg-boss's heartbeat: every `heartbeatSeconds` the worker
 * renews the leases of everything it runs in one fenced `touch`. A lease nobody renews for
 * `leaseSeconds` (a dead, frozen or cut-off worker) is failed back to `retry` by pg-boss's
 * supervisor and re-dispatched with a new attempt. The worker itself aborts a handler's signal
 * when its heartbeat finds the claim gone, or when it could not reach Postgres for a whole lease.
 *
 * Outcomes. A handler that resolves completes its job; one that throws a `transient` domain error
 * is retried with backoff; any other error fails the job at once, without retry. A mission the
 * worker could not settle (Postgres away) is retried until its lease runs out, after which the
 * supervisor re-dispatches it: nothing is lost, and the store decides whether anything is left
 * to do.
 *
 * Cancellation. `cancel()` cancels the mission's open job (a queued one never starts), and a
 * NOTIFY on the queue's cancel channel aborts its handler in whichever process runs it; the
 * heartbeat is the backstop when a notification is missed.
 *
 * Stop. `stop()` stops fetching, aborts the running handlers' signals, waits for them (up to
 * `stopTimeoutMs`) and releases their missions to the queue, so another worker takes them over at
 * once instead of after a lease.
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';

import {
  InvariantViolationError,
  MissionQueue,
  toError,
  ValidationError,
  type Mission,
  type MissionHandler,
} from '@fracta/domain';
import type { Logger } from '@fracta/logger';
import { PgBoss, type Db, type Job, type JobAttempt } from 'pg-boss';
import { z } from 'zod';

import { Doorbell } from './doorbell.js';
import { fromWire, toWire, type WireResult } from './mission-wire.js';
import { queueError } from './pg-errors.js';
import { resolveQueueOptions, type QueueTuning, type ResolvedQueueOptions } from './queue-options.js';
import {
  MissionCancelledError,
  MissionLeaseLostError,
  QueueStoppedError,
  redactUrl,
} from './queue.errors.js';
import { dispositionOf, failureOutput } from './retry-policy.js';

export interface PgBossMissionQueueOptions extends QueueTuning {
  /** postgres:// URL of the database that holds the queue (usually the state store's). */
  readonly url: string;
  readonly logger: Logger;
  /**
   * Hears about every handler that throws (the handler records its own outcome), as
   * MemoryMissionQueue's does; whether the mission is retried follows from the error's category.
   */
  readonly onError: (mission: Mission, error: Error) => void;
}

/** Why a delivery's signal was aborted. */
type EndReason = 'cancel' | 'lease' | 'stop';

/** What `Db.listen` resolves with (pg-boss does not export the type by name). */
type ListenHandle = Awaited<ReturnType<NonNullable<Db['listen']>>>;

interface Delivery {
  readonly job: JobAttempt;
  /** Null when the job's data is not a valid mission. */
  readonly mission: Mission | null;
  readonly abort: AbortController;
  /** performance.now() after which the lease may have lapsed (no heartbeat confirmed since). */
  leaseUntil: number;
  ended: EndReason | null;
  /** stop() stopped waiting for it and released it; whatever the handler does later settles nothing. */
  abandoned: boolean;
  /** The handler has returned (a later end of the lease has nobody to tell). */
  returned: boolean;
  /** Its outcome reached pg-boss (or never will); heartbeats leave it alone. */
  settled: boolean;
}

type SettleAction = 'complete' | 'retry' | 'fail' | 'release' | 'reject';

/** What pg-boss's settle and touch calls resolve with (typed as an empty interface there). */
const commandResponse = z.looseObject({
  affected: z.number(),
  settled: z.array(z.string()).optional(),
});

const OPEN_JOB_STATES = new Set(['created', 'retry', 'active']);
const SETTLE_BACKOFF_MS = { first: 200, max: 2_000 } as const;
const COMPLETE_BATCH_MAX = 500;
const THROTTLE_MS = 5_000;

/** A LISTEN channel name derived from `text` (channels are database-global, ≤ 63 bytes). */
function channelOf(prefix: string, text: string): string {
  return `${prefix}${createHash('sha224').update(text).digest('hex').slice(0, 24)}`;
}

export class PgBossMissionQueue extends MissionQueue {
  readonly #options: ResolvedQueueOptions;
  readonly #logger: Logger;
  readonly #onError: (mission: Mission, error: Error) => void;
  /** The database without credentials, for messages. */
  readonly #target: string;
  /**
   * pg-boss's NOTIFY channel for jobs created in this schema: its `notifyChannelSql`,
   * 'pgboss_' || left(encode(sha224(schema), 'hex'), 24), which pg-boss keeps byte-identical across
   * releases so that mixed versions coordinate. The integration tests fail if it ever changes.
   */
  readonly #wakeChannel: string;
  /** This queue's own channel: a mission id per notification, whose handler is to be aborted. */
  readonly #cancelChannel: string;
  readonly #doorbell = new Doorbell();
  /** Keyed `<job id>:<retryCount>`: a stale and a fresh delivery of one job may meet in one process. */
  readonly #deliveries = new Map<string, Delivery>();
  readonly #runs = new Set<Promise<void>>();
  readonly #throttled = new Map<string, { at: number; suppressed: number }>();
  readonly #completions: { job: JobAttempt; resolve: () => void; reject: (error: unknown) => void }[] = [];
  #completing = false;
  /** Deliveries whose handler has not returned yet: what `concurrency` bounds. */
  #handling = 0;

  #boss: PgBoss | null = null;
  #listeners: ListenHandle[] = [];
  #starting: Promise<void> | null = null;
  #stopping: Promise<void> | null = null;
  #handler: MissionHandler | null = null;
  #concurrency = 0;
  /** Whether jobs may be waiting (a NOTIFY, a full fetch, a poll, a reconnect since the last short fetch). */
  #more = true;
  #halt = new AbortController();
  #loop: Promise<void> | null = null;
  #heartbeatTimer: NodeJS.Timeout | null = null;
  #beating: Promise<void> | null = null;

  constructor(options: PgBossMissionQueueOptions) {
    super();
    const { logger, onError, ...tuning } = options;
    this.#options = resolveQueueOptions(tuning);
    this.#logger = logger.child({ component: 'mission-queue', queue: this.#options.queue });
    this.#onError = onError;
    this.#target = redactUrl(this.#options.url);
    this.#wakeChannel = channelOf('pgboss_', this.#options.schema);
    this.#cancelChannel = channelOf('fracta_cancel_', `${this.#options.schema}/${this.#options.queue}`);
  }

  /** Connects, installs or migrates pg-boss's schema, creates or updates the queue, and listens. Idempotent. */
  override async start(): Promise<void> {
    if (this.#stopping !== null) await this.#stopping;
    if (this.#boss !== null) return;
    this.#starting ??= this.#doStart().finally(() => {
      this.#starting = null;
    });
    await this.#starting;
  }

  /**
   * Stops fetching, aborts running handlers (signal reason QueueStoppedError), waits for them up to
   * `stopTimeoutMs`, releases their missions for re-dispatch and disconnects. Idempotent.
   */
  override async stop(): Promise<void> {
    if (this.#starting !== null) await this.#starting.catch(() => undefined);
    const boss = this.#boss;
    if (boss === null) return;
    this.#stopping ??= this.#doStop(boss).finally(() => {
      this.#stopping = null;
    });
    await this.#stopping;
  }

  /**
   * Queues the mission unless it already has a queued, retrying or running job (then it is a
   * no-op, so re-enqueueing every open mission at start-up is safe). ValidationError
   * MISSION_QUEUE_PAYLOAD_INVALID for a malformed mission, QueueUnavailableError when Postgres is
   * out of reach.
   */
  override async enqueue(mission: Mission): Promise<void> {
    const data = toWire(mission);
    const boss = this.#requireBoss('enqueue');
    try {
      await boss.send(this.#options.queue, data, { singletonKey: mission.id });
    } catch (error) {
      throw queueError('enqueue', this.#target, error);
    }
  }

  /**
   * Cancels the mission's open job: a queued one never starts, a running one has its handler's
   * signal aborted (reason MissionCancelledError) here or, through a NOTIFY, in the process that
   * runs it. True when something was cancelled or signalled.
   */
  override async cancel(missionId: string): Promise<boolean> {
    const boss = this.#requireBoss('cancel');
    const signalled = this.#cancelHere(missionId);
    try {
      const jobs = await boss.findJobs(this.#options.queue, { key: missionId });
      const open = jobs.filter((job) => OPEN_JOB_STATES.has(job.state)).map((job) => job.id);
      if (open.length === 0) return signalled;
      const { affected } = commandResponse.parse(await boss.cancel(this.#options.queue, open));
      if (affected === 0) return signalled;
      await boss.getDb().executeSql('SELECT pg_notify($1, $2)', [this.#cancelChannel, missionId]);
      return true;
    } catch (error) {
      throw queueError('cancel', this.#target, error);
    }
  }

  /** Starts delivering to `handler`, at most `concurrency` missions at once in this process. */
  override work(handler: MissionHandler, options: { concurrency: number }): Promise<void> {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
      throw new ValidationError(
        'QUEUE_CONCURRENCY_INVALID',
        `concurrency must be a positive integer, got ${String(options.concurrency)}`,
      );
    }
    this.#handler = handler;
    this.#concurrency = options.concurrency;
    this.#wake();
    this.#startLoop();
    return Promise.resolve();
  }

  /** Missions whose handlers run in this process now (for metrics and tests). */
  get runningCount(): number {
    return this.#handling;
  }

  // ------------------------------------------------------------------ lifecycle

  async #doStart(): Promise<void> {
    const options = this.#options;
    const boss = new PgBoss({
      connectionString: options.url,
      schema: options.schema,
      max: options.poolMax,
      connectionTimeoutMillis: options.connectTimeoutMs,
      supervise: options.supervise,
      superviseIntervalSeconds: options.superviseIntervalSeconds,
      // The supervisor looks at a queue's expired leases once per monitor interval.
      monitorIntervalSeconds: options.superviseIntervalSeconds,
      schedule: false,
      // pg-boss's listener only wakes pg-boss's own work() loops; this queue listens itself.
      useListenNotify: false,
    });
    boss.on('error', (error) => {
      this.#warnThrottled('pg-boss', 'pg-boss reported an error', error);
    });
    boss.on('warning', (warning) => {
      this.#logger.warn('pg-boss warning', { message: warning.message });
    });
    try {
      await boss.start();
      await this.#ensureQueue(boss);
    } catch (error) {
      await boss.stop({ graceful: false, close: true }).catch(() => undefined);
      throw queueError('start', this.#target, error);
    }
    this.#boss = boss;
    this.#halt = new AbortController();
    await this.#listen(boss);
    this.#heartbeatTimer = setInterval(() => {
      this.#beat();
    }, options.heartbeatMs);
    this.#wake();
    this.#startLoop();
    this.#logger.info('mission queue started', {
      schema: options.schema,
      leaseSeconds: options.leaseSeconds,
      heartbeatMs: options.heartbeatMs,
      listening: this.#listeners.length === 2,
    });
  }

  async #ensureQueue(boss: PgBoss): Promise<void> {
    const { queue, retry, maxRunSeconds, leaseSeconds } = this.#options;
    const settings = {
      retryLimit: retry.limit,
      retryDelay: retry.delaySeconds,
      retryBackoff: retry.backoff,
      expireInSeconds: maxRunSeconds,
      heartbeatSeconds: leaseSeconds,
      notify: true,
    };
    // pg-boss takes a cap on the delay only together with backoff.
    const cap = retry.backoff ? retry.maxDelaySeconds : null;
    // `exclusive`: at most one queued-or-running job per singletonKey (the mission id).
    await boss.createQueue(queue, {
      ...settings,
      ...(cap === null ? {} : { retryDelayMax: cap }),
      policy: 'exclusive',
    });
    const existing = await boss.getQueue(queue);
    if (existing?.policy !== 'exclusive') {
      throw new InvariantViolationError(
        `pg-boss queue ${queue} exists with policy ${String(existing?.policy)}, not exclusive: give the mission queue its own name`,
      );
    }
    // Settings follow the configuration of the process that started last.
    await boss.updateQueue(queue, { ...settings, retryDelayMax: cap });
  }

  async #listen(boss: PgBoss): Promise<void> {
    const db = boss.getDb();
    if (typeof db.listen !== 'function') {
      this.#logger.warn('no LISTEN/NOTIFY on this connection; polling only');
      return;
    }
    try {
      this.#listeners.push(
        await db.listen(
          this.#wakeChannel,
          (payload) => {
            if (payload === this.#options.queue) this.#wake();
          },
          // (Re)connected: notifications may have been missed meanwhile.
          () => {
            this.#wake();
          },
        ),
        await db.listen(
          this.#cancelChannel,
          (payload) => {
            this.#cancelHere(payload);
          },
          () => {
            this.#beat();
          },
        ),
      );
    } catch (error) {
      this.#logger.warn('LISTEN failed; polling only', { err: toError(error) });
    }
  }

  async #doStop(boss: PgBoss): Promise<void> {
    this.#halt.abort();
    this.#doorbell.ring();
    await this.#loop;
    for (const delivery of this.#deliveries.values()) this.#end(delivery, 'stop');
    const waited = await Promise.race([
      Promise.all(this.#runs).then(() => true),
      delay(this.#options.stopTimeoutMs, false, { ref: false }),
    ]);
    if (!waited) {
      const left = [...this.#deliveries.values()];
      this.#logger.warn('handlers still running after stopTimeoutMs; their missions are released', {
        count: left.length,
      });
      await Promise.allSettled(
        left.map((delivery) => {
          delivery.abandoned = true;
          return this.#release(boss, delivery);
        }),
      );
    }
    if (this.#heartbeatTimer !== null) clearInterval(this.#heartbeatTimer);
    this.#heartbeatTimer = null;
    await this.#beating;
    const listeners = this.#listeners;
    this.#listeners = [];
    await Promise.allSettled(listeners.map((listener) => listener.close()));
    await boss.stop({ graceful: true, close: true, timeout: 5_000 }).catch((error: unknown) => {
      this.#logger.warn('pg-boss did not stop cleanly', { err: toError(error) });
    });
    this.#boss = null;
    this.#logger.info('mission queue stopped', { abandoned: waited ? 0 : this.#deliveries.size });
  }

  #requireBoss(action: string): PgBoss {
    if (this.#boss === null) {
      throw new InvariantViolationError(
        `mission queue ${action}: the queue is not started; call start() first`,
      );
    }
    return this.#boss;
  }

  // ------------------------------------------------------------------ dispatch

  #wake(): void {
    this.#more = true;
    this.#doorbell.ring();
  }

  #startLoop(): void {
    if (this.#loop !== null || this.#boss === null || this.#handler === null || this.#halt.signal.aborted)
      return;
    this.#loop = this.#dispatch()
      .catch((error: unknown) => {
        this.#logger.error('mission dispatch loop failed', { err: toError(error) });
      })
      .finally(() => {
        this.#loop = null;
      });
  }

  async #dispatch(): Promise<void> {
    const { queue, fetchBatchMax, pollIntervalMs } = this.#options;
    const halt = this.#halt.signal;
    while (!halt.aborted) {
      const boss = this.#boss;
      const handler = this.#handler;
      if (boss === null || handler === null) return;
      // A slot frees when its handler returns; settling the outcome does not hold it.
      const free = this.#concurrency - this.#handling;
      if (free > 0 && this.#more) {
        this.#more = false;
        const asked = Math.min(free, fetchBatchMax);
        const fetchedAt = performance.now();
        let jobs: Job<unknown>[];
        try {
          jobs = await boss.fetch<unknown>(queue, { batchSize: asked });
        } catch (error) {
          this.#more = true;
          this.#warnThrottled('fetch', 'fetching missions failed; trying again', error);
          await delay(Math.min(pollIntervalMs, 1_000), undefined, { signal: halt }).catch(() => undefined);
          continue;
        }
        // A job fetched while stopping was never started: it goes straight back.
        for (const job of jobs) this.#deliver(boss, handler, job, fetchedAt);
        if (jobs.length === asked) this.#more = true;
        continue;
      }
      const rung = await this.#doorbell.wait(free > 0 ? pollIntervalMs : null);
      if (!rung) this.#more = true;
    }
  }

  #deliver(boss: PgBoss, handler: MissionHandler, job: Job<unknown>, fetchedAt: number): void {
    const parsed = fromWire(job.data);
    const delivery: Delivery = {
      job: { id: job.id, retryCount: job.retryCount },
      mission: parsed.ok ? parsed.mission : null,
      abort: new AbortController(),
      leaseUntil: fetchedAt + this.#options.leaseSeconds * 1000,
      ended: null,
      abandoned: false,
      returned: false,
      settled: false,
    };
    const key = `${job.id}:${String(job.retryCount)}`;
    this.#deliveries.set(key, delivery);
    this.#handling += 1;
    if (this.#halt.signal.aborted) this.#end(delivery, 'stop');
    const run = this.#run(boss, handler, delivery, parsed)
      .catch((error: unknown) => {
        this.#logger.error('mission delivery failed', { job: job.id, err: toError(error) });
      })
      .finally(() => {
        this.#handlerReturned(delivery);
        delivery.settled = true;
        this.#deliveries.delete(key);
        this.#runs.delete(run);
        this.#doorbell.ring();
      });
    this.#runs.add(run);
  }

  async #run(boss: PgBoss, handler: MissionHandler, delivery: Delivery, parsed: WireResult): Promise<void> {
    if (!parsed.ok) {
      this.#handlerReturned(delivery);
      this.#logger.error('mission job rejected: its data is not a mission', {
        job: delivery.job.id,
        problem: parsed.problem,
      });
      const output = { name: 'MissionPayloadInvalid', message: parsed.problem, retry: false };
      await this.#settle(delivery, 'reject', () => this.#failForGood(boss, delivery.job, output));
      return;
    }
    const mission = parsed.mission;
    let thrown: { readonly error: unknown } | null = null;
    if (delivery.ended === null) {
      try {
        await handler({ mission, signal: delivery.abort.signal });
      } catch (error) {
        thrown = { error };
      }
    }
    this.#handlerReturned(delivery);
    if (delivery.abandoned) return;
    switch (delivery.ended) {
      case 'cancel':
      case 'lease':
        // The job is no longer this worker's: nothing to settle (a settle would be fenced off anyway).
        this.#logger.debug('mission ended early', { mission: mission.id, reason: delivery.ended });
        return;
      case 'stop':
        await this.#settle(delivery, 'release', () => this.#release(boss, delivery));
        return;
      case null:
        break;
    }
    const { queue } = this.#options;
    if (thrown === null) {
      await this.#settle(delivery, 'complete', () => this.#complete(boss, delivery.job));
      return;
    }
    const error = toError(thrown.error);
    const disposition = dispositionOf(thrown.error);
    const output = failureOutput(thrown.error, disposition);
    this.#logger.warn('mission handler failed', {
      mission: mission.id,
      retryCount: delivery.job.retryCount,
      disposition,
      err: error,
    });
    try {
      this.#onError(mission, error);
    } catch (hookError) {
      this.#logger.error('onError hook threw', { mission: mission.id, err: toError(hookError) });
    }
    await this.#settle(delivery, disposition, () =>
      disposition === 'retry'
        ? boss.fail(queue, delivery.job, output)
        : this.#failForGood(boss, delivery.job, output),
    );
  }

  /**
   * Completes `job` together with every other completion that comes in while one is on its way:
   * one fenced statement for all of them, so a busy worker pays one round trip per batch, not per
   * mission. Resolves or rejects with the statement that carried it.
   */
  #complete(boss: PgBoss, job: JobAttempt): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#completions.push({ job, resolve, reject });
      this.#flushCompletions(boss);
    });
  }

  #flushCompletions(boss: PgBoss): void {
    if (this.#completing || this.#completions.length === 0) return;
    this.#completing = true;
    void this.#completeBatch(boss).finally(() => {
      this.#completing = false;
      this.#flushCompletions(boss);
    });
  }

  async #completeBatch(boss: PgBoss): Promise<void> {
    // One turn of the event loop first: handlers that end together complete together.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const batch = this.#completions.splice(0, COMPLETE_BATCH_MAX);
    try {
      await boss.complete(
        this.#options.queue,
        batch.map((entry) => entry.job),
      );
    } catch (error) {
      for (const entry of batch) entry.reject(error);
      return;
    }
    for (const entry of batch) entry.resolve();
  }

  #handlerReturned(delivery: Delivery): void {
    if (delivery.returned) return;
    delivery.returned = true;
    this.#handling -= 1;
    this.#doorbell.ring();
  }

  /** Back to the queue for another worker (counts as one retry). */
  async #release(boss: PgBoss, delivery: Delivery): Promise<void> {
    await boss.fail(this.#options.queue, delivery.job, {
      name: 'QueueStoppedError',
      message: 'the worker stopped; released for re-dispatch',
      retry: true,
    });
  }

  /**
   * Fails the job without retry. pg-boss 12 offers a terminal fail only inside work({ perJobResults })
   * (the 'deadletter' disposition); for a fetched job the same outcome is composed from public
   * calls in one transaction: fail (fenced to this attempt; back to `retry` when retries remain),
   * take the remaining retries away, and fail it again, now for good.
   */
  async #failForGood(boss: PgBoss, job: JobAttempt, output: object): Promise<void> {
    const { queue } = this.#options;
    const db = boss.getDb();
    if (typeof db.beginTransaction !== 'function') {
      throw new InvariantViolationError(
        'pg-boss was built without transactions; cannot fail a mission for good',
      );
    }
    const transaction = await db.beginTransaction();
    try {
      const first = commandResponse.parse(await boss.fail(queue, job, output, { db: transaction.db }));
      if (first.affected > 0) {
        await boss.update(queue, undefined, { id: job.id, retryLimit: job.retryCount, db: transaction.db });
        await boss.fail(queue, job.id, output, { db: transaction.db });
      }
      await transaction.commit();
    } catch (error) {
      await transaction.rollback();
      throw error;
    }
  }

  /**
   * Runs one settle call, retrying while Postgres is away and the lease is still this worker's.
   * After that the supervisor re-dispatches the mission, so giving up loses nothing.
   */
  async #settle(delivery: Delivery, action: SettleAction, call: () => Promise<unknown>): Promise<void> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        await call();
        delivery.settled = true;
        return;
      } catch (error) {
        const lost =
          delivery.abandoned ||
          delivery.ended === 'cancel' ||
          delivery.ended === 'lease' ||
          performance.now() >= delivery.leaseUntil;
        if (lost) {
          this.#logger.warn('mission not settled; it is re-dispatched when its lease expires', {
            mission: delivery.mission?.id ?? null,
            job: delivery.job.id,
            action,
            err: toError(error),
          });
          return;
        }
        await delay(Math.min(SETTLE_BACKOFF_MS.first * 2 ** attempt, SETTLE_BACKOFF_MS.max));
      }
    }
  }

  // ------------------------------------------------------------------ leases

  /** Aborts `delivery`'s signal for `reason` (a cancel or a lost lease overrides a stop). */
  #end(delivery: Delivery, reason: EndReason, why?: string): void {
    if (delivery.settled) return;
    if (delivery.ended !== null && (delivery.ended !== 'stop' || reason === 'stop')) return;
    delivery.ended = reason;
    const missionId = delivery.mission?.id ?? delivery.job.id;
    if (reason === 'lease') this.#logger.warn('mission lease lost', { mission: missionId, why });
    if (delivery.returned || delivery.abort.signal.aborted) return;
    delivery.abort.abort(
      reason === 'cancel'
        ? new MissionCancelledError(missionId)
        : reason === 'lease'
          ? new MissionLeaseLostError(missionId, why ?? 'the claim is gone')
          : new QueueStoppedError(missionId),
    );
  }

  /** Aborts the local handlers of `missionId`; true when there was one. */
  #cancelHere(missionId: string): boolean {
    let signalled = false;
    for (const delivery of this.#deliveries.values()) {
      if (delivery.mission?.id !== missionId) continue;
      if (delivery.ended === 'cancel' || delivery.ended === 'lease') continue;
      this.#end(delivery, 'cancel');
      signalled = true;
    }
    return signalled;
  }

  #beat(): void {
    const boss = this.#boss;
    if (this.#beating !== null || boss === null) return;
    this.#beating = this.#heartbeat(boss)
      .catch((error: unknown) => {
        this.#logger.error('heartbeat failed', { err: toError(error) });
      })
      .finally(() => {
        this.#beating = null;
      });
  }

  /** Renews every lease held here in one fenced touch, and ends the deliveries whose claim is gone. */
  async #heartbeat(boss: PgBoss): Promise<void> {
    const { queue, leaseSeconds } = this.#options;
    const held = [...this.#deliveries.values()].filter(
      (delivery) =>
        !delivery.abandoned && !delivery.settled && (delivery.ended === null || delivery.ended === 'stop'),
    );
    if (held.length === 0) return;
    // Of two deliveries of one job held here, only the newest attempt can still hold the claim.
    const newest = new Map<string, Delivery>();
    for (const delivery of held) {
      const other = newest.get(delivery.job.id);
      if (other === undefined || other.job.retryCount < delivery.job.retryCount)
        newest.set(delivery.job.id, delivery);
    }
    for (const delivery of held) {
      if (newest.get(delivery.job.id) !== delivery)
        this.#end(delivery, 'lease', 'a newer attempt claimed it');
    }
    const candidates = [...newest.values()];
    const sentAt = performance.now();
    let renewed: ReadonlySet<string> | null;
    try {
      const response = commandResponse.parse(
        await boss.touch(
          queue,
          candidates.map((delivery) => delivery.job),
        ),
      );
      renewed =
        response.settled !== undefined
          ? new Set(response.settled)
          : response.affected === candidates.length
            ? new Set(candidates.map((delivery) => delivery.job.id))
            : null;
    } catch (error) {
      this.#warnThrottled('heartbeat', 'heartbeat did not reach Postgres', error);
      const now = performance.now();
      for (const delivery of candidates) {
        if (now >= delivery.leaseUntil) {
          this.#end(delivery, 'lease', `no heartbeat reached Postgres for ${String(leaseSeconds)} s`);
        }
      }
      return;
    }
    for (const delivery of candidates) {
      if (delivery.settled) continue; // completed while the touch was on its way
      if (renewed?.has(delivery.job.id) === true) {
        delivery.leaseUntil = sentAt + leaseSeconds * 1000;
        continue;
      }
      const state = await this.#stateOf(boss, delivery.job);
      if (state === 'held') delivery.leaseUntil = sentAt + leaseSeconds * 1000;
      else if (state === 'cancelled') this.#end(delivery, 'cancel');
      else this.#end(delivery, 'lease', state);
    }
  }

  /** 'held' when the job is still active at this attempt, else what became of it. */
  async #stateOf(boss: PgBoss, job: JobAttempt): Promise<string> {
    try {
      const [found] = await boss.findJobs(this.#options.queue, { id: job.id });
      if (found === undefined) return 'its job is gone';
      if (found.state === 'active' && found.retryCount === job.retryCount) return 'held';
      if (found.state === 'cancelled') return 'cancelled';
      return `its job is ${found.state} at retry ${String(found.retryCount)}`;
    } catch {
      return 'its claim could not be confirmed';
    }
  }

  // ------------------------------------------------------------------ logging

  /** Logs at most one warning per `key` every few seconds (an outage repeats them in every loop). */
  #warnThrottled(key: string, message: string, error: unknown): void {
    const now = performance.now();
    const last = this.#throttled.get(key);
    if (last !== undefined && now - last.at < THROTTLE_MS) {
      last.suppressed += 1;
      return;
    }
    this.#throttled.set(key, { at: now, suppressed: 0 });
    this.#logger.warn(message, { err: toError(error), suppressed: last?.suppressed ?? 0 });
  }
}
