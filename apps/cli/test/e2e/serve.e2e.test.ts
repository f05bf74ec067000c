/**
 * `fracta serve` as a host AI CLI sees it: the built binary started over stdio by the official
 * SDK v2 client, in a temp git repository whose real local control plane runs command agents
 * in real worktrees. Every tool, their failures, and the bounds of fracta_watch_events.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import type { AgentView, ControlPlaneClient, EventView } from '@fracta/api-contract';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import {
  CLAUDE_ADD_COMMAND,
  CLAUDE_MCP_JSON,
  CODEX_ADD_COMMAND,
  OPENCODE_JSON,
} from '../../src/lib/serve/host-setup.js';

import { BIN, fracta } from './support/fracta-cli.js';
import {
  connectServe,
  createProject,
  textOf,
  waitFor,
  type Project,
  type ServeSession,
} from './support/serve-harness.js';

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

/** A command agent that commits one file in its worktree. */
const commitFile = (file: string, text: string) => [
  'sh',
  '-c',
  `printf '%s\\n' '${text}' > ${file} && git add ${file} && git commit -qm 'agent edit ${file}' && echo 'edited ${file}'`,
];

interface Batch {
  events: EventView[];
  next_since: number;
  timed_out: boolean;
}

describe('fracta serve over stdio (SDK v2 client, real control plane)', () => {
  let project: Project;
  let serve: ServeSession;
  let controlPlane: ControlPlaneClient;

  async function call(name: string, args: Record<string, unknown>) {
    return serve.client.callTool({ name, arguments: args });
  }

  /** Calls fracta_watch_events from `since` until `done` holds for an event of `agent`. */
  async function watchUntil(agent: string, done: (event: EventView) => boolean): Promise<EventView[]> {
    const seen: EventView[] = [];
    let since = 0;
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const result = await call('fracta_watch_events', { since, agent, timeout_s: 10 });
      expect(result.isError).toBeFalsy();
      const batch = result.structuredContent as Batch;
      seen.push(...batch.events);
      since = batch.next_since;
      if (seen.some(done)) return seen;
    }
    throw new Error(`no matching event for ${agent}: saw ${seen.map((e) => e.action).join(', ')}`);
  }

  beforeAll(async () => {
    project = await createProject('serve');
    expect((await fracta(project.dir, ['controlplane', 'start'])).code).toBe(0);
    controlPlane = await project.controlPlane();
    serve = await connectServe(project.dir);
  });

  afterAll(async () => {
    await serve.close();
    await project.dispose();
  });

  it('should list its nine tools with descriptions, bounded input schemas and output schemas', async () => {
    const { tools } = await serve.client.listTools();

    expect(tools.map((tool) => tool.name).sort()).toEqual(TOOLS);
    for (const tool of tools) {
      expect(tool.description?.length).toBeGreaterThan(60);
      expect(tool.inputSchema).toMatchObject({ type: 'object', additionalProperties: false });
      expect(tool.outputSchema).toMatchObject({ type: 'object' });
    }
    const spawnTool = tools.find((tool) => tool.name === 'fracta_spawn');
    expect(spawnTool?.inputSchema.properties).toMatchObject({
      name: { type: 'string', pattern: '^[a-zA-Z0-9][a-zA-Z0-9_-]{0,63}$' },
      prompt: { type: 'string', maxLength: 262_144 },
      command: { type: 'array', maxItems: 128, items: { maxLength: 8192 } },
    });
    expect(spawnTool?.inputSchema.required).toEqual(['name']);
    const watchTool = tools.find((tool) => tool.name === 'fracta_watch_events');
    expect(watchTool?.inputSchema.properties).toMatchObject({ timeout_s: { maximum: 60 } });
  });

  it('should spawn a command agent, see it complete through fracta_watch_events, then peek and read its logs', async () => {
    const spawned = await call('fracta_spawn', { name: 'hello', command: ['sh', '-c', 'echo hi'] });

    expect(spawned.isError).toBeFalsy();
    const agent = (spawned.structuredContent as { agent: AgentView }).agent;
    expect(agent).toMatchObject({
      name: 'hello',
      runtime: 'command',
      branch: 'feature/hello',
      workspace_path: join(project.dir, '.worktrees', 'hello'),
    });
    expect(textOf(spawned)).toContain('spawned hello');

    const events = await watchUntil('hello', (event) => event.action === 'agent.completed');
    expect(events.map((event) => event.action)).toEqual(
      expect.arrayContaining(['agent.started', 'agent.completed']),
    );
    expect(new Set(events.map((event) => event.agent))).toEqual(new Set(['hello']));

    const peek = await call('fracta_peek', { name: 'hello' });
    expect(peek.isError).toBeFalsy();
    expect(peek.structuredContent).toMatchObject({
      agent: { name: 'hello', status: 'completed', exit_code: 0, last_output: 'hi' },
      run: { seq: 1, status: 'succeeded' },
    });
    expect(textOf(peek)).toMatch(/^hello \(completed\) on feature\/hello\n[\s\S]*--- last output\nhi$/);

    const logs = await call('fracta_logs', { name: 'hello', lines: 10 });
    expect(logs.structuredContent).toEqual({
      name: 'hello',
      stream: 'stdout',
      text: 'hi\n',
      truncated: false,
    });
    expect(textOf(logs)).toBe('hi\n');
    const stderr = await call('fracta_logs', { name: 'hello', stream: 'stderr' });
    expect(textOf(stderr)).toBe('(nothing on stderr yet)');

    const listed = await call('fracta_list', { status: ['completed'] });
    expect((listed.structuredContent as { agents: AgentView[] }).agents.map((a) => a.name)).toContain(
      'hello',
    );
    expect(textOf(listed)).toMatch(
      /^NAME\s+RUNTIME\s+STATUS\s+BRANCH\s+INTENT\nhello\s+command\s+completed/m,
    );
  });

  it("should put a message in a running agent's mailbox, then kill it and remove its worktree", async () => {
    await call('fracta_spawn', { name: 'listener', command: ['sleep', '300'] });
    await waitFor('listener running', async () =>
      (await controlPlane.getAgent('listener')).status === 'running' ? true : undefined,
    );

    const said = await call('fracta_say', { name: 'listener', message: 'also update the docs' });
    expect(said.isError).toBeFalsy();
    expect(said.structuredContent).toMatchObject({
      delivered: 'mailbox',
      agent: { name: 'listener', status: 'running' },
      message_id: expect.any(Number) as unknown,
    });
    expect(textOf(said)).toBe('delivered to the mailbox of listener (running) on feature/listener');

    const killed = await call('fracta_kill', { name: 'listener' });
    expect(killed.isError).toBeFalsy();
    expect(killed.structuredContent).toMatchObject({ agent: { status: 'stopped' }, kept_files: false });
    expect(textOf(killed)).toContain('removed its worktree and branch');
    expect(existsSync(join(project.dir, '.worktrees', 'listener'))).toBe(false);
    expect(await project.git('branch', '--list', 'feature/listener')).toBe('');
  });

  it("should merge an agent's commit into main, and refuse a conflicting merge with the file list", async () => {
    await call('fracta_spawn', { name: 'left', command: commitFile('shared.txt', 'left version') });
    await call('fracta_spawn', { name: 'right', command: commitFile('shared.txt', 'right version') });
    await watchUntil('left', (event) => event.action === 'agent.completed');
    await watchUntil('right', (event) => event.action === 'agent.completed');

    const merged = await call('fracta_merge', { name: 'left' });
    expect(merged.isError).toBeFalsy();
    const commit = (merged.structuredContent as { commit: string }).commit;
    expect(merged.structuredContent).toMatchObject({
      merged: true,
      branch: 'feature/left',
      base_branch: 'main',
    });
    expect(textOf(merged)).toBe(`merged feature/left into main (${commit.slice(0, 12)})`);
    expect((await project.git('rev-parse', 'HEAD')).trim()).toBe(commit);
    expect(await readFile(join(project.dir, 'shared.txt'), 'utf8')).toBe('left version\n');

    const conflict = await call('fracta_merge', { name: 'right' });
    expect(conflict.isError).toBe(true);
    expect(conflict.structuredContent).toBeUndefined();
    expect(textOf(conflict)).toMatch(
      /^merging feature\/right into main conflicts in 1 file\(s\): shared\.txt; the merge was aborted/,
    );
    expect(textOf(conflict)).not.toContain('\n');
    // Nothing changed: main still at the first merge, clean, and the agent's branch intact.
    expect((await project.git('rev-parse', 'HEAD')).trim()).toBe(commit);
    expect(await project.git('status', '--porcelain')).toBe('');
    expect((await project.git('log', '-1', '--format=%s', 'feature/right')).trim()).toBe(
      'agent edit shared.txt',
    );
  });

  it("should answer an unknown agent with the control plane's message as a tool error, for every verb", async () => {
    for (const [tool, args] of [
      ['fracta_peek', { name: 'nobody' }],
      ['fracta_logs', { name: 'nobody' }],
      ['fracta_say', { name: 'nobody', message: 'hi' }],
      ['fracta_kill', { name: 'nobody' }],
      ['fracta_merge', { name: 'nobody' }],
    ] as const) {
      const result = await call(tool, args);
      expect({ tool, isError: result.isError, text: textOf(result) }).toEqual({
        tool,
        isError: true,
        text: `agent "nobody" not found: run 'fracta list' to see the agents`,
      });
    }
  });

  it('should refuse bad input with a one-line tool error naming the fix, and create nothing', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ name: 'bad name!', prompt: 'x' }, /name: invalid agent name: use 1-64 letters, digits/],
      [{ name: 'x'.repeat(65), prompt: 'x' }, /name: invalid agent name/],
      [
        { name: 'huge', prompt: 'p'.repeat(262_145) },
        /prompt is over 262144 characters: write the details into a file/,
      ],
      [
        { name: 'nocmd', runtime: 'command' },
        /command: the command runtime needs the program to run in "command"/,
      ],
      [
        { name: 'both', runtime: 'claude', prompt: 'x', command: ['true'] },
        /"command" is only for the command runtime/,
      ],
      [{ name: 'extra', prompt: 'x', colour: 'blue' }, /Unrecognized key: "colour"/],
      [{ name: 'emptyargv', command: [] }, /command: give the program and its arguments/],
    ];
    for (const [args, message] of cases) {
      const result = await call('fracta_spawn', args);
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(message);
      expect(textOf(result)).not.toContain('\n');
    }
    // The control plane's own refusals come back the same way (here: a base branch that does not exist).
    const badBranch = await call('fracta_spawn', {
      name: 'nobranch',
      command: ['true'],
      base_branch: 'no-such-branch',
    });
    expect(badBranch.isError).toBe(true);
    expect(textOf(badBranch)).toMatch(
      /^base branch "no-such-branch" does not exist: pick one of the existing branches \(/,
    );

    const other = await call('fracta_logs', { name: 'hello', lines: 5_000 });
    expect(textOf(other)).toMatch(/lines: at most 2000/);
    const wait = await call('fracta_watch_events', { timeout_s: 600 });
    expect(textOf(wait)).toMatch(/timeout_s: at most 60; call again with next_since/);

    const names = (await controlPlane.listAgents({ limit: 500 })).agents.map((agent) => agent.name);
    for (const name of ['huge', 'nocmd', 'both', 'extra', 'emptyargv', 'nobranch']) {
      expect(names).not.toContain(name);
      expect(existsSync(join(project.dir, '.worktrees', name))).toBe(false);
    }
  });

  it('should return from fracta_watch_events within its bound when nothing happens', async () => {
    const head = (await call('fracta_watch_events', { timeout_s: 0, max_events: 200 }))
      .structuredContent as Batch;
    let since = head.next_since;
    for (;;) {
      const page = (await call('fracta_watch_events', { since, timeout_s: 0, max_events: 200 }))
        .structuredContent as Batch;
      if (page.events.length === 0) break;
      since = page.next_since;
    }

    const started = Date.now();
    const quiet = await call('fracta_watch_events', { since, timeout_s: 1.5 });
    const elapsed = Date.now() - started;

    expect(quiet.isError).toBeFalsy();
    expect(quiet.structuredContent).toEqual({ events: [], next_since: since, timed_out: true });
    expect(textOf(quiet)).toBe(`no new events within 1.5 s; call again with since=${since}`);
    expect(elapsed).toBeGreaterThanOrEqual(1_400);
    expect(elapsed).toBeLessThan(4_000);

    // An agent's event cuts the wait short: it arrives on the control plane's SSE stream.
    const waiting = call('fracta_watch_events', { since, timeout_s: 30 });
    const spawnedAt = Date.now();
    await controlPlane.spawn({ name: 'wakeup', runtime: 'command', command: ['true'] });
    const woken = await waiting;
    expect(Date.now() - spawnedAt).toBeLessThan(5_000);
    const batch = woken.structuredContent as Batch;
    expect(batch.timed_out).toBe(false);
    expect(batch.events[0]).toMatchObject({ agent: 'wakeup' });
    expect(batch.next_since).toBeGreaterThan(since);
    expect(textOf(woken)).toMatch(/^#\d+ \S+ agent\.\w+ wakeup /);
  });

  it('should serve the 2026-07-28 protocol revision as well', async () => {
    const modern = await connectServe(project.dir, { era: 'modern' });
    try {
      expect((await modern.client.listTools()).tools.map((tool) => tool.name).sort()).toEqual(TOOLS);
      const listed = await modern.client.callTool({
        name: 'fracta_list',
        arguments: { runtime: ['command'] },
      });
      expect((listed.structuredContent as { agents: AgentView[] }).agents.map((a) => a.name)).toContain(
        'hello',
      );
    } finally {
      await modern.close();
    }
  });
});

