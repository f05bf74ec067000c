import { ALL_GATEWAY_TOOLS, FRACTA_SERVER_NAME } from './agent-files.input.js';

/**
 * Claude Code tools an agent needs to work in its own workspace without asking, whatever
 * fracta.yaml says: reading, and editing files (Claude Code 2.1's names). Bash is not here:
 * which commands an agent may run is the project's choice (`Bash(git *)` …).
 */
export const CLAUDE_BASELINE_TOOLS: readonly string[] = ['Read', 'Edit', 'Write', 'NotebookEdit'];

const CLAUDE_FRACTA_PREFIX = `mcp__${FRACTA_SERVER_NAME}__`;

/** Claude's name for a gateway tool, as used in permission rules (`*`: the whole server). */
export function claudeGatewayTool(tool: string): string {
  return tool === ALL_GATEWAY_TOOLS ? `mcp__${FRACTA_SERVER_NAME}` : `${CLAUDE_FRACTA_PREFIX}${tool}`;
}

/** True for a Claude rule about fracta's own server (fracta writes those, so it may drop them). */
export function isClaudeFractaRule(rule: string): boolean {
  return rule === `mcp__${FRACTA_SERVER_NAME}` || rule.startsWith(CLAUDE_FRACTA_PREFIX);
}

/** opencode's name for a gateway tool: `<server>_<tool>`, also its permission key (`*`: a wildcard key). */
export function opencodeGatewayTool(tool: string): string {
  return `${FRACTA_SERVER_NAME}_${tool}`;
}

/** True for an opencode permission key about fracta's own server. */
export function isOpencodeFractaKey(key: string): boolean {
  return key.startsWith(`${FRACTA_SERVER_NAME}_`);
}

/** One `allow` rule in opencode's `permission` map: a whole tool, or a pattern of it. */
export interface OpencodeAllowRule {
  readonly key: string;
  /** For pattern tools (bash): the command pattern; absent for the whole tool. */
  readonly pattern?: string;
}

/** Claude tool → opencode permission key (opencode's `edit` covers edit, write and patch). */
const OPENCODE_KEYS: Readonly<Record<string, string>> = {
  Read: 'read',
  Edit: 'edit',
  MultiEdit: 'edit',
  Write: 'edit',
  NotebookEdit: 'edit',
  Glob: 'glob',
  Grep: 'grep',
  LS: 'list',
  WebFetch: 'webfetch',
  WebSearch: 'websearch',
  TodoWrite: 'todowrite',
  Bash: 'bash',
};

const RULE = /^([^(]+)(?:\((.*)\))?$/s;

/**
 * Translates Claude permission rules to opencode `allow` rules where opencode has the same
 * thing: plain tools, `Bash(<command pattern>)` (Claude's `git:*` prefix form becomes `git *`)
 * and MCP tools (`mcp__srv__tool` → `srv_tool`). The rest is returned as unmapped.
 */
export function opencodeAllowRules(rules: readonly string[]): {
  readonly allow: readonly OpencodeAllowRule[];
  readonly unmapped: readonly string[];
} {
  const allow: OpencodeAllowRule[] = [];
  const unmapped: string[] = [];
  for (const rule of rules) {
    const match = RULE.exec(rule);
    const name = match?.[1] ?? rule;
    const specifier = match?.[2];
    const mcp = /^mcp__([A-Za-z0-9_-]+?)(?:__(.+))?$/.exec(name);
    if (mcp && specifier === undefined) {
      const [, server, tool] = mcp;
      allow.push({ key: `${server}_${tool === undefined || tool === '*' ? '*' : tool}` });
      continue;
    }
    const key = OPENCODE_KEYS[name];
    if (key === undefined) {
      unmapped.push(rule);
    } else if (specifier === undefined || (key === 'bash' && specifier.trim() === '*')) {
      allow.push({ key });
    } else if (key === 'bash' && specifier.trim() !== '') {
      allow.push({ key, pattern: specifier.trim().replace(/:\*$/, ' *') });
    } else {
      unmapped.push(rule);
    }
  }
  return { allow, unmapped };
}
