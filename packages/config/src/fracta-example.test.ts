// fracta.example.yaml is documentation; loading it here keeps it valid as the schema changes.
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';

import { defaultFractaConfig, loadConfig } from './load-config.js';

const examplePath = fileURLToPath(new URL('../fracta.example.yaml', import.meta.url));

describe('fracta.example.yaml', () => {
  it('should load as is with an empty environment', async () => {
    const { config, path, projectRoot } = await loadConfig({
      cwd: dirname(examplePath),
      env: {},
      path: examplePath,
    });

    expect(path).toBe(examplePath);
    expect(projectRoot).toBe(dirname(examplePath));
    expect(config.project).toEqual({
      name: 'config',
      default_base_branch: 'main',
      allowed_tools: ['Read', 'Bash(git *)'],
    });
    expect(config.agents.agent_runtimes.claude).toEqual({
      args: [],
      env: {},
      allowed_tools: ['Edit'],
      tool_policy: { allow: [], deny: [] },
    });
    expect(config.agents.agent_runtimes.codex?.model).toBe('gpt-5-codex');
    expect(config.runtime.state).toEqual({ driver: 'sqlite', path: '.fracta/state.db' });
    expect(config.runtime.queue).toEqual({ backend: 'memory', workers: 2, lease_timeout: 30_000 });
    expect(config.reaper).toEqual({
      max_concurrent: 4,
      per_runtime: { codex: 2 },
      max_age: 14_400_000,
      interval: 30_000,
    });
    expect(Object.keys(config.mcp_servers)).toEqual(['files', 'docs']);
    expect(config.auth.credentials.profiles.bedrock?.env).toEqual({
      CLAUDE_CODE_USE_BEDROCK: '1',
      AWS_REGION: 'us-east-1',
    });
  });

  it('should take its ${VAR} values from the environment', async () => {
    const { config } = await loadConfig({
      cwd: dirname(examplePath),
      env: { CLAUDE_MODEL: 'opus', FRACTA_WORKERS: '6', AWS_REGION: 'eu-west-1' },
      path: examplePath,
    });

    expect(config.agents.agent_runtimes.claude?.model).toBe('opus');
    expect(config.runtime.queue.workers).toBe(6);
    expect(config.auth.credentials.profiles.bedrock?.env.AWS_REGION).toBe('eu-west-1');
  });

  it('should show every section of the schema', async () => {
    const raw = parse(await readFile(examplePath, 'utf8')) as Record<string, unknown>;

    expect(Object.keys(raw)).toEqual(expect.arrayContaining(Object.keys(defaultFractaConfig('x'))));
  });
});
