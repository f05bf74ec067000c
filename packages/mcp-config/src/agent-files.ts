import { assertNever, type Runtime, RUNTIMES } from '@fracta/domain';

import {
  type AgentFiles,
  type AgentFilesInput,
  parseAgentFilesInput,
  WORKSPACE_FILE_PATHS,
} from './agent-files.input.js';
import { writeClaudeFiles } from './claude.writer.js';
import { writeCodexFiles } from './codex.writer.js';
import { McpConfigInvalidError } from './mcp-config.errors.js';
import { writeOpencodeFiles } from './opencode.writer.js';
import { assertWorkspacePath } from './workspace-path.js';

const NOTHING: AgentFiles = { files: [], extraArgs: [], gitExclude: [], notes: [] };

/**
 * The files an agent's runtime reads from its workspace, merged with what is already there, and
 * the command-line options that deliver what the runtime would not read. Pure: no file system,
 * no environment; the same input always gives the same output, and writing the output then
 * calling again with it as `existing` gives the same bytes.
 */
export function writeAgentFiles(input: AgentFilesInput): AgentFiles {
  const request = parseAgentFilesInput(input);
  let result: AgentFiles;
  switch (request.runtime) {
    case 'claude':
      result = writeClaudeFiles(request);
      break;
    case 'codex':
      result = writeCodexFiles(request);
      break;
    case 'opencode':
      result = writeOpencodeFiles(request);
      break;
    case 'command':
      result = NOTHING;
      break;
    default:
      return assertNever(request.runtime, 'runtime');
  }
  for (const file of result.files) assertWorkspacePath(file.path, 'output path');
  return result;
}

/** Every path the writer of `runtime` may read or write: read these to fill `existing`. */
export function workspaceFilePaths(runtime: Runtime): readonly string[] {
  if (!(RUNTIMES as readonly string[]).includes(runtime)) {
    throw new McpConfigInvalidError(
      'MCP_CONFIG_INPUT_INVALID',
      `runtime must be one of ${RUNTIMES.join(', ')}`,
    );
  }
  return WORKSPACE_FILE_PATHS[runtime];
}
