import { describe, expect, it } from '@jest/globals';
import { parse } from 'smol-toml';

import { type AgentFiles, type AgentFilesInput } from './agent-files.input.js';
import { writeAgentFiles } from './agent-files.js';
import { writeCodexFiles } from './codex.writer.js';
import { SECTION_BEGIN, SECTION_END } from './instructions-section.js';

function input(overrides: Partial<AgentFilesInput> = {}): AgentFilesInput {
  return {
    agent: 'a1',
    runtime: 'codex',
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

/** What codex makes of `-c key=value` pairs: each value is TOML, the key a dotted path. */
function overrides(args: readonly string[]): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (let i = 0; i < args.length; i += 2) {
    expect(args[i]).toBe('-c');
    const pair = args[i + 1] ?? '';
    const eq = pair.indexOf('=');
    values[pair.slice(0, eq)] = (parse(`v = ${pair.slice(eq + 1)}`) as { v: unknown }).v;
  }
  return values;
}

const ENTRY = {
  url: 'http://127.0.0.1:8080/agents/a1/mcp',
  bearer_token_env_var: 'FRACTA_GATEWAY_TOKEN',
  tools: { fracta_list: { approval_mode: 'approve' }, fracta_send: { approval_mode: 'approve' } },
};

describe(writeCodexFiles.name, () => {
  it('should write .codex/config.toml and AGENTS.md, and the same entry as -c options', () => {
    const result = writeAgentFiles(input());

    expect(result.files.map((f) => [f.path, f.mode])).toEqual([
      ['.codex/config.toml', 0o644],
      ['AGENTS.md', 0o644],
    ]);
    expect(parse(file(result, '.codex/config.toml'))).toEqual({ mcp_servers: { fracta: ENTRY } });
    expect(file(result, 'AGENTS.md')).toBe(`${SECTION_BEGIN}\nYou are agent a1.\n${SECTION_END}\n`);
    expect(overrides(result.extraArgs)).toEqual({
      'mcp_servers.fracta.url': ENTRY.url,
      'mcp_servers.fracta.bearer_token_env_var': 'FRACTA_GATEWAY_TOKEN',
      'mcp_servers.fracta.tools.fracta_list.approval_mode': 'approve',
      'mcp_servers.fracta.tools.fracta_send.approval_mode': 'approve',
    });
    expect(result.gitExclude).toEqual(['/.codex/config.toml', '/AGENTS.md']);
    expect(result.notes).toEqual([]);
  });

  it('should use the literal URL even when a URL variable is named: codex does not expand it', () => {
    const result = writeAgentFiles(
      input({
        gateway: { url: 'http://h/agents/a1/mcp', urlEnvVar: 'FRACTA_GATEWAY_URL', tokenEnvVar: 'T' },
      }),
    );

    expect(file(result, '.codex/config.toml')).not.toContain('FRACTA_GATEWAY_URL');
    expect(overrides(result.extraArgs)['mcp_servers.fracta.url']).toBe('http://h/agents/a1/mcp');
  });

  it('should leave out the tools table when the gateway serves no tools', () => {
    const result = writeAgentFiles(input({ gatewayTools: [] }));

    expect(parse(file(result, '.codex/config.toml'))).toEqual({
      mcp_servers: { fracta: { url: ENTRY.url, bearer_token_env_var: 'FRACTA_GATEWAY_TOKEN' } },
    });
    expect(result.extraArgs).toHaveLength(4);
  });

  it("should keep the user's config and replace their fracta server", () => {
    const existing =
      '# mine\nmodel = "o3"\n\n[mcp_servers.fracta]\ncommand = "old-stdio"\n\n[mcp_servers.docs]\ncommand = "d"\n';

    const result = writeAgentFiles(input({ existing: { '.codex/config.toml': existing } }));
    const content = file(result, '.codex/config.toml');

    expect(
      content.startsWith('# mine\nmodel = "o3"\n\n[mcp_servers.docs]\ncommand = "d"\n\n# >>> BEGIN fracta'),
    ).toBe(true);
    expect(parse(content)).toEqual({ model: 'o3', mcp_servers: { docs: { command: 'd' }, fracta: ENTRY } });
    expect(result.notes).toEqual([]);
  });

  it('should say so when it had to re-serialize the file', () => {
    const result = writeAgentFiles(
      input({ existing: { '.codex/config.toml': 'mcp_servers = { fracta = { url = "x" } }\n' } }),
    );

    expect(result.notes).toEqual([
      '.codex/config.toml defined the fracta server inline: the rest of the file was re-serialized, without its comments',
    ]);
  });

  it('should refuse an invalid existing config.toml', () => {
    expect(() => writeAgentFiles(input({ existing: { '.codex/config.toml': '[mcp_servers\n' } }))).toThrow(
      expect.objectContaining({
        code: 'MCP_CONFIG_EXISTING_INVALID',
        details: { path: '.codex/config.toml' },
      }),
    );
  });

  it('should rely on the -c options alone when .codex/config.toml is tracked', () => {
    const result = writeAgentFiles(input({ tracked: ['.codex/config.toml'] }));

    expect(result.files.map((f) => f.path)).toEqual(['AGENTS.md']);
    expect(Object.keys(overrides(result.extraArgs))).toContain('mcp_servers.fracta.url');
    expect(result.notes).toEqual(['.codex/config.toml is tracked: the gateway entry is passed with -c only']);
  });

  it('should pass the instructions as developer_instructions when AGENTS.md is tracked', () => {
    const instructions = 'You are "a1".\nUse fracta_send \\ never\ttabs… ü';

    const result = writeAgentFiles(input({ tracked: ['AGENTS.md'], instructions }));

    expect(result.files.map((f) => f.path)).toEqual(['.codex/config.toml']);
    expect(overrides(result.extraArgs).developer_instructions).toBe(instructions);
  });

  it('should say that Claude-style allowed tools do not apply to codex', () => {
    const result = writeAgentFiles(input({ allowedTools: ['Read', 'Bash(git *)'] }));

    expect(result.notes).toEqual([
      'codex has no per-tool allow list (its sandbox and approval policy come from the command line): not applied: Read, Bash(git *)',
    ]);
  });
});
