/**
 * The backend pool with real servers and real processes: one process per stdio backend however
 * many agents call it, crashes and outages that fail only the calls they hit and heal, tool lists
 * that follow `notifications/tools/list_changed`, and a broken backend that leaves the rest usable.
 */
import { join } from 'node:path';

import { freePort } from '@fracta/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@modelcontextprotocol/client';

import { startHttpBackend, startsOf, stdioBackendYaml, type HttpBackend } from '../support/backends.js';
import {
  CP_TOKEN,
  makeProject,
  startControlPlane,
  type RunningControlPlane,
} from '../support/control-plane.js';
import { connectAgent, startGateway, textOf, type RunningGateway } from '../support/gateway.js';
import { processesWithEnv, waitFor } from '../support/processes.js';

const AGENTS = 50;

describe('gateway backend pool', () => {
  let cp: RunningControlPlane;
  let gw: RunningGateway;
  let docs: HttpBackend;
  let docsPort: number;
  let dir: string;
  let alpha: Client;
  let beta: Client;

  const starts = (backend: string) => join(dir, `${backend}-starts.txt`);
  /** Live processes of a stdio backend (the fixture's environment carries its starts file). */
  const processesOf = (backend: string) => processesWithEnv({ FIXTURE_STARTS_FILE: starts(backend) });

  beforeAll(async () => {
    const cpPort = await freePort();
    docsPort = await freePort();
    docs = await startHttpBackend('docs', docsPort);
    const project = await makeProject(
      (projectDir) =>
        [
          'mcp_servers:',
          stdioBackendYaml('files', join(projectDir, 'files-starts.txt')),
          stdioBackendYaml('shared', join(projectDir, 'shared-starts.txt')),
          stdioBackendYaml('broken', join(projectDir, 'broken-starts.txt'), {
            env: { FIXTURE_FAIL_START: '1' },
          }),
          '  docs:',
          '    transport: streamable-http',
          `    url: ${docs.url}`,
        ].join('\n'),
      cpPort,
    );
    dir = project.dir;
    cp = await startControlPlane(project, cpPort);
    gw = await startGateway(project, cp.url);
    alpha = await connectAgent(gw.endpoint('alpha'), await cp.spawnAgent('alpha'));
    beta = await connectAgent(gw.endpoint('beta'), await cp.spawnAgent('beta'));
  });

  afterAll(async () => {
    await alpha.close().catch(() => undefined);
    await beta.close().catch(() => undefined);
    await gw.close();
    expect(processesOf('files')).toEqual([]);
    expect(processesOf('shared')).toEqual([]);
    await cp.close();
    await docs.close();
  });

  it('should keep serving the other backends while one fails, and show it in /readyz and the metrics', async () => {
    const names = (await alpha.listTools()).tools.map((tool) => tool.name);
    expect(names).toEqual(
      expect.arrayContaining(['files__echo', 'shared__echo', 'docs__echo', 'fracta_list']),
    );
    expect(names.filter((name) => name.startsWith('broken__'))).toEqual([]);
    expect(textOf(await alpha.callTool({ name: 'files__echo', arguments: { text: 'still here' } }))).toBe(
      'files echo: still here',
    );

    interface BackendState {
      name: string;
      state: string;
      last_error: string | null;
    }
    // The broken backend is retried with backoff, 'connecting' again between its failures: one
    // snapshot that shows it failed is what is checked.
    let snapshot = await gw.readiness();
    const brokenIn = (body: Record<string, unknown>) =>
      (body.backends as BackendState[]).find((b) => b.name === 'broken');
    await waitFor(async () => {
      snapshot = await gw.readiness();
      return brokenIn(snapshot.body)?.state === 'failed';
    }, 'a readiness report with the broken backend failed');
    const { status, body } = snapshot;
    expect(status).toBe(200);
    const backends = body.backends as BackendState[];
    expect(backends.find((b) => b.name === 'files')?.state).toBe('ready');
    expect(backends.find((b) => b.name === 'broken')).toMatchObject({
      state: 'failed',
      last_error: expect.any(String) as unknown,
    });

    const metrics = await (
      await fetch(`${gw.url}/metrics`, { headers: { authorization: `Bearer ${CP_TOKEN}` } })
    ).text();
    expect(metrics).toContain('fracta_gateway_upstream_up{backend="files"} 1');
    expect(metrics).toContain('fracta_gateway_upstream_up{backend="broken"} 0');
    expect(metrics).toMatch(
      /fracta_gateway_upstream_connects_total\{backend="broken",outcome="failure"\} [1-9]/,
    );
  });

  it('should fail only the call a crashing backend was serving, then restart it once and serve the next call', async () => {
    await alpha.callTool({ name: 'files__echo', arguments: { text: 'warm' } });
    const startsBefore = await startsOf(starts('files'));
    const [firstPid] = processesOf('files');
    const crash = alpha.callTool({ name: 'files__crash', arguments: {} });
    const elsewhere = beta.callTool({ name: 'docs__slow', arguments: { ms: 200, text: 'unaffected' } });
    const crashed = await crash;
    expect(crashed.isError).toBe(true);
    expect(textOf(crashed)).toMatch(/GATEWAY_BACKEND_CALL_FAILED: backend files went away during the call/);
    expect(textOf(await elsewhere)).toBe('docs slow: unaffected');

    expect(textOf(await beta.callTool({ name: 'files__echo', arguments: { text: 'after' } }))).toBe(
      'files echo: after',
    );
    expect(await startsOf(starts('files'))).toBe(startsBefore + 1);
    const pids = processesOf('files');
    expect(pids).toHaveLength(1);
    expect(pids).not.toContain(firstPid);
  });

  it('should recover from an HTTP backend outage once the server is back', async () => {
    expect(textOf(await alpha.callTool({ name: 'docs__echo', arguments: { text: 'before' } }))).toBe(
      'docs echo: before',
    );
    await docs.close();
    const down = await alpha.callTool({ name: 'docs__echo', arguments: { text: 'down' } });
    expect(down.isError).toBe(true);
    expect(textOf(down)).toMatch(/GATEWAY_BACKEND_(CALL_FAILED|UNAVAILABLE)/);
    docs = await startHttpBackend('docs', docsPort);
    await waitFor(async () => {
      const result = await alpha.callTool({ name: 'docs__echo', arguments: { text: 'back' } });
      return textOf(result) === 'docs echo: back';
    }, 'the docs backend to be reconnected');
  });

  it('should follow notifications/tools/list_changed from a backend', async () => {
    const listed = async () => (await alpha.listTools()).tools.map((tool) => tool.name);
    expect(await listed()).not.toContain('files__extra');
    expect(textOf(await alpha.callTool({ name: 'files__toggle', arguments: {} }))).toBe('extra added');
    await waitFor(async () => (await listed()).includes('files__extra'), 'files__extra to be listed');
    expect(textOf(await beta.callTool({ name: 'files__extra', arguments: {} }))).toBe('files extra');
    await alpha.callTool({ name: 'files__toggle', arguments: {} });
    await waitFor(async () => !(await listed()).includes('files__extra'), 'files__extra to be gone');
    await expect(beta.callTool({ name: 'files__extra', arguments: {} })).rejects.toThrow(/not found/);
  });

  it(`should serve ${AGENTS} agents calling at once with exactly one process of the stdio backend`, async () => {
    expect(await startsOf(starts('shared'))).toBe(1); // started by the first tools/list, never again
    const names = Array.from({ length: AGENTS }, (_, index) => `many-${index}`);
    const tokens: string[] = [];
    for (let start = 0; start < names.length; start += 10) {
      tokens.push(...(await Promise.all(names.slice(start, start + 10).map((name) => cp.spawnAgent(name)))));
    }
    const clients = await Promise.all(
      names.map((name, index) => connectAgent(gw.endpoint(name), tokens[index] ?? '')),
    );
    try {
      const answers = await Promise.all(
        clients.map(async (client, index) => {
          const texts: string[] = [];
          for (let call = 0; call < 5; call += 1) {
            const [echo, slow] = await Promise.all([
              client.callTool({ name: 'shared__echo', arguments: { text: `${index}.${call}` } }),
              client.callTool({ name: 'shared__slow', arguments: { ms: 5, text: `${index}.${call}` } }),
            ]);
            texts.push(textOf(echo), textOf(slow));
          }
          return texts;
        }),
      );
      answers.forEach((texts, index) => {
        for (let call = 0; call < 5; call += 1) {
          expect(texts[call * 2]).toBe(`shared echo: ${index}.${call}`);
          expect(texts[call * 2 + 1]).toBe(`shared slow: ${index}.${call}`);
        }
      });
      expect(processesOf('shared')).toHaveLength(1);
      expect(await startsOf(starts('shared'))).toBe(1);
      const metrics = await gw.gateway.metrics.render();
      expect(metrics).toContain(
        `fracta_gateway_tool_calls_total{tool="shared__echo",kind="backend",backend="shared",outcome="success"} ${AGENTS * 5}`,
      );
    } finally {
      await Promise.all(clients.map((client) => client.close()));
    }
  });

  it('should connect a backend on its first call, without a tools/list first, once for concurrent callers', async () => {
    // A second gateway on the same project: its pool has not connected anything yet.
    const fresh = await startGateway(cp.project, cp.url);
    const startsBefore = await startsOf(starts('files'));
    const token = await cp.spawnAgent('eager');
    const clients = await Promise.all(
      Array.from({ length: 10 }, () => connectAgent(fresh.endpoint('eager'), token)),
    );
    try {
      const texts = await Promise.all(
        clients.map(async (client, index) =>
          textOf(await client.callTool({ name: 'files__echo', arguments: { text: `first ${index}` } })),
        ),
      );
      expect(texts).toEqual(clients.map((_, index) => `files echo: first ${index}`));
      expect(await startsOf(starts('files'))).toBe(startsBefore + 1);
    } finally {
      await Promise.all(clients.map((client) => client.close()));
      await fresh.close();
    }
  });
});
