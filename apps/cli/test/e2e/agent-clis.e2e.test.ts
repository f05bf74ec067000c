/**
 * The real pinned claude, codex and opencode binaries, started with `fracta spawn` in a git
 * worktree by the real local control plane, answered by the scripted model on 127.0.0.1: each
 * completes with the model's final text and its usage, and `fracta say` resumes the same session.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { ControlPlaneClient, type AgentView } from '@fracta/api-contract';
import {
  agentCliBinary,
  prepareOfflineCli,
  startScriptedModel,
  type AgentCli,
  type ScriptedModel,
  type ScriptedTurn,
} from '@fracta/scripted-model';
import { freePort } from '@fracta/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';

import { fractaIsolated } from './support/fracta-cli.js';

const run = promisify(execFile);

/** The model's call of the CLI's own file-writing tool (codex: its shell, which also commits). */
function writeTurn(cli: AgentCli, worktree: string): ScriptedTurn {
  const file = join(worktree, 'agent-notes.txt');
  switch (cli) {
    case 'claude':
      return { kind: 'tool', tool: 'Write', arguments: { file_path: file, content: 'written by claude\n' } };
    case 'opencode':
      return { kind: 'tool', tool: 'write', arguments: { filePath: file, content: 'written by opencode\n' } };
    case 'codex':
      return {
        kind: 'tool',
        tool: 'exec_command',
        arguments: {
          cmd: "printf 'written by codex\\n' > agent-notes.txt && git add agent-notes.txt && git -c user.name=codex -c user.email=codex@fracta.invalid commit -qm 'codex: notes'",
        },
      };
  }
}

