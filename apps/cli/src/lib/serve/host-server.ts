/**
 * The host MCP server of `fracta serve`: fracta's tools for the developer's own AI CLI. Each
 * tool validates its input (host-tools.schemas.ts), makes one or two calls to the control
 * plane, and answers with structured content plus a short text a model can read. Every
 * failure goes through toolError (one place, by category).
 */
import type { AgentView, ControlPlaneClient, EventView } from '@fracta/api-contract';
import type { CallToolResult } from '@modelcontextprotocol/server';
import { McpServer } from '@modelcontextprotocol/server';

import { describeAgent, oneLine, table } from '../render.js';
import { scaffold } from '../scaffold.js';

import { waitForEvents } from './event-wait.js';
import type { FleetConnection } from './fleet-connection.js';
import {
  HOST_LIMITS,
  initInputSchema,
  initOutputSchema,
  killInputSchema,
  killOutputSchema,
  listInputSchema,
  listOutputSchema,
  logsInputSchema,
  logsOutputSchema,
  mergeOutputSchema,
  nameInputSchema,
  peekOutputSchema,
  sayInputSchema,
  sayOutputSchema,
  spawnInputSchema,
  spawnOutputSchema,
  watchEventsInputSchema,
  watchEventsOutputSchema,
} from './host-tools.schemas.js';
import { toolError } from './tool-errors.js';

const INSTRUCTIONS = [
  'fracta runs coding agents (Claude Code, Codex, OpenCode or any command) in parallel, each in its own git worktree on branch feature/<name>.',
  'Typical flow: fracta_spawn one agent per independent task; fracta_watch_events (pass next_since back each time) or fracta_list/fracta_peek to follow them;',
  'fracta_say to answer or steer one (a finished agent resumes its session with your message); fracta_merge a completed agent into its base branch; fracta_kill to stop one.',
  'In a repository without fracta.yaml, call fracta_init first.',
].join(' ');

/** The SSE wait, plus this much for the requests around it, is all fracta_watch_events may take. */
const REQUEST_SLACK_MS = 5_000;

interface Reply {
  readonly text: string;
  readonly structured: Record<string, unknown>;
}

function reply(result: Reply): CallToolResult {
  return { content: [{ type: 'text', text: result.text }], structuredContent: result.structured };
}

/** Runs a tool body; anything it throws becomes a tool error with the control plane's message. */
async function guarded(body: () => Promise<Reply>): Promise<CallToolResult> {
  try {
    return reply(await body());
  } catch (error) {
    return toolError(error);
  }
}

function agentsTable(agents: readonly AgentView[]): string[] {
  return table([
    ['NAME', 'RUNTIME', 'STATUS', 'BRANCH', 'INTENT'],
    ...agents.map((a) => [
      a.name,
      a.runtime,
      a.status,
      a.branch ?? '-',
      oneLine(a.intent ?? a.failure_reason ?? '', 60),
    ]),
  ]);
}

function eventLine(event: EventView): string {
  const transition = event.attrs.from ? ` ${event.attrs.from} -> ${event.attrs.to ?? '?'}` : '';
  const reason = event.attrs.reason ? ` (${oneLine(event.attrs.reason, 120)})` : '';
  return `#${event.id} ${event.ts} ${event.action} ${event.agent ?? '-'}${transition}${reason}`;
}

function lastLines(text: string, count: number): string {
  return text.trimEnd().split('\n').slice(-count).join('\n');
}

async function listAgents(
  client: ControlPlaneClient,
  filters: { status?: readonly string[] | undefined; runtime?: readonly string[] | undefined },
  limit: number,
): Promise<{ agents: AgentView[]; more: boolean }> {
  const agents: AgentView[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.listAgents({
      ...(filters.status?.length ? { status: filters.status.join(',') } : {}),
      ...(filters.runtime?.length ? { runtime: filters.runtime.join(',') } : {}),
      limit: Math.min(HOST_LIMITS.listMax, limit - agents.length),
      cursor,
    });
    agents.push(...page.agents);
    cursor = page.next_cursor ?? undefined;
  } while (cursor !== undefined && agents.length < limit);
  return { agents, more: cursor !== undefined };
}

