export {
  ALL_GATEWAY_TOOLS,
  type AgentFiles,
  type AgentFilesInput,
  FRACTA_SERVER_NAME,
  type GatewayEndpoint,
  MCP_CONFIG_LIMITS,
  type WorkspaceFile,
} from './agent-files.input.js';
export { workspaceFilePaths, writeAgentFiles } from './agent-files.js';
export { SECTION_BEGIN, SECTION_END } from './instructions-section.js';
export { type McpConfigErrorCode, McpConfigInvalidError } from './mcp-config.errors.js';
export { CLAUDE_BASELINE_TOOLS } from './tool-rules.js';
export { TOML_BEGIN, TOML_END } from './toml-section.js';
