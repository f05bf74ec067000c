/**
 * Team mode in one process: Postgres state and the pg-boss queue. Spawns beyond the workers are
 * queued and start in order; a queued agent that is killed never starts; a running one is stopped.
 */
import type { AgentView, EventsPage } from '@fracta/api-contract';
import { createTestDatabase, type TestDatabase } from '@fracta/test-postgres';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { startControlPlane, type Harness } from './harness.js';
import { processesWithEnv, waitForStatus } from './wait.js';

describe('control plane on Postgres with the pg-boss queue', () => {
  let database: TestDatabase;
  let cp: Harness;

  beforeAll(async () => {
    database = await createTestDatabase('cp_pgboss');
    cp = await startControlPlane({
      state: { driver: 'postgres', url: database.url, pool_max: 4 },
      configure: (config) => ({
        ...config,
        runtime: { ...config.runtime, queue: { backend: 'postgres', workers: 2, lease_timeout: 10_000 } },
        reaper: { ...config.reaper, max_concurrent: 2 },
      }),
    });
  });

  afterAll(async () => {
    await cp.close();
    await database.drop();
  });

  const spawn = (name: string, command: string[]) =>
    cp.json<AgentView>('POST', '/api/v1/agents', { name, runtime: 'command', command });

  it('should run queued spawns two at a time, in order, all to Completed', async () => {
    const names = ['p1', 'p2', 'p3', 'p4'];
    for (const name of names) {
      expect((await spawn(name, ['sh', '-c', `sleep 0.3; echo ${name}`])).status).toBe(201);
    }
    for (const name of names)
      expect((await waitForStatus(cp, name, 'completed', 30_000)).last_output).toBe(name);
    const events = (await cp.json<EventsPage>('GET', '/api/v1/events?limit=1000')).body.events.filter(
      (event) => event.agent !== null && names.includes(event.agent),
    );
    let running = 0;
    let peak = 0;
    const started: string[] = [];
    for (const event of events) {
      if (event.action === 'agent.started') {
        running++;
        started.push(event.agent ?? '');
      }
      if (event.action === 'agent.completed') running--;
      peak = Math.max(peak, running);
    }
    expect(peak).toBeLessThanOrEqual(2);
    expect(started).toEqual(names);
  });

  it('should never start a queued agent that was killed, and stop a running one', async () => {
    await spawn('hold-1', ['sleep', '60']);
    await spawn('hold-2', ['sleep', '60']);
    await waitForStatus(cp, 'hold-1', 'running', 20_000);
    await waitForStatus(cp, 'hold-2', 'running', 20_000);
    const queued = await spawn('never', ['sh', '-c', 'echo started > started.txt']);
    expect(queued.body.status).toBe('queued');
    const killed = await cp.json<AgentView>('DELETE', '/api/v1/agents/never?keep_files=true');
    expect(killed.body.status).toBe('stopped');

    const stopped = await cp.json<AgentView>('DELETE', '/api/v1/agents/hold-1');
    expect(stopped.body.status).toBe('stopped');
    expect(processesWithEnv('FRACTA_AGENT', 'hold-1')).toEqual([]);
    // a slot is free now; the killed agent still never runs
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await cp.json<AgentView>('GET', '/api/v1/agents/never')).body).toMatchObject({
      status: 'stopped',
      started_at: null,
    });
    expect((await cp.json<{ runs: unknown[] }>('GET', '/api/v1/agents/never/runs')).body.runs).toEqual([]);
    await cp.json('DELETE', '/api/v1/agents/hold-2');
    await cp.json('DELETE', '/api/v1/agents/never');
  });
});
