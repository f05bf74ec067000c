/**
 * Input and output schemas of the host MCP server's tools (`fracta serve`). Inputs carry the
 * same limits as the control plane's HTTP contract, so a bad call fails here, with a message
 * naming the fix, before anything reaches the control plane; the control plane still validates
 * everything again. Patterns stay plain (no look-around) so every client's model API takes them.
 */
import {
  agentViewSchema,
  CONTRACT_LIMITS,
  eventViewSchema,
  mergeResponseSchema,
  peekResultSchema,
  sayResultSchema,
} from '@fracta/api-contract';
import { AGENT_NAME_PATTERN, AGENT_STATUSES, LIMITS, RUNTIMES } from '@fracta/domain';
import { z } from 'zod';

import { SCAFFOLD_MODES } from '../scaffold.js';

/** The most a host may ask for in one call; the control plane allows more, a model's context does not. */
export const HOST_LIMITS = {
  listMax: 500,
  logLinesMax: 2_000,
  /** Log text beyond this is cut from the front (the end is what matters). */
  logChars: 64 * 1024,
  watchTimeoutMaxS: 60,
  watchEventsMax: 200,
  labelKeyChars: 63,
} as const;

const agentName = z
  .string()
  .regex(
    AGENT_NAME_PATTERN,
    "invalid agent name: use 1-64 letters, digits, '_' or '-', starting with a letter or digit (e.g. fix-login)",
  );

const nameField = agentName.describe(
  'The agent (task) name, as given to fracta_spawn; fracta_list shows them.',
);

export const spawnInputSchema = z
  .strictObject({
    name: agentName.describe(
      "The agent's name, unique among live agents: 1-64 letters, digits, '_' or '-' (e.g. fix-login). It also names its worktree (.worktrees/<name>) and branch (feature/<name>).",
    ),
    prompt: z
      .string()
      .max(
        CONTRACT_LIMITS.promptChars,
        `prompt is over ${CONTRACT_LIMITS.promptChars} characters: write the details into a file in the repository and point the prompt at it`,
      )
      .optional()
      .describe(
        'The task, in plain words, as you would give it to a coding agent. Required for claude, codex and opencode; for the command runtime it is optional and reaches the program as $FRACTA_PROMPT.',
      ),
    runtime: z
      .enum(RUNTIMES)
      .optional()
      .describe(
        "Which agent runs the task: claude (Claude Code), codex, opencode, or command (any program, given in 'command'). Default: 'command' when 'command' is given, else the project's agents.default_runtime.",
      ),
    base_branch: z
      .string()
      .min(1)
      .max(CONTRACT_LIMITS.branchChars, `base_branch is over ${CONTRACT_LIMITS.branchChars} characters`)
      .regex(/^[A-Za-z0-9._/-]+$/, "base_branch: a git branch name (letters, digits, '.', '_', '/', '-')")
      .optional()
      .describe('The branch the worktree starts from and merges back into. Default: the branch checked out.'),
    model: z
      .string()
      .min(1)
      .max(CONTRACT_LIMITS.modelChars, `model is over ${CONTRACT_LIMITS.modelChars} characters`)
      .optional()
      .describe(
        "The model, as the runtime takes it (opencode: 'provider/model'). Default: the project's setting.",
      ),
    command: z
      .array(
        z
          .string()
          .min(1, 'command: arguments must not be empty')
          .max(
            CONTRACT_LIMITS.commandArgChars,
            `command: an argument is over ${CONTRACT_LIMITS.commandArgChars} characters`,
          ),
      )
      .min(1, 'command: give the program and its arguments, e.g. ["sh", "-c", "make test"]')
      .max(CONTRACT_LIMITS.commandArgs, `command: at most ${CONTRACT_LIMITS.commandArgs} arguments`)
      .optional()
      .describe(
        'For the command runtime only: the program and its arguments (argv, no shell unless you call one), e.g. ["sh", "-c", "make lint-fix && git commit -am lint"]. It runs in the worktree.',
      ),
    labels: z
      .record(
        z
          .string()
          .min(1)
          .max(HOST_LIMITS.labelKeyChars, `labels: keys are at most ${HOST_LIMITS.labelKeyChars} characters`),
        z
          .string()
          .max(LIMITS.labelValueChars, `labels: values are at most ${LIMITS.labelValueChars} characters`),
      )
      .refine((labels) => Object.keys(labels).length <= LIMITS.labelsPerAgent, {
        message: `labels: at most ${LIMITS.labelsPerAgent} labels`,
      })
      .optional()
      .describe('Free-form key/value tags, e.g. {"team": "core"}.'),
  })
  .superRefine((input, ctx) => {
    if (input.runtime === 'command' && input.command === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['command'],
        message: 'the command runtime needs the program to run in "command", e.g. ["sh", "-c", "make test"]',
      });
    }
    if (input.runtime !== undefined && input.runtime !== 'command' && input.command !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['command'],
        message: `"command" is only for the command runtime: leave it out for ${input.runtime}, or set runtime to "command"`,
      });
    }
  });

