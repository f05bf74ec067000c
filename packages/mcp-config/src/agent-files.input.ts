import { assertAgentName, RUNTIMES, type Runtime } from '@fracta/domain';

import { McpConfigInvalidError } from './mcp-config.errors.js';
import { assertWorkspacePath } from './workspace-path.js';

/** The name of fracta's entry in every client's MCP server list. */
export const FRACTA_SERVER_NAME = 'fracta';

/** Size limits of the input; each error names the one that was exceeded. */
export const MCP_CONFIG_LIMITS = {
  instructionsChars: 65_536,
  existingFileChars: 1_048_576,
  allowedTools: 256,
  allowedToolChars: 512,
  gatewayTools: 512,
  /** 64 (the tool-name limit of the Anthropic and OpenAI APIs) minus Claude's `mcp__fracta__`. */
  gatewayToolChars: 64 - `mcp__${FRACTA_SERVER_NAME}__`.length,
  urlChars: 2_048,
  envVarChars: 128,
  trackedPaths: 1_000,
} as const;

/**
 * In `gatewayTools`: every tool the gateway serves this agent (its backend tools are only known to
 * the gateway). The client then trusts the gateway's list; the gateway's tool policy, applied to
 * tools/list and tools/call, is what decides.
 */
export const ALL_GATEWAY_TOOLS = '*';

/** Where the agent reaches its gateway. Nothing here is a secret: the token stays in the env. */
export interface GatewayEndpoint {
  /**
   * The agent's gateway URL, `http(s)://<gateway>/…/agents/<agent>/mcp`, without credentials,
   * query or fragment. Codex always gets it literally: its config does not expand variables.
   */
  readonly url: string;
  /**
   * When set (e.g. `FRACTA_GATEWAY_URL`), the Claude and opencode files reference this variable
   * instead of the literal URL, so they stay valid if the gateway moves between runs.
   */
  readonly urlEnvVar?: string;
  /** The variable holding the agent's bearer token, e.g. `FRACTA_GATEWAY_TOKEN`. */
  readonly tokenEnvVar: string;
}

export interface AgentFilesInput {
  readonly agent: string;
  readonly runtime: Runtime;
  readonly gateway: GatewayEndpoint;
  /**
   * Tools the agent may use without asking, in Claude's permission-rule syntax (`Read`,
   * `Bash(git *)`, `mcp__github__get_issue`): the project's list ∪ the runtime's, from fracta.yaml.
   */
  readonly allowedTools: readonly string[];
  /**
   * Tools the gateway serves this agent (`fracta_list`, …, and namespaced backend tools) that the
   * client may call without asking; `*` (ALL_GATEWAY_TOOLS) for every one it serves.
   */
  readonly gatewayTools: readonly string[];
  /** The fracta section of the agent's instructions (who it is, how to use the fracta tools). */
  readonly instructions: string;
  /**
   * Current content of the files already in the workspace, by path (only paths from
   * `workspaceFilePaths(runtime)`; a missing key means the file does not exist).
   */
  readonly existing?: Readonly<Record<string, string>>;
  /**
   * Paths tracked by git in the workspace (e.g. `git ls-files -- <workspaceFilePaths>`). A
   * tracked file is never modified: its setting goes to an untracked file or a flag instead.
   */
  readonly tracked?: readonly string[];
}

/** One file to write, relative to the workspace root. */
export interface WorkspaceFile {
  readonly path: string;
  readonly content: string;
  readonly mode: number;
}

export interface AgentFiles {
  /** Files to write (create parent directories; replace the whole file). */
  readonly files: readonly WorkspaceFile[];
  /**
   * Options to add to the runtime's command line, before the prompt, with the workspace as the
   * process's working directory. They deliver what the CLI does not read from an untrusted
   * workspace (see the README), so they must always be passed.
   */
  readonly extraArgs: readonly string[];
  /** Anchored patterns for `$(git rev-parse --git-common-dir)/info/exclude`: the files written. */
  readonly gitExclude: readonly string[];
  /** What could not be expressed for this runtime, and which fallbacks were taken. */
  readonly notes: readonly string[];
}

/** Every path a runtime's writer reads or writes, so the caller can pass `existing` and `tracked`. */
export const WORKSPACE_FILE_PATHS: Readonly<Record<Runtime, readonly string[]>> = {
  claude: ['.mcp.json', '.claude/settings.local.json', 'CLAUDE.md', 'CLAUDE.local.md'],
  codex: ['.codex/config.toml', 'AGENTS.md'],
  opencode: ['opencode.json', '.opencode/opencode.json', 'AGENTS.md', '.opencode/fracta-instructions.md'],
  command: [],
};

