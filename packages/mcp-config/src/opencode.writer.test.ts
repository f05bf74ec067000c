import { describe, expect, it } from '@jest/globals';

import { type AgentFiles, type AgentFilesInput } from './agent-files.input.js';
import { writeAgentFiles } from './agent-files.js';
import { SECTION_BEGIN, SECTION_END } from './instructions-section.js';
import { writeOpencodeFiles } from './opencode.writer.js';

function input(overrides: Partial<AgentFilesInput> = {}): AgentFilesInput {
  return {
    agent: 'a1',
    runtime: 'opencode',
    gateway: { url: 'http://127.0.0.1:8080/agents/a1/mcp', tokenEnvVar: 'FRACTA_GATEWAY_TOKEN' },
    allowedTools: [],
    gatewayTools: ['fracta_list', 'fracta_send'],
    instructions: 'You are agent a1.',
    ...overrides,
  };
}

function file(result: AgentFiles, path: string): string {
  const found = result.files.find((candidate) => candidate.path === path);
  if (found === undefined) throw new Error(`no ${path}`);
  return found.content;
}

function config(result: AgentFiles, path = 'opencode.json'): Record<string, unknown> {
  return JSON.parse(file(result, path)) as Record<string, unknown>;
}

/** Key order matters to opencode (the last matching rule wins), so compare entries in order. */
function permissionEntries(result: AgentFiles, path = 'opencode.json'): [string, unknown][] {
  return Object.entries(config(result, path).permission as Record<string, unknown>);
}

const ENTRY = {
  type: 'remote',
  url: 'http://127.0.0.1:8080/agents/a1/mcp',
  enabled: true,
  oauth: false,
  headers: { Authorization: 'Bearer {env:FRACTA_GATEWAY_TOKEN}' },
};

