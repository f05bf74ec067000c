import { describe, expect, it } from '@jest/globals';

import { type AgentFilesInput, MCP_CONFIG_LIMITS, parseAgentFilesInput } from './agent-files.input.js';

function input(overrides: Partial<AgentFilesInput> = {}): AgentFilesInput {
  return {
    agent: 'a1',
    runtime: 'claude',
    gateway: { url: 'http://127.0.0.1:8080/agents/a1/mcp', tokenEnvVar: 'FRACTA_GATEWAY_TOKEN' },
    allowedTools: ['Read'],
    gatewayTools: ['fracta_list'],
    instructions: 'You are agent a1.',
    ...overrides,
  };
}

function refusal(overrides: Partial<AgentFilesInput> | Record<string, unknown>): unknown {
  try {
    parseAgentFilesInput(input(overrides));
  } catch (error) {
    return error;
  }
  throw new Error('expected the input to be refused');
}

describe(parseAgentFilesInput.name, () => {
  it('should accept a complete input and deduplicate its lists', () => {
    const request = parseAgentFilesInput(
      input({
        allowedTools: ['Read', 'Bash(git *)', 'Read'],
        gatewayTools: ['fracta_list', 'fracta_send', 'fracta_list'],
        instructions: '  You are a1.\r\nSecond line.\n\n',
        existing: { '.mcp.json': '{}' },
        tracked: ['CLAUDE.md', 'src/index.ts'],
      }),
    );

    expect(request).toEqual({
      agent: 'a1',
      runtime: 'claude',
      gateway: { url: 'http://127.0.0.1:8080/agents/a1/mcp', tokenEnvVar: 'FRACTA_GATEWAY_TOKEN' },
      allowedTools: ['Read', 'Bash(git *)'],
      gatewayTools: ['fracta_list', 'fracta_send'],
      instructions: 'You are a1.\nSecond line.',
      existing: new Map([['.mcp.json', '{}']]),
      tracked: new Set(['CLAUDE.md', 'src/index.ts']),
    });
  });

  it('should keep the URL variable when one is named, and accept https behind a path prefix', () => {
    const request = parseAgentFilesInput(
      input({
        gateway: {
          url: 'https://gw.example.com/fracta/agents/a1/mcp',
          urlEnvVar: 'FRACTA_GATEWAY_URL',
          tokenEnvVar: 'FRACTA_GATEWAY_TOKEN',
        },
      }),
    );

    expect(request.gateway).toEqual({
      url: 'https://gw.example.com/fracta/agents/a1/mcp',
      urlEnvVar: 'FRACTA_GATEWAY_URL',
      tokenEnvVar: 'FRACTA_GATEWAY_TOKEN',
    });
  });

  it.each([
    [{ runtime: 'gemini' }, 'runtime must be one of claude, codex, opencode, command, got "gemini"'],
    [{ agent: 7 }, 'agent must be a string'],
    [{ gateway: null }, 'gateway must be an object'],
    [
      { gateway: { url: 'not a url', tokenEnvVar: 'T' } },
      'is not a URL: give http(s)://<gateway>/agents/a1/mcp',
    ],
    [{ gateway: { url: 'ws://h/agents/a1/mcp', tokenEnvVar: 'T' } }, 'must be http or https'],
    [{ gateway: { url: 'http://u:p@h/agents/a1/mcp', tokenEnvVar: 'T' } }, 'must not carry credentials'],
    [
      { gateway: { url: 'http://h/agents/a1/mcp?token=x', tokenEnvVar: 'T' } },
      'must not carry credentials, a query',
    ],
    [{ gateway: { url: 'http://h/agents/a2/mcp', tokenEnvVar: 'T' } }, 'its path must end in /agents/a1/mcp'],
    [
      { gateway: { url: `http://h/${'x'.repeat(2_048)}/agents/a1/mcp`, tokenEnvVar: 'T' } },
      'longer than 2048',
    ],
    [
      { gateway: { url: 'http://h/agents/a1/mcp' } },
      'gateway.tokenEnvVar must be an environment variable name',
    ],
    [
      { gateway: { url: 'http://h/agents/a1/mcp', tokenEnvVar: 'FRACTA-TOKEN' } },
      'gateway.tokenEnvVar must be',
    ],
    [{ gateway: { url: 'http://h/agents/a1/mcp', tokenEnvVar: 'Bearer abc' } }, 'it never holds the value'],
    [
      { gateway: { url: 'http://h/agents/a1/mcp', tokenEnvVar: 'T', urlEnvVar: '1URL' } },
      'gateway.urlEnvVar must be',
    ],
    [{ allowedTools: 'Read' }, 'allowedTools must be an array of strings'],
    [{ allowedTools: [3] }, 'allowedTools[0] must be a string'],
    [{ allowedTools: ['Bash(git *'] }, 'allowedTools[0] "Bash(git *" is not a tool rule'],
    [{ allowedTools: ['Read', ''] }, 'allowedTools[1] "" is not a tool rule'],
    [{ allowedTools: ['Bash(rm\n-rf)'] }, 'is not a tool rule'],
    [{ allowedTools: ['(Read)'] }, 'is not a tool rule'],
    [{ allowedTools: [`Bash(${'x'.repeat(600)})`] }, 'at most 512 characters'],
    [
      { allowedTools: Array.from({ length: 257 }, (_, i) => `T${i}`) },
      'allowedTools has 257 entries: at most 256',
    ],
    [{ gatewayTools: ['fracta.list'] }, 'gatewayTools[0] "fracta.list" is not a valid gateway tool name'],
    [{ gatewayTools: ['has space'] }, 'is not a valid gateway tool name'],
    [{ gatewayTools: ['x'.repeat(52)] }, "use 1-51 letters, digits, '_' or '-'"],
    [
      { gatewayTools: Array.from({ length: 513 }, (_, i) => `t${i}`) },
      'gatewayTools has 513 entries: at most 512',
    ],
    [{ instructions: '   ' }, 'instructions must be a non-empty string'],
    [{ instructions: 'x'.repeat(65_537) }, 'instructions are 65537 characters: at most 65536'],
    [{ instructions: 'bell \u0007' }, 'instructions contain a control character'],
    [{ instructions: 'a\n<!-- END fracta -->\nb' }, 'instructions contain a fracta section marker'],
    [{ existing: [] }, 'existing must be an object mapping workspace paths to file contents'],
    [{ existing: { '.mcp.json': 3 } }, 'existing[".mcp.json"] must be the file\'s text'],
    [{ tracked: 'CLAUDE.md' }, 'tracked must be an array of strings'],
  ])('should refuse %p: %s', (overrides, message) => {
    expect(refusal(overrides)).toMatchObject({
      code: 'MCP_CONFIG_INPUT_INVALID',
      category: 'invalid',
      message: expect.stringContaining(message),
    });
  });

  it('should accept a gateway tool name of exactly the limit', () => {
    const name = 'x'.repeat(MCP_CONFIG_LIMITS.gatewayToolChars);

    expect(MCP_CONFIG_LIMITS.gatewayToolChars).toBe(51);
    expect(parseAgentFilesInput(input({ gatewayTools: [name] })).gatewayTools).toEqual([name]);
  });

  it('should accept Claude rules with wildcards and nested parentheses', () => {
    const rules = [
      'mcp__github__*',
      'Bash(npm run test:*)',
      'Bash(echo (x))',
      'WebFetch(domain:example.com)',
      'Read(./src/**)',
    ];

    expect(parseAgentFilesInput(input({ allowedTools: rules })).allowedTools).toEqual(rules);
  });

  it("should refuse an agent name that breaks the domain's rule, with the domain's code", () => {
    expect(refusal({ agent: '-bad' })).toMatchObject({ code: 'AGENT_NAME_INVALID' });
    expect(refusal({ agent: '' })).toMatchObject({ code: 'AGENT_NAME_INVALID' });
  });

  it('should refuse an existing file the runtime does not read, listing the ones it does', () => {
    expect(refusal({ runtime: 'codex', existing: { '.mcp.json': '{}' } })).toMatchObject({
      code: 'MCP_CONFIG_PATH_INVALID',
      message: expect.stringContaining(
        `existing has ".mcp.json", which the codex writer does not read: pass only .codex/config.toml, AGENTS.md (workspaceFilePaths('codex'))`,
      ),
    });
    expect(refusal({ existing: { '../.mcp.json': '{}' } })).toMatchObject({
      code: 'MCP_CONFIG_PATH_INVALID',
    });
    expect(refusal({ existing: { './.mcp.json': '{}' } })).toMatchObject({ code: 'MCP_CONFIG_PATH_INVALID' });
  });

  it('should refuse an existing file over the size limit', () => {
    expect(
      refusal({ existing: { 'CLAUDE.md': 'x'.repeat(MCP_CONFIG_LIMITS.existingFileChars + 1) } }),
    ).toMatchObject({
      code: 'MCP_CONFIG_EXISTING_INVALID',
      message: expect.stringContaining('CLAUDE.md in the workspace is 1048577 characters'),
    });
  });

  it('should refuse tracked paths that are not relative workspace paths, and too many of them', () => {
    expect(refusal({ tracked: ['/abs/CLAUDE.md'] })).toMatchObject({ code: 'MCP_CONFIG_PATH_INVALID' });
    expect(refusal({ tracked: Array.from({ length: 1_001 }, (_, i) => `f${i}`) })).toMatchObject({
      code: 'MCP_CONFIG_INPUT_INVALID',
      message: expect.stringContaining('tracked has 1001 entries: at most 1000'),
    });
  });
});
