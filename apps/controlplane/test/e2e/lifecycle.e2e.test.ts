import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { AgentView, PeekResult, SayResult } from '@fracta/api-contract';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { git, startControlPlane, type Harness } from './harness.js';
import { processesWithEnv, waitFor, waitForStatus } from './wait.js';

const commit = (file: string, text: string) => [
  'sh',
  '-c',
  `printf '%s\\n' '${text}' > ${file} && git add ${file} && git commit -qm 'agent edit ${file}' && echo 'edited ${file}'`,
];

describe('agent lifecycle over HTTP (command runtime, real git and processes)', () => {
  let cp: Harness;

  beforeAll(async () => {
    cp = await startControlPlane();
  });

  afterAll(async () => {
    await cp.close();
  });

  const spawn = (body: Record<string, unknown>) => cp.json<AgentView>('POST', '/api/v1/agents', body);

  it('should run a command agent in its own worktree to Completed and merge its commit --no-ff', async () => {
    const spawned = await spawn({
      name: 'editor',
      runtime: 'command',
      command: commit('notes.txt', 'from the agent'),
    });
    expect(spawned.status).toBe(201);
    expect(spawned.body).toMatchObject({
      name: 'editor',
      runtime: 'command',
      branch: 'feature/editor',
      base_branch: 'main',
      workspace_path: join(cp.dir, '.worktrees', 'editor'),
    });
    const done = await waitForStatus(cp, 'editor', 'completed');
    expect(done).toMatchObject({ exit_code: 0, last_output: 'edited notes.txt', failure_reason: null });
    expect(git(cp.dir, 'log', '--format=%s', 'feature/editor', '-1')).toBe('agent edit notes.txt');
    expect(existsSync(join(cp.dir, 'notes.txt'))).toBe(false);

    const merged = await cp.json<{ merged: boolean; commit: string }>(
      'POST',
      '/api/v1/agents/editor/merge',
      {},
    );
    expect(merged.status).toBe(200);
    expect(merged.body.merged).toBe(true);
    expect(git(cp.dir, 'rev-parse', 'HEAD')).toBe(merged.body.commit);
    // --no-ff: a merge commit with two parents, and the file on main
    expect(git(cp.dir, 'rev-list', '--parents', '-n', '1', 'HEAD').split(' ')).toHaveLength(3);
    expect(await readFile(join(cp.dir, 'notes.txt'), 'utf8')).toBe('from the agent\n');

    const runs = (
      await cp.json<{ runs: { status: string; exit_code: number; dir: string }[] }>(
        'GET',
        '/api/v1/agents/editor/runs',
      )
    ).body.runs;
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'succeeded', exit_code: 0 });
    const info = await readFile(join(runs[0]?.dir ?? '', 'run-info.yaml'), 'utf8');
    expect(info).toContain('status: succeeded');
    expect(await readFile(join(runs[0]?.dir ?? '', 'agent-stdout.txt'), 'utf8')).toBe('edited notes.txt\n');
    const bus = await readFile(
      join(cp.dir, '.fracta', 'runs', 'e2e', 'editor', 'TASK-MESSAGE-BUS.md'),
      'utf8',
    );
    expect(bus).toContain('type: RUN_START');
    expect(bus).toContain('type: RUN_STOP');
  });

  it('should refuse a conflicting merge with the file list and leave both branches and the base untouched', async () => {
    await spawn({ name: 'left', runtime: 'command', command: commit('shared.txt', 'left version') });
    await spawn({ name: 'right', runtime: 'command', command: commit('shared.txt', 'right version') });
    await waitForStatus(cp, 'left', 'completed');
    await waitForStatus(cp, 'right', 'completed');
    expect((await cp.json('POST', '/api/v1/agents/left/merge', {})).status).toBe(200);
    const mainBefore = git(cp.dir, 'rev-parse', 'main');
    const rightBefore = git(cp.dir, 'rev-parse', 'feature/right');

    const refused = await cp.json<{
      error: { code: string; message: string; details: { conflicts: string[] } };
    }>('POST', '/api/v1/agents/right/merge', {});
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('AGENT_MERGE_CONFLICT');
    expect(refused.body.error.details.conflicts).toEqual(['shared.txt']);
    expect(refused.body.error.message).toContain('shared.txt');
    expect(git(cp.dir, 'rev-parse', 'main')).toBe(mainBefore);
    expect(git(cp.dir, 'rev-parse', 'feature/right')).toBe(rightBefore);
    expect(git(cp.dir, 'status', '--porcelain')).toBe('');
    expect(existsSync(join(cp.dir, '.git', 'MERGE_HEAD'))).toBe(false);
    expect(await readFile(join(cp.dir, 'shared.txt'), 'utf8')).toBe('left version\n');
  });

  it('should record a failing command as Failed with its exit code and stderr', async () => {
    await spawn({ name: 'broken', runtime: 'command', command: ['sh', '-c', 'echo boom >&2; exit 3'] });
    const failed = await waitForStatus(cp, 'broken', 'failed');
    expect(failed.exit_code).toBe(3);
    expect(failed.failure_reason).toContain('boom');
  });

  it('should kill a running agent: Stopped, its process group gone, worktree and branch removed', async () => {
    await spawn({ name: 'sleeper', runtime: 'command', command: ['sh', '-c', 'sleep 300 & sleep 300'] });
    await waitForStatus(cp, 'sleeper', 'running');
    await waitFor(() => processesWithEnv('FRACTA_AGENT', 'sleeper').length >= 2, 'the agent processes');
    const killed = await cp.json<AgentView>('DELETE', '/api/v1/agents/sleeper');
    expect(killed.status).toBe(200);
    expect(killed.body.status).toBe('stopped');
    expect(processesWithEnv('FRACTA_AGENT', 'sleeper')).toEqual([]);
    expect(existsSync(join(cp.dir, '.worktrees', 'sleeper'))).toBe(false);
    expect(git(cp.dir, 'branch', '--list', 'feature/sleeper')).toBe('');
    const runs = (await cp.json<{ runs: { status: string }[] }>('GET', '/api/v1/agents/sleeper/runs')).body
      .runs;
    expect(runs.map((r) => r.status)).toEqual(['stopped']);
  });

  it('should keep the worktree and branch with keep_files', async () => {
    await spawn({ name: 'keeper', runtime: 'command', command: ['sleep', '300'] });
    await waitForStatus(cp, 'keeper', 'running');
    const killed = await cp.json<AgentView>('DELETE', '/api/v1/agents/keeper?keep_files=true');
    expect(killed.body.status).toBe('stopped');
    expect(existsSync(join(cp.dir, '.worktrees', 'keeper'))).toBe(true);
    expect(git(cp.dir, 'branch', '--list', 'feature/keeper')).toContain('feature/keeper');
    // a second kill of the finished agent removes them
    expect((await cp.json('DELETE', '/api/v1/agents/keeper')).status).toBe(200);
    expect(existsSync(join(cp.dir, '.worktrees', 'keeper'))).toBe(false);
    expect(git(cp.dir, 'branch', '--list', 'feature/keeper')).toBe('');
  });

  it('should show output through peek and logs', async () => {
    await spawn({
      name: 'talker',
      runtime: 'command',
      command: ['sh', '-c', 'for i in 1 2 3; do echo line $i; done; echo oops >&2'],
    });
    await waitForStatus(cp, 'talker', 'completed');
    const peek = await cp.json<PeekResult>('GET', '/api/v1/agents/talker/peek');
    expect(peek.body.stdout_tail).toBe('line 1\nline 2\nline 3\n');
    expect(peek.body.stderr_tail).toBe('oops\n');
    expect(peek.body.agent.last_output).toBe('line 1\nline 2\nline 3');
    const logs = await cp.call('/api/v1/agents/talker/logs?lines=2');
    expect(await logs.text()).toBe('line 2\nline 3\n');
    expect((await cp.call('/api/v1/agents/talker/logs?stream=stderr')).status).toBe(200);
  });

  it('should follow the logs of a running agent until its run ends', async () => {
    await spawn({
      name: 'ticker',
      runtime: 'command',
      command: ['sh', '-c', 'for i in 1 2 3 4; do echo tick $i; sleep 0.3; done'],
    });
    await waitForStatus(cp, 'ticker', 'running');
    const response = await cp.call('/api/v1/agents/ticker/logs?follow=true&lines=1');
    expect(await response.text()).toContain('tick 4\n');
    expect((await cp.json<AgentView>('GET', '/api/v1/agents/ticker')).body.status).toBe('completed');
  });

  it('should put a message for a running agent in its mailbox, and refuse to resume a command agent', async () => {
    await spawn({ name: 'listener', runtime: 'command', command: ['sleep', '300'] });
    await waitForStatus(cp, 'listener', 'running');
    const said = await cp.json<SayResult>('POST', '/api/v1/agents/listener/say', { message: 'hello there' });
    expect(said.status).toBe(200);
    expect(said.body.delivered).toBe('mailbox');
    const unread = await cp.store.messages.readUnread('listener', 10);
    expect(unread.map((m) => [m.from, m.body])).toEqual([['host', 'hello there']]);
    await cp.json('DELETE', '/api/v1/agents/listener');
    const refused = await cp.json<{ error: { code: string } }>('POST', '/api/v1/agents/listener/say', {
      message: 'again',
    });
    expect(refused.status).toBe(409);
  });

  it('should describe a spawn with dry-run and create nothing', async () => {
    const plan = await cp.json<{
      command: string;
      args: string[];
      workspace: { branch: string };
      env: string[];
    }>('POST', '/api/v1/agents/dry-run', {
      name: 'planned',
      runtime: 'command',
      command: ['sh', '-c', 'true'],
    });
    expect(plan.status).toBe(200);
    expect(plan.body).toMatchObject({
      command: 'sh',
      args: ['-c', 'true'],
      workspace: { branch: 'feature/planned' },
    });
    expect(plan.body.env).toEqual(expect.arrayContaining(['FRACTA_AGENT', 'FRACTA_GATEWAY_TOKEN', 'PATH']));
    expect((await cp.call('/api/v1/agents/planned')).status).toBe(404);
    expect(existsSync(join(cp.dir, '.worktrees', 'planned'))).toBe(false);
  });
});