describe(writeOpencodeFiles.name, () => {
  it('should write opencode.json and AGENTS.md into an empty workspace', () => {
    const result = writeAgentFiles(input());

    expect(result.files.map((f) => [f.path, f.mode])).toEqual([
      ['opencode.json', 0o644],
      ['AGENTS.md', 0o644],
    ]);
    expect(config(result)).toEqual({
      $schema: 'https://opencode.ai/config.json',
      mcp: { fracta: ENTRY },
      permission: { fracta_fracta_list: 'allow', fracta_fracta_send: 'allow', task: 'deny' },
    });
    expect(file(result, 'AGENTS.md')).toBe(`${SECTION_BEGIN}\nYou are agent a1.\n${SECTION_END}\n`);
    expect(result.extraArgs).toEqual([]);
    expect(result.gitExclude).toEqual(['/opencode.json', '/AGENTS.md']);
  });

  it('should reference the URL variable in opencode syntax when asked', () => {
    const result = writeAgentFiles(
      input({
        gateway: { url: 'http://h/agents/a1/mcp', urlEnvVar: 'FRACTA_GATEWAY_URL', tokenEnvVar: 'TOK' },
      }),
    );

    expect((config(result).mcp as Record<string, unknown>).fracta).toEqual({
      ...ENTRY,
      url: '{env:FRACTA_GATEWAY_URL}',
      headers: { Authorization: 'Bearer {env:TOK}' },
    });
  });

  it("should merge a JSONC opencode.json: keep the user's servers and settings, put fracta's rules last", () => {
    const existing = `{
      // the team's setup
      "model": "anthropic/claude-sonnet",
      "mcp": { "docs": { "type": "local", "command": ["docs-mcp"] }, },
      "permission": { "*": "ask", "task": "allow", "fracta_fracta_gone": "allow", "edit": { "*.env": "deny" }, "bash": "ask" },
    }`;

    const result = writeAgentFiles(
      input({ existing: { 'opencode.json': existing }, allowedTools: ['Edit', 'Bash(git *)', 'Read'] }),
    );

    expect(config(result).model).toBe('anthropic/claude-sonnet');
    expect(Object.keys(config(result))[0]).toBe('$schema');
    expect(config(result).mcp).toEqual({ docs: { type: 'local', command: ['docs-mcp'] }, fracta: ENTRY });
    expect(permissionEntries(result)).toEqual([
      ['*', 'ask'],
      ['edit', { '*': 'allow', '*.env': 'deny' }],
      ['bash', { '*': 'ask', 'git *': 'allow' }],
      ['read', 'allow'],
      ['fracta_fracta_list', 'allow'],
      ['fracta_fracta_send', 'allow'],
      ['task', 'deny'],
    ]);
  });

  it("should keep the user's own $schema", () => {
    const result = writeAgentFiles(
      input({ existing: { 'opencode.json': '{"theme": "x", "$schema": "https://example.com/s.json"}' } }),
    );

    expect(Object.entries(config(result)).slice(0, 2)).toEqual([
      ['theme', 'x'],
      ['$schema', 'https://example.com/s.json'],
    ]);
  });

  it('should expand a bare permission action to every tool before adding rules', () => {
    const result = writeAgentFiles(input({ existing: { 'opencode.json': '{"permission": "ask"}' } }));

    expect(permissionEntries(result)).toEqual([
      ['*', 'ask'],
      ['fracta_fracta_list', 'allow'],
      ['fracta_fracta_send', 'allow'],
      ['task', 'deny'],
    ]);
  });

  it('should note the allowed tools opencode has no permission for', () => {
    const result = writeAgentFiles(input({ allowedTools: ['Read(./src/**)', 'Task', 'Read'] }));

    expect(result.notes).toEqual(['no opencode permission for: Read(./src/**), Task']);
  });

  it.each([
    ['{"mcp": ', 'not valid JSON'],
    ['["x"]', 'must hold a JSON object'],
    ['{"mcp": []}', '"mcp" must be an object'],
    ['{"permission": 3}', '"permission" must be an object'],
  ])('should refuse an existing opencode.json holding %p', (content, message) => {
    expect(() => writeAgentFiles(input({ existing: { 'opencode.json': content } }))).toThrow(message);
  });

  describe('with tracked files', () => {
    it('should write .opencode/opencode.json when opencode.json is tracked', () => {
      const result = writeAgentFiles(
        input({
          tracked: ['opencode.json'],
          existing: { 'opencode.json': '{"model": "x/y"}', '.opencode/opencode.json': '{"theme": "dark"}' },
        }),
      );

      expect(result.files.map((f) => f.path)).toEqual(['.opencode/opencode.json', 'AGENTS.md']);
      expect(config(result, '.opencode/opencode.json')).toEqual({
        $schema: 'https://opencode.ai/config.json',
        theme: 'dark',
        mcp: { fracta: ENTRY },
        permission: { fracta_fracta_list: 'allow', fracta_fracta_send: 'allow', task: 'deny' },
      });
      expect(result.notes).toEqual([
        'opencode.json is tracked: the configuration goes to .opencode/opencode.json, which opencode also reads',
      ]);
    });

    it('should refuse when both configuration files are tracked, naming the fix', () => {
      expect(() => writeAgentFiles(input({ tracked: ['opencode.json', '.opencode/opencode.json'] }))).toThrow(
        expect.objectContaining({
          code: 'MCP_CONFIG_TRACKED_CONFLICT',
          message: expect.stringContaining('git rm --cached .opencode/opencode.json'),
        }),
      );
    });

    it('should put the instructions in a side file listed in "instructions" when AGENTS.md is tracked', () => {
      const result = writeAgentFiles(
        input({
          tracked: ['AGENTS.md'],
          existing: { 'opencode.json': '{"instructions": ["docs/rules.md"]}' },
        }),
      );

      expect(result.files.map((f) => f.path)).toEqual(['opencode.json', '.opencode/fracta-instructions.md']);
      expect(config(result).instructions).toEqual(['docs/rules.md', '.opencode/fracta-instructions.md']);
      expect(file(result, '.opencode/fracta-instructions.md')).toBe(
        `${SECTION_BEGIN}\nYou are agent a1.\n${SECTION_END}\n`,
      );
      expect(() =>
        writeAgentFiles(
          input({ tracked: ['AGENTS.md'], existing: { 'opencode.json': '{"instructions": "x"}' } }),
        ),
      ).toThrow('"instructions" must be an array of strings');
    });

    it('should refuse when AGENTS.md and the side file are both tracked', () => {
      expect(() =>
        writeAgentFiles(input({ tracked: ['AGENTS.md', '.opencode/fracta-instructions.md'] })),
      ).toThrow(expect.objectContaining({ code: 'MCP_CONFIG_TRACKED_CONFLICT' }));
    });
  });
});
