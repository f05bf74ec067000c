import { createTestDatabase, type TestDatabase } from '@fracta/test-postgres';
import { afterAll, beforeAll } from '@jest/globals';

import { aMission, freshQueueName, makeQueue } from '../support/harness.js';

import { describeMissionQueueContract } from './mission-queue.contract.js';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase('queue_contract');
});

afterAll(async () => {
  await database.drop();
});

describeMissionQueueContract('PgBossMissionQueue', {
  make: async () => {
    const made = makeQueue(database.url, { queue: freshQueueName('contract') });
    await made.queue.start();
    return made;
  },
  mission: aMission,
  quietMs: 700,
});
