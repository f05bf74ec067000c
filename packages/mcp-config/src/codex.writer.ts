import { stringify } from 'smol-toml';

import {
  ALL_GATEWAY_TOOLS,
  type AgentFiles,
  type AgentFilesRequest,
  FRACTA_SERVER_NAME,
  type WorkspaceFile,
} from './agent-files.input.js';
import { mergeInstructions } from './instructions-section.js';
import { mergeTomlEntry } from './toml-section.js';

const CONFIG_TOML = '.codex/config.toml';
const AGENTS_MD = 'AGENTS.md';

/** A TOML string literal, for `-c key=value` (codex parses the value as TOML). */
function tomlString(value: string): string {
  return stringify({ v: value }).trim().replace(/^v = /, '');
}

/**
 * Codex 0.169:
 * - `.codex/config.toml` in the workspace is read only when the project is trusted
 *   (`[projects."<repo>"] trust_level = "trusted"` in the user's config; a worktree inherits the
 *   trust of its main repository). Elsewhere `codex exec` warns "Untrusted project-local
 *   configuration is disabled", so the same settings always go on the command line with `-c`.
 * - The URL is taken literally (no variable expansion); the token comes from
 *   `bearer_token_env_var`.
 * - `codex exec` refuses MCP calls that need approval ("approval policy is never"): each
 *   gateway tool gets `approval_mode = "approve"`.
 * - AGENTS.md is read trusted or not; `developer_instructions` is the fallback when it is tracked.
 */
export function writeCodexFiles(request: AgentFilesRequest): AgentFiles {
  const { gateway, existing, tracked } = request;
  const files: WorkspaceFile[] = [];
  const notes: string[] = [];
  const all = request.gatewayTools.includes(ALL_GATEWAY_TOOLS);
  const named = request.gatewayTools.filter((tool) => tool !== ALL_GATEWAY_TOOLS);
  const tools = Object.fromEntries(named.map((tool) => [tool, { approval_mode: 'approve' }]));
  const entry = {
    url: gateway.url,
    bearer_token_env_var: gateway.tokenEnvVar,
    ...(all ? { default_tools_approval_mode: 'approve' } : {}),
    ...(named.length > 0 ? { tools } : {}),
  };

  const key = `mcp_servers.${FRACTA_SERVER_NAME}`;
  const extraArgs = [
    '-c',
    `${key}.url=${tomlString(gateway.url)}`,
    '-c',
    `${key}.bearer_token_env_var=${tomlString(gateway.tokenEnvVar)}`,
    ...(all ? ['-c', `${key}.default_tools_approval_mode="approve"`] : []),
    ...named.flatMap((tool) => ['-c', `${key}.tools.${tool}.approval_mode="approve"`]),
  ];

  if (tracked.has(CONFIG_TOML)) {
    notes.push(`${CONFIG_TOML} is tracked: the gateway entry is passed with -c only`);
  } else {
    const merged = mergeTomlEntry(
      CONFIG_TOML,
      existing.get(CONFIG_TOML),
      'mcp_servers',
      FRACTA_SERVER_NAME,
      entry,
    );
    if (merged.reformatted) {
      notes.push(
        `${CONFIG_TOML} defined the fracta server inline: the rest of the file was re-serialized, without its comments`,
      );
    }
    files.push({ path: CONFIG_TOML, content: merged.content, mode: 0o644 });
  }

  if (tracked.has(AGENTS_MD)) {
    extraArgs.push('-c', `developer_instructions=${tomlString(request.instructions)}`);
    notes.push(`${AGENTS_MD} is tracked: the instructions are passed as developer_instructions with -c`);
  } else {
    files.push({
      path: AGENTS_MD,
      content: mergeInstructions(AGENTS_MD, existing.get(AGENTS_MD), request.instructions),
      mode: 0o644,
    });
  }

  if (request.allowedTools.length > 0) {
    notes.push(
      `codex has no per-tool allow list (its sandbox and approval policy come from the command line): not applied: ${request.allowedTools.join(', ')}`,
    );
  }
  return { files, extraArgs, gitExclude: files.map((file) => `/${file.path}`), notes };
}