export function createHostServer(fleet: FleetConnection, version: string): McpServer {
  const server = new McpServer({ name: 'fracta', version }, { instructions: INSTRUCTIONS });

  server.registerTool(
    'fracta_spawn',
    {
      title: 'Start an agent',
      description:
        "Start a coding agent on a task in its own git worktree (.worktrees/<name>, branch feature/<name> from base_branch or the current branch). It works in the background: this returns its record at once. Over the project's concurrency cap it is queued (status queued), never rejected. Follow it with fracta_watch_events (agent=<name>) or fracta_peek, answer it with fracta_say, and bring its work in with fracta_merge. Give each agent one independent task; several can run at once.",
      inputSchema: spawnInputSchema,
      outputSchema: spawnOutputSchema,
      annotations: { destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    (input) =>
      guarded(async () => {
        const runtime = input.runtime ?? (input.command === undefined ? undefined : 'command');
        const client = await fleet.client();
        const agent = await client.spawn({
          name: input.name,
          ...(runtime === undefined ? {} : { runtime }),
          ...(input.prompt === undefined ? {} : { prompt: input.prompt }),
          ...(input.command === undefined ? {} : { command: input.command }),
          ...(input.base_branch === undefined ? {} : { base_branch: input.base_branch }),
          ...(input.model === undefined ? {} : { model: input.model }),
          ...(input.labels === undefined ? {} : { labels: input.labels }),
        });
        const where = agent.workspace_path ? `; workspace ${agent.workspace_path}` : '';
        return {
          text: `spawned ${describeAgent(agent)}${where}. Follow it with fracta_watch_events {"agent": "${agent.name}"} or fracta_peek.`,
          structured: { agent },
        };
      }),
  );

  server.registerTool(
    'fracta_list',
    {
      title: 'List agents',
      description:
        'List the agents of this project with their runtime, status (queued, running, idle, completed, failed, stopped), branch and current intent. Filters combine.',
      inputSchema: listInputSchema,
      outputSchema: listOutputSchema,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (input) =>
      guarded(async () => {
        const found = await listAgents(await fleet.client(), input, input.limit);
        const lines = found.agents.length === 0 ? ['no agents'] : agentsTable(found.agents);
        if (found.more) lines.push(`(more than ${input.limit}: raise limit or filter by status)`);
        return { text: lines.join('\n'), structured: found };
      }),
  );

  server.registerTool(
    'fracta_peek',
    {
      title: 'Look at an agent',
      description:
        "A quick look at one agent: status, intent, its current run, token usage, its last output (the final answer of a finished run) and the tail of the run's stdout and stderr.",
      inputSchema: nameInputSchema,
      outputSchema: peekOutputSchema,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (input) =>
      guarded(async () => {
        const peek = await (await fleet.client()).peek(input.name);
        const { agent } = peek;
        const lines = [describeAgent(agent)];
        if (agent.intent) lines.push(`intent: ${agent.intent}`);
        if (peek.run) lines.push(`run ${peek.run.seq} (${peek.run.kind}): ${peek.run.status}`);
        if (agent.usage) {
          const cost = agent.usage.cost_usd === undefined ? '' : `, $${agent.usage.cost_usd.toFixed(4)}`;
          lines.push(`usage: ${agent.usage.input_tokens} in, ${agent.usage.output_tokens} out${cost}`);
        }
        if (agent.last_output) lines.push('--- last output', agent.last_output);
        else if (peek.stdout_tail.trim() !== '')
          lines.push('--- stdout (tail)', lastLines(peek.stdout_tail, 20));
        if (peek.stderr_tail.trim() !== '' && agent.status === 'failed') {
          lines.push('--- stderr (tail)', lastLines(peek.stderr_tail, 20));
        }
        return { text: lines.join('\n'), structured: peek };
      }),
  );

  server.registerTool(
    'fracta_logs',
    {
      title: "Read an agent's output",
      description:
        "The last lines of what the agent's current run printed (stdout by default). For claude, codex and opencode this is their JSON-lines event stream; fracta_peek gives the readable summary.",
      inputSchema: logsInputSchema,
      outputSchema: logsOutputSchema,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (input) =>
      guarded(async () => {
        const full = await (
          await fleet.client()
        ).logs(input.name, { lines: input.lines, stream: input.stream });
        const truncated = full.length > HOST_LIMITS.logChars;
        const text = truncated ? full.slice(-HOST_LIMITS.logChars) : full;
        const shown =
          text === ''
            ? `(nothing on ${input.stream} yet)`
            : truncated
              ? `[cut to the last ${HOST_LIMITS.logChars} characters]\n${text}`
              : text;
        return { text: shown, structured: { name: input.name, stream: input.stream, text, truncated } };
      }),
  );

  server.registerTool(
    'fracta_say',
    {
      title: 'Talk to an agent',
      description:
        "Send an agent a message. A running agent gets it in its mailbox (it reads it with its fracta_inbox tool); a finished claude, codex or opencode agent resumes its session with the message as a new turn, in the same worktree. Use it to answer an agent's question, correct it, or give it the next step.",
      inputSchema: sayInputSchema,
      outputSchema: sayOutputSchema,
      annotations: { destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    (input) =>
      guarded(async () => {
        const said = await (await fleet.client()).say(input.name, input.message);
        return {
          text:
            said.delivered === 'resumed'
              ? `resumed ${describeAgent(said.agent)}: a new turn started with your message`
              : `delivered to the mailbox of ${describeAgent(said.agent)}`,
          structured: said,
        };
      }),
  );

  server.registerTool(
    'fracta_kill',
    {
      title: 'Stop an agent',
      description:
        'Stop an agent: a queued one never starts, a running one is terminated (its whole process group). Its worktree and feature branch are deleted unless keep_files is true, so merge first (fracta_merge) if you want its work. On a finished agent it only removes the files.',
      inputSchema: killInputSchema,
      outputSchema: killOutputSchema,
      annotations: { destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    (input) =>
      guarded(async () => {
        const agent = await (await fleet.client()).kill(input.name, { keepFiles: input.keep_files });
        const files = input.keep_files
          ? `kept ${agent.workspace_path ?? 'its files'}`
          : 'removed its worktree and branch';
        return {
          text: `killed ${describeAgent(agent)}; ${files}`,
          structured: { agent, kept_files: input.keep_files },
        };
      }),
  );

  server.registerTool(
    'fracta_merge',
    {
      title: "Merge an agent's work",
      description:
        "Merge a finished agent's branch (feature/<name>) into the branch it started from, as a --no-ff merge commit. On conflicts nothing changes: the merge is aborted, both branches stay as they were, and the error lists the conflicting files (resolve them with fracta_say to the agent, or by hand, then merge again). The base branch, when checked out, must have no uncommitted changes.",
      inputSchema: nameInputSchema,
      outputSchema: mergeOutputSchema,
      annotations: { destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    (input) =>
      guarded(async () => {
        const merged = await (await fleet.client()).merge(input.name);
        return {
          text: `merged ${merged.branch ?? input.name} into ${merged.base_branch ?? 'its base branch'} (${merged.commit.slice(0, 12)})`,
          structured: merged,
        };
      }),
  );

  server.registerTool(
    'fracta_watch_events',
    {
      title: 'Wait for fleet events',
      description: `Wait for what happens in the fleet: agents queued, started, completed, failed, stopped, resumed, merged. Returns the events after the cursor 'since' at once if there are any, else waits up to timeout_s (at most ${HOST_LIMITS.watchTimeoutMaxS}) for the first new one and returns as soon as it arrives, or with no events (timed_out) when the time is up. Pass next_since back as 'since' on the next call to continue where you left off. Filter by agent to wait for one agent (e.g. until agent.completed or agent.failed).`,
      inputSchema: watchEventsInputSchema,
      outputSchema: watchEventsOutputSchema,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (input, ctx) =>
      guarded(async () => {
        const timeoutMs = Math.round(input.timeout_s * 1000);
        const client = await fleet.client({ timeoutMs: REQUEST_SLACK_MS });
        const batch = await waitForEvents(
          client,
          { since: input.since, agent: input.agent, timeoutMs, maxEvents: input.max_events },
          ctx.mcpReq.signal,
        );
        const text =
          batch.events.length === 0
            ? `no new events${batch.timed_out && timeoutMs > 0 ? ` within ${input.timeout_s} s` : ''}; call again with since=${batch.next_since}`
            : [...batch.events.map(eventLine), `next_since: ${batch.next_since}`].join('\n');
        return { text, structured: { ...batch } };
      }),
  );

  server.registerTool(
    'fracta_init',
    {
      title: 'Set up fracta in this repository',
      description:
        'Scaffold fracta in the repository fracta serve runs in: a commented fracta.yaml that works as is, deployment/auth-helpers/README.md, and .fracta/ and .worktrees/ in .gitignore. Existing files are kept; a project set up for another mode is refused with what to do instead. Needs no running control plane.',
      inputSchema: initInputSchema,
      outputSchema: initOutputSchema,
      annotations: { destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    (input) =>
      guarded(async () => {
        const result = await scaffold(fleet.dir, input.scaffold);
        const lines = [
          ...result.written.map((file) => `wrote ${file}`),
          ...result.kept.map((file) => `kept ${file} (already there)`),
          `fracta is set up in ${fleet.dir} (${result.mode} mode). Next: ${result.mode === 'docker-compose' ? 'start the stack as deployment/README.md says, then ' : ''}fracta_spawn with a name and a prompt.`,
        ];
        return { text: lines.join('\n'), structured: { ...result, root: fleet.dir } };
      }),
  );

  return server;
}
