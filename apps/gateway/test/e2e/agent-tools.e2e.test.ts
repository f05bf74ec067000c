/**
 * The gateway with real parts: the control plane (its built main.js, a child process), agents with
 * real tokens, a stdio and a streamable-HTTP backend MCP server, and the SDK v2 client.
 */
import { join } from 'node:path';

import { FRACTA_AGENT_TOOLS } from '@fracta/api-contract';
import { freePort } from '@fracta/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';

import { startHttpBackend, stdioBackendYaml, type HttpBackend } from '../support/backends.js';
import { makeProject, startControlPlane, type RunningControlPlane } from '../support/control-plane.js';
import { connectAgent, startGateway, textOf, type RunningGateway } from '../support/gateway.js';
import { waitFor } from '../support/processes.js';

describe('gateway: fracta agent tools and backend tools over MCP', () => {
  let cp: RunningControlPlane;
  let gw: RunningGateway;
  let docs: HttpBackend;
  let alpha: Client;
  let beta: Client;

  beforeAll(async () => {
    const cpPort = await freePort();
    docs = await startHttpBackend('docs');
    const project = await makeProject(
      (dir) =>
        [
          'mcp_servers:',
          stdioBackendYaml('files', join(dir, 'files-starts.txt')),
          '  docs:',
          '    transport: streamable-http',
          `    url: ${docs.url}`,
        ].join('\n'),
      cpPort,
    );
    cp = await startControlPlane(project, cpPort);
    gw = await startGateway(project, cp.url);
    alpha = await connectAgent(gw.endpoint('alpha'), await cp.spawnAgent('alpha'));
    beta = await connectAgent(gw.endpoint('beta'), await cp.spawnAgent('beta'));
  });

  afterAll(async () => {
    await alpha.close().catch(() => undefined);
    await beta.close().catch(() => undefined);
    await gw.close();
    await cp.close();
    await docs.close();
  });

  const agentEvents = async (agent: string) => (await cp.client.events({ agent, limit: 500 })).events;

  it('should list the fracta tools and every backend tool under a name every client accepts', async () => {
    const { tools } = await alpha.listTools();
    const names = tools.map((tool) => tool.name);
    expect(names).toEqual(
      expect.arrayContaining([
        ...FRACTA_AGENT_TOOLS,
        'files__echo',
        'files__slow',
        'files__crash',
        'docs__echo',
      ]),
    );
    for (const name of names) expect(name).toMatch(/^[A-Za-z0-9_-]{1,51}$/);
    expect(new Set(names).size).toBe(names.length);
    expect(tools.find((tool) => tool.name === 'files__echo')?.description).toBe(
      '[files] Answers with the text it was given.',
    );
    const send = tools.find((tool) => tool.name === 'fracta_send');
    expect(send?.inputSchema).toMatchObject({
      type: 'object',
      properties: { to: {}, message: { maxLength: 65_536 } },
    });
  });

  it('should forward backend tool calls (stdio and streamable HTTP) and record each with the control plane', async () => {
    expect(textOf(await alpha.callTool({ name: 'files__echo', arguments: { text: 'hi' } }))).toBe(
      'files echo: hi',
    );
    expect(textOf(await alpha.callTool({ name: 'docs__echo', arguments: { text: 'hey' } }))).toBe(
      'docs echo: hey',
    );
    await waitFor(async () => {
      const calls = (await agentEvents('alpha')).filter((event) => event.action === 'tool_call');
      return (
        calls.some((e) => e.attrs.server === 'files' && e.attrs.tool === 'echo' && e.outcome === 'success') &&
        calls.some((e) => e.attrs.server === 'docs' && e.attrs.tool === 'echo')
      );
    }, 'the tool calls in the event log');
  });

  it('should pass a backend tool error on as a tool error and record it as a failure', async () => {
    const result = await alpha.callTool({ name: 'files__echo', arguments: { wrong: 1 } });
    expect(result.isError).toBe(true);
    await waitFor(
      async () =>
        (await agentEvents('alpha')).some((e) => e.action === 'tool_call' && e.outcome === 'failure'),
      'the failed call in the event log',
    );
  });

  it("should set the intent of the token's agent whatever name is passed, visible in the agent list", async () => {
    const result = await alpha.callTool({
      name: 'fracta_set_intent',
      arguments: { intent: 'refactoring the parser', name: 'beta' },
    });
    expect(result.structuredContent).toEqual({ name: 'alpha', intent: 'refactoring the parser' });
    const agents = (await cp.client.listAgents()).agents;
    expect(agents.find((agent) => agent.name === 'alpha')?.intent).toBe('refactoring the parser');
    expect(agents.find((agent) => agent.name === 'beta')?.intent).toBeNull();
    expect((await agentEvents('alpha')).map((event) => event.action)).toContain('intent_set');
    const listed = (await beta.callTool({ name: 'fracta_list', arguments: {} })).structuredContent as {
      agents: { name: string; intent: string | null }[];
    };
    expect(listed.agents.find((agent) => agent.name === 'alpha')?.intent).toBe('refactoring the parser');
  });

  it('should send as the agent of the token, never as the "from" it claims, and deliver once', async () => {
    await alpha.callTool({
      name: 'fracta_send',
      arguments: { to: 'beta', message: 'hello beta', from: 'host' },
    });
    const inbox = (await beta.callTool({ name: 'fracta_inbox', arguments: {} })).structuredContent as {
      messages: { from: string; body: string }[];
    };
    expect(inbox.messages.map((m) => [m.from, m.body])).toEqual([['alpha', 'hello beta']]);
    expect(
      (await beta.callTool({ name: 'fracta_inbox', arguments: { name: 'alpha' } })).structuredContent,
    ).toEqual({
      messages: [],
      unread: 0,
    });
    await beta.callTool({ name: 'fracta_send', arguments: { to: 'host', message: 'done' } });
    expect((await cp.client.readInbox('host')).messages.map((m) => [m.from, m.body])).toContainEqual([
      'beta',
      'done',
    ]);
    const missing = await beta.callTool({ name: 'fracta_send', arguments: { to: 'nobody', message: 'x' } });
    expect(missing.isError).toBe(true);
    expect(textOf(missing)).toMatch(/nobody/);
  });

  it('should record reports as events and peek at another agent', async () => {
    const report = await alpha.callTool({
      name: 'fracta_report',
      arguments: { kind: 'fact', text: 'the parser has no tests' },
    });
    expect(report.structuredContent).toMatchObject({ event_id: expect.any(Number) as unknown });
    const facts = (await agentEvents('alpha')).filter((event) => event.action === 'fact');
    expect(facts.map((event) => event.attrs.text)).toContain('the parser has no tests');
    const peek = (await beta.callTool({ name: 'fracta_peek', arguments: { name: 'alpha' } }))
      .structuredContent as {
      agent: { name: string; status: string };
    };
    expect(peek.agent).toMatchObject({ name: 'alpha', status: 'running' });
  });

  it('should start a sub-agent with the calling agent recorded as its parent', async () => {
    const spawned = await alpha.callTool({
      name: 'fracta_spawn',
      arguments: { name: 'alpha-child', runtime: 'command', command: ['sleep', '300'] },
    });
    expect(spawned.isError).toBeFalsy();
    expect((await cp.client.getAgent('alpha-child')).parent_agent).toBe('alpha');
  });

  it('should answer bad arguments with a tool error that names the field, and an unknown tool with a protocol error', async () => {
    const bad = await alpha.callTool({ name: 'fracta_set_intent', arguments: { intent: '' } });
    expect(bad.isError).toBe(true);
    expect(textOf(bad)).toMatch(/^Invalid arguments: intent/);
    await expect(alpha.callTool({ name: 'files__nope', arguments: {} })).rejects.toThrow(
      /Tool files__nope not found/,
    );
  });

  it('should serve a client that speaks the 2026-07-28 revision too', async () => {
    const token = await cp.spawnAgent('modern');
    const client = new Client(
      { name: 'modern-client', version: '1.0.0' },
      { versionNegotiation: { mode: { pin: '2026-07-28' } } },
    );
    await client.connect(
      new StreamableHTTPClientTransport(new URL(gw.endpoint('modern')), {
        requestInit: { headers: { authorization: `Bearer ${token}` } },
      }),
    );
    try {
      expect((await client.listTools()).tools.map((tool) => tool.name)).toContain('files__echo');
      expect(textOf(await client.callTool({ name: 'files__echo', arguments: { text: 'new era' } }))).toBe(
        'files echo: new era',
      );
      const intent = await client.callTool({ name: 'fracta_set_intent', arguments: { intent: 'modern' } });
      expect(intent.structuredContent).toEqual({ name: 'modern', intent: 'modern' });
    } finally {
      await client.close();
    }
  });
});