/** The input after validation: deduplicated lists, existing files by path, tracked paths. */
export interface AgentFilesRequest {
  readonly agent: string;
  readonly runtime: Runtime;
  readonly gateway: GatewayEndpoint;
  readonly allowedTools: readonly string[];
  readonly gatewayTools: readonly string[];
  readonly instructions: string;
  readonly existing: ReadonlyMap<string, string>;
  readonly tracked: ReadonlySet<string>;
}

const ENV_VAR = /^[A-Za-z_][A-Za-z0-9_]*$/;
const GATEWAY_TOOL = /^[A-Za-z0-9_-]+$/;
// Claude permission rule: a tool name (with `*` wildcards for MCP tools), optionally `(specifier)`.
// eslint-disable-next-line no-control-regex
const ALLOWED_TOOL = /^[A-Za-z][A-Za-z0-9_*-]{0,127}(\([^\u0000-\u001f\u007f]*\))?$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

function invalid(message: string, details: Record<string, unknown> = {}): never {
  throw new McpConfigInvalidError('MCP_CONFIG_INPUT_INVALID', message, details);
}

function shown(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}

function checkEnvVar(value: unknown, field: string): string {
  if (typeof value !== 'string' || !ENV_VAR.test(value) || value.length > MCP_CONFIG_LIMITS.envVarChars) {
    invalid(
      `${field} must be an environment variable name (letters, digits, '_', not starting with a digit, at most ${MCP_CONFIG_LIMITS.envVarChars} characters), got ${typeof value === 'string' ? shown(value) : typeof value}; it names the variable, it never holds the value`,
    );
  }
  return value;
}

function checkUrl(value: unknown, agent: string): string {
  if (typeof value !== 'string' || value === '') invalid('gateway.url must be a non-empty string');
  if (value.length > MCP_CONFIG_LIMITS.urlChars) {
    invalid(`gateway.url is longer than ${MCP_CONFIG_LIMITS.urlChars} characters`);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return invalid(`gateway.url ${shown(value)} is not a URL: give http(s)://<gateway>/agents/${agent}/mcp`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    invalid(`gateway.url must be http or https (streamable HTTP), got ${shown(url.protocol)}`);
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    invalid(
      'gateway.url must not carry credentials, a query or a fragment: the token goes in the variable named by gateway.tokenEnvVar',
    );
  }
  if (!url.pathname.endsWith(`/agents/${agent}/mcp`)) {
    invalid(
      `gateway.url ${shown(value)} is not agent "${agent}"'s endpoint: its path must end in /agents/${agent}/mcp (the gateway refuses a token for another agent)`,
    );
  }
  return value;
}

function checkList(
  value: unknown,
  field: string,
  max: number,
  check: (item: string, index: number) => void,
): string[] {
  if (!Array.isArray(value)) invalid(`${field} must be an array of strings`);
  const items: unknown[] = value;
  if (items.length > max) invalid(`${field} has ${items.length} entries: at most ${max}`);
  const seen = new Set<string>();
  items.forEach((item, index) => {
    if (typeof item !== 'string') invalid(`${field}[${index}] must be a string, got ${typeof item}`);
    check(item, index);
    seen.add(item);
  });
  return [...seen];
}

function checkInstructions(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    invalid('instructions must be a non-empty string (the fracta section of the agent instructions)');
  }
  if (value.length > MCP_CONFIG_LIMITS.instructionsChars) {
    invalid(
      `instructions are ${value.length} characters: at most ${MCP_CONFIG_LIMITS.instructionsChars}; shorten the fracta section`,
    );
  }
  if (CONTROL.test(value)) invalid('instructions contain a control character (NUL, ESC …): remove it');
  if (/<!-- (BEGIN|END) fracta/.test(value)) {
    invalid(
      'instructions contain a fracta section marker ("<!-- BEGIN fracta" / "<!-- END fracta"): remove it',
    );
  }
  return value.replace(/\r\n/g, '\n').trim();
}

