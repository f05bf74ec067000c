import { describe, expect, it } from '@jest/globals';

import { McpConfigInvalidError } from './mcp-config.errors.js';
import { assertWorkspacePath } from './workspace-path.js';

describe(assertWorkspacePath.name, () => {
  it.each(['.mcp.json', '.claude/settings.local.json', 'CLAUDE.md', 'a/b/c.txt', '..hidden', 'x..y'])(
    'should accept the relative path %p',
    (path) => {
      expect(assertWorkspacePath(path)).toBe(path);
    },
  );

  it.each([
    ['', 'non-empty'],
    ['/etc/passwd', 'absolute'],
    ['../outside', "'..'"],
    ['a/../../b', "'..'"],
    ['./a', "'.'"],
    ['a//b', 'empty segment'],
    ['a/', 'empty segment'],
    ['a\\b', 'backslash'],
    ['C:/x', "':'"],
    ['a\u0000b', 'control character'],
    ['a\nb', 'control character'],
    ['x'.repeat(257), 'longer than 256'],
  ])('should refuse %p, saying it is %s', (path, reason) => {
    const attempt = () => assertWorkspacePath(path, 'output path');

    expect(attempt).toThrow(McpConfigInvalidError);
    expect(attempt).toThrow(reason);
    expect(attempt).toThrow(
      expect.objectContaining({ code: 'MCP_CONFIG_PATH_INVALID', category: 'invalid' }),
    );
  });

  it('should refuse a value that is not a string', () => {
    expect(() => assertWorkspacePath(42)).toThrow('must be a non-empty string');
  });
});
