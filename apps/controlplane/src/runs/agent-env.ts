/**
 * An agent's environment is built from an allow-list of the control plane's own environment (never
 * all of it: the control plane's token and database URL must not leak into agents), then the
 * runtime's `env` from fracta.yaml, then the runtime's own variables, then fracta's, which nothing
 * can override.
 */
import type { Runtime } from '@fracta/domain';

/** Passed through for every runtime when the control plane has them. */
const BASE_NAMES = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'LANG',
  'LANGUAGE',
  'TERM',
  'COLORTERM',
  'NO_COLOR',
  'TZ',
  'TMPDIR',
  'SSH_AUTH_SOCK',
  'GIT_AUTHOR_NAME',
  'GIT_AUTHOR_EMAIL',
  'GIT_COMMITTER_NAME',
  'GIT_COMMITTER_EMAIL',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'NODE_EXTRA_CA_CERTS',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
];
const BASE_PREFIXES = ['LC_', 'XDG_'];

/** What each runtime reads to reach and authenticate with its model provider. */
const RUNTIME_PREFIXES: Readonly<Record<Runtime, readonly string[]>> = {
  claude: ['ANTHROPIC_', 'CLAUDE_CODE_', 'AWS_', 'CLOUD_ML_', 'VERTEX_', 'DISABLE_', 'ENABLE_TOOL_SEARCH'],
  codex: ['OPENAI_', 'CODEX_', 'AZURE_OPENAI_'],
  opencode: ['OPENCODE_', 'OPENAI_', 'ANTHROPIC_', 'OPENROUTER_', 'GEMINI_', 'GOOGLE_', 'GROQ_', 'MISTRAL_'],
  command: [],
};

export interface AgentEnvInput {
  readonly runtime: Runtime;
  readonly hostEnv: Readonly<Record<string, string>>;
  /** agents.agent_runtimes.<runtime>.env */
  readonly configured: Readonly<Record<string, string>>;
  /** The runtime adapter's own (e.g. FRACTA_PROMPT for command agents). */
  readonly runtimeEnv: Readonly<Record<string, string>>;
  /** FRACTA_AGENT, FRACTA_RUN, FRACTA_GATEWAY_URL, FRACTA_GATEWAY_TOKEN, … */
  readonly fracta: Readonly<Record<string, string>>;
}

export function allowedFromHost(runtime: Runtime, name: string): boolean {
  if (name.startsWith('FRACTA_')) return false;
  if (BASE_NAMES.includes(name) || BASE_PREFIXES.some((prefix) => name.startsWith(prefix))) return true;
  return RUNTIME_PREFIXES[runtime].some((prefix) => name.startsWith(prefix));
}

export function buildAgentEnv(input: AgentEnvInput): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.hostEnv)) {
    if (allowedFromHost(input.runtime, name)) env[name] = value;
  }
  for (const [name, value] of Object.entries(input.configured)) {
    if (!name.startsWith('FRACTA_')) env[name] = value;
  }
  Object.assign(env, input.runtimeEnv, input.fracta);
  return env;
}
