import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ConfigError, defaultFractaConfig, parseConfigText, parseEnv } from '@fracta/config';
import { describe, expect, it } from '@jest/globals';

import { gatewayEnvSchema, toAppConfig } from './config.js';

const TOKEN = 'cp-token-0123456789abcdef';
const env = (extra: Record<string, string> = {}) =>
  parseEnv(gatewayEnvSchema, {
    CONTROL_PLANE_URL: 'http://127.0.0.1:9090/',
    CONTROL_PLANE_TOKEN: TOKEN,
    ...extra,
  });
const fracta = (yaml: string) =>
  parseConfigText(yaml, { file: 'fracta.yaml', env: { GH: 'ghp_secret' }, projectName: 'p' });

describe('gateway config', () => {
  it('should default to loopback :8080 with the control plane from the environment, frozen', () => {
    const config = toAppConfig(env(), defaultFractaConfig('p'));
    expect(config.http).toMatchObject({
      host: '127.0.0.1',
      port: 8080,
      allowedOrigins: [],
      maxBodyBytes: 4 * 1024 * 1024,
    });
    expect(config.http.allowedHosts).toEqual(expect.arrayContaining(['localhost', '127.0.0.1', '[::1]']));
    expect(config.controlPlane).toEqual({ url: 'http://127.0.0.1:9090', token: TOKEN });
    expect(config).toMatchObject({ identityTtlMs: 30_000, toolTimeoutMs: 600_000, backends: [] });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.http)).toBe(true);
  });

  it('should take GATEWAY_LISTEN over gateway.listen, and the extra hosts and origins', () => {
    const config = toAppConfig(
      env({
        GATEWAY_LISTEN: '0.0.0.0:9000',
        GATEWAY_ALLOWED_HOSTS: 'gateway, gw.internal',
        GATEWAY_ALLOWED_ORIGINS: 'http://localhost:6274',
      }),
      fracta('gateway:\n  listen: 127.0.0.1:7000\n'),
    );
    expect(config.http).toMatchObject({
      host: '0.0.0.0',
      port: 9000,
      allowedHosts: ['gateway', 'gw.internal'],
      allowedOrigins: ['http://localhost:6274'],
    });
  });

  it('should accept any Host on a public address unless gateway.url or GATEWAY_ALLOWED_HOSTS names it', () => {
    expect(
      toAppConfig(env({ GATEWAY_LISTEN: '0.0.0.0:8080' }), defaultFractaConfig('p')).http.allowedHosts,
    ).toBeNull();
    const named = toAppConfig(
      env({ GATEWAY_LISTEN: '0.0.0.0:8080' }),
      fracta('gateway:\n  url: http://gateway:8080\n'),
    );
    expect(named.http.allowedHosts).toEqual(['gateway']);
  });

  it('should read the token from CONTROL_PLANE_TOKEN_FILE', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'gw-config-')), 'token');
    writeFileSync(file, `${TOKEN}\n`);
    const parsed = parseEnv(gatewayEnvSchema, {
      CONTROL_PLANE_URL: 'https://cp.example',
      CONTROL_PLANE_TOKEN_FILE: file,
    });
    expect(parsed.CONTROL_PLANE_TOKEN).toBe(TOKEN);
  });

  it('should report every bad variable at once, by name, without echoing the token', () => {
    let error: unknown;
    try {
      parseEnv(gatewayEnvSchema, {
        CONTROL_PLANE_URL: 'ftp://nope',
        CONTROL_PLANE_TOKEN: 'short-secret',
        GATEWAY_LISTEN: ':8080',
        GATEWAY_MAX_BODY_BYTES: 'lots',
        GATEWAY_IDENTITY_TTL: '5',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    for (const name of [
      'CONTROL_PLANE_URL',
      'CONTROL_PLANE_TOKEN',
      'GATEWAY_LISTEN',
      'GATEWAY_MAX_BODY_BYTES',
      'GATEWAY_IDENTITY_TTL',
    ])
      expect(message).toContain(name);
    expect(message).not.toContain('short-secret');
  });

  it('should take the backends and every tool policy from fracta.yaml', () => {
    const config = toAppConfig(
      env(),
      fracta(
        [
          'agents:',
          '  agent_runtimes:',
          '    codex:',
          '      tool_policy: { deny: ["fracta_spawn"] }',
          'gateway:',
          '  tool_policy: { deny: ["*__delete*"] }',
          '  agent_policies:',
          '    "review-*": { allow: ["fracta_*"] }',
          'mcp_servers:',
          '  files:',
          '    transport: stdio',
          '    command: npx',
          '    args: [files-mcp]',
          '    env: { ROOT: /srv }',
          '    tool_policy: { deny: [write_file] }',
          '  github:',
          '    transport: streamable-http',
          '    url: https://api.example/mcp',
          '    headers: { Authorization: "Bearer ${GH}" }',
        ].join('\n'),
      ),
    );
    expect(config.backends).toEqual([
      { name: 'files', transport: 'stdio', command: 'npx', args: ['files-mcp'], env: { ROOT: '/srv' } },
      {
        name: 'github',
        transport: 'streamable-http',
        url: 'https://api.example/mcp',
        headers: { Authorization: 'Bearer ghp_secret' },
      },
    ]);
    expect(config.policy.global).toEqual({ allow: [], deny: ['*__delete*'] });
    expect(config.policy.runtimes.codex).toEqual({ allow: [], deny: ['fracta_spawn'] });
    expect(config.policy.agents).toEqual({ 'review-*': { allow: ['fracta_*'], deny: [] } });
    expect(config.policy.backends).toEqual({
      files: { allow: [], deny: ['write_file'] },
      github: { allow: [], deny: [] },
    });
  });
});
