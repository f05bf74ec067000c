import {
  type AgentFiles,
  type AgentFilesRequest,
  FRACTA_SERVER_NAME,
  type WorkspaceFile,
} from './agent-files.input.js';
import { mergeInstructions } from './instructions-section.js';
import {
  isJsonObject,
  type JsonObject,
  type JsonValue,
  objectField,
  parseJsonObject,
  renderJson,
  stringListField,
} from './json-document.js';
import { McpConfigInvalidError } from './mcp-config.errors.js';
import { isOpencodeFractaKey, opencodeAllowRules, opencodeGatewayTool } from './tool-rules.js';

const CONFIG_PATHS = ['opencode.json', '.opencode/opencode.json'] as const;
const AGENTS_MD = 'AGENTS.md';
const SIDE_INSTRUCTIONS = '.opencode/fracta-instructions.md';
const SCHEMA = 'https://opencode.ai/config.json';

/** Sets `doc[key]`, moving it to the end: opencode lets the last matching permission rule win. */
function setLast(doc: JsonObject, key: string, value: JsonValue): void {
  // eslint-disable-next-line @typescript-eslint/no-dynamic-delete
  delete doc[key];
  doc[key] = value;
}

function permissionOf(doc: JsonObject, path: string): JsonObject {
  const value = Object.hasOwn(doc, 'permission') ? doc.permission : undefined;
  // A bare action ("ask") is shorthand for every tool.
  if (typeof value === 'string') {
    const expanded: JsonObject = { '*': value };
    doc.permission = expanded;
    return expanded;
  }
  return objectField(doc, 'permission', path, 'permission');
}

/** Adds the allow rules of fracta.yaml to opencode's `permission`, after the user's own rules. */
function applyAllowRules(permission: JsonObject, allowedTools: readonly string[]): readonly string[] {
  const { allow, unmapped } = opencodeAllowRules(allowedTools);
  for (const rule of allow) {
    const current = Object.hasOwn(permission, rule.key) ? permission[rule.key] : undefined;
    if (rule.pattern === undefined) {
      // The whole tool: "*" first, so the user's own patterns (a deny for *.env) still win.
      if (isJsonObject(current)) {
        const patterns = Object.fromEntries(Object.entries(current).filter(([pattern]) => pattern !== '*'));
        setLast(permission, rule.key, { '*': 'allow', ...patterns });
      } else {
        setLast(permission, rule.key, 'allow');
      }
    } else {
      const patterns: JsonObject = isJsonObject(current)
        ? { ...current }
        : current === undefined
          ? {}
          : { '*': current };
      setLast(patterns, rule.pattern, 'allow');
      setLast(permission, rule.key, patterns);
    }
  }
  return unmapped;
}

/**
 * opencode 1.18: reads `opencode.json` and `.opencode/opencode.json` from the workspace (no
 * trust step), expands `{env:VAR}` in them, reads AGENTS.md and the files listed in
 * `instructions`. In `opencode run` a permission that asks is rejected, and the last matching
 * rule wins. `task: deny` removes the sub-agent tool: agents spawn through fracta_spawn.
 */
export function writeOpencodeFiles(request: AgentFilesRequest): AgentFiles {
  const { gateway, existing, tracked } = request;
  const files: WorkspaceFile[] = [];
  const notes: string[] = [];

  const configPath = CONFIG_PATHS.find((path) => !tracked.has(path));
  if (configPath === undefined) {
    throw new McpConfigInvalidError(
      'MCP_CONFIG_TRACKED_CONFLICT',
      `${CONFIG_PATHS.join(' and ')} are both tracked, so the opencode gateway entry has nowhere to go without changing the branch: untrack .opencode/opencode.json (git rm --cached .opencode/opencode.json) or use another runtime`,
    );
  }
  if (configPath !== CONFIG_PATHS[0]) {
    notes.push(
      `${CONFIG_PATHS[0]} is tracked: the configuration goes to ${configPath}, which opencode also reads`,
    );
  }
  // opencode adds a missing $schema to the file itself; adding it first keeps the bytes stable.
  const parsed = parseJsonObject(configPath, existing.get(configPath), { comments: true });
  const doc: JsonObject = Object.hasOwn(parsed, '$schema') ? parsed : { $schema: SCHEMA, ...parsed };
  objectField(doc, 'mcp', configPath, 'mcp')[FRACTA_SERVER_NAME] = {
    type: 'remote',
    url: gateway.urlEnvVar === undefined ? gateway.url : `{env:${gateway.urlEnvVar}}`,
    enabled: true,
    oauth: false,
    headers: { Authorization: `Bearer {env:${gateway.tokenEnvVar}}` },
  };

  const permission = permissionOf(doc, configPath);
  for (const key of Object.keys(permission)) {
    // eslint-disable-next-line @typescript-eslint/no-dynamic-delete
    if (isOpencodeFractaKey(key)) delete permission[key];
  }
  const unmapped = applyAllowRules(permission, request.allowedTools);
  for (const tool of request.gatewayTools) setLast(permission, opencodeGatewayTool(tool), 'allow');
  setLast(permission, 'task', 'deny');
  if (unmapped.length > 0) notes.push(`no opencode permission for: ${unmapped.join(', ')}`);

  if (tracked.has(AGENTS_MD)) {
    if (tracked.has(SIDE_INSTRUCTIONS)) {
      throw new McpConfigInvalidError(
        'MCP_CONFIG_TRACKED_CONFLICT',
        `${AGENTS_MD} and ${SIDE_INSTRUCTIONS} are both tracked: untrack ${SIDE_INSTRUCTIONS} (git rm --cached ${SIDE_INSTRUCTIONS}); fracta rewrites it on every run`,
      );
    }
    const instructions = stringListField(doc, 'instructions', configPath, 'instructions');
    doc.instructions = [...new Set([...instructions, SIDE_INSTRUCTIONS])];
    files.push({
      path: SIDE_INSTRUCTIONS,
      content: mergeInstructions(SIDE_INSTRUCTIONS, undefined, request.instructions),
      mode: 0o644,
    });
    notes.push(
      `${AGENTS_MD} is tracked: the instructions go to ${SIDE_INSTRUCTIONS}, listed in "instructions"`,
    );
  } else {
    files.push({
      path: AGENTS_MD,
      content: mergeInstructions(AGENTS_MD, existing.get(AGENTS_MD), request.instructions),
      mode: 0o644,
    });
  }
  files.unshift({ path: configPath, content: renderJson(doc), mode: 0o644 });

  return { files, extraArgs: [], gitExclude: files.map((file) => `/${file.path}`), notes };
}
