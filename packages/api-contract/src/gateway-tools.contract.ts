/**
 * Inputs of the fracta agent tools the gateway serves on `/agents/<agent>/mcp` (DESIGN.md §5), with
 * the descriptions a model reads. Every string and list is bounded. The agent a tool acts for is
 * always the one its gateway token proved: `from` / `name` arguments are accepted (models send
 * them) and ignored.
 */
import { AGENT_STATUSES, LIMITS, RUNTIMES } from '@fracta/domain';
import { z } from 'zod';

import { REPORT_KINDS } from './agent-tools.contract.js';
import { agentNameSchema, CONTRACT_LIMITS, type FractaAgentTool } from './agents.contract.js';

const ignoredIdentity = z
  .string()
  .max(64)
  .optional()
  .describe('Ignored: the gateway always acts as the agent its token belongs to.');

const recipientSchema = z
  .string()
  .max(64)
  .refine((to) => to === 'host' || agentNameSchema.safeParse(to).success, {
    message: 'an agent name, or "host" for the person (or host AI) that runs the fleet',
  });

export const fractaToolInputSchemas = {
  fracta_list: z.object({
    status: z
      .array(z.enum(AGENT_STATUSES))
      .max(AGENT_STATUSES.length)
      .optional()
      .describe('Only agents with one of these statuses (default: all).'),
    prefix: z.string().max(64).optional().describe('Only agents whose name starts with this.'),
    limit: z.number().int().min(1).max(200).default(100).describe('At most this many agents (1-200).'),
  }),
  fracta_peek: z.object({
    name: agentNameSchema.describe('The agent to look at.'),
  }),
  fracta_send: z.object({
    to: recipientSchema.describe('An agent name, or "host" to write to the person running the fleet.'),
    message: z.string().min(1).max(LIMITS.messageBodyChars).describe('The message text.'),
    from: ignoredIdentity,
  }),
  fracta_inbox: z.object({
    limit: z.number().int().min(1).max(100).default(20).describe('At most this many messages (1-100).'),
    name: ignoredIdentity,
  }),
  fracta_set_intent: z.object({
    intent: z
      .string()
      .min(1)
      .max(LIMITS.intentChars)
      .describe('One line on what you are doing now; shown to everyone in the agent list.'),
    name: ignoredIdentity,
  }),
  fracta_report: z.object({
    kind: z
      .enum(REPORT_KINDS)
      .describe(
        'progress: how far you got; fact: something you found out; error: something that went wrong.',
      ),
    text: z.string().min(1).max(16_384).describe('The report.'),
    name: ignoredIdentity,
  }),
  fracta_spawn: z.object({
    name: agentNameSchema.describe("The sub-agent's name (letters, digits, '_' or '-')."),
    prompt: z.string().max(CONTRACT_LIMITS.promptChars).optional().describe('Its task.'),
    runtime: z
      .enum(RUNTIMES)
      .optional()
      .describe('Which agent CLI runs it (default: the configured default).'),
    command: z
      .array(z.string().min(1).max(CONTRACT_LIMITS.commandArgChars))
      .min(1)
      .max(CONTRACT_LIMITS.commandArgs)
      .optional()
      .describe('For the command runtime: the program and its arguments.'),
    model: z
      .string()
      .min(1)
      .max(CONTRACT_LIMITS.modelChars)
      .optional()
      .describe('Model name for its runtime.'),
    base_branch: z
      .string()
      .min(1)
      .max(CONTRACT_LIMITS.branchChars)
      .optional()
      .describe('Branch its worktree starts from.'),
  }),
} as const satisfies Record<FractaAgentTool, z.ZodObject>;

export type FractaToolInput<T extends FractaAgentTool> = z.output<(typeof fractaToolInputSchemas)[T]>;

/** What each fracta tool does, for the model. */
export const FRACTA_TOOL_DESCRIPTIONS: Readonly<Record<FractaAgentTool, string>> = {
  fracta_list: 'List the agents of this fleet: name, status, runtime, current intent, parent and branch.',
  fracta_peek: "Look at another agent: its status, intent and the tail of its current run's output.",
  fracta_send:
    'Send a message to another agent, or to "host" (the person running the fleet). It lands in their inbox.',
  fracta_inbox: 'Read your unread messages, oldest first. Reading marks them read.',
  fracta_set_intent: 'Say what you are working on right now (one line); everyone sees it in the agent list.',
  fracta_report:
    'Record a progress note, a fact you found out, or an error, in the event log and your message bus.',
  fracta_spawn:
    'Start a sub-agent on a task of its own. You are recorded as its parent; depth and fan-out limits apply.',
};
