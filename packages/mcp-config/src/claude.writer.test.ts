import { describe, expect, it } from '@jest/globals';

import { type AgentFiles, type AgentFilesInput } from './agent-files.input.js';
import { writeAgentFiles } from './agent-files.js';
import { writeClaudeFiles } from './claude.writer.js';
import { SECTION_BEGIN, SECTION_END } from './instructions-section.js';

function input(overrides: Partial<AgentFilesInput> = {}): AgentFilesInput {
  return {
    agent: 'a1',
    runtime: 'claude',
    gateway: { url: 'http://127.0.0.1:8080/agents/a1/mcp', tokenEnvVar: 'FRACTA_GATEWAY_TOKEN' },
    allowedTools: ['Read', 'Bash(git *)'],
    gatewayTools: ['fracta_list', 'fracta_send'],
    instructions: 'You are agent a1.',
    ...overrides,
  };
}

function file(result: AgentFiles, path: string): string {
  const found = result.files.find((candidate) => candidate.path === path);
  if (found === undefined) throw new Error(`no ${path} in ${result.files.map((f) => f.path).join(', ')}`);
  return found.content;
}

function json(result: AgentFiles, path: string): unknown {
  return JSON.parse(file(result, path));
}

const FRACTA_ENTRY = {
  type: 'http',
  url: 'http://127.0.0.1:8080/agents/a1/mcp',
  headers: { Authorization: 'Bearer ${FRACTA_GATEWAY_TOKEN}' },
};

