/**
 * The documented ways to add `fracta serve` to Claude Code, Codex and OpenCode (host-setup.ts,
 * quoted in the README and shown by `fracta serve --help` and `fracta init`), fed verbatim to
 * the real pinned CLIs with temp HOMEs and `fracta` on PATH: each reports the server connected
 * with its tools, and a host turn (scripted model, or codex's app-server) calls fracta_spawn,
 * which starts a real agent through the project's control plane.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';

import type { AgentView } from '@fracta/api-contract';
import {
  type AgentCli,
  CodexAppServer,
  prepareOfflineCli,
  runAgentCli,
  startScriptedModel,
  type ScriptedModel,
} from '@fracta/scripted-model';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import {
  CLAUDE_ADD_COMMAND,
  CLAUDE_MCP_JSON,
  CODEX_ADD_COMMAND,
  CODEX_CONFIG_TOML,
  OPENCODE_JSON,
} from '../../src/lib/serve/host-setup.js';

import { createProject, fractaOnPath, waitFor, type Project } from './support/serve-harness.js';

const TOOLS = [
  'fracta_init',
  'fracta_kill',
  'fracta_list',
  'fracta_logs',
  'fracta_merge',
  'fracta_peek',
  'fracta_say',
  'fracta_spawn',
  'fracta_watch_events',
];

/** `claude mcp add …` as documented, without the leading program name. */
function argsOf(command: string, program: AgentCli): string[] {
  const [first, ...rest] = command.split(' ');
  expect(first).toBe(program);
  return rest;
}

/** A project, a scripted model and a temp HOME for one CLI, set up once for its describe. */
class Host {
  project!: Project;
  model!: ScriptedModel;
  /** The CLI's environment: its temp HOME, the scripted model, `fracta` first on PATH. */
  env!: Record<string, string>;
  home!: string;
  readonly agent: string;
  /** What the host's model passes to fracta_spawn. */
  readonly spawnArgs: Record<string, unknown>;

  constructor(cli: AgentCli) {
    this.agent = `from-${cli}`;
    this.spawnArgs = { name: this.agent, command: ['sh', '-c', `echo made by ${cli}`] };
  }

  /** The agent that fracta_spawn, called by the host, started through the project's control plane. */
  async spawnedAgent(): Promise<AgentView> {
    const controlPlane = await this.project.controlPlane();
    return waitFor(`${this.agent} to complete`, async () => {
      const found = await controlPlane.getAgent(this.agent);
      return found.status === 'completed' ? found : undefined;
    });
  }
}

