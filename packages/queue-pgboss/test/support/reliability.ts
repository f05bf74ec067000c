/**
 * The reliability tests' setup: a state store with agents and missions, the ledger, workers in
 * this process and in child processes (test/fixtures/mission-worker.mjs on the built package),
 * and the checks every drain ends with.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import type { MissionRecord } from '@fracta/domain';
import { type Logger, silentLogger } from '@fracta/logger';
import { openStore, type StateStore } from '@fracta/store-typeorm';

import { PgBossMissionQueue, type QueueTuning } from '../../src/index.js';
import { ledgerHandler, MissionLedger } from '../fixtures/mission-ledger.mjs';

import { FAST, jobsOf, waitFor, type JobRow } from './harness.js';

const WORKER_SCRIPT = fileURLToPath(new URL('../fixtures/mission-worker.mjs', import.meta.url));

export interface Books {
  readonly store: StateStore;
  readonly ledger: MissionLedger;
  close(): Promise<void>;
}

export async function openBooks(url: string): Promise<Books> {
  const store = await openStore({ kind: 'postgres', url, poolMax: 8 });
  const ledger = new MissionLedger(url);
  await ledger.install();
  return {
    store,
    ledger,
    close: async () => {
      await ledger.close();
      await store.close();
    },
  };
}

/** `count` pending missions spread over `agents` agents, oldest first. */
export async function seedMissions(
  store: StateStore,
  prefix: string,
  count: number,
  agents = 10,
): Promise<MissionRecord[]> {
  const at = new Date();
  for (let a = 0; a < agents; a += 1) {
    await store.agents.create({
      draft: { name: `${prefix}-a${String(a)}`, runtime: 'command' },
      trigger: 'enqueue',
      at,
    });
  }
  const missions: MissionRecord[] = [];
  for (let i = 0; i < count; i += 1) {
    missions.push(
      await store.missions.create({
        id: `${prefix}-m${String(i).padStart(4, '0')}`,
        agent: `${prefix}-a${String(i % agents)}`,
        runKind: 'initial',
        prompt: `task ${String(i)}`,
        payload: { i },
        createdAt: new Date(at.getTime() + i),
      }),
    );
  }
  return missions;
}

export interface WorkerSettings {
  readonly worker: string;
  readonly concurrency: number;
  readonly workMs: number;
  readonly honourAbort: boolean;
}

/** A worker in this process, on the same books. */
export async function inProcessWorker(
  url: string,
  queue: string,
  books: Books,
  settings: WorkerSettings,
  tuning: QueueTuning = {},
  logger: Logger = silentLogger(),
): Promise<PgBossMissionQueue> {
  const worker = new PgBossMissionQueue({
    ...FAST,
    poolMax: 5,
    ...tuning,
    url,
    queue,
    logger,
    onError: () => undefined,
  });
  await worker.start();
  await worker.work(ledgerHandler({ missions: books.store.missions, ledger: books.ledger, ...settings }), {
    concurrency: settings.concurrency,
  });
  return worker;
}

/** A worker process (a control plane's dispatcher, as far as the queue is concerned). */
export class WorkerProcess {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #exited: Promise<number | null>;
  #stderr = '';
  #stdout = '';

  private constructor(child: ChildProcessWithoutNullStreams) {
    this.#child = child;
    child.stderr.on('data', (chunk: Buffer) => {
      this.#stderr += chunk.toString();
    });
    child.stdout.on('data', (chunk: Buffer) => {
      this.#stdout += chunk.toString();
    });
    this.#exited = new Promise((resolve) =>
      child.once('exit', (code) => {
        resolve(code);
      }),
    );
  }

  static async spawn(
    url: string,
    queue: string,
    settings: WorkerSettings & { readonly reenqueueOpen?: boolean },
    tuning: QueueTuning = {},
  ): Promise<WorkerProcess> {
    const config = {
      storeUrl: url,
      worker: settings.worker,
      concurrency: settings.concurrency,
      workMs: settings.workMs,
      honourAbort: settings.honourAbort,
      reenqueueOpen: settings.reenqueueOpen ?? false,
      queue: { ...FAST, poolMax: 5, ...tuning, url, queue },
    };
    const child = spawn(process.execPath, [WORKER_SCRIPT, JSON.stringify(config)], { stdio: 'pipe' });
    const worker = new WorkerProcess(child);
    await waitFor(
      `worker ${settings.worker} to be ready`,
      () => worker.#stdout.includes('ready\n') || worker.#died(),
      20_000,
    );
    if (worker.#died()) throw new Error(`worker ${settings.worker} died at start: ${worker.#stderr}`);
    return worker;
  }

  #died(): boolean {
    return this.#child.exitCode !== null || this.#child.signalCode !== null;
  }

  get pid(): number {
    return this.#child.pid ?? -1;
  }

  /** What it logged (warnings and errors, one JSON object a line). */
  get stderr(): string {
    return this.#stderr;
  }

  signal(signal: NodeJS.Signals): void {
    this.#child.kill(signal);
  }

  /** Exit code (null when killed by a signal). */
  exited(): Promise<number | null> {
    return this.#exited;
  }

  async kill(): Promise<void> {
    if (this.#died()) return;
    this.#child.kill('SIGCONT');
    this.#child.kill('SIGKILL');
    await this.#exited;
  }
}

