import { McpConfigInvalidError } from './mcp-config.errors.js';

const MAX_PATH_CHARS = 256;
// Control characters, and the characters that make a path mean something else on another OS.
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u001f\u007f\\:]/;

function quote(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}

/**
 * Checks that `path` names a file inside the workspace: relative, `/`-separated, no `.`/`..` or
 * empty segments, no backslash, drive letter or control character. Returns it unchanged.
 */
export function assertWorkspacePath(path: unknown, what = 'workspace path'): string {
  if (typeof path !== 'string' || path === '') {
    throw new McpConfigInvalidError('MCP_CONFIG_PATH_INVALID', `${what} must be a non-empty string`);
  }
  const fail = (reason: string): never => {
    throw new McpConfigInvalidError('MCP_CONFIG_PATH_INVALID', `${what} ${quote(path)} ${reason}`, {
      path: path.slice(0, 80),
    });
  };
  if (path.length > MAX_PATH_CHARS) fail(`is longer than ${MAX_PATH_CHARS} characters`);
  if (FORBIDDEN.test(path)) {
    fail("contains a backslash, ':' or a control character: use a plain relative path with '/'");
  }
  if (path.startsWith('/')) fail('is absolute: give it relative to the workspace root');
  for (const segment of path.split('/')) {
    if (segment === '') fail("has an empty segment ('//' or a trailing '/')");
    if (segment === '.' || segment === '..') {
      fail("has a '.' or '..' segment: give it relative to the workspace root, without climbing out");
    }
  }
  return path;
}
