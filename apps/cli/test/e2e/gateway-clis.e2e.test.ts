/**
 * The real claude, codex and opencode agents talking to the real agent gateway (started by the
 * local control plane as its child) with their own tokens: the scripted model calls
 * fracta_set_intent and a tool of a shared stdio MCP server through the gateway; the intent shows
 * in `fracta list`, the backend's answer reaches the model, and the events record both. Then each
 * CLI's own MCP health check reports the gateway connected with the agent's token, and the
 * failure with a wrong one.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { ControlPlaneClient, type AgentView } from '@fracta/api-contract';
import {
  agentCliBinary,
  type CliRunOptions,
  CodexAppServer,
  type McpServerStatus,
  prepareOfflineCli,
  runAgentCli,
  startScriptedModel,
  type AgentCli,
  type OfflineCliSetup,
  type ScriptedModel,
} from '@fracta/scripted-model';
import { freePort } from '@fracta/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { fractaIsolated } from './support/fracta-cli.js';

const run = promisify(execFile);
const backend = new URL('../fixtures/knowledge-backend.mjs', import.meta.url).pathname;

/** What a CLI's `mcp list` printed (stdout and stderr; opencode colours even a pipe). */
async function mcpList(cli: AgentCli, options: CliRunOptions): Promise<string> {
  const result = await runAgentCli(cli, ['mcp', 'list'], { timeoutMs: 30_000, ...options });
  // eslint-disable-next-line no-control-regex -- colour codes
  return `${result.stdout}\n${result.stderr}`.replace(/\x1b\[[0-9;]*m/g, '');
}

/** Codex's own MCP health check: app-server, a thread in `cwd` (project config is per thread), mcpServerStatus/list. */
async function codexMcpStatus(cwd: string, env: Record<string, string>): Promise<McpServerStatus[]> {
  const server = new CodexAppServer({ cwd, env });
  try {
    await server.request('initialize', { clientInfo: { name: 'fracta-test', version: '1' } });
    server.notify('initialized');
    const started = (await server.request('thread/start', { cwd, ephemeral: true })) as {
      thread: { id: string };
    };
    return await server.mcpServerStatus(started.thread.id);
  } finally {
    await server.close();
  }
}

/** The FRACTA_GATEWAY_TOKEN of a live process of `agent` (read from /proc), or null. */
function agentToken(agent: string): string | null {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environ = readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
      if (!environ.includes(`FRACTA_AGENT=${agent}`)) continue;
      const line = environ.find((value) => value.startsWith('FRACTA_GATEWAY_TOKEN='));
      if (line !== undefined) return line.slice('FRACTA_GATEWAY_TOKEN='.length);
    } catch {
      // gone, or not readable
    }
  }
  return null;
}

