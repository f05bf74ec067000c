import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { writeAgentFiles } from '../../src/index.js';

import { agentInput } from './support/agent-input.js';
import { createAgentWorkspace, type AgentWorkspace } from './support/agent-workspace.js';

const GATEWAY_URL = 'http://127.0.0.1:8080/agents/a1/mcp';

describe('gitExclude keeps the written files out of the agent branch', () => {
  let workspace: AgentWorkspace;
  let worktree: string;

  beforeEach(async () => {
    workspace = await createAgentWorkspace('exclude');
    await workspace.exclude(['/.worktrees/']);
    await workspace.git('worktree', 'add', '-q', '.worktrees/a1', '-b', 'feature/a1');
    worktree = join(workspace.repo, '.worktrees', 'a1');
  });

  afterEach(async () => {
    await workspace.dispose();
  });

  async function statusIn(dir: string): Promise<string> {
    return workspace.git('-C', dir, 'status', '--porcelain', '--untracked-files=all');
  }

  it.each(['claude', 'codex', 'opencode'] as const)(
    'should leave the worktree of a %s agent clean once the patterns are in the common info/exclude',
    async (runtime) => {
      const files = writeAgentFiles(agentInput(runtime, GATEWAY_URL));
      await workspace.write(files, worktree);

      const before = await statusIn(worktree);
      await workspace.exclude(files.gitExclude);
      const after = await statusIn(worktree);
      await workspace.git('-C', worktree, 'add', '-A');

      expect(before.split('\n').filter(Boolean).sort()).toEqual(
        files.files.map((file) => `?? ${file.path}`).sort(),
      );
      expect(after).toBe('');
      expect(await workspace.git('-C', worktree, 'diff', '--cached', '--name-only')).toBe('');
    },
  );

  it('should not hide files of the same name in subdirectories: the patterns are anchored', async () => {
    const files = writeAgentFiles(agentInput('codex', GATEWAY_URL));
    await workspace.write(files, worktree);
    await workspace.write(
      { ...files, files: [{ path: 'docs/AGENTS.md', content: '# docs agents\n', mode: 0o644 }] },
      worktree,
    );

    await workspace.exclude(files.gitExclude);

    expect(await statusIn(worktree)).toBe('?? docs/AGENTS.md\n');
  });

  /** Files a team commits to its repository, by runtime. */
  const TEAM_FILES = {
    claude: { '.mcp.json': '{"mcpServers": {}}\n', 'CLAUDE.md': '# team rules\n' },
    codex: { '.codex/config.toml': 'model = "o3"\n', 'AGENTS.md': '# team rules\n' },
    opencode: {
      'opencode.json': '{"$schema": "https://opencode.ai/config.json"}\n',
      'AGENTS.md': '# team rules\n',
    },
  } as const;

  it.each(['claude', 'codex', 'opencode'] as const)(
    'should leave tracked files untouched in the worktree of a repository that commits its %s files',
    async (runtime) => {
      const tracked: Record<string, string> = TEAM_FILES[runtime];
      await workspace.commit(tracked);
      await workspace.git('-C', worktree, 'merge', '-q', '--ff-only', 'main');
      const files = writeAgentFiles(
        agentInput(runtime, GATEWAY_URL, { existing: tracked, tracked: Object.keys(tracked) }),
      );
      await workspace.write(files, worktree);

      await workspace.exclude(files.gitExclude);

      expect(files.files.map((file) => file.path).filter((path) => path in tracked)).toEqual([]);
      expect(await statusIn(worktree)).toBe('');
    },
  );
});
