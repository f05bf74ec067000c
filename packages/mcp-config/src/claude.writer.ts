import {
  type AgentFiles,
  type AgentFilesRequest,
  FRACTA_SERVER_NAME,
  type WorkspaceFile,
} from './agent-files.input.js';
import { mergeInstructions } from './instructions-section.js';
import {
  type JsonObject,
  objectField,
  parseJsonObject,
  renderJson,
  stringListField,
} from './json-document.js';
import { CLAUDE_BASELINE_TOOLS, claudeGatewayTool, isClaudeFractaRule } from './tool-rules.js';

const MCP_JSON = '.mcp.json';
const LOCAL_SETTINGS = '.claude/settings.local.json';
const CLAUDE_MD = 'CLAUDE.md';
const CLAUDE_LOCAL_MD = 'CLAUDE.local.md';

function union(...lists: readonly (readonly string[])[]): string[] {
  return [...new Set(lists.flat())];
}

/**
 * Claude Code 2.1 (checked with 2.1.330):
 * - `.mcp.json` servers are connected by `claude -p` without approval, but `claude mcp list` and
 *   interactive sessions wait for approval unless `enabledMcpjsonServers` comes from a trusted
 *   source: the `--settings` flag works everywhere, `.claude/settings*.json` only in a project
 *   the user has trusted (a worktree inherits the trust of its main repository).
 * - `.claude/settings.json` is ignored in an untrusted project; `.claude/settings.local.json` is
 *   read (its permissions apply) trusted or not, and is usually untracked, so fracta writes that.
 * - CLAUDE.md and CLAUDE.local.md are both read; `--append-system-prompt` is the last resort.
 */
export function writeClaudeFiles(request: AgentFilesRequest): AgentFiles {
  const { gateway, existing, tracked } = request;
  const files: WorkspaceFile[] = [];
  const extraArgs: string[] = [];
  const notes: string[] = [];
  const entry: JsonObject = {
    type: 'http',
    url: gateway.urlEnvVar === undefined ? gateway.url : `\${${gateway.urlEnvVar}}`,
    headers: { Authorization: `Bearer \${${gateway.tokenEnvVar}}` },
  };

  const writesMcpJson = !tracked.has(MCP_JSON);
  if (writesMcpJson) {
    const doc = parseJsonObject(MCP_JSON, existing.get(MCP_JSON), { comments: false });
    objectField(doc, 'mcpServers', MCP_JSON, 'mcpServers')[FRACTA_SERVER_NAME] = entry;
    files.push({ path: MCP_JSON, content: renderJson(doc), mode: 0o644 });
  } else {
    // `=` keeps the variadic --mcp-config from taking the next argument (the prompt) as a file.
    extraArgs.push(`--mcp-config=${JSON.stringify({ mcpServers: { [FRACTA_SERVER_NAME]: entry } })}`);
    notes.push(`${MCP_JSON} is tracked: the gateway entry is passed with --mcp-config instead`);
  }

  const rules = union(
    request.allowedTools,
    CLAUDE_BASELINE_TOOLS,
    request.gatewayTools.map(claudeGatewayTool),
  );
  const flagSettings: JsonObject = {};
  if (writesMcpJson) flagSettings.enabledMcpjsonServers = [FRACTA_SERVER_NAME];
  if (tracked.has(LOCAL_SETTINGS)) {
    flagSettings.permissions = { allow: rules };
    notes.push(`${LOCAL_SETTINGS} is tracked: the permissions are passed with --settings instead`);
  } else {
    const doc = parseJsonObject(LOCAL_SETTINGS, existing.get(LOCAL_SETTINGS), { comments: false });
    const permissions = objectField(doc, 'permissions', LOCAL_SETTINGS, 'permissions');
    const kept = stringListField(permissions, 'allow', LOCAL_SETTINGS, 'permissions.allow').filter(
      (rule) => !isClaudeFractaRule(rule),
    );
    permissions.allow = union(kept, rules);
    if (writesMcpJson) {
      const enabled = stringListField(doc, 'enabledMcpjsonServers', LOCAL_SETTINGS, 'enabledMcpjsonServers');
      doc.enabledMcpjsonServers = union(enabled, [FRACTA_SERVER_NAME]);
      if (Object.hasOwn(doc, 'disabledMcpjsonServers')) {
        const disabled = stringListField(
          doc,
          'disabledMcpjsonServers',
          LOCAL_SETTINGS,
          'disabledMcpjsonServers',
        );
        doc.disabledMcpjsonServers = disabled.filter((name) => name !== FRACTA_SERVER_NAME);
      }
    }
    files.push({ path: LOCAL_SETTINGS, content: renderJson(doc), mode: 0o644 });
  }
  if (Object.keys(flagSettings).length > 0) extraArgs.push('--settings', JSON.stringify(flagSettings));

  const instructionsFile = [CLAUDE_MD, CLAUDE_LOCAL_MD].find((path) => !tracked.has(path));
  if (instructionsFile === undefined) {
    extraArgs.push('--append-system-prompt', request.instructions);
    notes.push(
      `${CLAUDE_MD} and ${CLAUDE_LOCAL_MD} are tracked: the instructions are passed with --append-system-prompt`,
    );
  } else {
    if (instructionsFile !== CLAUDE_MD) {
      notes.push(
        `${CLAUDE_MD} is tracked: the fracta section goes to ${instructionsFile}, which Claude Code also reads`,
      );
    }
    files.push({
      path: instructionsFile,
      content: mergeInstructions(instructionsFile, existing.get(instructionsFile), request.instructions),
      mode: 0o644,
    });
  }

  return { files, extraArgs, gitExclude: files.map((file) => `/${file.path}`), notes };
}
