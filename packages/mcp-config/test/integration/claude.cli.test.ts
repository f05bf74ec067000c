import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import {
  expectExit,
  prepareOfflineCli,
  runAgentCli,
  type ScriptedModel,
  startScriptedModel,
} from '@fracta/scripted-model';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { type AgentFiles, writeAgentFiles } from '../../src/index.js';

import { AGENT, agentInput, INSTRUCTIONS_MARK } from './support/agent-input.js';
import { createAgentWorkspace, type AgentWorkspace } from './support/agent-workspace.js';
import { TestGateway } from './support/test-gateway.js';

/** The line `claude mcp list` prints for one server. */
function serverLine(stdout: string, name: string): string {
  return (
    stdout.split('\n').find((line) => line.startsWith(`${name}: `)) ?? `(no line for ${name} in:\n${stdout})`
  );
}

describe('claude reads the files fracta writes', () => {
  let model: ScriptedModel;
  let gateway: TestGateway;
  let workspace: AgentWorkspace;
  let token: string;
  let env: Record<string, string>;

  beforeEach(async () => {
    token = randomBytes(24).toString('hex');
    model = await startScriptedModel();
    gateway = await TestGateway.start({ agent: AGENT, token });
    workspace = await createAgentWorkspace('claude');
    const setup = await prepareOfflineCli('claude', model, { home: workspace.home });
    env = {
      ...setup.env,
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      FRACTA_GATEWAY_TOKEN: token,
      FRACTA_GATEWAY_URL: gateway.url,
    };
  });

  afterEach(async () => {
    await gateway.close();
    await model.close();
    await workspace.dispose();
  });

  async function writeFiles(overrides: Parameters<typeof agentInput>[2] = {}): Promise<AgentFiles> {
    const files = writeAgentFiles(agentInput('claude', gateway.url, overrides));
    await workspace.write(files);
    return files;
  }

  it('should connect `claude mcp list` to the gateway with the token from the env, given the extra args', async () => {
    const userServers = JSON.stringify({
      mcpServers: { docs: { type: 'http', url: 'http://127.0.0.1:9/docs' } },
    });
    const files = await writeFiles({
      gateway: { url: gateway.url, urlEnvVar: 'FRACTA_GATEWAY_URL', tokenEnvVar: 'FRACTA_GATEWAY_TOKEN' },
      existing: { '.mcp.json': userServers },
    });

    const result = await runAgentCli('claude', [...files.extraArgs, 'mcp', 'list'], {
      cwd: workspace.repo,
      env,
    });

    expectExit(result, 0);
    // It shows the URL as written (a variable reference) and connects to what the env says.
    expect(serverLine(result.stdout, 'fracta')).toBe('fracta: ${FRACTA_GATEWAY_URL} (HTTP) - ✔ Connected');
    // The user's own server stays in .mcp.json, and stays theirs to approve.
    expect(serverLine(result.stdout, 'docs')).toContain('Pending approval');
    expect(gateway.accepted.length).toBeGreaterThan(0);
    expect(new Set(gateway.requests.map((request) => request.authorization))).toEqual(
      new Set([`Bearer ${token}`]),
    );
    for (const file of files.files) expect(file.content).not.toContain(token);
  });

  it('should report the failure when the token in the env is wrong', async () => {
    const files = await writeFiles();

    const result = await runAgentCli('claude', [...files.extraArgs, 'mcp', 'list'], {
      cwd: workspace.repo,
      env: { ...env, FRACTA_GATEWAY_TOKEN: 'wrong-token' },
    });

    expect(serverLine(result.stdout, 'fracta')).toMatch(/✘ Failed to connect.*401/);
    expect(gateway.requests.some((request) => request.status === 401)).toBe(true);
    expect(gateway.accepted).toEqual([]);
  });

  it('should need the extra args in an untrusted worktree, and not once the user trusts the repository', async () => {
    await workspace.git('worktree', 'add', '-q', '.worktrees/a1', '-b', 'feature/a1');
    const worktree = join(workspace.repo, '.worktrees', 'a1');
    await workspace.write(writeAgentFiles(agentInput('claude', gateway.url)), worktree);

    const untrusted = await runAgentCli('claude', ['mcp', 'list'], { cwd: worktree, env });
    await writeFile(
      join(workspace.home, '.claude.json'),
      JSON.stringify({ projects: { [workspace.repo]: { hasTrustDialogAccepted: true } } }),
    );
    const trusted = await runAgentCli('claude', ['mcp', 'list'], { cwd: worktree, env });

    expect(serverLine(untrusted.stdout, 'fracta')).toContain('Pending approval');
    expect(serverLine(trusted.stdout, 'fracta')).toContain('✔ Connected');
  });

  it('should ignore a project .claude/settings.json in an untrusted workspace: why fracta writes settings.local.json', async () => {
    const files = writeAgentFiles(agentInput('claude', gateway.url));
    const local = files.files.find((file) => file.path === '.claude/settings.local.json');
    await workspace.write({
      ...files,
      files: files.files.map((file) => (file === local ? { ...file, path: '.claude/settings.json' } : file)),
    });
    model.script([
      { kind: 'tool', tool: 'fracta_report', arguments: { text: 'halfway' } },
      { kind: 'text', text: 'Could not report.' },
    ]);

    const result = await runAgentCli(
      'claude',
      [
        '-p',
        '--output-format',
        'stream-json',
        '--verbose',
        '--model',
        'claude-scripted',
        ...files.extraArgs,
        '--',
        'report progress',
      ],
      { cwd: workspace.repo, env },
    );

    expectExit(result, 0);
    expect(result.events.find((event) => event.type === 'result')).toMatchObject({
      permission_denials: [expect.objectContaining({ tool_name: 'mcp__fracta__fracta_report' })],
    });
    expect(gateway.accepted.length).toBeGreaterThan(0);
  });

  it.each([
    ['an untracked workspace', {}, ['.mcp.json', '.claude/settings.local.json', 'CLAUDE.md']],
    [
      'a repository that tracks .mcp.json, the local settings and CLAUDE.md',
      {
        '.mcp.json': '{"mcpServers": {}}\n',
        '.claude/settings.local.json': '{}\n',
        'CLAUDE.md': '# Team rules\n',
      },
      ['CLAUDE.local.md'],
    ],
  ])(
    'should let `claude -p` call a gateway tool without asking, in %s',
    async (_case, userFiles, written) => {
      if (Object.keys(userFiles).length > 0) await workspace.commit(userFiles);
      const files = await writeFiles({ existing: userFiles, tracked: Object.keys(userFiles) });
      model.script([
        { kind: 'tool', tool: 'fracta_report', arguments: { text: 'halfway' } },
        { kind: 'text', text: 'Reported.' },
      ]);

      const result = await runAgentCli(
        'claude',
        [
          '-p',
          '--output-format',
          'stream-json',
          '--verbose',
          '--model',
          'claude-scripted',
          ...files.extraArgs,
          '--',
          'report progress',
        ],
        { cwd: workspace.repo, env },
      );

      expectExit(result, 0);
      expect(files.files.map((file) => file.path)).toEqual(written);
      const init = result.events.find((event) => event.type === 'system' && event.subtype === 'init');
      expect(init?.mcp_servers).toEqual(
        expect.arrayContaining([expect.objectContaining({ name: 'fracta', status: 'connected' })]),
      );
      expect(model.modelRequests[0]?.tools).toEqual(
        expect.arrayContaining(['mcp__fracta__fracta_report', 'mcp__fracta__fracta_spawn']),
      );
      expect(model.modelRequests[1]?.toolResults).toEqual([
        expect.stringContaining('fracta_report: {"text":"halfway"}'),
      ]);
      expect(result.events.find((event) => event.type === 'result')).toMatchObject({
        is_error: false,
        permission_denials: [],
      });
      const sent = model.modelRequests[0]?.messages.map((message) => message.text).join('\n') ?? '';
      expect(sent).toContain(INSTRUCTIONS_MARK);
      // Tracked files are left as they were: nothing for the agent to commit by accident.
      expect(await workspace.git('status', '--porcelain', '--untracked-files=no')).toBe('');
    },
  );
});