export const listInputSchema = z.strictObject({
  status: z
    .array(z.enum(AGENT_STATUSES))
    .max(AGENT_STATUSES.length)
    .optional()
    .describe('Only agents in one of these states. Default: all.'),
  runtime: z
    .array(z.enum(RUNTIMES))
    .max(RUNTIMES.length)
    .optional()
    .describe('Only agents of one of these runtimes. Default: all.'),
  limit: z
    .number()
    .int()
    .min(1)
    .max(HOST_LIMITS.listMax)
    .default(100)
    .describe(`At most this many agents (1-${HOST_LIMITS.listMax}, default 100), oldest first.`),
});

export const nameInputSchema = z.strictObject({ name: nameField });

export const logsInputSchema = z.strictObject({
  name: nameField,
  lines: z
    .number()
    .int()
    .min(1)
    .max(
      HOST_LIMITS.logLinesMax,
      `lines: at most ${HOST_LIMITS.logLinesMax}; read the run directory for more`,
    )
    .default(100)
    .describe(`How many lines from the end (1-${HOST_LIMITS.logLinesMax}, default 100).`),
  stream: z
    .enum(['stdout', 'stderr'])
    .default('stdout')
    .describe("Which output of the agent's current run (default stdout)."),
});

export const sayInputSchema = z.strictObject({
  name: nameField,
  message: z
    .string()
    .min(1, 'message must not be empty')
    .max(
      CONTRACT_LIMITS.promptChars,
      `message is over ${CONTRACT_LIMITS.promptChars} characters: write it into a file in the repository and point the message at it`,
    )
    .describe('What to tell the agent: an answer, a correction, the next step.'),
});

export const killInputSchema = z.strictObject({
  name: nameField,
  keep_files: z
    .boolean()
    .default(false)
    .describe('Keep its worktree and branch (to merge or inspect later). Default: remove them.'),
});

export const watchEventsInputSchema = z.strictObject({
  since: z
    .number()
    .int()
    .min(0)
    .max(Number.MAX_SAFE_INTEGER)
    .default(0)
    .describe(
      'Cursor: the next_since of your previous call (events after it are returned). 0 = from the beginning of the log.',
    ),
  agent: agentName.optional().describe("Only this agent's events. Default: the whole fleet."),
  timeout_s: z
    .number()
    .min(0)
    .max(
      HOST_LIMITS.watchTimeoutMaxS,
      `timeout_s: at most ${HOST_LIMITS.watchTimeoutMaxS}; call again with next_since to keep waiting`,
    )
    .default(30)
    .describe(
      `How long to wait for a new event when there is none yet, in seconds (0-${HOST_LIMITS.watchTimeoutMaxS}, default 30). 0 = do not wait.`,
    ),
  max_events: z
    .number()
    .int()
    .min(1)
    .max(HOST_LIMITS.watchEventsMax)
    .default(50)
    .describe(`At most this many events per call (1-${HOST_LIMITS.watchEventsMax}, default 50).`),
});

export const initInputSchema = z.strictObject({
  scaffold: z
    .enum(SCAFFOLD_MODES)
    .default('local')
    .describe(
      'Deployment mode (default local: SQLite and agents as processes in git worktrees on this machine).',
    ),
});

// ---------------------------------------------------------------------------------- outputs

export const spawnOutputSchema = z.strictObject({ agent: agentViewSchema });
export const listOutputSchema = z.strictObject({
  agents: z.array(agentViewSchema),
  /** More agents match than `limit` returned. */
  more: z.boolean(),
});
export const peekOutputSchema = peekResultSchema;
export const logsOutputSchema = z.strictObject({
  name: z.string(),
  stream: z.enum(['stdout', 'stderr']),
  text: z.string(),
  /** The text was cut from the front to fit. */
  truncated: z.boolean(),
});
export const sayOutputSchema = sayResultSchema;
export const killOutputSchema = z.strictObject({ agent: agentViewSchema, kept_files: z.boolean() });
export const mergeOutputSchema = mergeResponseSchema;
export const watchEventsOutputSchema = z.strictObject({
  events: z.array(eventViewSchema),
  /** Pass as `since` next time. */
  next_since: z.number().int().min(0),
  /** Nothing new arrived within timeout_s. */
  timed_out: z.boolean(),
});
export const initOutputSchema = z.strictObject({
  mode: z.enum(SCAFFOLD_MODES),
  root: z.string(),
  written: z.array(z.string()),
  kept: z.array(z.string()),
});