function hostFor(cli: AgentCli): Host {
  const host = new Host(cli);

  beforeAll(async () => {
    host.project = await createProject(`serve-${cli}`);
    host.model = await startScriptedModel();
    host.home = join(host.project.root, 'home');
    const setup = await prepareOfflineCli(cli, host.model, { home: host.home });
    const bin = await fractaOnPath(host.project.root);
    host.env = { ...setup.env, PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}` };
  });

  afterAll(async () => {
    await host.model.close();
    await host.project.dispose();
  });

  return host;
}

describe('fracta serve in the real claude', () => {
  const host = hostFor('claude');

  /** The line `claude mcp list` prints for the server. */
  const serverLine = (stdout: string) =>
    stdout.split('\n').find((line) => line.startsWith('fracta: ')) ?? `(no fracta line in:\n${stdout})`;

  it('should connect the server added with `claude mcp add`', async () => {
    const added = await runAgentCli('claude', argsOf(CLAUDE_ADD_COMMAND, 'claude'), {
      cwd: host.project.dir,
      env: host.env,
    });
    try {
      expect(added.exitCode).toBe(0);

      const listed = await runAgentCli('claude', ['mcp', 'list'], { cwd: host.project.dir, env: host.env });

      expect(serverLine(listed.stdout)).toBe('fracta: fracta serve - ✔ Connected');
    } finally {
      // The next test checks the .mcp.json form alone.
      const removed = await runAgentCli('claude', ['mcp', 'remove', 'fracta', '-s', 'local'], {
        cwd: host.project.dir,
        env: host.env,
      });
      expect(removed.exitCode).toBe(0);
    }
  });

  it('should connect the .mcp.json entry once project servers are approved, offer the tools, and spawn through them', async () => {
    await writeFile(join(host.project.dir, '.mcp.json'), `${CLAUDE_MCP_JSON}\n`);
    const pending = await runAgentCli('claude', ['mcp', 'list'], { cwd: host.project.dir, env: host.env });
    expect(serverLine(pending.stdout)).toContain('Pending approval');
    await mkdir(join(host.home, '.claude'), { recursive: true });
    await writeFile(join(host.home, '.claude', 'settings.json'), '{"enableAllProjectMcpServers":true}\n');

    const listed = await runAgentCli('claude', ['mcp', 'list'], { cwd: host.project.dir, env: host.env });
    expect(serverLine(listed.stdout)).toBe('fracta: fracta serve - ✔ Connected');

    host.model.script([
      { kind: 'tool', tool: 'fracta_spawn', arguments: host.spawnArgs },
      { kind: 'text', text: 'Spawned it.' },
    ]);
    const turn = await runAgentCli(
      'claude',
      [
        '-p',
        '--output-format',
        'stream-json',
        '--verbose',
        '--model',
        'claude-scripted',
        '--allowedTools',
        'mcp__fracta__fracta_spawn',
        '--',
        'start an agent',
      ],
      { cwd: host.project.dir, env: host.env },
    );

    expect({ code: turn.exitCode, stderr: turn.stderr.slice(-2_000) }).toEqual({
      code: 0,
      stderr: expect.any(String) as unknown,
    });
    const init = turn.events.find((event) => event.type === 'system' && event.subtype === 'init');
    expect(init?.mcp_servers).toEqual([expect.objectContaining({ name: 'fracta', status: 'connected' })]);
    const offered = (host.model.modelRequests[0]?.tools ?? []).filter((tool) =>
      tool.startsWith('mcp__fracta__'),
    );
    expect(offered.sort()).toEqual(TOOLS.map((tool) => `mcp__fracta__${tool}`));
    // Claude Code gives its model the structured result (the agent's record), not the text.
    expect(host.model.modelRequests[1]?.toolResults).toEqual([
      expect.stringContaining(`"name":"${host.agent}"`),
    ]);
    expect(await host.spawnedAgent()).toMatchObject({ runtime: 'command', last_output: 'made by claude' });
  });
});

describe('fracta serve in the real codex', () => {
  const host = hostFor('codex');

  it('should write the documented config.toml with `codex mcp add`, list the tools in app-server, and spawn through them', async () => {
    const added = await runAgentCli('codex', argsOf(CODEX_ADD_COMMAND, 'codex'), {
      cwd: host.project.dir,
      env: host.env,
    });
    expect(added.exitCode).toBe(0);
    const config = await readFile(join(host.env.CODEX_HOME ?? '', 'config.toml'), 'utf8');
    expect(config).toContain(`${CODEX_CONFIG_TOML}\n`);

    const server = new CodexAppServer({ cwd: host.project.dir, env: host.env });
    try {
      await server.request('initialize', { clientInfo: { name: 'fracta-serve-e2e', version: '1.0.0' } });
      server.notify('initialized');
      const status = (await server.request('mcpServerStatus/list', {})) as {
        data: { name: string; tools: Record<string, unknown>; toolsError?: string | null }[];
      };
      expect(status.data).toEqual([
        expect.objectContaining({
          name: 'fracta',
          serverInfo: expect.objectContaining({ name: 'fracta' }),
        }),
      ]);
      expect(status.data[0]?.toolsError ?? null).toBeNull();
      expect(Object.keys(status.data[0]?.tools ?? {}).sort()).toEqual(TOOLS);

      const thread = (await server.request('thread/start', { cwd: host.project.dir, ephemeral: true })) as {
        thread: { id: string };
      };
      const called = (await server.request('mcpServer/tool/call', {
        server: 'fracta',
        threadId: thread.thread.id,
        tool: 'fracta_spawn',
        arguments: host.spawnArgs,
      })) as { content: { text: string }[]; isError?: boolean };
      expect(called.isError ?? false).toBe(false);
      expect(called.content[0]?.text).toContain(`spawned ${host.agent}`);
    } finally {
      await server.close();
    }
    expect(await host.spawnedAgent()).toMatchObject({ runtime: 'command', last_output: 'made by codex' });
  });
});

describe('fracta serve in the real opencode', () => {
  const host = hostFor('opencode');

  /** `opencode mcp list` prints `✓ name connected` (colours stripped). */
  const serverLine = (stdout: string) =>
    stripVTControlCharacters(stdout)
      .split('\n')
      .find((line) => line.includes(' fracta ') || line.endsWith(' fracta')) ??
    `(no fracta line in:\n${stdout})`;

  it('should connect the opencode.json entry, offer the tools, and spawn through them', async () => {
    await writeFile(join(host.project.dir, 'opencode.json'), `${OPENCODE_JSON}\n`);

    const listed = await runAgentCli('opencode', ['mcp', 'list'], { cwd: host.project.dir, env: host.env });

    expect(listed.exitCode).toBe(0);
    expect(serverLine(listed.stdout)).toMatch(/✓ fracta connected/);

    host.model.script([
      { kind: 'tool', tool: 'fracta_spawn', arguments: host.spawnArgs },
      { kind: 'text', text: 'Spawned it.' },
    ]);
    const turn = await runAgentCli(
      'opencode',
      ['run', '--format', 'json', '--model', 'scripted/scripted-model', 'start an agent'],
      { cwd: host.project.dir, env: host.env },
    );

    expect({ code: turn.exitCode, stderr: turn.stderr.slice(-2_000) }).toEqual({
      code: 0,
      stderr: expect.any(String) as unknown,
    });
    const offered = (
      host.model.modelRequests.find((request) => request.tools.length > 0)?.tools ?? []
    ).filter((tool) => tool.startsWith('fracta_'));
    expect(offered.sort()).toEqual(TOOLS.map((tool) => `fracta_${tool}`));
    const call = turn.events.find((event) => event.type === 'tool_use')?.part as
      Record<string, unknown> | undefined;
    expect(call).toMatchObject({ tool: 'fracta_fracta_spawn', state: { status: 'completed' } });
    expect(JSON.stringify(call)).toContain(`spawned ${host.agent}`);
    expect(await host.spawnedAgent()).toMatchObject({ runtime: 'command', last_output: 'made by opencode' });
  });
});
