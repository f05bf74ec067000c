/**
 * How to add `fracta serve` to each host AI CLI, in the exact forms the pinned CLIs accept
 * (test/e2e/serve-hosts.e2e.test.ts feeds these same texts to the real claude, codex and
 * opencode, and a unit test keeps the README quoting them). Shown by `fracta serve --help` and
 * `fracta init`. One line each where the format allows (help text is re-wrapped by oclif), spaced
 * as prettier formats the README's code blocks.
 */

/** Claude Code, for you in this repository (kept in ~/.claude.json; connects without approval). */
export const CLAUDE_ADD_COMMAND = 'claude mcp add fracta -- fracta serve';

/** Claude Code, for everyone who clones the repository: .mcp.json (each person approves it once). */
export const CLAUDE_MCP_JSON = '{ "mcpServers": { "fracta": { "command": "fracta", "args": ["serve"] } } }';

/** Codex: writes CODEX_CONFIG_TOML into ~/.codex/config.toml. */
export const CODEX_ADD_COMMAND = 'codex mcp add fracta -- fracta serve';

/** Codex, by hand: ~/.codex/config.toml (the server runs in the directory codex starts in). */
export const CODEX_CONFIG_TOML = '[mcp_servers.fracta]\ncommand = "fracta"\nargs = ["serve"]';

/** OpenCode: opencode.json at the repository root (opencode adds its "$schema" line itself). */
export const OPENCODE_JSON = '{ "mcp": { "fracta": { "type": "local", "command": ["fracta", "serve"] } } }';

/** The setup guide as lines, for terminals (`fracta serve --help`, `fracta init`). */
export function hostSetupGuide(indent = ''): string[] {
  return [
    'Claude Code, for you in this repository:',
    `${indent}${CLAUDE_ADD_COMMAND}`,
    'Claude Code, for everyone who clones it: .mcp.json (each person approves it once in claude)',
    `${indent}${CLAUDE_MCP_JSON}`,
    'Codex:',
    `${indent}${CODEX_ADD_COMMAND}`,
    'or by hand, in ~/.codex/config.toml:',
    ...CODEX_CONFIG_TOML.split('\n').map((line) => `${indent}${line}`),
    'OpenCode: opencode.json in the repository',
    `${indent}${OPENCODE_JSON}`,
  ];
}