describe('fracta serve without a running control plane', () => {
  let project: Project;

  beforeAll(async () => {
    project = await createProject('serve-down');
  });

  afterAll(async () => {
    await project.dispose();
  });

  it('should start the local control plane on the first call, with progress on stderr and only MCP on stdout', async () => {
    expect(existsSync(join(project.dir, '.fracta', 'controlplane.pid'))).toBe(false);
    const child = spawn(process.execPath, [BIN, 'serve'], {
      cwd: project.dir,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: project.root },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const lines: string[] = [];
    const answers = new Map<number, Record<string, unknown>>();
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line);
      const message = JSON.parse(line) as { id?: number };
      if (typeof message.id === 'number') answers.set(message.id, message);
    });
    const send = (message: Record<string, unknown>) => child.stdin.write(`${JSON.stringify(message)}\n`);
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      send({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          protocolVersion: '2025-06-18',
          capabilities: {},
          clientInfo: { name: 'raw', version: '1' },
        },
      });
      await waitFor('initialize answer', () => answers.get(1));
      send({ jsonrpc: '2.0', method: 'notifications/initialized' });
      send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'fracta_list', arguments: {} } });
      const listed = await waitFor('fracta_list answer', () => answers.get(2), 30_000);

      expect(listed).toMatchObject({
        result: { content: [{ type: 'text', text: 'no agents' }], structuredContent: { agents: [] } },
      });
      expect(stderr).toMatch(/fracta serve: starting the control plane \(pid \d+, log .*controlplane\.log\)/);
      expect(existsSync(join(project.dir, '.fracta', 'controlplane.pid'))).toBe(true);
      // Every line on stdout is a JSON-RPC message, and nothing else.
      for (const line of lines) expect(JSON.parse(line)).toMatchObject({ jsonrpc: '2.0' });
      expect(lines).toHaveLength(2);
    } finally {
      child.stdin.end();
    }
    // Closing stdin ends the server promptly; the control plane it started keeps running.
    const started = Date.now();
    expect(await exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect((await fracta(project.dir, ['controlplane', 'status'])).code).toBe(0);
  });

  it('should answer a broken fracta.yaml with its message as a tool error, start nothing, and keep serving', async () => {
    const broken = await createProject('serve-broken');
    try {
      await writeFile(join(broken.dir, 'fracta.yaml'), 'reaper:\n  max_concurrent: lots\n');
      const session = await connectServe(broken.dir);
      try {
        const result = await session.client.callTool({ name: 'fracta_list', arguments: {} });
        expect(result.isError).toBe(true);
        expect(textOf(result)).toContain('reaper.max_concurrent: expected a number, got "lots"');
        expect(session.stderr()).not.toContain('starting the control plane');
        // Still serving: the next call works.
        expect((await session.client.listTools()).tools).toHaveLength(TOOLS.length);
      } finally {
        await session.close();
      }
    } finally {
      await broken.dispose();
    }
  });
});

