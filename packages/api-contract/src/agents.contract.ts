import {
  AGENT_MODES,
  AGENT_NAME_PATTERN,
  AGENT_STATUSES,
  LIMITS,
  PAGE_MAX,
  RUNTIMES,
  type Agent,
  type Run,
} from '@fracta/domain';
import { z } from 'zod';

export const CONTRACT_LIMITS = {
  promptChars: 256 * 1024,
  commandArgs: 128,
  commandArgChars: 8 * 1024,
  branchChars: 200,
  modelChars: 200,
  bodyBytes: 1024 * 1024,
} as const;

export const agentNameSchema = z
  .string()
  .regex(
    AGENT_NAME_PATTERN,
    "agent names are 1-64 letters, digits, '_' or '-', starting with a letter or digit",
  );

/** A git ref name, conservatively (no `..`, no leading '-', no spaces or control characters). */
export const branchNameSchema = z
  .string()
  .min(1)
  .max(CONTRACT_LIMITS.branchChars)
  .regex(/^(?!-)(?!.*\.\.)(?!.*\/\/)[A-Za-z0-9._/-]+(?<!\.lock)(?<![/.])$/, 'not a valid branch name');

const labelsSchema = z
  .record(z.string().regex(/^[a-zA-Z0-9]([a-zA-Z0-9._-]{0,62})?$/), z.string().max(LIMITS.labelValueChars))
  .refine((labels) => Object.keys(labels).length <= LIMITS.labelsPerAgent, {
    message: `at most ${LIMITS.labelsPerAgent} labels`,
  });

/** POST /agents */
export const spawnRequestSchema = z
  .strictObject({
    name: agentNameSchema,
    runtime: z.enum(RUNTIMES).optional(),
    mode: z.enum(AGENT_MODES).optional(),
    prompt: z.string().max(CONTRACT_LIMITS.promptChars).optional(),
    /** argv for the `command` runtime. */
    command: z
      .array(z.string().min(1).max(CONTRACT_LIMITS.commandArgChars))
      .min(1)
      .max(CONTRACT_LIMITS.commandArgs)
      .optional(),
    base_branch: branchNameSchema.optional(),
    model: z.string().min(1).max(CONTRACT_LIMITS.modelChars).optional(),
    labels: labelsSchema.optional(),
    /** Dispatch through the queue even when a slot is free. */
    queued: z.boolean().optional(),
    /** Set by the gateway for fracta_spawn: the agent that asked (depth and fan-out limits apply). */
    parent_agent: agentNameSchema.optional(),
  })
  .superRefine((body, ctx) => {
    if (body.runtime === 'command' && body.command === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['command'],
        message: 'the command runtime needs the argv to run in "command"',
      });
    }
    if (body.runtime !== undefined && body.runtime !== 'command' && body.command !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['command'],
        message: `"command" is only for the command runtime, not ${body.runtime}`,
      });
    }
  });
export type SpawnRequest = z.infer<typeof spawnRequestSchema>;

export const usageViewSchema = z.strictObject({
  input_tokens: z.number(),
  output_tokens: z.number(),
  cache_read_tokens: z.number().optional(),
  cost_usd: z.number().optional(),
});

export const agentViewSchema = z.strictObject({
  name: z.string(),
  runtime: z.enum(RUNTIMES),
  mode: z.enum(AGENT_MODES),
  status: z.enum(AGENT_STATUSES),
  workspace_path: z.string().nullable(),
  branch: z.string().nullable(),
  base_branch: z.string().nullable(),
  intent: z.string().nullable(),
  last_output: z.string().nullable(),
  parent_agent: z.string().nullable(),
  labels: z.record(z.string(), z.string()),
  created_at: z.iso.datetime(),
  started_at: z.iso.datetime().nullable(),
  finished_at: z.iso.datetime().nullable(),
  exit_code: z.number().int().nullable(),
  failure_reason: z.string().nullable(),
  usage: usageViewSchema.nullable(),
  current_run: z.string().nullable(),
  /** Whether `say` can resume it after it finished (the runtime reported a resume token). */
  resumable: z.boolean(),
});
export type AgentView = z.infer<typeof agentViewSchema>;

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

export function toAgentView(agent: Agent): AgentView {
  return {
    name: agent.name,
    runtime: agent.runtime,
    mode: agent.mode,
    status: agent.status,
    workspace_path: agent.workspacePath,
    branch: agent.branch,
    base_branch: agent.baseBranch,
    intent: agent.intent,
    last_output: agent.lastOutput,
    parent_agent: agent.parentAgent,
    labels: { ...agent.labels },
    created_at: agent.createdAt.toISOString(),
    started_at: iso(agent.startedAt),
    finished_at: iso(agent.finishedAt),
    exit_code: agent.exitCode,
    failure_reason: agent.failureReason,
    usage:
      agent.usage === null
        ? null
        : {
            input_tokens: agent.usage.inputTokens,
            output_tokens: agent.usage.outputTokens,
            ...(agent.usage.cacheReadTokens === undefined
              ? {}
              : { cache_read_tokens: agent.usage.cacheReadTokens }),
            ...(agent.usage.costUsd === undefined ? {} : { cost_usd: agent.usage.costUsd }),
          },
    current_run: agent.currentRunId,
    resumable: agent.mode === 'batch' && agent.resumeToken !== null,
  };
}

const csv = <T extends string>(values: readonly [T, ...T[]]) =>
  z
    .string()
    .max(1024)
    .transform((s) =>
      s
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v !== ''),
    )
    .pipe(z.array(z.enum(values)).max(16));

