/**
 * The fracta agent tools (DESIGN.md §5). Each one calls the control plane's HTTP API as the agent
 * whose token authenticated the request; `from` / `name` arguments never change who that is.
 */
import {
  FRACTA_AGENT_TOOLS,
  FRACTA_TOOL_DESCRIPTIONS,
  fractaToolInputSchemas,
  type AgentView,
  type ControlPlaneClient,
  type FractaAgentTool,
  type FractaToolInput,
} from '@fracta/api-contract';
import type { Tool, ToolAnnotations } from '@modelcontextprotocol/server';
import { z } from 'zod';

import type { AgentIdentity } from '../identity/identity-cache.js';

/** The control-plane calls the fracta tools make. */
export type FractaControlPlane = Pick<
  ControlPlaneClient,
  'listAgents' | 'peek' | 'sendMessage' | 'readInbox' | 'setIntent' | 'report' | 'spawn'
>;

const PEEK_STDOUT_CHARS = 8_000;
const PEEK_STDERR_CHARS = 2_000;

const tail = (text: string, chars: number) => (text.length <= chars ? text : `…${text.slice(-chars)}`);

function summary(agent: AgentView) {
  return {
    name: agent.name,
    status: agent.status,
    runtime: agent.runtime,
    intent: agent.intent,
    parent_agent: agent.parent_agent,
    branch: agent.branch,
    created_at: agent.created_at,
  };
}

type Handlers = {
  [T in FractaAgentTool]: (
    input: FractaToolInput<T>,
    agent: AgentIdentity,
    controlPlane: FractaControlPlane,
  ) => Promise<Record<string, unknown>>;
};

const handlers: Handlers = {
  fracta_list: async (input, _agent, cp) => {
    const page = await cp.listAgents({
      limit: input.limit,
      ...(input.status === undefined ? {} : { status: input.status.join(',') }),
      ...(input.prefix === undefined ? {} : { prefix: input.prefix }),
    });
    return { agents: page.agents.map(summary), more: page.next_cursor !== null };
  },
  fracta_peek: async (input, _agent, cp) => {
    const peek = await cp.peek(input.name);
    return {
      agent: {
        ...summary(peek.agent),
        last_output: peek.agent.last_output,
        failure_reason: peek.agent.failure_reason,
      },
      run:
        peek.run === null
          ? null
          : { id: peek.run.id, status: peek.run.status, started_at: peek.run.started_at },
      stdout_tail: tail(peek.stdout_tail, PEEK_STDOUT_CHARS),
      stderr_tail: tail(peek.stderr_tail, PEEK_STDERR_CHARS),
    };
  },
  fracta_send: async (input, agent, cp) => {
    const message = await cp.sendMessage({ from: agent.name, to: input.to, body: input.message });
    return { id: message.id, from: message.from, to: message.to, created_at: message.created_at };
  },
  fracta_inbox: async (input, agent, cp) => {
    const inbox = await cp.readInbox(agent.name, input.limit);
    return {
      messages: inbox.messages.map((m) => ({
        id: m.id,
        from: m.from,
        body: m.body,
        created_at: m.created_at,
      })),
      unread: inbox.unread,
    };
  },
  fracta_set_intent: async (input, agent, cp) => {
    const view = await cp.setIntent(agent.name, input.intent);
    return { name: view.name, intent: view.intent };
  },
  fracta_report: async (input, agent, cp) => {
    const report = await cp.report(agent.name, { kind: input.kind, text: input.text });
    return { event_id: report.event_id, msg_id: report.msg_id };
  },
  fracta_spawn: async (input, agent, cp) => {
    const child = await cp.spawn({ ...input, parent_agent: agent.name });
    return summary(child);
  },
};

const ANNOTATIONS: Readonly<Record<FractaAgentTool, ToolAnnotations>> = {
  fracta_list: { readOnlyHint: true, openWorldHint: false },
  fracta_peek: { readOnlyHint: true, openWorldHint: false },
  fracta_send: { readOnlyHint: false, destructiveHint: false, openWorldHint: false },
  fracta_inbox: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  fracta_set_intent: {
    readOnlyHint: false,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: false,
  },
  fracta_report: { readOnlyHint: false, destructiveHint: false, openWorldHint: false },
  fracta_spawn: { readOnlyHint: false, destructiveHint: false, openWorldHint: false },
};

export interface FractaTool {
  readonly name: FractaAgentTool;
  /** The tools/list entry, JSON Schema converted once. */
  readonly definition: Tool;
  /** Validates the arguments and runs the tool; a ZodError for bad arguments. */
  run(
    args: unknown,
    agent: AgentIdentity,
    controlPlane: FractaControlPlane,
  ): Promise<Record<string, unknown>>;
}

function definitionOf(name: FractaAgentTool): Tool {
  const schema: Record<string, unknown> = z.toJSONSchema(fractaToolInputSchemas[name], { io: 'input' });
  delete schema.$schema;
  return {
    name,
    description: FRACTA_TOOL_DESCRIPTIONS[name],
    inputSchema: { ...schema, type: 'object' },
    annotations: ANNOTATIONS[name],
  };
}

function toolOf(name: FractaAgentTool): FractaTool {
  const schema: z.ZodType = fractaToolInputSchemas[name];
  const handler = handlers[name] as (
    input: unknown,
    agent: AgentIdentity,
    controlPlane: FractaControlPlane,
  ) => Promise<Record<string, unknown>>;
  return {
    name,
    definition: definitionOf(name),
    run: (args, agent, controlPlane) => handler(schema.parse(args ?? {}), agent, controlPlane),
  };
}

/** Every fracta agent tool, in FRACTA_AGENT_TOOLS order. */
export function createFractaTools(): readonly FractaTool[] {
  return FRACTA_AGENT_TOOLS.map((name) => toolOf(name));
}
