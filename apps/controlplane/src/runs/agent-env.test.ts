import { describe, expect, it } from '@jest/globals';

import { allowedFromHost, buildAgentEnv } from './agent-env.js';

describe(buildAgentEnv.name, () => {
  const hostEnv = {
    PATH: '/usr/bin',
    HOME: '/home/dev',
    LC_ALL: 'C.UTF-8',
    ANTHROPIC_API_KEY: 'sk-ant',
    OPENAI_API_KEY: 'sk-openai',
    PG_URL: 'postgres://secret@db/fracta',
    FRACTA_TOKEN: 'control-plane-token',
    AWS_PROFILE: 'dev',
  };

  it("should pass the base variables and the runtime's provider variables, never the rest of the host", () => {
    const env = buildAgentEnv({ runtime: 'claude', hostEnv, configured: {}, runtimeEnv: {}, fracta: {} });
    expect(env).toEqual({
      PATH: '/usr/bin',
      HOME: '/home/dev',
      LC_ALL: 'C.UTF-8',
      ANTHROPIC_API_KEY: 'sk-ant',
      AWS_PROFILE: 'dev',
    });
    const codex = buildAgentEnv({ runtime: 'codex', hostEnv, configured: {}, runtimeEnv: {}, fracta: {} });
    expect(codex.OPENAI_API_KEY).toBe('sk-openai');
    expect(codex.ANTHROPIC_API_KEY).toBeUndefined();
    const command = buildAgentEnv({
      runtime: 'command',
      hostEnv,
      configured: {},
      runtimeEnv: {},
      fracta: {},
    });
    expect(Object.keys(command).sort()).toEqual(['HOME', 'LC_ALL', 'PATH']);
  });

  it("should layer fracta.yaml's env, then the runtime's, then fracta's own, which nothing overrides", () => {
    const env = buildAgentEnv({
      runtime: 'command',
      hostEnv,
      configured: { HOME: '/agents/home', FRACTA_AGENT: 'spoofed', EXTRA: '1' },
      runtimeEnv: { FRACTA_PROMPT: 'do it' },
      fracta: { FRACTA_AGENT: 'a1', FRACTA_GATEWAY_TOKEN: 'tok' },
    });
    expect(env).toMatchObject({
      HOME: '/agents/home',
      EXTRA: '1',
      FRACTA_PROMPT: 'do it',
      FRACTA_AGENT: 'a1',
      FRACTA_GATEWAY_TOKEN: 'tok',
    });
  });

  it('should never take a FRACTA_ variable from the host', () => {
    expect(allowedFromHost('claude', 'FRACTA_TOKEN')).toBe(false);
    expect(allowedFromHost('claude', 'XDG_CONFIG_HOME')).toBe(true);
    expect(allowedFromHost('opencode', 'OPENROUTER_API_KEY')).toBe(true);
    expect(allowedFromHost('opencode', 'DATABASE_URL')).toBe(false);
  });
});
