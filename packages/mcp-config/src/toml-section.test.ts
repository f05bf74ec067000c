import { describe, expect, it } from '@jest/globals';
import { parse } from 'smol-toml';

import { McpConfigInvalidError } from './mcp-config.errors.js';
import { mergeTomlEntry, TOML_BEGIN, TOML_END } from './toml-section.js';

const ENTRY = { url: 'http://127.0.0.1:9/agents/a1/mcp', bearer_token_env_var: 'FRACTA_GATEWAY_TOKEN' };
const BLOCK = [
  TOML_BEGIN,
  '[mcp_servers.fracta]',
  'url = "http://127.0.0.1:9/agents/a1/mcp"',
  'bearer_token_env_var = "FRACTA_GATEWAY_TOKEN"',
  TOML_END,
  '',
].join('\n');

function merge(existing: string | undefined) {
  return mergeTomlEntry('.codex/config.toml', existing, 'mcp_servers', 'fracta', ENTRY);
}

describe(mergeTomlEntry.name, () => {
  it('should write only the block when there is no file', () => {
    expect(merge(undefined)).toEqual({ content: BLOCK, reformatted: false });
  });

  it("should keep the user's settings, other servers and comments as text", () => {
    const existing =
      '# my settings\nmodel = "o3" # inline comment\n\n[mcp_servers.docs]\ncommand = "docs-mcp"\n';

    const { content, reformatted } = merge(existing);

    expect(reformatted).toBe(false);
    expect(content).toBe(`${existing}\n${BLOCK}`);
    expect(parse(content)).toEqual({
      model: 'o3',
      mcp_servers: { docs: { command: 'docs-mcp' }, fracta: ENTRY },
    });
  });

  it('should replace a [mcp_servers.fracta] the user wrote, with its sub-tables, and nothing else', () => {
    const existing = [
      'model = "o3"',
      '[mcp_servers.fracta]',
      'url = "http://old/agents/a1/mcp"',
      'http_headers = { Authorization = "Bearer sk-literal-old-token" }',
      '[mcp_servers."fracta".tools.x]',
      'approval_mode = "prompt"',
      '[mcp_servers.docs] # keep',
      'command = "docs-mcp"',
      '',
    ].join('\n');

    const { content, reformatted } = merge(existing);

    expect(reformatted).toBe(false);
    expect(content).not.toContain('sk-literal-old-token');
    expect(content).toBe(`model = "o3"\n[mcp_servers.docs] # keep\ncommand = "docs-mcp"\n\n${BLOCK}`);
  });

  it('should replace its own block on a re-write and give the same bytes', () => {
    const first = merge('model = "o3"\n').content;
    const changed = mergeTomlEntry('.codex/config.toml', first, 'mcp_servers', 'fracta', {
      url: 'http://new/agents/a1/mcp',
    });

    expect(merge(first).content).toBe(first);
    expect(parse(changed.content)).toEqual({
      model: 'o3',
      mcp_servers: { fracta: { url: 'http://new/agents/a1/mcp' } },
    });
    expect(changed.content.match(/BEGIN fracta/g)).toHaveLength(1);
  });

  it.each([
    ['an inline table of servers', 'mcp_servers = { docs = { command = "d" }, fracta = { url = "old" } }\n'],
    ['dotted keys', 'mcp_servers.fracta.url = "old"\nmcp_servers.docs.command = "d"\n'],
    ['an inline fracta entry', '[mcp_servers]\nfracta = { url = "old" }\ndocs = { command = "d" }\n'],
  ])('should re-serialize the rest when fracta is written as %s, and stay idempotent', (_form, existing) => {
    const first = merge(existing);
    const second = merge(first.content);

    expect(first.reformatted).toBe(true);
    expect(parse(first.content)).toEqual({ mcp_servers: { docs: { command: 'd' }, fracta: ENTRY } });
    expect(second).toEqual({ content: first.content, reformatted: false });
  });

  it('should not touch a multi-line string that merely looks like a fracta table', () => {
    const existing = 'notes = """\n[mcp_servers.fracta]\nnot a table\n"""\n';

    const { content } = merge(existing);

    expect(parse(content)).toEqual({
      notes: '[mcp_servers.fracta]\nnot a table\n',
      mcp_servers: { fracta: ENTRY },
    });
  });

  it('should refuse invalid TOML with its line and column, not overwrite it', () => {
    const attempt = () => merge('model = "o3"\nbroken = \n');

    expect(attempt).toThrow(McpConfigInvalidError);
    expect(attempt).toThrow(
      /^\.codex\/config\.toml in the workspace is not valid TOML \(line 2, column \d+: .+\): fix or delete it/,
    );
    expect(attempt).toThrow(expect.objectContaining({ code: 'MCP_CONFIG_EXISTING_INVALID' }));
  });

  it('should refuse an mcp_servers that is not a table', () => {
    expect(() => merge('mcp_servers = 3\n')).toThrow('"mcp_servers" must be a table of servers');
  });

  it('should refuse a broken fracta block', () => {
    expect(() => merge(`${TOML_BEGIN}\n[mcp_servers.fracta]\n`)).toThrow(
      'broken fracta block (1 BEGIN and 0 END markers)',
    );
    expect(() => merge(`${BLOCK}${BLOCK}`)).toThrow('broken fracta block (2 BEGIN and 2 END markers)');
  });
});
