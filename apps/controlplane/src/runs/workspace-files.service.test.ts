import { describe, expect, it } from '@jest/globals';

import { agentInstructions, codexSandboxArgs } from './workspace-files.service.js';

describe(codexSandboxArgs.name, () => {
  it('should let codex write its workspace and the git directories a worktree commits to', () => {
    expect(codexSandboxArgs(['/repo/.git/worktrees/a1', '/repo/.git'])).toEqual([
      '-c',
      'sandbox_mode="workspace-write"',
      '-c',
      'sandbox_workspace_write.writable_roots=["/repo/.git/worktrees/a1", "/repo/.git"]',
    ]);
    expect(codexSandboxArgs([])).toEqual(['-c', 'sandbox_mode="workspace-write"']);
  });
});

describe(agentInstructions.name, () => {
  it('should tell the agent who it is, where it works and which fracta tools it has', () => {
    const text = agentInstructions({
      name: 'a1',
      branch: 'feature/a1',
      baseBranch: 'main',
      parentAgent: 'lead',
    });
    expect(text).toContain('"a1"');
    expect(text).toContain('feature/a1 (from main)');
    expect(text).toContain('started by the agent "lead"');
    for (const tool of [
      'fracta_set_intent',
      'fracta_report',
      'fracta_inbox',
      'fracta_send',
      'fracta_spawn',
    ]) {
      expect(text).toContain(tool);
    }
    expect(agentInstructions({ name: 'd', branch: null, baseBranch: null, parentAgent: null })).toContain(
      'Work in this directory.',
    );
  });
});