function checkExisting(value: unknown, runtime: Runtime): Map<string, string> {
  const files = new Map<string, string>();
  if (value === undefined) return files;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    invalid('existing must be an object mapping workspace paths to file contents');
  }
  const known = WORKSPACE_FILE_PATHS[runtime];
  for (const [path, content] of Object.entries(value)) {
    assertWorkspacePath(path, 'existing file path');
    if (!known.includes(path)) {
      throw new McpConfigInvalidError(
        'MCP_CONFIG_PATH_INVALID',
        `existing has ${shown(path)}, which the ${runtime} writer does not read: pass only ${known.length ? known.join(', ') : 'nothing'} (workspaceFilePaths('${runtime}'))`,
        { path: path.slice(0, 80) },
      );
    }
    if (typeof content !== 'string')
      invalid(`existing[${shown(path)}] must be the file's text, got ${typeof content}`);
    if (content.length > MCP_CONFIG_LIMITS.existingFileChars) {
      throw new McpConfigInvalidError(
        'MCP_CONFIG_EXISTING_INVALID',
        `${path} in the workspace is ${content.length} characters, over the ${MCP_CONFIG_LIMITS.existingFileChars} limit: shrink or remove it`,
        { path },
      );
    }
    files.set(path, content);
  }
  return files;
}

function checkTracked(value: unknown): Set<string> {
  if (value === undefined) return new Set();
  const paths = checkList(value, 'tracked', MCP_CONFIG_LIMITS.trackedPaths, (path) => {
    assertWorkspacePath(path, 'tracked path');
  });
  return new Set(paths);
}

/** Validates the whole input at once, before anything is rendered. */
export function parseAgentFilesInput(input: AgentFilesInput): AgentFilesRequest {
  if (typeof (input as unknown) !== 'object' || (input as unknown) === null)
    invalid('input must be an object');
  const runtime: unknown = input.runtime;
  if (typeof runtime !== 'string' || !(RUNTIMES as readonly string[]).includes(runtime)) {
    invalid(
      `runtime must be one of ${RUNTIMES.join(', ')}, got ${typeof runtime === 'string' ? shown(runtime) : typeof runtime}`,
    );
  }
  if (typeof (input.agent as unknown) !== 'string') invalid('agent must be a string (the agent name)');
  // AGENT_NAME_INVALID, from the domain, when the name breaks its rule.
  const agent = assertAgentName(input.agent);
  const gateway: unknown = input.gateway;
  if (typeof gateway !== 'object' || gateway === null) {
    invalid('gateway must be an object with url and tokenEnvVar');
  }
  const endpoint = gateway as Partial<GatewayEndpoint>;
  const url = checkUrl(endpoint.url, agent);
  const tokenEnvVar = checkEnvVar(endpoint.tokenEnvVar, 'gateway.tokenEnvVar');
  const urlEnvVar =
    endpoint.urlEnvVar === undefined ? undefined : checkEnvVar(endpoint.urlEnvVar, 'gateway.urlEnvVar');
  const allowedTools = checkList(
    input.allowedTools,
    'allowedTools',
    MCP_CONFIG_LIMITS.allowedTools,
    (rule, i) => {
      if (rule.length > MCP_CONFIG_LIMITS.allowedToolChars || !ALLOWED_TOOL.test(rule)) {
        invalid(
          `allowedTools[${i}] ${shown(rule)} is not a tool rule: use a tool name with an optional specifier, like Read, Bash(git *) or mcp__github__get_issue (at most ${MCP_CONFIG_LIMITS.allowedToolChars} characters)`,
        );
      }
    },
  );
  const gatewayTools = checkList(
    input.gatewayTools,
    'gatewayTools',
    MCP_CONFIG_LIMITS.gatewayTools,
    (tool, i) => {
      if (tool === ALL_GATEWAY_TOOLS) return;
      if (!GATEWAY_TOOL.test(tool) || tool.length > MCP_CONFIG_LIMITS.gatewayToolChars) {
        invalid(
          `gatewayTools[${i}] ${shown(tool)} is not a valid gateway tool name: use 1-${MCP_CONFIG_LIMITS.gatewayToolChars} letters, digits, '_' or '-' (the clients add their own prefix, and the model APIs allow 64 characters)`,
        );
      }
    },
  );
  return {
    agent,
    runtime: runtime as Runtime,
    gateway: urlEnvVar === undefined ? { url, tokenEnvVar } : { url, tokenEnvVar, urlEnvVar },
    allowedTools,
    gatewayTools,
    instructions: checkInstructions(input.instructions),
    existing: checkExisting(input.existing, runtime as Runtime),
    tracked: checkTracked(input.tracked),
  };
}
