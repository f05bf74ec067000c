/**
 * Bad input gets a clear one-line error and a 4xx, and leaves nothing behind: no worktree, no
 * branch, no agent row, no process.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import type { AgentView } from '@fracta/api-contract';
import { RunRecords } from '@fracta/run-records';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { git, startControlPlane, type Harness } from './harness.js';
import { processesWithEnv, programOf, waitFor, waitForStatus } from './wait.js';

interface ErrorBody {
  error: { code: string; message: string };
}

async function expectNothingLeft(cp: Harness, name: string): Promise<void> {
  expect(await cp.store.agents.find(name)).toBeNull();
  expect(existsSync(join(cp.dir, '.worktrees', name))).toBe(false);
  if (existsSync(join(cp.dir, '.git'))) expect(git(cp.dir, 'branch', '--list', `feature/${name}`)).toBe('');
  expect(processesWithEnv('FRACTA_AGENT', name)).toEqual([]);
  expect(await cp.store.missions.listOpenForAgent(name)).toEqual([]);
  let records: string | null = null;
  try {
    records = cp.app.get(RunRecords).agentDir(name);
  } catch {
    // a name no directory can have (the invalid-name cases)
  }
  if (records !== null) expect(existsSync(records)).toBe(false);
}

describe('bad input to the control plane', () => {
  let cp: Harness;

  beforeAll(async () => {
    cp = await startControlPlane({
      configure: (config) => ({
        ...config,
        agents: {
          ...config.agents,
          agent_runtimes: {
            codex: {
              command: '/nonexistent/codex',
              args: [],
              env: {},
              allowed_tools: [],
              tool_policy: { allow: [], deny: [] },
            },
          },
        },
      }),
    });
  });

  afterAll(async () => {
    await cp.close();
  });

  const spawn = (body: Record<string, unknown>) =>
    cp.json<ErrorBody & AgentView>('POST', '/api/v1/agents', body);

  it.each([
    [
      'an invalid task name',
      { name: 'bad name!', runtime: 'command', command: ['true'] },
      'bad name!',
      400,
      'REQUEST_INVALID',
      'agent names are 1-64',
    ],
    [
      'a reserved name',
      { name: 'host', runtime: 'command', command: ['true'] },
      'host',
      400,
      'AGENT_NAME_INVALID',
      'reserved',
    ],
    [
      'an unknown runtime',
      { name: 'r1', runtime: 'gemini', prompt: 'x' },
      'r1',
      400,
      'REQUEST_INVALID',
      'runtime',
    ],
    ['a missing prompt', { name: 'r2', runtime: 'claude' }, 'r2', 400, 'AGENT_PROMPT_MISSING', '--prompt'],
    [
      'a missing runtime binary',
      { name: 'r3', runtime: 'codex', prompt: 'x' },
      'r3',
      400,
      'RUNTIME_BINARY_NOT_FOUND',
      'agents.agent_runtimes.codex.command',
    ],
    [
      'a missing command binary',
      { name: 'r4', runtime: 'command', command: ['no-such-program-here'] },
      'r4',
      400,
      'RUNTIME_BINARY_NOT_FOUND',
      'no-such-program-here',
    ],
    [
      'a base branch that does not exist',
      { name: 'r5', runtime: 'command', command: ['true'], base_branch: 'nope' },
      'r5',
      404,
      'WORKSPACE_BASE_BRANCH_NOT_FOUND',
      'main',
    ],
    [
      'an unknown field',
      { name: 'r6', runtime: 'command', command: ['true'], colour: 'red' },
      'r6',
      400,
      'REQUEST_INVALID',
      'colour',
    ],
    [
      'a stream-mode agent',
      { name: 'r7', runtime: 'command', command: ['true'], mode: 'stream' },
      'r7',
      400,
      'AGENT_MODE_UNSUPPORTED',
      'batch',
    ],
  ])(
    'should refuse %s with a clear error and create nothing',
    async (_what, body, name, status, code, hint) => {
      const response = await spawn(body);
      expect(response.status).toBe(status);
      expect(response.body.error.code).toBe(code);
      expect(response.body.error.message).toContain(hint);
      expect(response.body.error.message).not.toContain('\n');
      await expectNothingLeft(cp, name);
    },
  );

  it('should refuse an oversized body with 413 and create nothing', async () => {
    const response = await cp.call('/api/v1/agents', {
      method: 'POST',
      body: JSON.stringify({ name: 'huge', runtime: 'claude', prompt: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(response.status).toBe(413);
    await expectNothingLeft(cp, 'huge');
  });

  it('should refuse a duplicate live name with 409 and leave the first agent alone', async () => {
    expect((await spawn({ name: 'twin', runtime: 'command', command: ['sleep', '60'] })).status).toBe(201);
    await waitForStatus(cp, 'twin', 'running');
    await waitFor(() => programOf('twin', 'sleep') !== undefined, 'twin to exec sleep');
    const before = processesWithEnv('FRACTA_AGENT', 'twin');
    const second = await spawn({ name: 'twin', runtime: 'command', command: ['true'] });
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('AGENT_ALREADY_EXISTS');
    const first = await cp.json<AgentView>('GET', '/api/v1/agents/twin');
    expect(first.body.status).toBe('running');
    expect(processesWithEnv('FRACTA_AGENT', 'twin').sort()).toEqual(before.sort());
    expect(existsSync(join(cp.dir, '.worktrees', 'twin'))).toBe(true);
    await cp.json('DELETE', '/api/v1/agents/twin');
    await expectNothingLeft(cp, 'nonexistent-twin');
  });

  it('should reuse the name of a finished agent whose files were removed', async () => {
    expect((await spawn({ name: 'again', runtime: 'command', command: ['true'] })).status).toBe(201);
    await waitForStatus(cp, 'again', 'completed');
    // its worktree and branch still exist (to merge): a new spawn of the name is refused …
    const refused = await spawn({ name: 'again', runtime: 'command', command: ['true'] });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('WORKSPACE_ALREADY_EXISTS');
    expect((await cp.json<AgentView>('GET', '/api/v1/agents/again')).body.status).toBe('completed');
    // … until it is killed (files removed); then the name is free again
    await cp.json('DELETE', '/api/v1/agents/again');
    expect((await spawn({ name: 'again', runtime: 'command', command: ['true'] })).status).toBe(201);
    await waitForStatus(cp, 'again', 'completed');
  });

  it.each([
    ['GET', '/api/v1/agents/ghost', undefined],
    ['DELETE', '/api/v1/agents/ghost', undefined],
    ['POST', '/api/v1/agents/ghost/say', { message: 'hi' }],
    ['GET', '/api/v1/agents/ghost/peek', undefined],
    ['GET', '/api/v1/agents/ghost/logs', undefined],
    ['POST', '/api/v1/agents/ghost/merge', {}],
    ['GET', '/api/v1/agents/ghost/runs', undefined],
  ])('should answer %s %s for an unknown agent with 404 AGENT_NOT_FOUND', async (method, path, body) => {
    const response = await cp.json<ErrorBody>(method, path, body);
    expect(response.status).toBe(404);
    expect(response.body.error).toMatchObject({ code: 'AGENT_NOT_FOUND' });
    expect(response.body.error.message).toContain('fracta list');
  });

  it('should refuse to merge a running agent or one with nothing new', async () => {
    await spawn({ name: 'busy', runtime: 'command', command: ['sleep', '60'] });
    await waitForStatus(cp, 'busy', 'running');
    const running = await cp.json<ErrorBody>('POST', '/api/v1/agents/busy/merge', {});
    expect(running.status).toBe(409);
    expect(running.body.error.code).toBe('AGENT_BUSY');
    await cp.json('DELETE', '/api/v1/agents/busy?keep_files=true');
    const nothing = await cp.json<ErrorBody>('POST', '/api/v1/agents/busy/merge', {});
    expect(nothing.status).toBe(409);
    expect(nothing.body.error.code).toBe('WORKSPACE_NOTHING_TO_MERGE');
    await cp.json('DELETE', '/api/v1/agents/busy');
  });
});

describe('bad input: a project that is not a git repository', () => {
  let cp: Harness;

  beforeAll(async () => {
    cp = await startControlPlane({ git: false });
  });

  afterAll(async () => {
    await cp.close();
  });

  it('should refuse a worktree agent with the fix, and create nothing', async () => {
    const response = await cp.json<ErrorBody>('POST', '/api/v1/agents', {
      name: 'nogit',
      runtime: 'command',
      command: ['true'],
    });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('WORKSPACE_NOT_A_GIT_REPO');
    expect(response.body.error.message).toMatch(/git init|workspace_kind/);
    await expectNothingLeft(cp, 'nogit');
  });
});

describe('bad input: a workspace setup command that fails', () => {
  let cp: Harness;

  beforeAll(async () => {
    cp = await startControlPlane({
      configure: (config) => ({
        ...config,
        runtime: {
          ...config.runtime,
          workspace_setup: {
            ...config.runtime.workspace_setup,
            command: [process.execPath, '-e', "console.error('install broke'); process.exit(3)"],
          },
        },
      }),
    });
  });

  afterAll(async () => {
    await cp.close();
  });

  it('should refuse the spawn with the setup error and undo the rows written while it ran', async () => {
    const response = await cp.json<ErrorBody>('POST', '/api/v1/agents', {
      name: 'unset',
      runtime: 'command',
      command: ['true'],
    });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('WORKSPACE_SETUP_FAILED');
    expect(response.body.error.message).toContain('install broke');
    await expectNothingLeft(cp, 'unset');
    // The agent row existed while git and the setup ran: the log says it was queued, then failed.
    const events = await cp.store.events.list({ agent: 'unset', limit: 10 });
    expect(events.map((event) => event.action)).toEqual(['agent.queued', 'agent.failed']);
  });
});
