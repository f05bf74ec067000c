import { describe, expect, it } from '@jest/globals';

import { GlobPattern, PolicySet, ToolPolicy } from './tool-policy.js';

const none = { allow: [], deny: [] };

describe(GlobPattern.name, () => {
  it('should match the whole name, * as any run and ? as one character, everything else literally', () => {
    expect(new GlobPattern('files__*').matches('files__read')).toBe(true);
    expect(new GlobPattern('files__*').matches('myfiles__read')).toBe(false);
    expect(new GlobPattern('*_dump').matches('secret_dump')).toBe(true);
    expect(new GlobPattern('fracta_s?n?').matches('fracta_send')).toBe(true);
    expect(new GlobPattern('a.b').matches('axb')).toBe(false);
    expect(new GlobPattern('(x)+[y]').matches('(x)+[y]')).toBe(true);
    expect(new GlobPattern('*').matches('')).toBe(true);
  });
});

describe(ToolPolicy.name, () => {
  it('should allow everything not denied when allow is empty, and let deny win over allow', () => {
    expect(new ToolPolicy(none).allows('anything')).toBe(true);
    expect(new ToolPolicy({ allow: [], deny: ['files__*'] }).allows('files__read')).toBe(false);
    const both = new ToolPolicy({ allow: ['files__*'], deny: ['files__delete*'] });
    expect(both.allows('files__read')).toBe(true);
    expect(both.allows('files__delete_all')).toBe(false);
    expect(both.allows('docs__search')).toBe(false);
  });

  it('should decide on every name of a tool: a deny on any of them wins', () => {
    const policy = new ToolPolicy({ allow: ['long-backend__*'], deny: ['*_deadbeef'] });
    expect(policy.allows('long-backend__t_deadbeef', 'long-backend__t')).toBe(false);
    expect(
      new ToolPolicy({ allow: ['long-backend__*'], deny: [] }).allows('long-bac_12345678', 'long-backend__t'),
    ).toBe(true);
  });
});

describe(PolicySet.name, () => {
  const policies = new PolicySet({
    global: { allow: [], deny: ['*__drop_database'] },
    runtimes: {
      command: { allow: [], deny: ['fracta_spawn'] },
      claude: { allow: ['fracta_*', 'files__*'], deny: [] },
    },
    agents: {
      'review-*': { allow: [], deny: ['files__write*'] },
      '*-readonly': { allow: [], deny: ['*write*'] },
    },
    backends: { files: { allow: ['read*', 'write*', 'drop_database'], deny: [] }, docs: undefined },
  });

  it("should apply the gateway's, the runtime's and every matching agent glob's policy together", () => {
    const coder = policies.forAgent({ name: 'coder', runtime: 'claude' });
    expect(coder.allowsFractaTool('fracta_spawn')).toBe(true);
    expect(coder.allowsBackendTool('files', 'write_file', 'files__write_file', 'files__write_file')).toBe(
      true,
    );
    expect(coder.allowsBackendTool('docs', 'search', 'docs__search', 'docs__search')).toBe(false); // claude allows fracta_* and files__* only

    const reviewer = policies.forAgent({ name: 'review-readonly', runtime: 'claude' });
    expect(reviewer.allowsBackendTool('files', 'write_file', 'files__write_file', 'files__write_file')).toBe(
      false,
    );
    expect(reviewer.allowsBackendTool('files', 'read_file', 'files__read_file', 'files__read_file')).toBe(
      true,
    );

    const script = policies.forAgent({ name: 'coder', runtime: 'command' });
    expect(script.allowsFractaTool('fracta_spawn')).toBe(false);
    expect(script.allowsFractaTool('fracta_send')).toBe(true);
    expect(script.allowsBackendTool('docs', 'search', 'docs__search', 'docs__search')).toBe(true);
  });

  it("should match a backend's own policy on its name for the tool, and the global deny on every agent", () => {
    const script = policies.forAgent({ name: 'x', runtime: 'command' });
    expect(script.allowsBackendTool('files', 'delete_file', 'files__delete_file', 'files__delete_file')).toBe(
      false,
    );
    expect(
      script.allowsBackendTool('files', 'drop_database', 'files__drop_database', 'files__drop_database'),
    ).toBe(false);
    expect(
      script.allowsBackendTool('docs', 'drop_database', 'docs__drop_database', 'docs__drop_database'),
    ).toBe(false);
  });

  it('should let an agent without any policy see every tool', () => {
    const open = new PolicySet({ global: none, runtimes: {}, agents: {}, backends: {} }).forAgent({
      name: 'a',
      runtime: 'codex',
    });
    expect(open.allowsFractaTool('fracta_spawn')).toBe(true);
    expect(open.allowsBackendTool('any', 'thing', 'any__thing', 'any__thing')).toBe(true);
  });
});