export interface StartRow {
  readonly mission_id: string;
  readonly attempt: number;
  readonly worker: string;
  readonly at: Date;
}

interface ResultRow {
  readonly mission_id: string;
  readonly attempt: number;
  readonly worker: string;
  readonly applied: boolean;
}

/**
 * Waits until every mission has its applied result in the ledger; on a timeout the error says
 * where the books stand (job states, store statuses, why failed jobs failed).
 */
export async function drained(
  url: string,
  queue: string,
  books: Books,
  missions: readonly MissionRecord[],
  timeoutMs: number,
): Promise<void> {
  try {
    await waitFor(
      `${String(missions.length)} outcomes`,
      async () => (await books.ledger.count('ledger_result', 'applied')) >= missions.length,
      timeoutMs,
      100,
    );
  } catch (error) {
    const books_ = await tally(url, queue, books, missions);
    const statuses: Record<string, number> = {};
    for (const mission of missions) {
      const { status } = await books.store.missions.get(mission.id);
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
    const failed = books_.jobRows.filter((job) => job.state === 'failed').slice(0, 5);
    throw new Error(
      `${(error as Error).message}: ${JSON.stringify({ applied: books_.applied, jobStates: books_.jobStates, statuses, failed })}`,
      { cause: error },
    );
  }
}

export interface Tally {
  /** Missions completed in the state store. */
  readonly completed: number;
  /** Applied results in the ledger (a fenced finish that landed). */
  readonly applied: number;
  readonly withOneOutcome: number;
  readonly withSeveralOutcomes: readonly string[];
  /** Applied results whose attempt is not the one the store finished the mission at. */
  readonly staleApplied: number;
  /** Results that the fencing rejected (a stale attempt's late finish). */
  readonly rejected: number;
  readonly jobs: number;
  readonly jobStates: Readonly<Record<string, number>>;
  readonly starts: readonly StartRow[];
  readonly results: readonly ResultRow[];
  readonly jobRows: readonly JobRow[];
}

/** The books after a drain, to hold against "every mission exactly once". */
export async function tally(
  url: string,
  queue: string,
  books: Books,
  missions: readonly MissionRecord[],
): Promise<Tally> {
  const records = await Promise.all(missions.map((m) => books.store.missions.get(m.id)));
  const finishedAt = new Map(records.map((r) => [r.id, r.attempt]));
  const results = await books.ledger.rows<ResultRow>('ledger_result');
  const applied = results.filter((r) => r.applied);
  const perMission = new Map<string, number>();
  for (const row of applied) perMission.set(row.mission_id, (perMission.get(row.mission_id) ?? 0) + 1);
  const jobRows = await jobsOf(url, queue);
  const jobStates: Record<string, number> = {};
  for (const job of jobRows) jobStates[job.state] = (jobStates[job.state] ?? 0) + 1;
  return {
    completed: records.filter((r) => r.status === 'completed').length,
    applied: applied.length,
    withOneOutcome: [...perMission.values()].filter((n) => n === 1).length,
    withSeveralOutcomes: [...perMission].filter(([, n]) => n > 1).map(([id]) => id),
    staleApplied: applied.filter((r) => finishedAt.get(r.mission_id) !== r.attempt).length,
    rejected: results.filter((r) => !r.applied).length,
    jobs: jobRows.length,
    jobStates,
    starts: await books.ledger.rows<StartRow>('ledger_start'),
    results,
    jobRows,
  };
}

/** Mission ids → the attempts that started it, in order, as `<attempt>:<worker>`. */
export function startsByMission(starts: readonly StartRow[]): Map<string, string[]> {
  const by = new Map<string, string[]>();
  for (const row of starts)
    by.set(row.mission_id, [...(by.get(row.mission_id) ?? []), `${String(row.attempt)}:${row.worker}`]);
  return by;
}

/** Awaits `promise`; when it fails, adds what the worker processes logged to the error. */
export async function withLogs<T>(workers: readonly WorkerProcess[], promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    const logs = workers
      .map((worker) => `--- worker ${String(worker.pid)}:\n${worker.stderr.slice(-4_000)}`)
      .join('\n');
    throw new Error(`${(error as Error).message}\n${logs}`, { cause: error });
  }
}