describe(writeClaudeFiles.name, () => {
  it('should write .mcp.json, .claude/settings.local.json and CLAUDE.md into an empty workspace', () => {
    const result = writeAgentFiles(input());

    expect(result.files.map((f) => [f.path, f.mode])).toEqual([
      ['.mcp.json', 0o644],
      ['.claude/settings.local.json', 0o644],
      ['CLAUDE.md', 0o644],
    ]);
    expect(json(result, '.mcp.json')).toEqual({ mcpServers: { fracta: FRACTA_ENTRY } });
    expect(json(result, '.claude/settings.local.json')).toEqual({
      permissions: {
        allow: [
          'Read',
          'Bash(git *)',
          'Edit',
          'Write',
          'NotebookEdit',
          'mcp__fracta__fracta_list',
          'mcp__fracta__fracta_send',
        ],
      },
      enabledMcpjsonServers: ['fracta'],
    });
    expect(file(result, 'CLAUDE.md')).toBe(`${SECTION_BEGIN}\nYou are agent a1.\n${SECTION_END}\n`);
    expect(result.extraArgs).toEqual(['--settings', '{"enabledMcpjsonServers":["fracta"]}']);
    expect(result.gitExclude).toEqual(['/.mcp.json', '/.claude/settings.local.json', '/CLAUDE.md']);
    expect(result.notes).toEqual([]);
  });

  it('should reference the URL variable instead of the literal URL when asked', () => {
    const result = writeAgentFiles(
      input({
        gateway: { url: 'http://h/agents/a1/mcp', urlEnvVar: 'FRACTA_GATEWAY_URL', tokenEnvVar: 'TOK' },
      }),
    );

    expect(json(result, '.mcp.json')).toEqual({
      mcpServers: {
        fracta: { type: 'http', url: '${FRACTA_GATEWAY_URL}', headers: { Authorization: 'Bearer ${TOK}' } },
      },
    });
  });

  it("should keep the user's other servers and keys, and replace an old fracta entry with its literal token", () => {
    const existing = JSON.stringify({
      mcpServers: {
        docs: { command: 'docs-mcp', args: ['--stdio'] },
        fracta: { type: 'http', url: 'http://old', headers: { Authorization: 'Bearer sk-old-literal' } },
        remote: { type: 'http', url: 'https://r', headers: { Authorization: 'Bearer ${R_TOKEN}' } },
      },
      other: true,
    });

    const result = writeAgentFiles(input({ existing: { '.mcp.json': existing } }));

    expect(json(result, '.mcp.json')).toEqual({
      mcpServers: {
        docs: { command: 'docs-mcp', args: ['--stdio'] },
        fracta: FRACTA_ENTRY,
        remote: { type: 'http', url: 'https://r', headers: { Authorization: 'Bearer ${R_TOKEN}' } },
      },
      other: true,
    });
    expect(file(result, '.mcp.json')).not.toContain('sk-old-literal');
  });

  it("should merge the user's local settings: keep their rules and keys, drop stale fracta rules, re-enable fracta", () => {
    const existing = JSON.stringify({
      permissions: { allow: ['Bash(make *)', 'mcp__fracta__fracta_gone', 'Read'], deny: ['Bash(rm *)'] },
      enabledMcpjsonServers: ['docs'],
      disabledMcpjsonServers: ['fracta', 'legacy'],
      model: 'sonnet',
    });

    const result = writeAgentFiles(input({ existing: { '.claude/settings.local.json': existing } }));

    expect(json(result, '.claude/settings.local.json')).toEqual({
      permissions: {
        allow: [
          'Bash(make *)',
          'Read',
          'Bash(git *)',
          'Edit',
          'Write',
          'NotebookEdit',
          'mcp__fracta__fracta_list',
          'mcp__fracta__fracta_send',
        ],
        deny: ['Bash(rm *)'],
      },
      enabledMcpjsonServers: ['docs', 'fracta'],
      disabledMcpjsonServers: ['legacy'],
      model: 'sonnet',
    });
  });

  it('should append its section to an existing CLAUDE.md', () => {
    const result = writeAgentFiles(input({ existing: { 'CLAUDE.md': '# Project\n\nUse pnpm.\n' } }));

    expect(file(result, 'CLAUDE.md')).toBe(
      `# Project\n\nUse pnpm.\n\n${SECTION_BEGIN}\nYou are agent a1.\n${SECTION_END}\n`,
    );
  });

  it.each([
    ['.mcp.json', '{"mcpServers": {', 'not valid JSON'],
    ['.mcp.json', '{ // comment\n}', 'not valid JSON'],
    ['.mcp.json', '{"mcpServers": []}', '.mcp.json: "mcpServers" must be an object, not an array'],
    ['.claude/settings.local.json', '[]', 'must hold a JSON object'],
    [
      '.claude/settings.local.json',
      '{"permissions": {"allow": "Read"}}',
      '"permissions.allow" must be an array of strings',
    ],
    ['.claude/settings.local.json', '{"permissions": []}', '"permissions" must be an object'],
    [
      '.claude/settings.local.json',
      '{"enabledMcpjsonServers": [1]}',
      '"enabledMcpjsonServers" must be an array of strings',
    ],
  ])('should refuse an existing %s holding %p, not overwrite it', (path, content, message) => {
    const attempt = () => writeAgentFiles(input({ existing: { [path]: content } }));

    expect(attempt).toThrow(message);
    expect(attempt).toThrow(
      expect.objectContaining({ code: 'MCP_CONFIG_EXISTING_INVALID', details: { path } }),
    );
  });

  describe('with tracked files', () => {
    it('should pass the gateway entry with --mcp-config when .mcp.json is tracked', () => {
      const result = writeAgentFiles(
        input({ tracked: ['.mcp.json'], existing: { '.mcp.json': '{"mcpServers":{}}' } }),
      );

      expect(result.files.map((f) => f.path)).toEqual(['.claude/settings.local.json', 'CLAUDE.md']);
      expect(result.extraArgs).toEqual([
        `--mcp-config=${JSON.stringify({ mcpServers: { fracta: FRACTA_ENTRY } })}`,
      ]);
      expect(json(result, '.claude/settings.local.json')).not.toHaveProperty('enabledMcpjsonServers');
      expect(result.notes).toEqual([
        '.mcp.json is tracked: the gateway entry is passed with --mcp-config instead',
      ]);
    });

    it('should pass the permissions with --settings when the local settings are tracked', () => {
      const result = writeAgentFiles(input({ tracked: ['.claude/settings.local.json'] }));
      const settings = result.extraArgs[result.extraArgs.indexOf('--settings') + 1] ?? '';

      expect(result.files.map((f) => f.path)).toEqual(['.mcp.json', 'CLAUDE.md']);
      expect(JSON.parse(settings)).toEqual({
        enabledMcpjsonServers: ['fracta'],
        permissions: {
          allow: [
            'Read',
            'Bash(git *)',
            'Edit',
            'Write',
            'NotebookEdit',
            'mcp__fracta__fracta_list',
            'mcp__fracta__fracta_send',
          ],
        },
      });
    });

    it('should write CLAUDE.local.md when CLAUDE.md is tracked', () => {
      const result = writeAgentFiles(
        input({
          tracked: ['CLAUDE.md'],
          existing: { 'CLAUDE.md': '# team rules\n', 'CLAUDE.local.md': 'mine\n' },
        }),
      );

      expect(result.files.map((f) => f.path)).toEqual([
        '.mcp.json',
        '.claude/settings.local.json',
        'CLAUDE.local.md',
      ]);
      expect(file(result, 'CLAUDE.local.md')).toBe(
        `mine\n\n${SECTION_BEGIN}\nYou are agent a1.\n${SECTION_END}\n`,
      );
      expect(result.gitExclude).toContain('/CLAUDE.local.md');
      expect(result.gitExclude).not.toContain('/CLAUDE.md');
    });

    it('should pass the instructions with --append-system-prompt when both instruction files are tracked', () => {
      const result = writeAgentFiles(input({ tracked: ['CLAUDE.md', 'CLAUDE.local.md'] }));

      expect(result.files.map((f) => f.path)).toEqual(['.mcp.json', '.claude/settings.local.json']);
      expect(result.extraArgs.slice(-2)).toEqual(['--append-system-prompt', 'You are agent a1.']);
    });

    it('should write nothing at all when every file is tracked', () => {
      const result = writeAgentFiles(
        input({ tracked: ['.mcp.json', '.claude/settings.local.json', 'CLAUDE.md', 'CLAUDE.local.md'] }),
      );

      expect(result.files).toEqual([]);
      expect(result.gitExclude).toEqual([]);
      expect(result.extraArgs.map((arg) => arg.split('=')[0])).toEqual([
        '--mcp-config',
        '--settings',
        '{"permissions":{"allow":["Read","Bash(git *)","Edit","Write","NotebookEdit","mcp__fracta__fracta_list","mcp__fracta__fracta_send"]}}',
        '--append-system-prompt',
        'You are agent a1.',
      ]);
    });
  });
});