/** Every process below `pid` (Linux /proc), as a host CLI that cleans up after its servers finds them. */
async function descendants(pid: number): Promise<number[]> {
  const parents = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // pid (comm) state ppid …: comm may contain spaces and parentheses, so split after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (Number.isInteger(ppid)) parents.set(Number(entry), ppid);
  }
  const found: number[] = [];
  const walk = (parent: number) => {
    for (const [child, ppid] of parents) {
      if (ppid === parent) {
        found.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return found;
}

describe('fracta serve killed by its host', () => {
  let project: Project;

  beforeAll(async () => {
    project = await createProject('serve-tree');
  });

  afterAll(async () => {
    await project.dispose();
  });

  it('should leave the control plane it started running when the host kills it and all it started', async () => {
    const session = await connectServe(project.dir);
    const pid = session.transport.pid ?? 0;
    expect((await session.client.callTool({ name: 'fracta_list', arguments: {} })).isError).toBeFalsy();
    expect(session.stderr()).toContain('starting the control plane');

    // What opencode does when it quits: SIGKILL to the server and every descendant it can find.
    const tree = await descendants(pid);
    for (const target of [pid, ...tree]) process.kill(target, 'SIGKILL');
    await session.close();

    const controlPlanePid = Number(
      (await readFile(join(project.dir, '.fracta', 'controlplane.pid'), 'utf8')).trim(),
    );
    expect(tree).not.toContain(controlPlanePid);
    expect((await fracta(project.dir, ['controlplane', 'status'])).code).toBe(0);
    expect((await (await project.controlPlane()).health()).status).toBe('ok');
  });
});

describe('fracta_init over MCP', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await realpath(await mkdtemp(join(tmpdir(), 'fracta-serve-init-')));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('should scaffold the project without a control plane, keep what exists, and refuse another mode', async () => {
    const session = await connectServe(dir);
    try {
      const first = await session.client.callTool({ name: 'fracta_init', arguments: {} });
      expect(first.isError).toBeFalsy();
      expect(first.structuredContent).toEqual({
        mode: 'local',
        root: dir,
        written: ['fracta.yaml', join('deployment', 'auth-helpers', 'README.md'), '.gitignore'],
        kept: [],
      });
      expect(textOf(first)).toContain('Next: fracta_spawn');
      expect(await readFile(join(dir, 'fracta.yaml'), 'utf8')).toMatch(/^# fracta scaffold: local\n/);
      expect(await readFile(join(dir, '.gitignore'), 'utf8')).toContain('.fracta/\n.worktrees/\n');
      // No control plane was started for it (nothing in .fracta/ but the directory).
      expect(existsSync(join(dir, '.fracta', 'controlplane.pid'))).toBe(false);
      expect(session.stderr()).not.toContain('starting the control plane');

      const again = await session.client.callTool({ name: 'fracta_init', arguments: { scaffold: 'local' } });
      expect(again.structuredContent).toMatchObject({
        written: [],
        kept: ['fracta.yaml', join('deployment', 'auth-helpers', 'README.md')],
      });

      await writeFile(join(dir, 'fracta.yaml'), '# fracta scaffold: k8s\nversion: 1\n');
      const refused = await session.client.callTool({
        name: 'fracta_init',
        arguments: { scaffold: 'local' },
      });
      expect(refused.isError).toBe(true);
      expect(textOf(refused)).toContain('this project is already scaffolded as k8s; cannot re-init as local');
      const unknown = await session.client.callTool({
        name: 'fracta_init',
        arguments: { scaffold: 'cloud' },
      });
      expect(unknown.isError).toBe(true);
      expect(textOf(unknown)).toMatch(
        /scaffold: Invalid option: expected one of "local"\|"docker-compose"\|"k8s"/,
      );
    } finally {
      await session.close();
    }
  });
  it('should teach how to add fracta serve to each AI CLI in `fracta init` and `fracta serve --help`', async () => {
    const other = join(dir, 'other');
    await mkdir(other);
    const init = await fracta(other, ['init']);
    const help = await fracta(other, ['serve', '--help'], { OCLIF_COLUMNS: '200' });

    expect(init.code).toBe(0);
    expect(help.code).toBe(0);
    for (const text of [init.stdout, help.stdout]) {
      for (const snippet of [CLAUDE_ADD_COMMAND, CLAUDE_MCP_JSON, CODEX_ADD_COMMAND, OPENCODE_JSON]) {
        expect(text).toContain(snippet);
      }
      expect(text).toContain('[mcp_servers.fracta]');
    }
    expect(help.stdout).toContain('fracta_watch_events');
    expect(init.stdout).toContain('add `fracta serve` as its MCP server');
  });
});
