import { RUNTIMES, type Runtime } from '@fracta/domain';
import { describe, expect, it } from '@jest/globals';

import { type AgentFiles, type AgentFilesInput } from './agent-files.input.js';
import { workspaceFilePaths, writeAgentFiles } from './agent-files.js';
import { assertWorkspacePath } from './workspace-path.js';

const AGENT_RUNTIMES = ['claude', 'codex', 'opencode'] as const;

function input(runtime: Runtime, overrides: Partial<AgentFilesInput> = {}): AgentFilesInput {
  return {
    agent: 'a1',
    runtime,
    gateway: { url: 'http://127.0.0.1:8080/agents/a1/mcp', tokenEnvVar: 'FRACTA_GATEWAY_TOKEN' },
    allowedTools: ['Read', 'Bash(git *)', 'mcp__docs__search'],
    gatewayTools: [
      'fracta_list',
      'fracta_peek',
      'fracta_send',
      'fracta_inbox',
      'fracta_set_intent',
      'fracta_report',
      'fracta_spawn',
    ],
    instructions: 'You are agent a1. Report progress with fracta_report.',
    ...overrides,
  };
}

/** A workspace whose files hold the user's own content (with a stale literal token), by runtime. */
const USER_FILES: Readonly<Record<(typeof AGENT_RUNTIMES)[number], Record<string, string>>> = {
  claude: {
    '.mcp.json':
      '{"mcpServers":{"docs":{"command":"docs"},"fracta":{"type":"http","url":"http://x","headers":{"Authorization":"Bearer sk-stale-literal"}}}}',
    '.claude/settings.local.json': '{"permissions":{"allow":["Bash(make *)"]}}',
    'CLAUDE.md': '# Project\n\nUse pnpm.\n',
  },
  codex: {
    '.codex/config.toml':
      '# mine\nmodel = "o3"\n[mcp_servers.fracta]\nurl = "http://x"\nhttp_headers = { Authorization = "Bearer sk-stale-literal" }\n',
    'AGENTS.md': '# Agents\n',
  },
  opencode: {
    'opencode.json':
      '{"mcp":{"fracta":{"type":"remote","url":"http://x","headers":{"Authorization":"Bearer sk-stale-literal"}}},"permission":{"*":"ask"}}',
    'AGENTS.md': '# Agents\n',
  },
};

function asExisting(result: AgentFiles, before: Record<string, string> = {}): Record<string, string> {
  return { ...before, ...Object.fromEntries(result.files.map((file) => [file.path, file.content])) };
}

function everything(result: AgentFiles): string {
  return [...result.files.map((file) => file.content), ...result.extraArgs].join('\n');
}

