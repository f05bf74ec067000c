import net from 'node:net';

import { ControlPlaneClient } from '@fracta/api-contract';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { startControlPlane, TOKEN, type Harness } from './harness.js';

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

describe(ControlPlaneClient.name, () => {
  let cp: Harness;
  let client: ControlPlaneClient;

  beforeAll(async () => {
    cp = await startControlPlane();
    client = new ControlPlaneClient({ baseUrl: cp.url, token: TOKEN });
  });

  afterAll(async () => {
    await cp.close();
  });

  it('should read agents, runs and events through the contract', async () => {
    await cp.store.agents.create({
      draft: { name: 'via-client', runtime: 'claude' },
      trigger: 'start',
      at: new Date(),
    });
    expect((await client.health()).status).toBe('ok');
    expect((await client.listAgents({ status: 'running' })).agents.map((a) => a.name)).toEqual([
      'via-client',
    ]);
    expect(await client.getAgent('via-client')).toMatchObject({ status: 'running', runtime: 'claude' });
    expect(await client.runs('via-client')).toEqual([]);
    expect((await client.events({ agent: 'via-client' })).events.map((e) => e.action)).toEqual([
      'agent.started',
    ]);
  });

  it("should raise the server's error code with a category", async () => {
    await expect(client.getAgent('nobody')).rejects.toMatchObject({
      code: 'AGENT_NOT_FOUND',
      category: 'not_found',
      status: 404,
    });
    const anonymous = new ControlPlaneClient({ baseUrl: cp.url, token: 'wrong' });
    await expect(anonymous.listAgents()).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
      category: 'forbidden',
    });
  });

  it('should say how to start the control plane when nothing listens', async () => {
    const port = await closedPort();
    const nowhere = new ControlPlaneClient({ baseUrl: `http://127.0.0.1:${port}`, token: TOKEN });
    await expect(nowhere.listAgents()).rejects.toMatchObject({
      code: 'CONTROL_PLANE_UNREACHABLE',
      category: 'transient',
      message: expect.stringContaining('fracta controlplane start') as unknown,
    });
  });

  it('should stream events with watch until aborted', async () => {
    await cp.store.agents.create({
      draft: { name: 'streamed', runtime: 'command' },
      trigger: 'start',
      at: new Date(),
    });
    const abort = new AbortController();
    const seen: string[] = [];
    const since = (await client.events({ agent: 'streamed' })).events[0]?.id ?? 1;
    const consuming = (async () => {
      for await (const event of client.watch({ since: since - 1, agent: 'streamed' }, abort.signal)) {
        seen.push(event.action);
        if (event.action === 'agent.stopped') abort.abort();
      }
    })();
    await cp.store.agents.transition({ name: 'streamed', trigger: 'stop', at: new Date() });
    await consuming;
    expect(seen).toEqual(['agent.started', 'agent.stopped']);
  });
});
