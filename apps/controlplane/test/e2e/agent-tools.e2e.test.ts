/** The routes behind the gateway's fracta tools, with a real agent and its real gateway token. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { ControlPlaneClient, type AgentView } from '@fracta/api-contract';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { startControlPlane, TOKEN, type Harness } from './harness.js';
import { processesWithEnv, waitFor, waitForStatus } from './wait.js';

/** The FRACTA_GATEWAY_TOKEN an agent process was given (read from its environment). */
function gatewayTokenOf(agent: string): string {
  for (const pid of processesWithEnv('FRACTA_AGENT', agent)) {
    const entry = readFileSync(`/proc/${pid}/environ`, 'utf8')
      .split('\0')
      .find((line) => line.startsWith('FRACTA_GATEWAY_TOKEN='));
    if (entry !== undefined) return entry.slice('FRACTA_GATEWAY_TOKEN='.length);
  }
  throw new Error(`no process of ${agent} has a gateway token`);
}

describe('agent tool routes (what the gateway calls)', () => {
  let cp: Harness;
  let client: ControlPlaneClient;

  beforeAll(async () => {
    cp = await startControlPlane({
      configure: (config) => ({
        ...config,
        agents: { ...config.agents, spawn: { allow: true, max_depth: 1, max_children: 1 } },
      }),
    });
    client = new ControlPlaneClient({ baseUrl: cp.url, token: TOKEN });
    for (const name of ['alpha', 'beta']) {
      await client.spawn({ name, runtime: 'command', command: ['sleep', '60'] });
      await waitForStatus(cp, name, 'running');
    }
  });

  afterAll(async () => {
    for (const name of ['alpha', 'beta', 'child']) await client.kill(name).catch(() => undefined);
    await cp.close();
  });

  it('should identify a live agent by its gateway token, and refuse unknown and revoked tokens with 401', async () => {
    await waitFor(() => processesWithEnv('FRACTA_AGENT', 'alpha').length > 0, 'alpha');
    const token = gatewayTokenOf('alpha');
    expect((await client.identify(token)).name).toBe('alpha');
    await expect(client.identify('x'.repeat(43))).rejects.toMatchObject({
      status: 401,
      code: 'GATEWAY_CREDENTIAL_INVALID',
    });
    // The token is not stored: only its hash is.
    const stored = readFileSync(join(cp.dir, '.fracta', 'state.db')).toString('latin1');
    expect(stored).not.toContain(token);
  });

  it('should deliver messages between agents and the host, each once', async () => {
    await client.sendMessage({ from: 'alpha', to: 'beta', body: 'hi beta' });
    await client.sendMessage({ from: 'beta', to: 'host', body: 'hi host' });
    const beta = await client.readInbox('beta');
    expect(beta.messages.map((m) => [m.from, m.body])).toEqual([['alpha', 'hi beta']]);
    expect((await client.readInbox('beta')).messages).toEqual([]);
    expect((await client.readInbox('host')).messages.map((m) => m.body)).toEqual(['hi host']);
    await expect(client.sendMessage({ from: 'alpha', to: 'nobody', body: 'x' })).rejects.toMatchObject({
      status: 404,
    });
  });

  it('should set the intent (shown in the list) and record reports as events and bus entries', async () => {
    await client.setIntent('alpha', 'refactoring the parser');
    const listed = await client.listAgents();
    expect(listed.agents.find((a: AgentView) => a.name === 'alpha')?.intent).toBe('refactoring the parser');
    const report = await client.report('alpha', { kind: 'fact', text: 'the parser has no tests' });
    expect(report.msg_id).not.toBeNull();
    await client.recordToolCalls('alpha', [
      { server: 'files', tool: 'read', outcome: 'success', duration_ms: 3 },
    ]);
    const actions = (await client.events({ agent: 'alpha', limit: 100 })).events.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['intent_set', 'fact', 'tool_call']));
    const bus = readFileSync(join(cp.dir, '.fracta', 'runs', 'e2e', 'alpha', 'TASK-MESSAGE-BUS.md'), 'utf8');
    expect(bus).toContain('type: FACT');
    expect(bus).toContain('the parser has no tests');
  });

  it('should start a sub-agent with its parent recorded, within the depth and fan-out limits', async () => {
    const child = await client.spawn({
      name: 'child',
      runtime: 'command',
      command: ['sleep', '60'],
      parent_agent: 'alpha',
    });
    expect(child.parent_agent).toBe('alpha');
    await expect(
      client.spawn({ name: 'second', runtime: 'command', command: ['true'], parent_agent: 'alpha' }),
    ).rejects.toMatchObject({
      status: 403,
      code: 'SUB_AGENT_REFUSED',
      message: expect.stringContaining('max_children') as unknown,
    });
    await expect(
      client.spawn({ name: 'grandchild', runtime: 'command', command: ['true'], parent_agent: 'child' }),
    ).rejects.toMatchObject({ status: 403, message: expect.stringContaining('max_depth') as unknown });
    expect(await cp.store.agents.find('second')).toBeNull();
    expect(await cp.store.agents.find('grandchild')).toBeNull();
  });

  it('should revoke the gateway token when the agent ends', async () => {
    const token = gatewayTokenOf('beta');
    expect((await client.identify(token)).name).toBe('beta');
    await client.kill('beta');
    await expect(client.identify(token)).rejects.toMatchObject({ status: 401 });
  });
});
