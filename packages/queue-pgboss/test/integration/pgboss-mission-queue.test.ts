/**
 * What PgBossMissionQueue adds to the contract, against real Postgres: NOTIFY wake-up across
 * instances (with the polling backstop far away), reconnection, leases kept alive by heartbeats
 * and lost when the claim goes, retry by error category, payload checks on both ends, cancel
 * across instances and through the heartbeat backstop, and a stop that hands missions over.
 */
import net from 'node:net';

import {
  InvariantViolationError,
  StoreUnavailableError,
  ValidationError,
  type Mission,
  type MissionLease,
} from '@fracta/domain';
import { createTestDatabase, type TestDatabase } from '@fracta/test-postgres';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { PgBoss } from 'pg-boss';

import type { PgBossMissionQueue } from '../../src/index.js';
import {
  aMission,
  freshQueueName,
  jobsOf,
  makeQueue,
  rawBoss,
  sleep,
  sql,
  waitFor,
  type QueueUnderTest,
} from '../support/harness.js';

let database: TestDatabase;
const started: PgBossMissionQueue[] = [];
const raws: PgBoss[] = [];

beforeAll(async () => {
  database = await createTestDatabase('queue_pgboss');
});

afterEach(async () => {
  await Promise.all(started.splice(0).map((queue) => queue.stop()));
  await Promise.all(raws.splice(0).map((boss) => boss.stop({ graceful: false })));
});

afterAll(async () => {
  await database.drop();
});

async function queueOn(queue: string, tuning: Parameters<typeof makeQueue>[1] = {}): Promise<QueueUnderTest> {
  const made = makeQueue(database.url, { queue, ...tuning });
  await made.queue.start();
  started.push(made.queue);
  return made;
}

async function raw(): Promise<PgBoss> {
  const boss = await rawBoss(database.url);
  raws.push(boss);
  return boss;
}

/** A handler that records its leases and holds each until told (or until its signal aborts). */
function holdingHandler() {
  const leases: MissionLease[] = [];
  const releases = new Map<string, () => void>();
  const returned: string[] = [];
  const handler = async (lease: MissionLease) => {
    leases.push(lease);
    await new Promise<void>((resolve) => {
      releases.set(lease.mission.id, resolve);
      lease.signal.addEventListener(
        'abort',
        () => {
          resolve();
        },
        { once: true },
      );
    });
    returned.push(lease.mission.id);
  };
  return { handler, leases, returned, release: (id: string) => releases.get(id)?.() };
}

