// The fracta.yaml schema (DESIGN.md §11). Every object is strict, so a misspelt key is an error,
// not a silently ignored setting. Durations are written as "30s", "4h"… and parsed to
// milliseconds: every duration field of the parsed config holds a number of milliseconds.
import { z } from 'zod';

import { suggest } from './did-you-mean.js';
import {
  durationSchema,
  envMapSchema,
  listenAddressSchema,
  logLevelSchema,
  nameKeySchema,
  stringListSchema,
  urlSchema,
} from './schema-fragments.js';

/** The agent runtimes fracta knows how to drive. */
export const RUNTIME_NAMES = ['claude', 'codex', 'opencode', 'command'] as const;
export type RuntimeName = (typeof RUNTIME_NAMES)[number];
export const runtimeNameSchema = z.enum(RUNTIME_NAMES);

const toolPolicySchema = z
  .strictObject({
    /** Tool name patterns allowed (empty = all not denied). */
    allow: stringListSchema(),
    /** Tool name patterns denied; deny wins over allow. */
    deny: stringListSchema(),
  })
  .prefault({});

const projectSchema = z
  .strictObject({
    /** Project name; the loader defaults it to the name of the directory holding fracta.yaml. */
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, {
        error: "a project name is 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit",
      })
      .optional(),
    /** Branch that agents' worktrees start from (default: the repository's current branch). */
    default_base_branch: z.string().min(1).optional(),
    /** Tool permission patterns granted to every agent (e.g. "Read", "Bash(git *)"). */
    allowed_tools: stringListSchema(),
  })
  .prefault({});

const agentRuntimeSchema = z.strictObject({
  /** Binary to run (default: the runtime's usual binary on PATH). */
  command: z.string().min(1).optional(),
  /** Extra arguments passed to the binary. */
  args: stringListSchema(),
  /** Model name passed to the runtime. */
  model: z.string().min(1).optional(),
  /** Environment given to the agent, on top of the allow-listed host environment. */
  env: envMapSchema(),
  /** Tool permission patterns for this runtime, added to project.allowed_tools. */
  allowed_tools: stringListSchema(),
  /** Name of a profile under auth.credentials.profiles. */
  auth_profile: z.string().min(1).optional(),
  /** Which gateway tools agents of this runtime see and may call. */
  tool_policy: toolPolicySchema,
});

const agentsSchema = z
  .strictObject({
    default_runtime: runtimeNameSchema.default('claude'),
    default_mode: z.enum(['batch', 'stream']).default('batch'),
    agent_runtimes: z.partialRecord(runtimeNameSchema, agentRuntimeSchema).default(() => ({})),
    /** Sub-agents started by agents through fracta_spawn. */
    spawn: z
      .strictObject({
        /** Whether agents may start sub-agents at all. */
        allow: z.boolean().default(true),
        /** Longest chain of parents (an agent started by a person has depth 0). */
        max_depth: z.int().nonnegative().default(2),
        /** Live sub-agents one agent may have at once. */
        max_children: z.int().nonnegative().default(4),
      })
      .prefault({}),
  })
  .prefault({});

const postgresUrlSchema = urlSchema(['postgres', 'postgresql'], 'postgres://user:password@host:5432/fracta');

const stateSchema = z.discriminatedUnion('driver', [
  z.strictObject({
    /** `driver` may be left out: SQLite is the default. */
    driver: z.literal('sqlite').default('sqlite'),
    /** SQLite database file, relative to the project root. */
    path: z.string().min(1).default('.fracta/state.db'),
  }),
  z.strictObject({
    driver: z.literal('postgres'),
    url: postgresUrlSchema,
    /** Maximum connections in the pool. */
    pool_max: z.int().positive().default(10),
  }),
]);

const KUBERNETES_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