describe.each(['claude', 'codex', 'opencode'] as const)('the real %s agent through the gateway', (cli) => {
  let root: string;
  let project: string;
  let model: ScriptedModel;
  let setup: OfflineCliSetup;
  let client: ControlPlaneClient;
  let gatewayPort: number;
  const name = `${cli}-gw`;

  async function waitUntilDone(agent: string, timeoutMs = 90_000): Promise<AgentView> {
    const deadline = Date.now() + timeoutMs;
    let last = await client.getAgent(agent);
    while (['queued', 'running'].includes(last.status) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      last = await client.getAgent(agent);
    }
    return last;
  }

  beforeAll(async () => {
    root = await realpath(await mkdtemp(join(tmpdir(), `fracta-gw-${cli}-`)));
    project = join(root, 'project');
    model = await startScriptedModel();
    setup = await prepareOfflineCli(cli, model, { home: join(root, 'home') });
    const port = await freePort();
    gatewayPort = await freePort();
    await run('git', ['init', '-q', '-b', 'main', project]);
    await writeFile(join(project, 'README.md'), '# demo\n');
    await writeFile(join(project, '.gitignore'), '.fracta/\n.worktrees/\n');
    const config = {
      version: 1,
      control_plane_api: { listen: `127.0.0.1:${port}` },
      gateway: { url: `http://127.0.0.1:${gatewayPort}`, listen: `127.0.0.1:${gatewayPort}` },
      mcp_servers: {
        kb: {
          transport: 'stdio',
          command: process.execPath,
          args: [backend],
          env: { KB_STARTS_FILE: join(root, 'kb-starts') },
        },
      },
      agents: {
        agent_runtimes: { [cli]: { command: agentCliBinary(cli), model: setup.model, env: setup.env } },
      },
      observability: { log_level: 'warn' },
    };
    await writeFile(join(project, 'fracta.yaml'), JSON.stringify(config, null, 2));
    await run('git', ['add', '.'], { cwd: project });
    await run('git', ['-c', 'user.name=t', '-c', 'user.email=t@fracta.invalid', 'commit', '-qm', 'init'], {
      cwd: project,
    });
    expect((await fractaIsolated(project, ['list'])).code).toBe(0);
    const token = (await readFile(join(project, '.fracta', 'controlplane.token'), 'utf8')).trim();
    client = new ControlPlaneClient({ baseUrl: `http://127.0.0.1:${port}`, token });
    // the control plane started its gateway child
    const deadline = Date.now() + 20_000;
    let up = false;
    while (!up && Date.now() < deadline) {
      up = await fetch(`http://127.0.0.1:${gatewayPort}/healthz`).then(
        (response) => response.ok,
        () => false,
      );
      if (!up) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(up).toBe(true);
  });

  afterAll(async () => {
    for (const agent of [name, `${cli}-health`]) await fractaIsolated(project, ['kill', agent]);
    await fractaIsolated(project, ['controlplane', 'stop']);
    await model.close();
    await rm(root, { recursive: true, force: true });
  });

  it('should set its intent and call a shared backend tool through the gateway', async () => {
    model.script([
      { kind: 'tool', tool: 'fracta_set_intent', arguments: { intent: 'looking the answer up' } },
      { kind: 'tool', tool: 'kb__lookup', arguments: { key: 'answer' } },
      { kind: 'text', text: 'The answer is 42.' },
    ]);
    const spawned = await fractaIsolated(project, [
      'spawn',
      '--task',
      name,
      '--runtime',
      cli,
      '--prompt',
      'Find the answer',
    ]);
    expect(spawned.code).toBe(0);
    const done = await waitUntilDone(name);
    expect({ status: done.status, reason: done.failure_reason }).toEqual({
      status: 'completed',
      reason: null,
    });
    expect(done.last_output).toBe('The answer is 42.');

    const listed = JSON.parse((await fractaIsolated(project, ['list', '--json'])).stdout) as AgentView[];
    expect(listed.find((agent) => agent.name === name)?.intent).toBe('looking the answer up');
    // the backend's answer reached the model
    expect(model.modelRequests.flatMap((request) => request.toolResults).join('\n')).toContain(
      'the value of answer is 42',
    );
    expect(model.problems).toEqual([]);
    const events = (await client.events({ agent: name, limit: 200 })).events;
    expect(events.some((event) => event.action === 'intent_set')).toBe(true);
    expect(
      events.some(
        (event) =>
          event.action === 'tool_call' && event.attrs.server === 'kb' && event.attrs.tool === 'lookup',
      ),
    ).toBe(true);
    // one process for the stdio backend, however many agents used it
    expect((await readFile(join(root, 'kb-starts'), 'utf8')).trim().split('\n')).toHaveLength(1);
  });

  it("should be reported connected by the CLI's own MCP check with the agent's token, and failing with a wrong one", async () => {
    const agent = `${cli}-health`;
    // a long first answer keeps the agent (and its token) alive while the checks run
    model.script([{ kind: 'text', text: 'done', delayMs: 60_000 }]);
    expect(
      (await fractaIsolated(project, ['spawn', '--task', agent, '--runtime', cli, '--prompt', 'wait'])).code,
    ).toBe(0);
    const worktree = join(project, '.worktrees', agent);
    let token: string | null = null;
    const deadline = Date.now() + 20_000;
    while (token === null && Date.now() < deadline) {
      token = agentToken(agent);
      if (token === null) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(token).not.toBeNull();
    const gatewayUrl = `http://127.0.0.1:${gatewayPort}/agents/${agent}/mcp`;
    const env = (value: string) => ({
      ...setup.env,
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      FRACTA_GATEWAY_URL: gatewayUrl,
      FRACTA_GATEWAY_TOKEN: value,
    });
    const wrong = 'wrong-token-0123456789abcdef0123456789abcdef';

    if (cli === 'claude') {
      const home = setup.env.HOME ?? '';
      await mkdir(join(home, '.claude'), { recursive: true });
      await writeFile(
        join(home, '.claude', 'settings.json'),
        JSON.stringify({ enableAllProjectMcpServers: true }),
      );
      const good = await mcpList('claude', { cwd: worktree, env: env(token ?? '') });
      expect(good).toMatch(/fracta:.*Connected/);
      const bad = await mcpList('claude', { cwd: worktree, env: env(wrong) });
      expect(bad).toMatch(/fracta:.*(Failed|401)/);
    } else if (cli === 'opencode') {
      const good = await mcpList('opencode', { cwd: worktree, env: env(token ?? '') });
      expect(good).toMatch(/fracta\S* connected/);
      const bad = await mcpList('opencode', { cwd: worktree, env: env(wrong) });
      expect(bad).toMatch(/fracta\S* failed/i);
    } else {
      // codex reads the project's .codex/config.toml only for a trusted project
      const codexHome = setup.env.CODEX_HOME ?? '';
      const config = await readFile(join(codexHome, 'config.toml'), 'utf8');
      await writeFile(
        join(codexHome, 'config.toml'),
        `${config}\n[projects.${JSON.stringify(worktree)}]\ntrust_level = "trusted"\n`,
      );
      const good = await codexMcpStatus(worktree, env(token ?? ''));
      expect(good).toEqual([expect.objectContaining({ name: 'fracta', runtimeStatus: 'connected' })]);
      expect(Object.keys(good[0]?.tools ?? {})).toEqual(
        expect.arrayContaining(['fracta_set_intent', 'kb__lookup']),
      );
      const bad = await codexMcpStatus(worktree, env(wrong));
      expect(bad).toEqual([
        expect.objectContaining({ name: 'fracta', runtimeStatus: 'authenticationRequired', tools: {} }),
      ]);
    }
  });
});