/** GET /agents */
export const listAgentsQuerySchema = z.strictObject({
  status: csv(AGENT_STATUSES).optional(),
  runtime: csv(RUNTIMES).optional(),
  parent: agentNameSchema.optional(),
  prefix: z.string().max(64).optional(),
  /** `key=value`, comma-separated; every one must match. */
  label: z
    .string()
    .max(2048)
    .transform((s, ctx) => {
      const labels: Record<string, string> = {};
      for (const pair of s.split(',').filter((p) => p !== '')) {
        const eq = pair.indexOf('=');
        if (eq <= 0) {
          ctx.addIssue({ code: 'custom', message: `label filter "${pair.slice(0, 80)}" is not key=value` });
          return z.NEVER;
        }
        labels[pair.slice(0, eq)] = pair.slice(eq + 1);
      }
      return labels;
    })
    .optional(),
  limit: z.coerce.number().int().min(1).max(PAGE_MAX).default(100),
  cursor: z.string().max(64).optional(),
});
export type ListAgentsQuery = z.infer<typeof listAgentsQuerySchema>;

export const agentsPageSchema = z.strictObject({
  agents: z.array(agentViewSchema),
  next_cursor: z.string().nullable(),
});
export type AgentsPage = z.infer<typeof agentsPageSchema>;

/** POST /agents/:name/say */
export const sayRequestSchema = z.strictObject({
  message: z.string().min(1).max(CONTRACT_LIMITS.promptChars),
});
export type SayRequest = z.infer<typeof sayRequestSchema>;

/** DELETE /agents/:name */
export const killQuerySchema = z.strictObject({
  keep_files: z
    .enum(['true', 'false', '1', '0'])
    .transform((v) => v === 'true' || v === '1')
    .optional(),
});
export type KillQuery = z.infer<typeof killQuerySchema>;

export const mergeResultSchema = z.discriminatedUnion('merged', [
  z.strictObject({ merged: z.literal(true), commit: z.string() }),
  z.strictObject({ merged: z.literal(false), conflicts: z.array(z.string()) }),
]);
export type MergeResultView = z.infer<typeof mergeResultSchema>;

export const runViewSchema = z.strictObject({
  id: z.string(),
  agent: z.string(),
  seq: z.number().int(),
  kind: z.string(),
  status: z.string(),
  started_at: z.iso.datetime(),
  finished_at: z.iso.datetime().nullable(),
  exit_code: z.number().int().nullable(),
  dir: z.string().nullable(),
});
export type RunView = z.infer<typeof runViewSchema>;

export const runsPageSchema = z.strictObject({ runs: z.array(runViewSchema) });

export function toRunView(run: Run): RunView {
  return {
    id: run.id,
    agent: run.agent,
    seq: run.seq,
    kind: run.kind,
    status: run.status,
    started_at: run.startedAt.toISOString(),
    finished_at: iso(run.finishedAt),
    exit_code: run.exitCode,
    dir: run.dir,
  };
}

/** GET /agents/:name/logs */
export const logsQuerySchema = z.strictObject({
  lines: z.coerce.number().int().min(1).max(10_000).default(200),
  follow: z
    .enum(['true', 'false', '1', '0'])
    .transform((v) => v === 'true' || v === '1')
    .default(false),
  stream: z.enum(['stdout', 'stderr']).default('stdout'),
});
export type LogsQuery = z.infer<typeof logsQuerySchema>;

/** POST /agents/:name/say */
export const sayResultSchema = z.strictObject({
  /** `resumed`: a new turn of the finished agent's session started; `mailbox`: a live agent got it as a message. */
  delivered: z.enum(['resumed', 'mailbox']),
  agent: agentViewSchema,
  message_id: z.number().int().optional(),
});
export type SayResult = z.infer<typeof sayResultSchema>;

/** GET /agents/:name/peek */
export const peekResultSchema = z.strictObject({
  agent: agentViewSchema,
  run: runViewSchema.nullable(),
  stdout_tail: z.string(),
  stderr_tail: z.string(),
});
export type PeekResult = z.infer<typeof peekResultSchema>;

/** POST /agents/:name/merge (conflicts are a 409 AGENT_MERGE_CONFLICT with details.conflicts) */
export const mergeResponseSchema = z.strictObject({
  merged: z.literal(true),
  commit: z.string(),
  branch: z.string().nullable(),
  base_branch: z.string().nullable(),
});
export type MergeResponse = z.infer<typeof mergeResponseSchema>;

/** POST /agents/dry-run: what a spawn with the same body would do. */
export const dryRunResultSchema = z.strictObject({
  name: z.string(),
  runtime: z.enum(RUNTIMES),
  mode: z.enum(AGENT_MODES),
  command: z.string(),
  /** The prompt argument is shown as "<prompt>". */
  args: z.array(z.string()),
  binary_path: z.string(),
  workspace: z.strictObject({
    kind: z.enum(['git-worktree', 'directory']),
    path: z.string(),
    branch: z.string().nullable(),
    base_branch: z.string().nullable(),
  }),
  /** Names only, never values. */
  env: z.array(z.string()),
  files: z.array(z.string()),
  allowed_tools: z.array(z.string()),
  queued: z.boolean(),
});
export type DryRunResult = z.infer<typeof dryRunResultSchema>;

/** fracta's own tools on every agent's gateway (DESIGN.md §5). */
export const FRACTA_AGENT_TOOLS = [
  'fracta_list',
  'fracta_peek',
  'fracta_send',
  'fracta_inbox',
  'fracta_set_intent',
  'fracta_report',
  'fracta_spawn',
] as const;
export type FractaAgentTool = (typeof FRACTA_AGENT_TOOLS)[number];