const runtimeSchema = z
  .strictObject({
    /** Where agents run: local subprocesses, or Kubernetes Jobs/Pods. */
    backend: z.enum(['local', 'kubernetes']).default('local'),
    state: stateSchema.prefault({}),
    queue: z
      .strictObject({
        backend: z.enum(['memory', 'postgres']).default('memory'),
        /**
         * Missions one process runs at once with the postgres queue (local mode: reaper.max_concurrent);
         * 0: the control plane runs none itself (only `fracta worker` processes do).
         */
        workers: z.int().nonnegative().default(2),
        /**
         * Postgres queue: how long a worker may go without a heartbeat (they beat every third of
         * it) before its mission is handed to another worker. At least 10s.
         */
        lease_timeout: durationSchema({ positive: true }).prefault('30s'),
      })
      .prefault({}),
    kubernetes: z
      .strictObject({
        namespace: z
          .string()
          .refine((name) => KUBERNETES_NAME.test(name), {
            error:
              'a Kubernetes namespace is 1 to 63 lowercase letters, digits or "-", starting and ending with a letter or digit',
          })
          .default('fracta'),
        /** Agent container image. */
        image: z.string().min(1).optional(),
        service_account: z.string().min(1).optional(),
        /** Seconds a finished Job is kept before Kubernetes deletes it. */
        job_ttl_seconds: z.int().nonnegative().default(300),
      })
      .prefault({}),
    /** Where agent workspaces (git worktrees, directories) are created, relative to the project root. */
    workspace_root: z.string().min(1).default('.worktrees'),
    /** `git-worktree` (local mode default): a branch per agent, mergeable; `directory`: a plain folder, no merge. */
    workspace_kind: z.enum(['git-worktree', 'directory']).default('git-worktree'),
    /** Run in each new workspace before its agent starts. */
    workspace_setup: z
      .strictObject({
        /** Repository-relative files or directories copied into each new worktree when present (e.g. ".env"). */
        copy: stringListSchema(),
        /** Program and arguments run (without a shell) in the new workspace, e.g. ["pnpm", "install"]. */
        command: stringListSchema(),
        /** Limit for the setup command. */
        timeout: durationSchema({ positive: true }).prefault('10m'),
      })
      .prefault({}),
    /** How long a stopped agent gets between SIGTERM and SIGKILL. */
    stop_grace: durationSchema().prefault('10s'),
    /** Where run records are written, relative to the project root. */
    runs_root: z.string().min(1).default('.fracta/runs'),
  })
  .prefault({});

const httpUrlSchema = urlSchema(['http', 'https'], 'http://127.0.0.1:8080');

const gatewaySchema = z
  .strictObject({
    /** URL agents use to reach the gateway. */
    url: httpUrlSchema.optional(),
    listen: listenAddressSchema.default('127.0.0.1:8080'),
    /**
     * Whether the control plane starts the gateway as its child process and restarts it when it
     * dies (local mode). Set false where the gateway runs on its own (compose, Kubernetes).
     */
    managed: z.boolean().default(true),
    /** Applies to every agent. */
    tool_policy: toolPolicySchema,
    /** Per agent: agent-name glob ("review-*") → policy, applied on top of the others. */
    agent_policies: z.record(z.string().min(1).max(64), toolPolicySchema).default(() => ({})),
  })
  .prefault({});

const MIN_TOKEN_LENGTH = 16;

const controlPlaneApiSchema = z
  .strictObject({
    /** Set it to use a remote control plane (the CLI never starts a local one then). */
    url: httpUrlSchema.optional(),
    listen: listenAddressSchema.default('127.0.0.1:9090'),
    /** Bearer token; usually `${FRACTA_TOKEN}`. Local mode writes one to .fracta/ when unset. */
    token: z
      .string()
      .superRefine((token, ctx) => {
        if (token.length < MIN_TOKEN_LENGTH) {
          ctx.addIssue({
            code: 'custom',
            message: `must be at least ${MIN_TOKEN_LENGTH} characters long, got ${token.length} (generate one with "openssl rand -hex 32")`,
          });
        }
      })
      .optional(),
  })
  .prefault({});

const reaperSchema = z
  .strictObject({
    /** Agents running at once; 0 = unlimited. */
    max_concurrent: z.int().nonnegative().default(4),
    /** Per-runtime caps on running agents. */
    per_runtime: z.partialRecord(runtimeNameSchema, z.int().nonnegative()).default(() => ({})),
    /** Milliseconds after which a running agent is stopped; 0 = never. */
    max_age: durationSchema().prefault('4h'),
    /** Milliseconds between reaper passes. */
    interval: durationSchema({ positive: true }).prefault('30s'),
  })
  .prefault({});

const mcpServerSchema = z.discriminatedUnion('transport', [
  z.strictObject({
    transport: z.literal('stdio'),
    command: z.string().min(1),
    args: stringListSchema(),
    env: envMapSchema(),
    tool_policy: toolPolicySchema,
  }),
  z.strictObject({
    transport: z.enum(['streamable-http', 'sse']),
    url: urlSchema(['http', 'https'], 'https://mcp.example.com/mcp'),
    /** HTTP headers sent with every request, e.g. Authorization: "Bearer ${GITHUB_TOKEN}". */
    headers: z.record(z.string(), z.string()).default(() => ({})),
    tool_policy: toolPolicySchema,
  }),
]);

const credentialProfileSchema = z.strictObject({
  /** Variables set in the agent's environment. */
  env: envMapSchema(),
  /** Variables that must be set (by the host or by `env`) before an agent starts. */
  require_env: stringListSchema(),
  /** Variables that must not be set when an agent starts. */
  forbid_env: stringListSchema(),
  /** Command whose output is the credential (e.g. Claude's apiKeyHelper). */
  helper: z.string().min(1).optional(),
});

