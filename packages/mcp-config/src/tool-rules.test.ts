import { describe, expect, it } from '@jest/globals';

import {
  claudeGatewayTool,
  isClaudeFractaRule,
  isOpencodeFractaKey,
  opencodeAllowRules,
  opencodeGatewayTool,
} from './tool-rules.js';

describe('gateway tool names', () => {
  it("should use each client's own prefix", () => {
    expect(claudeGatewayTool('fracta_send')).toBe('mcp__fracta__fracta_send');
    expect(opencodeGatewayTool('fracta_send')).toBe('fracta_fracta_send');
  });

  it("should recognise rules about fracta's server and nothing else", () => {
    expect(isClaudeFractaRule('mcp__fracta__fracta_list')).toBe(true);
    expect(isClaudeFractaRule('mcp__fracta')).toBe(true);
    expect(isClaudeFractaRule('mcp__fractal__x')).toBe(false);
    expect(isClaudeFractaRule('Bash(mcp__fracta__x)')).toBe(false);
    expect(isOpencodeFractaKey('fracta_fracta_list')).toBe(true);
    expect(isOpencodeFractaKey('fractal_x')).toBe(false);
    expect(isOpencodeFractaKey('bash')).toBe(false);
  });
});

describe(opencodeAllowRules.name, () => {
  it.each([
    ['Read', { key: 'read' }],
    ['Edit', { key: 'edit' }],
    ['Write', { key: 'edit' }],
    ['MultiEdit', { key: 'edit' }],
    ['NotebookEdit', { key: 'edit' }],
    ['Glob', { key: 'glob' }],
    ['Grep', { key: 'grep' }],
    ['LS', { key: 'list' }],
    ['WebFetch', { key: 'webfetch' }],
    ['WebSearch', { key: 'websearch' }],
    ['TodoWrite', { key: 'todowrite' }],
    ['Bash', { key: 'bash' }],
    ['Bash(*)', { key: 'bash' }],
    ['Bash(git *)', { key: 'bash', pattern: 'git *' }],
    ['Bash(npm run test:*)', { key: 'bash', pattern: 'npm run test *' }],
    ['mcp__github__get_issue', { key: 'github_get_issue' }],
    ['mcp__github__*', { key: 'github_*' }],
    ['mcp__github', { key: 'github_*' }],
  ])('should map %p to %p', (rule, expected) => {
    expect(opencodeAllowRules([rule])).toEqual({ allow: [expected], unmapped: [] });
  });

  it.each([
    'Task',
    'Read(./src/**)',
    'WebFetch(domain:example.com)',
    'Bash()',
    'mcp__github__x(y)',
    'SomeFutureTool',
  ])('should report %p as unmapped', (rule) => {
    expect(opencodeAllowRules([rule])).toEqual({ allow: [], unmapped: [rule] });
  });
});