describe.each(['claude', 'codex', 'opencode'] as const)('fracta spawn with the real %s CLI', (cli) => {
  let root: string;
  let project: string;
  let model: ScriptedModel;
  let client: ControlPlaneClient;
  const name = `${cli}-agent`;

  async function waitForStatus(status: AgentView['status'], timeoutMs = 60_000): Promise<AgentView> {
    const deadline = Date.now() + timeoutMs;
    let last: AgentView | null = null;
    while (Date.now() < deadline) {
      last = await client.getAgent(name);
      if (last.status === status) return last;
      if (last.status === 'failed') throw new Error(`${name} failed: ${last.failure_reason ?? ''}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`timed out waiting for ${name} to be ${status}: ${JSON.stringify(last)}`);
  }

  beforeAll(async () => {
    root = await realpath(await mkdtemp(join(tmpdir(), `fracta-${cli}-`)));
    project = join(root, 'project');
    model = await startScriptedModel();
    const setup = await prepareOfflineCli(cli, model, { home: join(root, 'home') });
    const port = await freePort();
    await run('git', ['init', '-q', '-b', 'main', project]);
    const git = (...args: string[]) =>
      run('git', ['-c', 'user.name=t', '-c', 'user.email=t@fracta.invalid', ...args], { cwd: project });
    await writeFile(join(project, 'README.md'), '# demo\n');
    // JSON is YAML: the scripted env values (JSON config for opencode) need no escaping this way.
    const config = {
      version: 1,
      control_plane_api: { listen: `127.0.0.1:${port}` },
      gateway: { managed: false },
      agents: {
        agent_runtimes: { [cli]: { command: agentCliBinary(cli), model: setup.model, env: setup.env } },
      },
      observability: { log_level: 'warn' },
    };
    await writeFile(join(project, 'fracta.yaml'), JSON.stringify(config, null, 2));
    await writeFile(join(project, '.gitignore'), '.fracta/\n.worktrees/\n');
    await git('add', '.');
    await git('commit', '-qm', 'initial');
    const listed = await fractaIsolated(project, ['list', '--json']);
    expect(listed.code).toBe(0);
    const token = (await readFile(join(project, '.fracta', 'controlplane.token'), 'utf8')).trim();
    client = new ControlPlaneClient({ baseUrl: `http://127.0.0.1:${port}`, token });
  });

  afterAll(async () => {
    await fractaIsolated(project, ['kill', name]);
    await fractaIsolated(project, ['kill', `${cli}-writer`]);
    await fractaIsolated(project, ['controlplane', 'stop']);
    await model.close();
    await rm(root, { recursive: true, force: true });
  });

  it('should complete a run in its worktree with the final text and usage, then resume it with say', async () => {
    model.script([
      { kind: 'text', text: `FIRST ANSWER from ${cli}`, usage: { inputTokens: 120, outputTokens: 7 } },
    ]);
    const spawned = await fractaIsolated(project, [
      'spawn',
      '--task',
      name,
      '--runtime',
      cli,
      '--prompt',
      'Say FIRST',
      '--json',
    ]);
    expect(spawned.code).toBe(0);
    expect((JSON.parse(spawned.stdout) as AgentView).workspace_path).toBe(join(project, '.worktrees', name));

    const first = await waitForStatus('completed');
    expect(first.last_output).toBe(`FIRST ANSWER from ${cli}`);
    expect(first.exit_code).toBe(0);
    expect(first.usage).toMatchObject({ output_tokens: 7 });
    expect(first.usage?.input_tokens).toBeGreaterThanOrEqual(120);
    expect(first.resumable).toBe(true);
    expect(model.modelRequests.some((request) => request.prompt?.includes('Say FIRST'))).toBe(true);

    const [firstRun] = await client.runs(name);
    const firstInfo = parse(await readFile(join(firstRun?.dir ?? '', 'run-info.yaml'), 'utf8')) as {
      resume_token?: string;
      status: string;
    };
    expect(firstInfo.status).toBe('succeeded');
    const token = firstInfo.resume_token;
    expect(token).toMatch(/^[A-Za-z0-9._:-]+$/);
    expect(await readFile(join(firstRun?.dir ?? '', 'output.md'), 'utf8')).toContain(
      `FIRST ANSWER from ${cli}`,
    );

    model.script([
      { kind: 'text', text: `SECOND ANSWER from ${cli}`, usage: { inputTokens: 200, outputTokens: 5 } },
    ]);
    const said = await fractaIsolated(project, ['say', name, 'Say SECOND', '--json']);
    expect(said.code).toBe(0);
    expect((JSON.parse(said.stdout) as { delivered: string }).delivered).toBe('resumed');
    const second = await waitForStatus('completed');
    expect(second.last_output).toBe(`SECOND ANSWER from ${cli}`);

    const runs = await client.runs(name);
    expect(runs.map((r) => [r.seq, r.kind, r.status])).toEqual([
      [1, 'initial', 'succeeded'],
      [2, 'say', 'succeeded'],
    ]);
    const secondInfo = parse(await readFile(join(runs[1]?.dir ?? '', 'run-info.yaml'), 'utf8')) as {
      command: string[];
    };
    // The session's resume token was passed to the CLI …
    expect(secondInfo.command).toContain(token);
    // … and the model saw the earlier turn in the resumed conversation.
    const resumed = model.modelRequests.at(-1);
    expect(resumed?.messages.map((message) => message.text).join('\n')).toContain(`FIRST ANSWER from ${cli}`);
  });
  it("should edit a file in its own worktree with the CLI's built-in tool", async () => {
    const writer = `${cli}-writer`;
    const worktree = join(project, '.worktrees', writer);
    model.script([writeTurn(cli, worktree), { kind: 'text', text: 'notes written' }]);
    const spawned = await fractaIsolated(project, [
      'spawn',
      '--task',
      writer,
      '--runtime',
      cli,
      '--prompt',
      'Write the notes',
    ]);
    expect(spawned.code).toBe(0);
    const deadline = Date.now() + 60_000;
    let agent = await client.getAgent(writer);
    while (['queued', 'running'].includes(agent.status) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      agent = await client.getAgent(writer);
    }
    expect({ status: agent.status, reason: agent.failure_reason }).toEqual({
      status: 'completed',
      reason: null,
    });
    expect(agent.last_output).toBe('notes written');
    expect(await readFile(join(worktree, 'agent-notes.txt'), 'utf8')).toBe(`written by ${cli}\n`);
    expect(await readFile(join(project, 'README.md'), 'utf8')).toBe('# demo\n');
    if (cli === 'codex') {
      // codex committed on its branch (its sandbox may write the repository's git directory)
      const { stdout } = await run('git', ['log', '-1', '--format=%s', `feature/${writer}`], {
        cwd: project,
      });
      expect(stdout.trim()).toBe('codex: notes');
      const merged = await fractaIsolated(project, ['merge', writer]);
      expect(merged).toMatchObject({ code: 0, stderr: '' });
      expect(await readFile(join(project, 'agent-notes.txt'), 'utf8')).toBe('written by codex\n');
    }
  });
});
