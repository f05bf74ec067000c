import { readFile } from 'node:fs/promises';

import { describe, expect, it } from '@jest/globals';

import {
  CLAUDE_ADD_COMMAND,
  CLAUDE_MCP_JSON,
  CODEX_ADD_COMMAND,
  CODEX_CONFIG_TOML,
  hostSetupGuide,
  OPENCODE_JSON,
} from './host-setup.js';

const SNIPPETS = [CLAUDE_ADD_COMMAND, CLAUDE_MCP_JSON, CODEX_ADD_COMMAND, CODEX_CONFIG_TOML, OPENCODE_JSON];

describe(hostSetupGuide.name, () => {
  it('should show every form the e2e tests feed to the real CLIs, verbatim', () => {
    const guide = hostSetupGuide('  ').join('\n');
    for (const snippet of SNIPPETS) {
      expect(guide).toContain(
        snippet
          .split('\n')
          .map((line) => `  ${line}`)
          .join('\n'),
      );
    }
  });

  it('should give JSON that parses, with fracta serve as the command', () => {
    expect(JSON.parse(CLAUDE_MCP_JSON)).toEqual({
      mcpServers: { fracta: { command: 'fracta', args: ['serve'] } },
    });
    expect(JSON.parse(OPENCODE_JSON)).toEqual({
      mcp: { fracta: { type: 'local', command: ['fracta', 'serve'] } },
    });
  });
});

describe('the README', () => {
  it('should quote the same forms, so the documentation is the tested one', async () => {
    const readme = await readFile(new URL('../../../../../README.md', import.meta.url), 'utf8');
    // Code blocks in list items are indented: compare line by line, without the indentation.
    const unindented = readme
      .split('\n')
      .map((line) => line.trimStart())
      .join('\n');
    for (const snippet of SNIPPETS) expect(unindented).toContain(snippet);
  });
});