describe(writeAgentFiles.name, () => {
  describe.each(AGENT_RUNTIMES)('%s', (runtime) => {
    it.each([
      ['an empty workspace', {}],
      ["the user's files", USER_FILES[runtime]],
    ])('should give the same bytes when written twice into %s', (_case, existing) => {
      const first = writeAgentFiles(input(runtime, { existing }));
      const second = writeAgentFiles(input(runtime, { existing: asExisting(first, existing) }));

      expect(second).toEqual(first);
    });

    it('should follow a changed input on a re-write instead of keeping the old values', () => {
      const first = writeAgentFiles(input(runtime));
      const second = writeAgentFiles(
        input(runtime, {
          existing: asExisting(first),
          gateway: { url: 'http://10.0.0.9:9999/agents/a1/mcp', tokenEnvVar: 'OTHER_TOKEN' },
          gatewayTools: ['fracta_list'],
          instructions: 'New instructions.',
        }),
      );
      const text = everything(second);

      expect(text).toContain('http://10.0.0.9:9999/agents/a1/mcp');
      expect(text).toContain('OTHER_TOKEN');
      expect(text).toContain('New instructions.');
      expect(text).not.toContain('127.0.0.1:8080');
      expect(text).not.toContain('FRACTA_GATEWAY_TOKEN');
      expect(text).not.toContain('fracta_send');
      expect(text).not.toContain('Report progress');
    });

    it('should reference the token variable in every Authorization it writes, and drop a stale literal token', () => {
      const result = writeAgentFiles(input(runtime, { existing: USER_FILES[runtime] }));
      const text = everything(result);
      const bearers = [...text.matchAll(/Bearer ([^"\\\s]+)/g)].map((match) => match[1]);

      expect(text).not.toContain('sk-stale-literal');
      expect(bearers).toEqual(
        runtime === 'codex'
          ? []
          : expect.arrayContaining([
              runtime === 'claude' ? '${FRACTA_GATEWAY_TOKEN}' : '{env:FRACTA_GATEWAY_TOKEN}',
            ]),
      );
      expect(new Set(bearers).size).toBeLessThanOrEqual(1);
      if (runtime === 'codex') expect(text).toContain('bearer_token_env_var = "FRACTA_GATEWAY_TOKEN"');
    });

    it('should write only relative paths the runtime declares, and exclude exactly those', () => {
      const result = writeAgentFiles(input(runtime, { existing: USER_FILES[runtime] }));

      for (const file of result.files) {
        expect(assertWorkspacePath(file.path)).toBe(file.path);
        expect(workspaceFilePaths(runtime)).toContain(file.path);
        expect(file.content.endsWith('\n')).toBe(true);
      }
      expect(result.gitExclude).toEqual(result.files.map((file) => `/${file.path}`));
    });

    it('should not write a tracked file, whatever it is', () => {
      for (const path of workspaceFilePaths(runtime)) {
        const tracked = workspaceFilePaths(runtime).filter((candidate) => candidate !== path);
        let result: AgentFiles;
        try {
          result = writeAgentFiles(input(runtime, { tracked }));
        } catch (error) {
          expect(error).toMatchObject({ code: 'MCP_CONFIG_TRACKED_CONFLICT' });
          continue;
        }
        expect(result.files.map((file) => file.path).filter((written) => tracked.includes(written))).toEqual(
          [],
        );
      }
    });
  });

  it('should let the client call every tool the gateway serves when gatewayTools has *', () => {
    const all = { gatewayTools: ['fracta_set_intent', '*'] };
    const claude = writeAgentFiles(input('claude', all));
    const settings = JSON.parse(
      claude.files.find((file) => file.path === '.claude/settings.local.json')?.content ?? '{}',
    ) as { permissions: { allow: string[] } };
    expect(settings.permissions.allow).toEqual(
      expect.arrayContaining(['mcp__fracta', 'mcp__fracta__fracta_set_intent']),
    );
    const codex = writeAgentFiles(input('codex', all));
    expect(codex.extraArgs).toEqual(
      expect.arrayContaining(['mcp_servers.fracta.default_tools_approval_mode="approve"']),
    );
    expect(codex.files.find((file) => file.path === '.codex/config.toml')?.content).toContain(
      'default_tools_approval_mode = "approve"',
    );
    const opencode = writeAgentFiles(input('opencode', all));
    const config = JSON.parse(
      opencode.files.find((file) => file.path === 'opencode.json')?.content ?? '{}',
    ) as {
      permission: Record<string, unknown>;
    };
    expect(config.permission['fracta_*']).toBe('allow');
    expect(config.permission.fracta_fracta_set_intent).toBe('allow');
  });

  it('should write nothing for the command runtime', () => {
    expect(writeAgentFiles(input('command'))).toEqual({
      files: [],
      extraArgs: [],
      gitExclude: [],
      notes: [],
    });
  });

  it('should validate the input before writing anything', () => {
    expect(() => writeAgentFiles(input('claude', { gatewayTools: ['bad name'] }))).toThrow(
      expect.objectContaining({ code: 'MCP_CONFIG_INPUT_INVALID' }),
    );
  });
});

describe(workspaceFilePaths.name, () => {
  it('should list the files of every runtime', () => {
    expect(Object.fromEntries(RUNTIMES.map((runtime) => [runtime, workspaceFilePaths(runtime)]))).toEqual({
      claude: ['.mcp.json', '.claude/settings.local.json', 'CLAUDE.md', 'CLAUDE.local.md'],
      codex: ['.codex/config.toml', 'AGENTS.md'],
      opencode: ['opencode.json', '.opencode/opencode.json', 'AGENTS.md', '.opencode/fracta-instructions.md'],
      command: [],
    });
  });

  it('should refuse an unknown runtime', () => {
    expect(() => workspaceFilePaths('gemini' as Runtime)).toThrow(
      'runtime must be one of claude, codex, opencode, command',
    );
  });
});
