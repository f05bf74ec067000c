/**
 * Workers in other processes dying, freezing and restarting in the middle of a drain of 500
 * missions, counted in the books (state store + ledger): every mission reaches its outcome exactly
 * once, a dead worker's missions come back once after their lease with a new attempt, and a
 * frozen worker's late results are rejected by the store's fencing.
 */
import type { MissionRecord } from '@fracta/domain';
import { createTestDatabase, type TestDatabase } from '@fracta/test-postgres';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import type { PgBossMissionQueue } from '../../src/index.js';
import { freshQueueName, makeQueue, sleep, waitFor } from '../support/harness.js';
import {
  drained,
  inProcessWorker,
  openBooks,
  seedMissions,
  startsByMission,
  tally,
  WorkerProcess,
  type Books,
  type StartRow,
  withLogs,
} from '../support/reliability.js';

const MISSIONS = 500;

let database: TestDatabase;
let books: Books;
const processes: WorkerProcess[] = [];
const queues: PgBossMissionQueue[] = [];

beforeEach(async () => {
  database = await createTestDatabase('reliability');
  books = await openBooks(database.url);
});

afterEach(async () => {
  await Promise.all(processes.splice(0).map((p) => p.kill()));
  await Promise.all(queues.splice(0).map((q) => q.stop()));
  await books.close();
  await database.drop();
});

/** Seeds the missions and enqueues them through a producer queue of this process. */
async function enqueueAll(queue: string, prefix: string): Promise<MissionRecord[]> {
  const missions = await seedMissions(books.store, prefix, MISSIONS);
  const producer = makeQueue(database.url, { queue, poolMax: 4 });
  await producer.queue.start();
  queues.push(producer.queue);
  for (const mission of missions) await producer.queue.enqueue(mission);
  return missions;
}

async function spawnWorker(...args: Parameters<typeof WorkerProcess.spawn>): Promise<WorkerProcess> {
  const worker = await WorkerProcess.spawn(...args);
  processes.push(worker);
  return worker;
}

async function startsOf(worker: string): Promise<StartRow[]> {
  return (await books.ledger.rows<StartRow>('ledger_start')).filter((row) => row.worker === worker);
}

/** Missions `worker` started and has no result for: the ones in its hands right now. */
async function inFlight(worker: string): Promise<string[]> {
  const { rows } = await books.ledger.query(
    `SELECT s.mission_id FROM ledger_start s
       LEFT JOIN ledger_result r ON r.mission_id = s.mission_id AND r.attempt = s.attempt
      WHERE s.worker = $1 AND r.mission_id IS NULL ORDER BY 1`,
    [worker],
  );
  return rows.map((row) => (row as { mission_id: string }).mission_id);
}