const baseSchema = z.strictObject({
  /** Schema version of this file. */
  version: z.literal(1).optional(),
  project: projectSchema,
  agents: agentsSchema,
  runtime: runtimeSchema,
  gateway: gatewaySchema,
  control_plane_api: controlPlaneApiSchema,
  reaper: reaperSchema,
  mcp_servers: z.record(nameKeySchema, mcpServerSchema).default(() => ({})),
  graph: z
    .strictObject({
      backend: z.enum(['embedded', 'falkordb']).default('embedded'),
      url: urlSchema(['redis', 'rediss'], 'redis://127.0.0.1:6379').optional(),
    })
    .prefault({}),
  strategy: z
    .strictObject({
      /** Directory of strategies, relative to the project root. */
      dir: z.string().min(1).default('strategies'),
      pool_size: z.int().positive().default(1),
    })
    .prefault({}),
  observability: z
    .strictObject({
      log_level: logLevelSchema.default('info'),
      metrics: z.boolean().default(true),
    })
    .prefault({}),
  auth: z
    .strictObject({
      credentials: z
        .strictObject({
          profiles: z.record(nameKeySchema, credentialProfileSchema).default(() => ({})),
        })
        .prefault({}),
    })
    .prefault({}),
});

type ParsedBase = z.output<typeof baseSchema>;

function crossFieldRules(config: ParsedBase, ctx: z.RefinementCtx): void {
  const stateDriver = config.runtime.state.driver;
  if (config.runtime.queue.backend === 'postgres' && stateDriver !== 'postgres') {
    ctx.addIssue({
      code: 'custom',
      path: ['runtime', 'queue', 'backend'],
      message: `the postgres queue lives in the state database, so it needs runtime.state.driver: postgres (got ${stateDriver}); set runtime.state to postgres, or use queue backend "memory"`,
    });
  }
  if (config.runtime.queue.backend === 'postgres' && config.runtime.queue.lease_timeout < 10_000) {
    ctx.addIssue({
      code: 'custom',
      path: ['runtime', 'queue', 'lease_timeout'],
      message: `the postgres queue needs a lease of at least 10s (got ${config.runtime.queue.lease_timeout} ms); write e.g. "30s"`,
    });
  }
  if (config.runtime.backend === 'kubernetes' && stateDriver !== 'postgres') {
    ctx.addIssue({
      code: 'custom',
      path: ['runtime', 'backend'],
      message: `the kubernetes backend needs runtime.state.driver: postgres (got ${stateDriver}), because Jobs in the cluster cannot reach a local SQLite file; set runtime.state to postgres with a url`,
    });
  }
  if (config.graph.backend === 'falkordb' && config.graph.url === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['graph', 'backend'],
      message:
        'the falkordb backend needs graph.url (e.g. "redis://127.0.0.1:6379"); add it, or use backend "embedded"',
    });
  }

  const profiles = Object.keys(config.auth.credentials.profiles);
  for (const [runtime, settings] of Object.entries(config.agents.agent_runtimes)) {
    const profile = settings.auth_profile;
    if (profile === undefined || profiles.includes(profile)) continue;
    const defined =
      profiles.length === 0
        ? 'none are defined under auth.credentials.profiles'
        : `defined: ${profiles.join(', ')}`;
    const nearest = suggest(profile, profiles);
    ctx.addIssue({
      code: 'custom',
      path: ['agents', 'agent_runtimes', runtime, 'auth_profile'],
      message: `unknown credential profile "${profile}" (${defined})${nearest === undefined ? '; add it under auth.credentials.profiles' : `; did you mean "${nearest}"?`}`,
    });
  }
  for (const [name, profile] of Object.entries(config.auth.credentials.profiles)) {
    for (const variable of profile.require_env.filter((variable) => profile.forbid_env.includes(variable))) {
      ctx.addIssue({
        code: 'custom',
        path: ['auth', 'credentials', 'profiles', name, 'forbid_env'],
        message: `${variable} is both required (require_env) and forbidden (forbid_env); remove it from one of them`,
      });
    }
  }
}

/** The fracta.yaml schema: input is the YAML data after ${VAR} interpolation, output is the typed config with defaults. */
export const fractaConfigSchema = baseSchema.superRefine(crossFieldRules);

/** What a fracta.yaml may contain (before defaults). */
export type FractaConfigInput = z.input<typeof fractaConfigSchema>;

/**
 * The parsed config, every default filled in. Duration fields (runtime.queue.lease_timeout,
 * reaper.max_age, reaper.interval) are numbers of milliseconds. project.name is always set by
 * the loader (from the directory holding fracta.yaml when the file does not set it).
 */
export type FractaConfig = z.output<typeof fractaConfigSchema> & {
  readonly project: { readonly name: string };
};

/** Settings of one agent runtime under agents.agent_runtimes. */
export type AgentRuntimeConfig = z.output<typeof agentRuntimeSchema>;
/** One entry of mcp_servers. */
export type McpServerConfig = z.output<typeof mcpServerSchema>;
/** One profile under auth.credentials.profiles. */
export type CredentialProfileConfig = z.output<typeof credentialProfileSchema>;
/** runtime.state: SQLite file or Postgres URL. */
export type StateConfig = FractaConfig['runtime']['state'];
