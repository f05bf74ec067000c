import { describe, expect, it } from '@jest/globals';

import { ConfigError } from './config.errors.js';

describe(ConfigError.name, () => {
  it('should format a file report with and without positions', () => {
    const error = new ConfigError({
      code: 'CONFIG_INVALID',
      file: '/p/fracta.yaml',
      issues: [
        { path: 'reaper.interval', message: 'expected a duration, got 5', line: 3, column: 3 },
        { path: '', message: 'YAML syntax error: bad', line: 9, column: 1 },
        {
          path: 'mcp_servers.fs.command',
          message: 'required key "command" is missing; add it under mcp_servers.fs',
        },
      ],
    });

    expect(error.name).toBe('ConfigError');
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe(
      [
        '/p/fracta.yaml: 3 problems in fracta.yaml',
        '  /p/fracta.yaml:3:3 reaper.interval: expected a duration, got 5',
        '  /p/fracta.yaml:9:1 YAML syntax error: bad',
        '  /p/fracta.yaml mcp_servers.fs.command: required key "command" is missing; add it under mcp_servers.fs',
      ].join('\n'),
    );
  });

  it('should format a one-line report for a missing file and keep the cause', () => {
    const cause = new Error('ENOENT');
    const error = new ConfigError({
      code: 'CONFIG_NOT_FOUND',
      file: '/p/x.yaml',
      issues: [{ path: '', message: 'config file not found' }],
      cause,
    });

    expect(error.message).toBe('/p/x.yaml: config file not found');
    expect(error.category).toBe('not_found');
    expect(error.cause).toBe(cause);
  });
});
