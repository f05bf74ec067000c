import { createTestDatabase, type TestDatabase } from '@fracta/test-postgres';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { startControlPlane, type Harness } from './harness.js';

describe('control plane on Postgres (team mode state)', () => {
  let database: TestDatabase;
  let cp: Harness;

  beforeAll(async () => {
    database = await createTestDatabase('cp_e2e');
    cp = await startControlPlane({ state: { driver: 'postgres', url: database.url, pool_max: 4 } });
  });

  afterAll(async () => {
    await cp.close();
    await database.drop();
  });

  it('should serve agents and events from Postgres', async () => {
    expect(cp.store.dialect).toBe('postgres');
    await cp.store.agents.create({
      draft: { name: 'pg-agent', runtime: 'opencode' },
      trigger: 'enqueue',
      at: new Date(),
    });
    const agent = (await (await cp.call('/api/v1/agents/pg-agent')).json()) as {
      status: string;
      runtime: string;
    };
    expect(agent).toMatchObject({ status: 'queued', runtime: 'opencode' });
    const events = (await (await cp.call('/api/v1/events')).json()) as { events: { action: string }[] };
    expect(events.events.map((e) => e.action)).toEqual(['agent.queued']);
  });
});