describe('reliability: worker processes', () => {
  it('should re-dispatch the missions of a worker killed with SIGKILL once, after their lease', async () => {
    const queue = freshQueueName('sigkill');
    const missions = await enqueueAll(queue, 'k');
    const doomed = await spawnWorker(database.url, queue, {
      worker: 'doomed',
      concurrency: 60,
      workMs: 4_000,
      honourAbort: false,
    });
    await waitFor('60 missions in flight', async () => (await startsOf('doomed')).length === 60, 15_000);
    doomed.signal('SIGKILL');
    const killedAt = Date.now();
    await doomed.exited();
    const lost = await inFlight('doomed');
    expect(lost).toHaveLength(60);
    // All asleep in their 4 s of work: none had reached its finish.
    const state = await Promise.all(lost.map((id) => books.store.missions.get(id)));
    expect(state.filter((m) => m.status === 'claimed')).toHaveLength(60);

    queues.push(
      await inProcessWorker(database.url, queue, books, {
        worker: 'heir',
        concurrency: 50,
        workMs: 10,
        honourAbort: true,
      }),
    );
    await withLogs(processes, drained(database.url, queue, books, missions, 60_000));
    const books_ = await tally(database.url, queue, books, missions);
    expect(books_).toMatchObject({
      completed: MISSIONS,
      applied: MISSIONS,
      withOneOutcome: MISSIONS,
      withSeveralOutcomes: [],
      staleApplied: 0,
      jobs: MISSIONS,
      jobStates: { completed: MISSIONS },
    });
    const starts = startsByMission(books_.starts);
    for (const id of lost) expect(starts.get(id)).toEqual(['1:doomed', '2:heir']);
    const others = missions.map((m) => m.id).filter((id) => !lost.includes(id));
    expect(others.every((id) => JSON.stringify(starts.get(id)) === '["1:heir"]')).toBe(true);
    expect(books_.starts).toHaveLength(MISSIONS + lost.length);
    // Once: pg-boss delivered each lost mission exactly one more time.
    const retries = new Map(books_.jobRows.map((job) => [job.mission, job.retryCount]));
    expect(lost.map((id) => retries.get(id))).toEqual(lost.map(() => 1));
    expect(others.filter((id) => retries.get(id) !== 0)).toEqual([]);
    // Not before the lease (10 s, last renewed at most a second before the kill).
    const comeback = books_.starts.filter((row) => lost.includes(row.mission_id) && row.attempt === 2);
    const earliest = Math.min(...comeback.map((row) => new Date(row.at).getTime()));
    expect(earliest - killedAt).toBeGreaterThanOrEqual(8_500);
  }, 90_000);

  it("should reject a frozen worker's late results by the fencing, and abort its leases when it wakes", async () => {
    const queue = freshQueueName('sigstop');
    const missions = await enqueueAll(queue, 's');
    const frozen = await spawnWorker(database.url, queue, {
      worker: 'frozen',
      concurrency: 40,
      workMs: 16_000,
      honourAbort: false, // runs on to its late finish whatever the signal says
    });
    await waitFor('40 missions in flight', async () => (await startsOf('frozen')).length === 40, 15_000);
    frozen.signal('SIGSTOP');
    const stale = await inFlight('frozen');
    expect(stale).toHaveLength(40);

    queues.push(
      await inProcessWorker(database.url, queue, books, {
        worker: 'live',
        concurrency: 50,
        workMs: 10,
        honourAbort: true,
      }),
    );
    await withLogs(processes, drained(database.url, queue, books, missions, 60_000));
    frozen.signal('SIGCONT');
    await waitFor(
      'the late results',
      async () => (await books.ledger.count('ledger_result', 'NOT applied')) === 40,
      20_000,
      200,
    );
    await withLogs(
      [frozen],
      waitFor('the aborts', async () => (await books.ledger.count('ledger_abort')) === 40, 5_000),
    );

    const books_ = await tally(database.url, queue, books, missions);
    expect(books_).toMatchObject({
      completed: MISSIONS,
      applied: MISSIONS,
      withOneOutcome: MISSIONS,
      withSeveralOutcomes: [],
      staleApplied: 0,
      rejected: 40,
      jobs: MISSIONS,
      jobStates: { completed: MISSIONS },
    });
    const rejected = books_.results.filter((row) => !row.applied);
    expect(rejected.map((row) => `${row.mission_id}:${String(row.attempt)}:${row.worker}`)).toEqual(
      stale.map((id) => `${id}:1:frozen`),
    );
    const applied = new Map(books_.results.filter((row) => row.applied).map((row) => [row.mission_id, row]));
    expect(
      stale.map((id) => `${String(applied.get(id)?.attempt)}:${String(applied.get(id)?.worker)}`),
    ).toEqual(stale.map(() => '2:live'));
    const aborts = await books.ledger.rows<{ mission_id: string; worker: string; code: string }>(
      'ledger_abort',
    );
    expect(aborts.map((row) => `${row.mission_id}:${row.worker}:${row.code}`)).toEqual(
      stale.map((id) => `${id}:frozen:MISSION_LEASE_LOST`),
    );
  }, 90_000);

  it.each([
    ['crashes (SIGKILL)', 'SIGKILL' as const],
    ['is stopped (SIGTERM, graceful)', 'SIGTERM' as const],
  ])(
    'should hand every in-flight mission to the next control plane when the old one %s mid-drain',
    async (_, signal) => {
      const queue = freshQueueName('restart');
      const missions = await enqueueAll(queue, 'r');
      const old = await spawnWorker(database.url, queue, {
        worker: 'old',
        concurrency: 50,
        workMs: 150,
        honourAbort: true,
      });
      await waitFor(
        'a good part of the drain',
        async () => (await books.ledger.count('ledger_result')) >= 200,
        30_000,
        20,
      );
      old.signal(signal);
      const stoppedAt = Date.now();
      await old.exited();
      // In its hands when it went: claimed in the store, or finished there with the ledger entry
      // still to write (a crash between the two; the next delivery reconciles it).
      const inHand = await inFlight('old');
      const state = await Promise.all(inHand.map((id) => books.store.missions.get(id)));
      const handedOver = state.filter((m) => m.status === 'claimed').map((m) => m.id);
      const finishedUnrecorded = state.filter((m) => m.status === 'completed').map((m) => m.id);
      expect(handedOver.length).toBeGreaterThan(0);
      expect(inHand.length).toBeLessThanOrEqual(50);
      expect(handedOver.length + finishedUnrecorded.length).toBe(inHand.length);

      // The new control plane enqueues every open mission again, as the dispatcher does at start-up.
      await spawnWorker(database.url, queue, {
        worker: 'new',
        concurrency: 50,
        workMs: 150,
        honourAbort: true,
        reenqueueOpen: true,
      });
      await withLogs(processes, drained(database.url, queue, books, missions, 60_000));
      const books_ = await tally(database.url, queue, books, missions);
      expect(books_).toMatchObject({
        completed: MISSIONS,
        applied: MISSIONS,
        withOneOutcome: MISSIONS,
        withSeveralOutcomes: [],
        staleApplied: 0,
        jobs: MISSIONS, // re-enqueueing the open missions added no job
        jobStates: { completed: MISSIONS },
      });
      const starts = startsByMission(books_.starts);
      for (const id of handedOver) expect(starts.get(id)).toEqual(['1:old', '2:new']);
      for (const id of finishedUnrecorded) expect(starts.get(id)).toEqual(['1:old']);
      expect(books_.starts).toHaveLength(MISSIONS + handedOver.length);
      const reconciled = books_.results
        .filter((row) => row.worker === 'reconciled')
        .map((row) => row.mission_id);
      expect(reconciled.sort()).toEqual(finishedUnrecorded.sort());
      const retries = new Map(books_.jobRows.map((job) => [job.mission, job.retryCount]));
      expect(inHand.map((id) => retries.get(id))).toEqual(inHand.map(() => 1));
      const comeback = Math.min(
        ...books_.starts
          .filter((row) => handedOver.includes(row.mission_id) && row.attempt === 2)
          .map((row) => new Date(row.at).getTime()),
      );
      const aborts = await books.ledger.rows<{ mission_id: string; worker: string; code: string }>(
        'ledger_abort',
      );
      if (signal === 'SIGKILL') {
        // After the lease: nobody could tell the old one was gone before.
        expect(comeback - stoppedAt).toBeGreaterThanOrEqual(8_500);
        expect(aborts).toEqual([]);
      } else {
        // Released at stop: back within the retry delay, long before the lease.
        expect(comeback - stoppedAt).toBeLessThan(6_000);
        // Every running handler was told; those already past their work finished it anyway.
        expect(new Set(aborts.map((row) => `${row.worker}:${row.code}`))).toEqual(
          new Set(['old:QUEUE_STOPPED']),
        );
        const aborted = new Set(aborts.map((row) => row.mission_id));
        expect(handedOver.filter((id) => !aborted.has(id))).toEqual([]);
      }
    },
    90_000,
  );

  it('should abort a mission running in another process when it is cancelled, and never start one cancelled while queued', async () => {
    const queue = freshQueueName('xcancel');
    const missions = await seedMissions(books.store, 'c', 8, 2);
    const producer = makeQueue(database.url, { queue, poolMax: 4 });
    await producer.queue.start();
    queues.push(producer.queue);
    for (const mission of missions) await producer.queue.enqueue(mission);
    await spawnWorker(
      database.url,
      queue,
      { worker: 'remote', concurrency: 5, workMs: 60_000, honourAbort: true },
      { heartbeatSeconds: 9 }, // an abort within a second is the NOTIFY's, not the heartbeat's
    );
    await waitFor('five running', async () => (await startsOf('remote')).length === 5);
    const running = (await startsOf('remote')).map((row) => row.mission_id);
    const queued = missions.map((m) => m.id).filter((id) => !running.includes(id));
    expect(queued).toHaveLength(3);

    // What `fracta kill` does: the store first, then the queue.
    const kill = async (id: string) => {
      await books.store.missions.cancel(id, new Date());
      return producer.queue.cancel(id);
    };
    await expect(kill(queued[0]!)).resolves.toBe(true);
    const cancelledAt = Date.now();
    await expect(kill(running[0]!)).resolves.toBe(true);
    await waitFor(
      'the remote abort',
      async () => (await books.ledger.count('ledger_abort')) === 1,
      3_000,
      10,
    );
    expect(Date.now() - cancelledAt).toBeLessThan(1_000);
    expect(await books.ledger.rows('ledger_abort')).toMatchObject([
      { mission_id: running[0], worker: 'remote', code: 'MISSION_CANCELLED' },
    ]);
    // The freed slot takes a queued mission, never the cancelled one.
    await waitFor('a queued mission to start', async () => (await startsOf('remote')).length === 6);
    for (const id of running.slice(1)) await kill(id);
    await waitFor('the rest to start', async () => (await startsOf('remote')).length === 7);
    await sleep(1_000);
    const startedIds = (await startsOf('remote')).map((row) => row.mission_id);
    expect(startedIds).not.toContain(queued[0]);
    expect(startedIds.sort()).toEqual([...running, ...queued.slice(1)].sort());
  }, 60_000);
});
