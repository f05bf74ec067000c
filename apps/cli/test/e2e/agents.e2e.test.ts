/**
 * The agent commands of the CLI end to end, with `command` agents in a real git repository:
 * spawn, list, peek, logs, merge (and a conflicting merge), kill, and bad input with its exit codes.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import type { AgentView } from '@fracta/api-contract';
import { freePort } from '@fracta/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { fractaIsolated, GIT_IDENTITY } from './support/fracta-cli.js';

const run = promisify(execFile);
const commitFile = (file: string, text: string) => [
  '--',
  'sh',
  '-c',
  `printf '%s\\n' '${text}' > ${file} && git add ${file} && git commit -qm 'edit ${file}' && echo committed`,
];

describe('fracta agent commands', () => {
  let root: string;

  async function waitDone(name: string): Promise<AgentView> {
    for (let i = 0; i < 200; i++) {
      const agents = JSON.parse((await fractaIsolated(root, ['list', '--json'])).stdout) as AgentView[];
      const agent = agents.find((candidate) => candidate.name === name);
      if (agent !== undefined && !['queued', 'running'].includes(agent.status)) return agent;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${name} did not finish`);
  }

  beforeAll(async () => {
    root = await realpath(await mkdtemp(join(tmpdir(), 'fracta-cli-agents-')));
    await run('git', ['init', '-q', '-b', 'main', root]);
    await writeFile(join(root, 'README.md'), '# demo\n');
    await writeFile(join(root, '.gitignore'), '.fracta/\n.worktrees/\n');
    await writeFile(
      join(root, 'fracta.yaml'),
      `control_plane_api:\n  listen: 127.0.0.1:${await freePort()}\ngateway:\n  managed: false\n`,
    );
    await run('git', ['add', '.'], { cwd: root });
    await run('git', ['commit', '-qm', 'init'], { cwd: root, env: { ...process.env, ...GIT_IDENTITY } });
  });

  afterAll(async () => {
    await fractaIsolated(root, ['controlplane', 'stop']);
    await rm(root, { recursive: true, force: true });
  });

  it('should merge a command agent that committed a file, and refuse a conflicting merge with the file list', async () => {
    expect(
      (await fractaIsolated(root, ['spawn', '--task', 'left', ...commitFile('shared.txt', 'left')])).code,
    ).toBe(0);
    expect(
      (await fractaIsolated(root, ['spawn', '--task', 'right', ...commitFile('shared.txt', 'right')])).code,
    ).toBe(0);
    expect((await waitDone('left')).last_output).toBe('committed');
    expect((await waitDone('right')).status).toBe('completed');

    const merged = await fractaIsolated(root, ['merge', 'left']);
    expect(merged.code).toBe(0);
    expect(merged.stdout).toMatch(/^merged feature\/left into main \([0-9a-f]{12}\)/);
    expect(await readFile(join(root, 'shared.txt'), 'utf8')).toBe('left\n');

    const before = (await run('git', ['rev-parse', 'main', 'feature/right'], { cwd: root })).stdout;
    const conflict = await fractaIsolated(root, ['merge', 'right']);
    expect(conflict.code).toBe(4);
    expect(conflict.stderr).toContain('conflicts in 1 file(s): shared.txt');
    expect((await run('git', ['rev-parse', 'main', 'feature/right'], { cwd: root })).stdout).toBe(before);
    expect((await run('git', ['status', '--porcelain'], { cwd: root })).stdout).toBe('');
  });

  it('should show an agent with peek and logs, and kill it with its files', async () => {
    expect(
      (
        await fractaIsolated(root, [
          'spawn',
          '--task',
          'talker',
          '--',
          'sh',
          '-c',
          'echo one; echo two; sleep 60',
        ])
      ).code,
    ).toBe(0);
    for (
      let i = 0;
      i < 100 && !(await fractaIsolated(root, ['logs', 'talker'])).stdout.includes('two');
      i++
    ) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect((await fractaIsolated(root, ['logs', 'talker'])).stdout).toBe('one\ntwo\n');
    const peek = await fractaIsolated(root, ['peek', 'talker']);
    expect(peek.stdout).toContain('talker (running) on feature/talker');
    const killed = await fractaIsolated(root, ['kill', 'talker']);
    expect(killed.code).toBe(0);
    expect(killed.stdout).toContain('killed talker (stopped');
    expect(existsSync(join(root, '.worktrees', 'talker'))).toBe(false);
  });

  it.each([
    ['an invalid task name', ['spawn', '--task', 'bad name', '--', 'true'], 2, 'agent names are 1-64'],
    ['an unknown runtime', ['spawn', '--task', 'x1', '--runtime', 'gemini', '--prompt', 'p'], 2, 'gemini'],
    ['a missing binary', ['spawn', '--task', 'x2', '--', 'no-such-program'], 2, 'not found'],
    [
      'a base branch that does not exist',
      ['spawn', '--task', 'x3', '--base-branch', 'nope', '--', 'true'],
      3,
      'does not exist',
    ],
    ['an unknown agent', ['kill', 'ghost'], 3, 'agent "ghost" not found'],
    ['an unknown agent to say to', ['say', 'ghost', 'hi'], 3, 'not found'],
  ])('should refuse %s with one line and exit %s', async (_what, args, exit, text) => {
    const result = await fractaIsolated(root, args);
    expect(result.code).toBe(exit);
    expect(result.stderr).toContain(text);
    expect(
      result.stderr
        .trim()
        .split('\n')
        .filter((line) => line.startsWith('fracta:')),
    ).toHaveLength(1);
  });

  it('should refuse a duplicate live name with exit 4 and keep the first agent', async () => {
    expect((await fractaIsolated(root, ['spawn', '--task', 'twin', '--', 'sleep', '60'])).code).toBe(0);
    const second = await fractaIsolated(root, ['spawn', '--task', 'twin', '--', 'true']);
    expect(second.code).toBe(4);
    expect(second.stderr).toContain('already exists');
    const agents = JSON.parse(
      (await fractaIsolated(root, ['list', '--json', '--status', 'running'])).stdout,
    ) as AgentView[];
    expect(agents.map((agent) => agent.name)).toContain('twin');
    await fractaIsolated(root, ['kill', 'twin']);
  });
});
