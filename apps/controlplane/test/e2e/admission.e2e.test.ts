import type { AgentView, EventsPage } from '@fracta/api-contract';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { startControlPlane, type Harness } from './harness.js';
import { waitForStatus } from './wait.js';

describe('admission: spawns over reaper.max_concurrent are queued, never rejected', () => {
  let cp: Harness;

  beforeAll(async () => {
    cp = await startControlPlane({
      configure: (config) => ({ ...config, reaper: { ...config.reaper, max_concurrent: 2 } }),
    });
  });

  afterAll(async () => {
    await cp.close();
  });

  it('should run five spawns at most two at a time, all to Completed, started in spawn order', async () => {
    const names = ['a1', 'a2', 'a3', 'a4', 'a5'];
    const statuses: string[] = [];
    for (const name of names) {
      const response = await cp.json<AgentView>('POST', '/api/v1/agents', {
        name,
        runtime: 'command',
        command: ['sh', '-c', `sleep 0.4; echo ${name} done`],
      });
      expect(response.status).toBe(201);
      statuses.push(response.body.status);
    }
    expect(statuses).toEqual(['running', 'running', 'queued', 'queued', 'queued']);
    for (const name of names) {
      expect((await waitForStatus(cp, name, 'completed')).last_output).toBe(`${name} done`);
    }

    const events = (await cp.json<EventsPage>('GET', '/api/v1/events?limit=1000')).body.events.filter(
      (event) => event.agent !== null && names.includes(event.agent),
    );
    let running = 0;
    let peak = 0;
    const startOrder: string[] = [];
    for (const event of events) {
      if (event.action === 'agent.started') {
        running++;
        startOrder.push(event.agent ?? '');
      }
      if (event.action === 'agent.completed') running--;
      peak = Math.max(peak, running);
    }
    expect(peak).toBe(2);
    expect(startOrder).toEqual(names);
    expect(running).toBe(0);
  });
});
