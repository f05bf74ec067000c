import { randomBytes } from 'node:crypto';
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';

import {
  CodexAppServer,
  expectExit,
  type McpServerStatus,
  prepareOfflineCli,
  runAgentCli,
  type ScriptedModel,
  startScriptedModel,
} from '@fracta/scripted-model';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { type AgentFiles, writeAgentFiles } from '../../src/index.js';

import { AGENT, agentInput, INSTRUCTIONS_MARK } from './support/agent-input.js';
import { createAgentWorkspace, type AgentWorkspace } from './support/agent-workspace.js';
import { FRACTA_TOOLS, TestGateway } from './support/test-gateway.js';

describe('codex reads the files and options fracta writes', () => {
  let model: ScriptedModel;
  let gateway: TestGateway;
  let workspace: AgentWorkspace;
  let token: string;
  let env: Record<string, string>;
  let codexHome: string;
  let servers: CodexAppServer[];

  beforeEach(async () => {
    token = randomBytes(24).toString('hex');
    model = await startScriptedModel();
    gateway = await TestGateway.start({ agent: AGENT, token });
    workspace = await createAgentWorkspace('codex');
    const setup = await prepareOfflineCli('codex', model, { home: workspace.home });
    codexHome = setup.env.CODEX_HOME ?? join(workspace.home, '.codex');
    env = { ...setup.env, PATH: process.env.PATH ?? '/usr/bin:/bin', FRACTA_GATEWAY_TOKEN: token };
    servers = [];
  });

  afterEach(async () => {
    await Promise.all(servers.map((server) => server.close()));
    await gateway.close();
    await model.close();
    await workspace.dispose();
  });

  async function writeFiles(overrides: Parameters<typeof agentInput>[2] = {}): Promise<AgentFiles> {
    const files = writeAgentFiles(agentInput('codex', gateway.url, overrides));
    await workspace.write(files);
    return files;
  }

  /** What `codex app-server` reports for the MCP servers of a thread in the workspace. */
  async function serverStatus(
    args: readonly string[],
    environment = env,
  ): Promise<{ global: McpServerStatus[]; thread: McpServerStatus[] }> {
    const server = new CodexAppServer({ args, cwd: workspace.repo, env: environment });
    servers.push(server);
    await server.request('initialize', { clientInfo: { name: 'fracta-mcp-config-test', version: '1.0.0' } });
    server.notify('initialized');
    const global = await server.mcpServerStatus();
    // Project config (.codex/config.toml) is per thread: it is read for the thread's cwd.
    const started = (await server.request('thread/start', { cwd: workspace.repo, ephemeral: true })) as {
      thread: { id: string };
    };
    const thread = await server.mcpServerStatus(started.thread.id);
    return { global, thread };
  }

  async function trustRepository(): Promise<void> {
    await appendFile(
      join(codexHome, 'config.toml'),
      `\n[projects.${JSON.stringify(workspace.repo)}]\ntrust_level = "trusted"\n`,
    );
  }

  it('should connect `codex app-server` to the gateway with the token from the env, given the -c options', async () => {
    const files = await writeFiles();

    const status = await serverStatus(files.extraArgs);

    for (const list of [status.global, status.thread]) {
      expect(list).toEqual([
        expect.objectContaining({ name: 'fracta', authStatus: 'bearerToken', toolsError: null }),
      ]);
      expect(Object.keys(list[0]?.tools ?? {}).sort()).toEqual([...FRACTA_TOOLS].sort());
    }
    expect(status.thread[0]?.runtimeStatus).toBe('connected');
    expect(new Set(gateway.requests.map((request) => request.authorization))).toEqual(
      new Set([`Bearer ${token}`]),
    );
    for (const file of files.files) expect(file.content).not.toContain(token);
  });

  it('should read .codex/config.toml only once the user trusts the repository', async () => {
    await writeFiles();

    const untrusted = await serverStatus([]);
    await trustRepository();
    const trusted = await serverStatus([]);

    expect(untrusted.thread).toEqual([]);
    expect(trusted.global).toEqual([]);
    expect(trusted.thread).toEqual([
      expect.objectContaining({ name: 'fracta', runtimeStatus: 'connected', toolsError: null }),
    ]);
  });

  it('should report the failure when the token in the env is wrong', async () => {
    const files = await writeFiles();

    const status = await serverStatus(files.extraArgs, { ...env, FRACTA_GATEWAY_TOKEN: 'wrong-token' });

    expect(status.thread).toEqual([
      expect.objectContaining({ name: 'fracta', runtimeStatus: 'authenticationRequired', tools: {} }),
    ]);
    expect(status.thread[0]?.toolsError).toContain('Auth required');
    expect(gateway.accepted).toEqual([]);
    expect(gateway.requests.some((request) => request.status === 401)).toBe(true);
  });

  function execArgs(extraArgs: readonly string[]): string[] {
    return ['exec', '--json', '--model', 'scripted-model', ...extraArgs, '--', 'report progress'];
  }

  function toolCall(events: readonly Record<string, unknown>[]): Record<string, unknown> | undefined {
    const item = events
      .filter((event) => event.type === 'item.completed')
      .map((event) => event.item as Record<string, unknown>)
      .find((candidate) => candidate.type === 'mcp_tool_call');
    return item;
  }

  it.each([
    ['an untracked workspace', [], ['.codex/config.toml', 'AGENTS.md']],
    ['a repository that tracks AGENTS.md and .codex/config.toml', ['AGENTS.md', '.codex/config.toml'], []],
  ])(
    'should let `codex exec` call a gateway tool without approval, in %s',
    async (_case, trackedFiles, written) => {
      if (trackedFiles.length > 0) {
        await workspace.commit({
          'AGENTS.md': '# Team rules\n',
          '.codex/config.toml': 'model_reasoning_effort = "low"\n',
        });
      }
      const files = await writeFiles({ tracked: trackedFiles });
      model.script([
        { kind: 'tool', tool: 'fracta_report', arguments: { text: 'halfway' } },
        { kind: 'text', text: 'Reported.' },
      ]);

      const result = await runAgentCli('codex', execArgs(files.extraArgs), { cwd: workspace.repo, env });

      expectExit(result, 0);
      expect(files.files.map((file) => file.path)).toEqual(written);
      expect(toolCall(result.events)).toMatchObject({
        server: 'fracta',
        tool: 'fracta_report',
        status: 'completed',
        result: { content: [{ type: 'text', text: 'fracta_report: {"text":"halfway"}' }] },
      });
      expect(model.modelRequests[0]?.tools).toEqual(expect.arrayContaining(['mcp__fracta.fracta_report']));
      const sent = model.modelRequests[0]?.messages.map((message) => message.text).join('\n') ?? '';
      expect(sent).toContain(INSTRUCTIONS_MARK);
      expect(await workspace.git('status', '--porcelain', '--untracked-files=no')).toBe('');
    },
  );

  it('should refuse the call without the approval options: why fracta approves each gateway tool', async () => {
    const files = await writeFiles();
    const withoutApproval = files.extraArgs.filter(
      (arg, i, args) => !arg.includes('approval_mode') && !(args[i + 1]?.includes('approval_mode') ?? false),
    );
    model.script([
      { kind: 'tool', tool: 'fracta_report', arguments: { text: 'halfway' } },
      { kind: 'text', text: 'Could not report.' },
    ]);

    const result = await runAgentCli('codex', execArgs(withoutApproval), { cwd: workspace.repo, env });

    expectExit(result, 0);
    expect(toolCall(result.events)).toMatchObject({
      status: 'failed',
      error: { message: expect.stringContaining('requires approval') },
    });
  });
});