describe('PgBossMissionQueue on Postgres', () => {
  describe('wake-up', () => {
    it('should start a mission enqueued by another instance within milliseconds, through NOTIFY, with polling 30 s away', async () => {
      const name = freshQueueName('notify');
      const producer = await queueOn(name);
      const consumer = await queueOn(name, { pollIntervalMs: 30_000 });
      const startedAt = new Map<string, number>();
      await consumer.queue.work(
        ({ mission }) => {
          startedAt.set(mission.id, performance.now());
          return Promise.resolve();
        },
        { concurrency: 1 },
      );
      await sleep(300); // the consumer's first fetch found nothing; it now waits out its 30 s poll
      const latencies: number[] = [];
      for (let i = 0; i < 5; i += 1) {
        const mission = aMission();
        const sentAt = performance.now();
        await producer.queue.enqueue(mission);
        const at = await waitFor('the start', () => startedAt.get(mission.id), 5_000, 1);
        latencies.push(at - sentAt);
        await sleep(50);
      }
      expect(Math.max(...latencies)).toBeLessThan(500);
    });

    it('should listen again and keep delivering after every connection to Postgres was cut', async () => {
      const name = freshQueueName('reconnect');
      const producer = await queueOn(name);
      const consumer = await queueOn(name, { pollIntervalMs: 30_000 });
      const delivered: string[] = [];
      await consumer.queue.work(
        ({ mission }) => {
          delivered.push(mission.id);
          return Promise.resolve();
        },
        { concurrency: 2 },
      );
      const before = aMission();
      await producer.queue.enqueue(before);
      await waitFor('the first delivery', () => delivered.includes(before.id));
      const cut = await sql<{ n: number }>(
        database.url,
        `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid()`,
      );
      expect(cut[0]!.n).toBeGreaterThanOrEqual(4); // both pools and both pairs of listeners
      await sleep(2_500); // pg-boss's listener reconnects after 1 s
      const after = aMission();
      const sentAt = Date.now();
      await producer.queue.enqueue(after);
      await waitFor('the delivery after the cut', () => delivered.includes(after.id), 10_000);
      expect(Date.now() - sentAt).toBeLessThan(5_000);
    });
  });

  describe('leases', () => {
    it('should keep a mission that runs past its lease with heartbeats, delivered once', async () => {
      const name = freshQueueName('heartbeat');
      const worker = await queueOn(name);
      const other = await queueOn(name);
      let deliveries = 0;
      let aborted = false;
      const handler = async ({ signal }: MissionLease) => {
        deliveries += 1;
        signal.addEventListener('abort', () => (aborted = true), { once: true });
        await sleep(13_000); // lease 10 s; pg-boss sweeps every second
      };
      await worker.queue.work(handler, { concurrency: 1 });
      await other.queue.work(handler, { concurrency: 1 });
      const mission = aMission();
      await worker.queue.enqueue(mission);
      await waitFor(
        'completion',
        async () => (await jobsOf(database.url, name))[0]?.state === 'completed',
        20_000,
        200,
      );
      expect(deliveries).toBe(1);
      expect(aborted).toBe(false);
      expect(await jobsOf(database.url, name)).toMatchObject([{ mission: mission.id, retryCount: 0 }]);
    }, 30_000);

    it('should abort the signal when its claim is taken away, and the mission goes to the next worker', async () => {
      const name = freshQueueName('claim');
      const first = await queueOn(name);
      const holding = holdingHandler();
      await first.queue.work(holding.handler, { concurrency: 1 });
      const mission = aMission();
      await first.queue.enqueue(mission);
      await waitFor('the first delivery', () => holding.leases.length === 1);
      // What the supervisor does to a lease nobody renewed: fail it back to retry.
      const boss = await raw();
      const [job] = await boss.findJobs(name, { key: mission.id });
      await boss.fail(name, job!.id, { message: 'lease expired' });
      const second = await queueOn(name);
      const deliveredAgain: number[] = [];
      await second.queue.work(
        () => {
          deliveredAgain.push(Date.now());
          return Promise.resolve();
        },
        { concurrency: 1 },
      );
      await waitFor('the abort', () => holding.leases[0]!.signal.aborted, 5_000);
      expect(holding.leases[0]!.signal.reason).toMatchObject({
        code: 'MISSION_LEASE_LOST',
        category: 'conflict',
      });
      await waitFor('the re-dispatch', () => deliveredAgain.length === 1, 5_000);
      await waitFor('completion', async () => (await jobsOf(database.url, name))[0]?.state === 'completed');
      expect(await jobsOf(database.url, name)).toMatchObject([{ state: 'completed', retryCount: 1 }]);
    });
  });

  describe('retry by error category', () => {
    it('should retry a transient error with backoff until the handler succeeds', async () => {
      const name = freshQueueName('transient');
      const made = await queueOn(name, { retry: { limit: 3, delaySeconds: 1, backoff: true } });
      const at: number[] = [];
      await made.queue.work(
        () => {
          at.push(Date.now());
          return at.length < 3 ? Promise.reject(new StoreUnavailableError('db hiccup')) : Promise.resolve();
        },
        { concurrency: 1 },
      );
      await made.queue.enqueue(aMission());
      await waitFor(
        'completion',
        async () => (await jobsOf(database.url, name))[0]?.state === 'completed',
        15_000,
      );
      expect(at).toHaveLength(3);
      // pg-boss backoff: delay × (2^n/2 + 2^n/2 × random) seconds, so 1-2 s, then 2-4 s.
      expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(900);
      expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(1_900);
      expect(made.errors.map((e) => e.error.message)).toEqual(['db hiccup', 'db hiccup']);
      expect(await jobsOf(database.url, name)).toMatchObject([{ state: 'completed', retryCount: 2 }]);
    }, 20_000);

    it('should fail a transient error for good once the retries are spent', async () => {
      const name = freshQueueName('spent');
      const made = await queueOn(name, { retry: { limit: 2, delaySeconds: 0, backoff: false } });
      let deliveries = 0;
      await made.queue.work(
        () => {
          deliveries += 1;
          return Promise.reject(new StoreUnavailableError('still down'));
        },
        { concurrency: 1 },
      );
      await made.queue.enqueue(aMission());
      await waitFor(
        'the failure',
        async () => (await jobsOf(database.url, name))[0]?.state === 'failed',
        10_000,
      );
      expect(deliveries).toBe(3);
      expect(await jobsOf(database.url, name)).toMatchObject([
        {
          state: 'failed',
          retryCount: 2,
          output: { code: 'STORE_UNAVAILABLE', category: 'transient', retry: true },
        },
      ]);
    });

    it.each([
      ['an invalid-input domain error', () => new ValidationError('THING_INVALID', 'bad input'), 'invalid'],
      ['a bug', () => new InvariantViolationError('broken invariant'), 'bug'],
      ['an error without a category', () => new Error('plain failure'), null],
    ])('should fail %s at once, without a retry', async (_, makeError, category) => {
      const name = freshQueueName('fatal');
      const made = await queueOn(name, { retry: { limit: 5, delaySeconds: 0, backoff: false } });
      let deliveries = 0;
      await made.queue.work(
        () => {
          deliveries += 1;
          return Promise.reject(makeError());
        },
        { concurrency: 1 },
      );
      const mission = aMission();
      await made.queue.enqueue(mission);
      await waitFor('the failure', async () => (await jobsOf(database.url, name))[0]?.state === 'failed');
      await sleep(1_500); // time for retries, were there any
      expect(deliveries).toBe(1);
      expect(made.errors).toHaveLength(1);
      expect(made.errors[0]!.mission.id).toBe(mission.id);
      expect(await jobsOf(database.url, name)).toMatchObject([
        { state: 'failed', retryCount: 0, output: { category, retry: false } },
      ]);
    });
  });

  describe('payload checks', () => {
    it('should refuse to send a malformed mission, and send nothing', async () => {
      const name = freshQueueName('send-check');
      const made = await queueOn(name);
      const bad = { ...aMission(), runKind: 'resume' } as unknown as Mission;
      await expect(made.queue.enqueue(bad)).rejects.toMatchObject({
        code: 'MISSION_QUEUE_PAYLOAD_INVALID',
        category: 'invalid',
      });
      expect(await jobsOf(database.url, name)).toEqual([]);
    });

    it('should fail a job whose data is not a mission without calling the handler or retrying', async () => {
      const name = freshQueueName('work-check');
      const made = await queueOn(name);
      let calls = 0;
      await made.queue.work(
        () => {
          calls += 1;
          return Promise.resolve();
        },
        { concurrency: 1 },
      );
      const boss = await raw();
      await boss.send(
        name,
        { v: 1, id: 'mission-hand-made', runKind: 'initial' },
        { singletonKey: 'mission-hand-made' },
      );
      await waitFor('the rejection', async () => (await jobsOf(database.url, name))[0]?.state === 'failed');
      expect(calls).toBe(0);
      expect(await jobsOf(database.url, name)).toMatchObject([
        { state: 'failed', retryCount: 0, output: { name: 'MissionPayloadInvalid', retry: false } },
      ]);
      expect(made.logger.messages('error')).toContain('mission job rejected: its data is not a mission');
      // The worker goes on.
      const good = aMission();
      await made.queue.enqueue(good);
      await waitFor('the good mission', () => calls === 1);
    });
  });

  describe('cancel', () => {
    it('should abort a mission running in another instance at once, through NOTIFY', async () => {
      const name = freshQueueName('cancel-notify');
      // Heartbeats 9 s apart: an abort within a second cannot have come from the heartbeat.
      const runner = await queueOn(name, { heartbeatSeconds: 9 });
      const canceller = await queueOn(name, { heartbeatSeconds: 9 });
      const holding = holdingHandler();
      await runner.queue.work(holding.handler, { concurrency: 1 });
      const mission = aMission();
      await canceller.queue.enqueue(mission);
      await waitFor('the delivery', () => holding.leases.length === 1);
      const cancelledAt = Date.now();
      await expect(canceller.queue.cancel(mission.id)).resolves.toBe(true);
      await waitFor('the abort', () => holding.returned.length === 1, 3_000, 5);
      expect(Date.now() - cancelledAt).toBeLessThan(1_000);
      expect(holding.leases[0]!.signal.reason).toMatchObject({ code: 'MISSION_CANCELLED' });
      await sleep(700);
      expect(await jobsOf(database.url, name)).toMatchObject([{ state: 'cancelled' }]);
      await expect(canceller.queue.cancel(mission.id)).resolves.toBe(false);
    });

    it('should still abort a running mission whose job was cancelled without a notification (heartbeat backstop)', async () => {
      const name = freshQueueName('cancel-backstop');
      const runner = await queueOn(name);
      const holding = holdingHandler();
      await runner.queue.work(holding.handler, { concurrency: 1 });
      const mission = aMission();
      await runner.queue.enqueue(mission);
      await waitFor('the delivery', () => holding.leases.length === 1);
      const boss = await raw();
      const [job] = await boss.findJobs(name, { key: mission.id });
      await boss.cancel(name, job!.id);
      await waitFor('the abort', () => holding.returned.length === 1, 3_000);
      expect(holding.leases[0]!.signal.reason).toMatchObject({ code: 'MISSION_CANCELLED' });
    });
  });

  describe('stop', () => {
    it('should release running missions so another worker takes them over at once, not after the lease', async () => {
      const name = freshQueueName('handover');
      const leaving = await queueOn(name);
      const holding = holdingHandler();
      await leaving.queue.work(holding.handler, { concurrency: 2 });
      const missions = [aMission(), aMission()];
      for (const mission of missions) await leaving.queue.enqueue(mission);
      await waitFor('both deliveries', () => holding.leases.length === 2);
      const staying = await queueOn(name);
      const takenOver: string[] = [];
      await staying.queue.work(
        ({ mission }) => {
          takenOver.push(mission.id);
          return Promise.resolve();
        },
        { concurrency: 2 },
      );
      const stoppedAt = Date.now();
      await leaving.queue.stop();
      expect(holding.leases.map((lease): unknown => lease.signal.reason)).toEqual([
        expect.objectContaining({ code: 'QUEUE_STOPPED' }),
        expect.objectContaining({ code: 'QUEUE_STOPPED' }),
      ]);
      await waitFor('the takeover', () => takenOver.length === 2, 8_000);
      expect(Date.now() - stoppedAt).toBeLessThan(5_000); // retry delay 1 s; the lease is 10 s
      expect(takenOver.sort()).toEqual(missions.map((m) => m.id).sort());
      await waitFor('completion', async () =>
        (await jobsOf(database.url, name)).every((job) => job.state === 'completed' && job.retryCount === 1),
      );
    });

    it('should stop waiting for a handler that ignores its signal after stopTimeoutMs, and release its mission', async () => {
      const name = freshQueueName('stubborn');
      const leaving = await queueOn(name, { stopTimeoutMs: 300 });
      let finishedLate = false;
      await leaving.queue.work(
        async () => {
          await sleep(4_000);
          finishedLate = true;
        },
        { concurrency: 1 },
      );
      await leaving.queue.enqueue(aMission());
      await waitFor('the delivery', () => leaving.queue.runningCount === 1);
      const stopping = Date.now();
      await leaving.queue.stop();
      expect(Date.now() - stopping).toBeLessThan(2_500);
      expect(leaving.logger.messages('warn')).toContain(
        'handlers still running after stopTimeoutMs; their missions are released',
      );
      expect(await jobsOf(database.url, name)).toMatchObject([{ state: 'retry', retryCount: 0 }]);
      const staying = await queueOn(name);
      await staying.queue.work(() => Promise.resolve(), { concurrency: 1 });
      await waitFor(
        'completion by the other worker',
        async () => (await jobsOf(database.url, name))[0]?.state === 'completed',
      );
      await waitFor('the stubborn handler', () => finishedLate, 6_000);
      await sleep(300);
      expect(await jobsOf(database.url, name)).toMatchObject([{ state: 'completed', retryCount: 1 }]);
    });

    it('should be idempotent and restartable', async () => {
      const name = freshQueueName('restart');
      const made = await queueOn(name);
      await Promise.all([made.queue.start(), made.queue.start()]);
      await Promise.all([made.queue.stop(), made.queue.stop()]);
      await made.queue.start();
      const delivered: string[] = [];
      await made.queue.work(
        ({ mission }) => {
          delivered.push(mission.id);
          return Promise.resolve();
        },
        { concurrency: 1 },
      );
      const mission = aMission();
      await made.queue.enqueue(mission);
      await waitFor('the delivery after a restart', () => delivered.includes(mission.id));
    });
  });

  describe('failures around Postgres', () => {
    async function closedPort(): Promise<number> {
      return await new Promise((resolve) => {
        const server = net.createServer().listen(0, '127.0.0.1', () => {
          const { port } = server.address() as net.AddressInfo;
          server.close(() => {
            resolve(port);
          });
        });
      });
    }

    it('should fail to start with a transient error that names the database without its password', async () => {
      const port = await closedPort();
      const made = makeQueue(`postgres://fracta:s3cret@127.0.0.1:${String(port)}/fracta`, {
        connectTimeoutMs: 1_000,
      });
      const error = await made.queue.start().catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'QUEUE_UNAVAILABLE', category: 'transient' });
      expect((error as Error).message).toContain(`postgres://fracta:***@127.0.0.1:${String(port)}/fracta`);
      expect((error as Error).message).not.toContain('s3cret');
    });

    it('should refuse enqueue and cancel before start, as a bug', async () => {
      const made = makeQueue(database.url, { queue: freshQueueName('unstarted') });
      await expect(made.queue.enqueue(aMission())).rejects.toMatchObject({ category: 'bug' });
      await expect(made.queue.cancel('mission-x')).rejects.toThrow(/call start\(\) first/);
    });

    it('should refuse a queue of the same name that pg-boss keeps under another policy', async () => {
      const name = freshQueueName('policy');
      const boss = await raw();
      await boss.createQueue(name, { policy: 'standard' });
      const made = makeQueue(database.url, { queue: name });
      await expect(made.queue.start()).rejects.toThrow(/exists with policy standard, not exclusive/);
    });

    it('should apply the latest configuration to an existing queue', async () => {
      const name = freshQueueName('settings');
      await queueOn(name, { leaseSeconds: 10, retry: { limit: 1, delaySeconds: 1, backoff: false } });
      await queueOn(name, {
        leaseSeconds: 20,
        retry: { limit: 4, delaySeconds: 2, backoff: true, maxDelaySeconds: 30 },
      });
      const [row] = await sql(
        database.url,
        `SELECT heartbeat_seconds, retry_limit, retry_delay, retry_backoff, retry_delay_max, notify, policy
           FROM pgboss.queue WHERE name = $1`,
        [name],
      );
      expect(row).toEqual({
        heartbeat_seconds: 20,
        retry_limit: 4,
        retry_delay: 2,
        retry_backoff: true,
        retry_delay_max: 30,
        notify: true,
        policy: 'exclusive',
      });
    });
  });
});
