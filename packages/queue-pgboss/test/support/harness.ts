/**
 * Shared pieces of the integration tests: short lease settings (the suite runs on 2 cores in CI),
 * queues with a capturing logger and a record of onError, missions, waiting, and a look at the
 * pg-boss job rows behind a queue.
 */
import type { Mission } from '@fracta/domain';
import { CapturingLogger } from '@fracta/logger';
import pg from 'pg';
import { PgBoss } from 'pg-boss';

import { PgBossMissionQueue, type PgBossMissionQueueOptions, type QueueTuning } from '../../src/index.js';

/** The shortest lease pg-boss allows, renewed every second, swept every second. */
export const FAST: QueueTuning = {
  leaseSeconds: 10,
  heartbeatSeconds: 1,
  superviseIntervalSeconds: 1,
  pollIntervalMs: 500,
  retry: { limit: 5, delaySeconds: 1, backoff: false },
  stopTimeoutMs: 5_000,
};

let queueCount = 0;

/** A queue name no other test in this process uses. */
export function freshQueueName(label = 'q'): string {
  queueCount += 1;
  return `${label}-${String(process.pid)}-${String(queueCount)}`;
}

export interface QueueUnderTest {
  readonly queue: PgBossMissionQueue;
  readonly logger: CapturingLogger;
  readonly errors: { mission: Mission; error: Error }[];
}

export function makeQueue(
  url: string,
  tuning: QueueTuning & Partial<PgBossMissionQueueOptions> = {},
): QueueUnderTest {
  const logger = new CapturingLogger();
  const errors: { mission: Mission; error: Error }[] = [];
  const queue = new PgBossMissionQueue({
    ...FAST,
    ...tuning,
    url,
    logger,
    onError: (mission, error) => {
      errors.push({ mission, error });
    },
  });
  return { queue, logger, errors };
}

let missionCount = 0;

export function aMission(overrides: Partial<Mission> = {}): Mission {
  missionCount += 1;
  return {
    id: `mission-${String(missionCount).padStart(5, '0')}`,
    agent: 'agent-0001',
    runKind: 'initial',
    attempt: 0,
    prompt: 'do the task',
    payload: { n: missionCount },
    createdAt: new Date('2026-11-23T10:00:00.000Z'),
    ...overrides,
  };
}

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 10_000,
  everyMs = 25,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${String(timeoutMs)} ms waiting for ${what}`, { cause: last });
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface JobRow {
  readonly mission: string;
  readonly state: string;
  readonly retryCount: number;
  readonly retryLimit: number;
  readonly output: Record<string, unknown> | null;
}

/** The pg-boss jobs of `queue`, oldest first. */
export async function jobsOf(url: string, queue: string, schema = 'pgboss'): Promise<JobRow[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<JobRow>(
      `SELECT singleton_key AS mission, state::text AS state, retry_count AS "retryCount",
              retry_limit AS "retryLimit", output
         FROM ${schema}.job WHERE name = $1 ORDER BY created_on, singleton_key`,
      [queue],
    );
    return rows;
  } finally {
    await client.end();
  }
}

/** Runs SQL on a short-lived connection. */
export async function sql<T extends pg.QueryResultRow = pg.QueryResultRow>(
  url: string,
  text: string,
  values: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** A plain pg-boss instance on the same schema, to do to the queue what another program could. */
export async function rawBoss(url: string): Promise<PgBoss> {
  const boss = new PgBoss({ connectionString: url, supervise: false, schedule: false, migrate: false });
  boss.on('error', () => undefined);
  await boss.start();
  return boss;
}
