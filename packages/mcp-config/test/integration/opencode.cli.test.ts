import { randomBytes } from 'node:crypto';
import { stripVTControlCharacters } from 'node:util';

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

/** `opencode mcp list` prints `✓ name connected` / `✗ name failed` followed by details. */
function serverLines(stdout: string, name: string): string {
  const lines = stripVTControlCharacters(stdout).split('\n');
  const start = lines.findIndex((line) => new RegExp(`[✓✗⚠○] ${name}\\b`).test(line));
  return start === -1 ? `(no line for ${name} in:\n${stdout})` : lines.slice(start, start + 2).join('\n');
}

describe('opencode reads the files fracta writes', () => {
  let model: ScriptedModel;
  let gateway: TestGateway;
  let userGateway: TestGateway;
  let workspace: AgentWorkspace;
  let token: string;
  let env: Record<string, string>;

  beforeEach(async () => {
    token = randomBytes(24).toString('hex');
    model = await startScriptedModel();
    gateway = await TestGateway.start({ agent: AGENT, token });
    // A server of the user's own, with its own literal header: fracta must keep it.
    userGateway = await TestGateway.start({ agent: 'docs', token: 'users-own-token', tools: ['search'] });
    workspace = await createAgentWorkspace('opencode');
    const setup = await prepareOfflineCli('opencode', model, { home: workspace.home });
    env = {
      ...setup.env,
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      FRACTA_GATEWAY_TOKEN: token,
      FRACTA_GATEWAY_URL: gateway.url,
    };
  });

  afterEach(async () => {
    await gateway.close();
    await userGateway.close();
    await model.close();
    await workspace.dispose();
  });

  function userConfig(extra: Record<string, unknown> = {}): string {
    return JSON.stringify({
      mcp: {
        docs: {
          type: 'remote',
          url: userGateway.url,
          oauth: false,
          headers: { Authorization: 'Bearer users-own-token' },
        },
      },
      ...extra,
    });
  }

  async function writeFiles(overrides: Parameters<typeof agentInput>[2] = {}): Promise<AgentFiles> {
    const files = writeAgentFiles(agentInput('opencode', gateway.url, overrides));
    await workspace.write(files);
    return files;
  }

  it("should connect `opencode mcp list` to the gateway with the token from the env, keeping the user's server", async () => {
    const files = await writeFiles({
      gateway: { url: gateway.url, urlEnvVar: 'FRACTA_GATEWAY_URL', tokenEnvVar: 'FRACTA_GATEWAY_TOKEN' },
      existing: { 'opencode.json': userConfig() },
    });

    const result = await runAgentCli('opencode', ['mcp', 'list'], { cwd: workspace.repo, env });

    expectExit(result, 0);
    expect(serverLines(result.stdout, 'fracta')).toMatch(/✓ fracta connected/);
    expect(serverLines(result.stdout, 'docs')).toMatch(/✓ docs connected/);
    expect(gateway.accepted.length).toBeGreaterThan(0);
    expect(new Set(gateway.requests.map((request) => request.authorization))).toEqual(
      new Set([`Bearer ${token}`]),
    );
    expect(userGateway.accepted.length).toBeGreaterThan(0);
    for (const file of files.files) expect(file.content).not.toContain(token);
  });

  it('should report the failure when the token in the env is wrong', async () => {
    await writeFiles();

    const result = await runAgentCli('opencode', ['mcp', 'list'], {
      cwd: workspace.repo,
      env: { ...env, FRACTA_GATEWAY_TOKEN: 'wrong-token' },
    });

    expect(serverLines(result.stdout, 'fracta')).toMatch(/✗ fracta failed[\s\S]*401/);
    expect(gateway.accepted).toEqual([]);
  });

  it.each([
    ['an untracked workspace', [], ['opencode.json', 'AGENTS.md']],
    [
      'a repository that tracks opencode.json and AGENTS.md',
      ['opencode.json', 'AGENTS.md'],
      ['.opencode/opencode.json', '.opencode/fracta-instructions.md'],
    ],
  ])(
    "should let `opencode run` call a gateway tool despite the user's ask-for-everything, in %s",
    async (_case, trackedFiles, written) => {
      // The user's config asks before every tool, which `opencode run` turns into a refusal.
      const existing = {
        'opencode.json': userConfig({ permission: { '*': 'ask' } }),
        'AGENTS.md': '# Team rules\n',
      };
      if (trackedFiles.length > 0) await workspace.commit(existing);
      const files = await writeFiles({ existing, tracked: trackedFiles });
      expect(await workspace.git('status', '--porcelain', '--untracked-files=no')).toBe('');
      model.script([
        { kind: 'tool', tool: 'fracta_report', arguments: { text: 'halfway' } },
        { kind: 'text', text: 'Reported.' },
      ]);

      const result = await runAgentCli(
        'opencode',
        ['run', '--format', 'json', '--model', 'scripted/scripted-model', 'report progress'],
        {
          cwd: workspace.repo,
          env,
        },
      );

      expectExit(result, 0);
      expect(files.files.map((file) => file.path)).toEqual(written);
      const call = result.events.find((event) => event.type === 'tool_use')?.part as
        Record<string, unknown> | undefined;
      expect(call).toMatchObject({
        tool: 'fracta_fracta_report',
        state: { status: 'completed', output: 'fracta_report: {"text":"halfway"}' },
      });
      const offered = model.modelRequests[0]?.tools ?? [];
      expect(offered).toEqual(
        expect.arrayContaining(['fracta_fracta_report', 'fracta_fracta_spawn', 'docs_search']),
      );
      // task: deny takes opencode's own sub-agent tool away; agents spawn through fracta_spawn.
      expect(offered).not.toContain('task');
      const sent = model.modelRequests[0]?.messages.map((message) => message.text).join('\n') ?? '';
      expect(sent).toContain(INSTRUCTIONS_MARK);
      if (trackedFiles.length > 0) {
        // opencode itself adds "$schema" to a config file that lacks one, tracked or not: the only
        // change in the tracked files after the run, and not one fracta made.
        const committed = JSON.parse(await workspace.git('show', 'HEAD:opencode.json')) as Record<
          string,
          unknown
        >;
        expect(JSON.parse(await workspace.read('opencode.json'))).toEqual({
          $schema: 'https://opencode.ai/config.json',
          ...committed,
        });
        expect(await workspace.git('diff', '--name-only')).toBe('opencode.json\n');
      }
    },
  );
});
