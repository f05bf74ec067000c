import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { ConfigError } from './config.errors.js';
import { type Env } from './interpolate.js';
import { defaultFractaConfig, findConfigFile, loadConfig, parseConfigText } from './load-config.js';

let root: string;

beforeEach(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), 'fracta-config-')));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function writeConfig(dir: string, text: string, name = 'fracta.yaml'): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

async function loadError(text: string, env: Env = {}): Promise<{ error: ConfigError; file: string }> {
  const file = await writeConfig(root, text);
  try {
    await loadConfig({ cwd: root, env });
  } catch (error) {
    if (error instanceof ConfigError) return { error, file };
    throw error;
  }
  throw new Error('expected loadConfig to throw a ConfigError');
}

async function load(text: string, env: Env = {}) {
  await writeConfig(root, text);
  return (await loadConfig({ cwd: root, env })).config;
}

describe(findConfigFile.name, () => {
  it('should find fracta.yaml in the start directory', async () => {
    const file = await writeConfig(root, 'version: 1\n');
    expect(await findConfigFile(root)).toBe(file);
  });

  it('should find the nearest ancestor from a nested subdirectory', async () => {
    await writeConfig(root, 'version: 1\n');
    const nearer = await writeConfig(join(root, 'a'), 'version: 1\n');
    const deep = join(root, 'a', 'b', 'c');
    await mkdir(deep, { recursive: true });
    expect(await findConfigFile(deep)).toBe(nearer);
  });

  it('should accept fracta.yml and prefer fracta.yaml when both exist', async () => {
    const yml = await writeConfig(join(root, 'one'), 'version: 1\n', 'fracta.yml');
    expect(await findConfigFile(join(root, 'one'))).toBe(yml);
    await writeConfig(join(root, 'two'), 'version: 1\n', 'fracta.yml');
    const yaml = await writeConfig(join(root, 'two'), 'version: 1\n');
    expect(await findConfigFile(join(root, 'two'))).toBe(yaml);
  });

  it('should skip a directory named fracta.yaml', async () => {
    await mkdir(join(root, 'project', 'fracta.yaml'), { recursive: true });
    const file = await writeConfig(root, 'version: 1\n');
    expect(await findConfigFile(join(root, 'project'))).toBe(file);
  });

  it('should return undefined when no ancestor has a config file', async () => {
    expect(await findConfigFile(root)).toBeUndefined();
  });
});

describe(loadConfig.name, () => {
  describe('discovery', () => {
    it('should load the nearest fracta.yaml from a nested subdirectory and use its directory as the project root', async () => {
      const projectRoot = join(root, 'my-project');
      const file = await writeConfig(projectRoot, 'reaper:\n  max_concurrent: 7\n');
      const cwd = join(projectRoot, 'src', 'deep');
      await mkdir(cwd, { recursive: true });

      const loaded = await loadConfig({ cwd, env: {} });

      expect(loaded.path).toBe(file);
      expect(loaded.projectRoot).toBe(projectRoot);
      expect(loaded.config.reaper.max_concurrent).toBe(7);
      const name: string = loaded.config.project.name;
      expect(name).toBe('my-project');
    });

    it('should return the defaults with path undefined when no file is found', async () => {
      const loaded = await loadConfig({ cwd: root, env: {} });

      expect(loaded.path).toBeUndefined();
      expect(loaded.projectRoot).toBe(root);
      expect(loaded.config).toEqual(defaultFractaConfig(basename(root)));
    });

    it('should read an explicit path relative to cwd, ignoring discovery', async () => {
      await writeConfig(root, 'reaper:\n  max_concurrent: 1\n');
      const file = await writeConfig(join(root, 'deploy'), 'reaper:\n  max_concurrent: 9\n', 'prod.yaml');

      const loaded = await loadConfig({ cwd: root, env: {}, path: 'deploy/prod.yaml' });

      expect(loaded.path).toBe(file);
      expect(loaded.projectRoot).toBe(join(root, 'deploy'));
      expect(loaded.config.reaper.max_concurrent).toBe(9);
    });

    it('should fail with CONFIG_NOT_FOUND when the explicit path does not exist', async () => {
      const missing = join(root, 'nope.yaml');
      const error = await loadConfig({ cwd: root, env: {}, path: 'nope.yaml' }).catch(
        (caught: unknown) => caught,
      );

      expect(error).toBeInstanceOf(ConfigError);
      expect(error).toMatchObject({ code: 'CONFIG_NOT_FOUND', category: 'not_found', file: missing });
      expect((error as ConfigError).message).toBe(
        `${missing}: config file not found; check the path, or leave it out to use the nearest fracta.yaml at or above ${root}`,
      );
    });

    it('should fail with CONFIG_UNREADABLE when the explicit path is a directory', async () => {
      await mkdir(join(root, 'conf'));
      const error = await loadConfig({ cwd: root, env: {}, path: 'conf' }).catch((caught: unknown) => caught);

      expect(error).toMatchObject({ code: 'CONFIG_UNREADABLE' });
      expect((error as ConfigError).message).toBe(
        `${join(root, 'conf')}: is a directory, not a file; point at the fracta.yaml inside it`,
      );
    });
  });

  describe('defaults', () => {
    it('should fill every default when the file is empty', async () => {
      const config = await load('# nothing here yet\n');

      expect(config).toEqual({
        project: { name: basename(root), allowed_tools: [] },
        agents: {
          default_runtime: 'claude',
          default_mode: 'batch',
          agent_runtimes: {},
          spawn: { allow: true, max_depth: 2, max_children: 4 },
        },
        runtime: {
          backend: 'local',
          state: { driver: 'sqlite', path: '.fracta/state.db' },
          queue: { backend: 'memory', workers: 2, lease_timeout: 30_000 },
          kubernetes: { namespace: 'fracta', job_ttl_seconds: 300 },
          workspace_root: '.worktrees',
          workspace_kind: 'git-worktree',
          workspace_setup: { copy: [], command: [], timeout: 10 * 60_000 },
          stop_grace: 10_000,
          runs_root: '.fracta/runs',
        },
        gateway: {
          listen: '127.0.0.1:8080',
          managed: true,
          tool_policy: { allow: [], deny: [] },
          agent_policies: {},
        },
        control_plane_api: { listen: '127.0.0.1:9090' },
        reaper: { max_concurrent: 4, per_runtime: {}, max_age: 4 * 3_600_000, interval: 30_000 },
        mcp_servers: {},
        graph: { backend: 'embedded' },
        strategy: { dir: 'strategies', pool_size: 1 },
        observability: { log_level: 'info', metrics: true },
        auth: { credentials: { profiles: {} } },
      });
    });

    it('should fill defaults inside partially written sections', async () => {
      const config = await load(
        [
          'project:',
          '  name: demo',
          'agents:',
          '  agent_runtimes:',
          '    codex:',
          '      model: gpt-5',
          'runtime:',
          '  state:',
          '    path: data/state.db',
          'mcp_servers:',
          '  files:',
          '    transport: stdio',
          '    command: mcp-files',
          '  docs:',
          '    transport: streamable-http',
          '    url: https://docs.example.com/mcp',
          '    tool_policy:',
          '      deny: [delete_*]',
          '',
        ].join('\n'),
      );

      expect(config.project.name).toBe('demo');
      expect(config.agents.agent_runtimes).toEqual({
        codex: { model: 'gpt-5', args: [], env: {}, allowed_tools: [], tool_policy: { allow: [], deny: [] } },
      });
      expect(config.runtime.state).toEqual({ driver: 'sqlite', path: 'data/state.db' });
      expect(config.mcp_servers).toEqual({
        files: {
          transport: 'stdio',
          command: 'mcp-files',
          args: [],
          env: {},
          tool_policy: { allow: [], deny: [] },
        },
        docs: {
          transport: 'streamable-http',
          url: 'https://docs.example.com/mcp',
          headers: {},
          tool_policy: { allow: [], deny: ['delete_*'] },
        },
      });
    });

    it('should give the defaults through defaultFractaConfig', () => {
      const config = defaultFractaConfig('demo');
      expect(config.project.name).toBe('demo');
      expect(config.runtime.state).toEqual({ driver: 'sqlite', path: '.fracta/state.db' });
    });
  });

  describe('error report', () => {
    it('should report a bad type with the file, line, column and key path', async () => {
      const { error, file } = await loadError('project:\n  name: demo\nreaper:\n  max_concurrent: abc\n');

      expect(error.code).toBe('CONFIG_INVALID');
      expect(error.category).toBe('invalid');
      expect(error.issues).toEqual([
        { path: 'reaper.max_concurrent', message: 'expected a number, got "abc"', line: 4, column: 3 },
      ]);
      expect(error.message).toBe(
        `${file}: 1 problem in fracta.yaml\n  ${file}:4:3 reaper.max_concurrent: expected a number, got "abc"`,
      );
    });

    it('should report an unknown key with the allowed keys and a "did you mean"', async () => {
      const { error, file } = await loadError('reaper:\n  max_concurent: 3\n');

      expect(error.message).toBe(
        `${file}: 1 problem in fracta.yaml\n` +
          `  ${file}:2:3 reaper.max_concurent: unknown key "max_concurent" (allowed: max_concurrent, per_runtime, max_age, interval); did you mean "max_concurrent"?`,
      );
    });

    it('should report an unknown key without a suggestion when no allowed key is close', async () => {
      const { error } = await loadError('gateway:\n  colour: blue\n');

      expect(error.issues).toEqual([
        {
          path: 'gateway.colour',
          message: 'unknown key "colour" (allowed: url, listen, managed, tool_policy, agent_policies)',
          line: 2,
          column: 3,
        },
      ]);
    });

    it('should report an unknown runtime name under agents.agent_runtimes', async () => {
      const { error } = await loadError('agents:\n  agent_runtimes:\n    claud:\n      model: x\n');

      expect(error.issues).toEqual([
        {
          path: 'agents.agent_runtimes.claud',
          message: 'unknown key "claud" (allowed: claude, codex, opencode, command); did you mean "claude"?',
          line: 3,
          column: 5,
        },
      ]);
    });

    it('should report several problems at once, one line each, in file order', async () => {
      const { error, file } = await loadError(
        [
          'version: 2',
          'agents:',
          '  default_mode: strem',
          '  agent_runtimes:',
          '    codex:',
          '      args: [--fast, 1]',
          'runtime:',
          '  queue: { workers: -2 }',
          'reaper:',
          '  max_concurrent: -1',
          'mcp_servers:',
          '  fs:',
          '    transport: stdio',
          'observabilty: {}',
          '',
        ].join('\n'),
      );

      expect(error.message).toBe(
        [
          `${file}: 7 problems in fracta.yaml`,
          `  ${file}:1:1 version: expected 1, got 2`,
          `  ${file}:3:3 agents.default_mode: expected one of "batch", "stream", got "strem"; did you mean "stream"?`,
          `  ${file}:6:22 agents.agent_runtimes.codex.args[1]: expected a string, got 1 (quote it: "1")`,
          `  ${file}:8:12 runtime.queue.workers: must be at least 0, got -2`,
          `  ${file}:10:3 reaper.max_concurrent: must be at least 0, got -1`,
          `  ${file}:14:1 observabilty: unknown key "observabilty" (allowed: version, project, agents, runtime, gateway, control_plane_api, reaper, mcp_servers, graph, strategy, observability, auth); did you mean "observability"?`,
          `  ${file} mcp_servers.fs.command: required key "command" is missing; add it under mcp_servers.fs`,
        ].join('\n'),
      );
    });

    it('should report a YAML syntax error with its line', async () => {
      const { error, file } = await loadError('project:\n  name: [demo\nreaper: {}\n');

      expect(error.issues).toHaveLength(1);
      expect(error.issues[0]).toMatchObject({ path: '', line: 3, column: 1 });
      expect(error.issues[0]?.message).toMatch(/^YAML syntax error: /);
      expect(error.message.split('\n')[1]).toBe(`  ${file}:3:1 ${error.issues[0]?.message ?? ''}`);
    });

    it('should report a duplicate key by name', async () => {
      const { error } = await loadError('reaper: {}\ngateway: {}\nreaper: {}\n');

      expect(error.issues).toEqual([
        {
          path: '',
          message:
            'duplicate key "reaper"; a key may appear once per mapping, so remove or merge the repeats',
          line: 3,
          column: 1,
        },
      ]);
    });

    it('should reject a top level that is not a mapping', async () => {
      const { error } = await loadError('- project\n- runtime\n');

      expect(error.issues).toEqual([
        {
          path: '',
          message: 'the top level must be a mapping of keys such as "project:" and "runtime:", got a list',
          line: 1,
          column: 1,
        },
      ]);
    });

    it('should ask for a whole number', async () => {
      const { error } = await loadError('runtime:\n  queue:\n    workers: 1.5\n');

      expect(error.issues).toEqual([
        { path: 'runtime.queue.workers', message: 'expected a whole number, got 1.5', line: 3, column: 5 },
      ]);
    });

    it('should refuse a file larger than 1 MiB', async () => {
      const { error, file } = await loadError(`# ${'x'.repeat(1024 * 1024)}\n`);

      expect(error.code).toBe('CONFIG_INVALID');
      expect(error.message).toBe(
        `${file}: 1 problem in fracta.yaml\n  ${file} the file is 1048579 bytes, more than the 1048576 allowed; is this the right file?`,
      );
    });

    it('should say how to fix an empty value and a quoted number', async () => {
      const { error } = await loadError('gateway:\nstrategy:\n  pool_size: "3"\n');

      expect(error.issues.map(({ path, message }) => `${path}: ${message}`)).toEqual([
        'gateway: expected a mapping (key: value), got an empty value (give it a value, or remove the key)',
        'strategy.pool_size: expected a number, got "3" (remove the quotes)',
      ]);
    });

    it('should never echo a secret value', async () => {
      const { error } = await loadError(
        [
          'control_plane_api:',
          '  token: 1234567890123456789',
          'runtime:',
          '  state:',
          '    driver: postgres',
          '    url: mysql://fracta:hunter2@db/fracta',
          'agents:',
          '  agent_runtimes:',
          '    claude:',
          '      env:',
          '        ANTHROPIC_API_KEY: 42',
          '',
        ].join('\n'),
      );

      expect(error.message).not.toContain('hunter2');
      expect(error.message).not.toContain('1234567890123456789');
      expect(error.message).not.toContain('42');
      expect(error.issues.map(({ path, message }) => `${path}: ${message}`)).toEqual([
        'control_plane_api.token: expected a string, got a number (not shown: it may be a secret) (quote it)',
        'runtime.state.url: expected a URL starting with postgres:// or postgresql://, like "postgres://user:password@host:5432/fracta", got "mysql://fracta:***@db/fracta"',
        'agents.agent_runtimes.claude.env.ANTHROPIC_API_KEY: expected a string, got a number (not shown: it may be a secret) (quote it)',
      ]);
    });

    it('should ask for a longer control-plane token without showing it', async () => {
      const { error } = await loadError('control_plane_api:\n  token: tooshort\n');

      expect(error.issues).toEqual([
        {
          path: 'control_plane_api.token',
          message: 'must be at least 16 characters long, got 8 (generate one with "openssl rand -hex 32")',
          line: 2,
          column: 3,
        },
      ]);
    });
  });

  describe('durations', () => {
    it('should parse durations to milliseconds', async () => {
      const config = await load(
        'runtime:\n  queue:\n    lease_timeout: 90s\nreaper:\n  max_age: 1h30m\n  interval: 500ms\n',
      );

      expect(config.runtime.queue.lease_timeout).toBe(90_000);
      expect(config.reaper.max_age).toBe(5_400_000);
      expect(config.reaper.interval).toBe(500);
    });

    it('should allow a max_age of 0 but not an interval of 0', async () => {
      const { error } = await loadError('reaper:\n  max_age: "0"\n  interval: 0s\n');

      expect(error.issues).toEqual([
        {
          path: 'reaper.interval',
          message: 'must be longer than 0, got "0s" (e.g. "30s")',
          line: 3,
          column: 3,
        },
      ]);
    });

    it('should reject a duration without a unit, or in words', async () => {
      const { error } = await loadError('reaper:\n  max_age: 30\n  interval: 5 minutes\n');

      expect(error.issues.map(({ path, message }) => `${path}: ${message}`)).toEqual([
        'reaper.max_age: expected a duration, got 30 (add a unit, e.g. "30s" or "30m")',
        'reaper.interval: expected a duration, got "5 minutes" (write a number with a unit: ms, s, m, h or d, e.g. "500ms", "30s", "5m", "4h", "1h30m")',
      ]);
    });
  });

  describe('runtime.state', () => {
    it.each(['postgres://fracta:secret@db:5432/fracta', 'postgresql://db/fracta?sslmode=require'])(
      'should accept the postgres URL %s',
      async (url) => {
        const config = await load(`runtime:\n  state:\n    driver: postgres\n    url: ${url}\n`);

        expect(config.runtime.state).toEqual({ driver: 'postgres', url, pool_max: 10 });
      },
    );

    it.each([
      ['http://db/fracta', '"http://db/fracta"'],
      ['not a url', '"not a url"'],
      ['postgres://', '"postgres://"'],
    ])('should reject %s as a postgres URL', async (url, shown) => {
      const { error } = await loadError(`runtime:\n  state:\n    driver: postgres\n    url: "${url}"\n`);

      expect(error.issues).toEqual([
        {
          path: 'runtime.state.url',
          message: `expected a URL starting with postgres:// or postgresql://, like "postgres://user:password@host:5432/fracta", got ${shown}`,
          line: 4,
          column: 5,
        },
      ]);
    });

    it('should require a url for the postgres driver', async () => {
      const { error, file } = await loadError('runtime:\n  state:\n    driver: postgres\n');

      expect(error.message).toBe(
        `${file}: 1 problem in fracta.yaml\n  ${file} runtime.state.url: required key "url" is missing; add it under runtime.state`,
      );
    });

    it('should reject an unknown driver with a suggestion', async () => {
      const { error } = await loadError('runtime:\n  state:\n    driver: postgre\n');

      expect(error.issues).toEqual([
        {
          path: 'runtime.state.driver',
          message: 'expected one of "sqlite", "postgres", got "postgre"; did you mean "postgres"?',
          line: 3,
          column: 5,
        },
      ]);
    });
  });

  describe('cross-field rules', () => {
    it('should require postgres state for the postgres queue', async () => {
      const { error } = await loadError('runtime:\n  queue:\n    backend: postgres\n');

      expect(error.issues).toEqual([
        {
          path: 'runtime.queue.backend',
          message:
            'the postgres queue lives in the state database, so it needs runtime.state.driver: postgres (got sqlite); set runtime.state to postgres, or use queue backend "memory"',
          line: 3,
          column: 5,
        },
      ]);
    });

    it('should require postgres state for the kubernetes backend', async () => {
      const { error } = await loadError('runtime:\n  backend: kubernetes\n');

      expect(error.issues).toEqual([
        {
          path: 'runtime.backend',
          message:
            'the kubernetes backend needs runtime.state.driver: postgres (got sqlite), because Jobs in the cluster cannot reach a local SQLite file; set runtime.state to postgres with a url',
          line: 2,
          column: 3,
        },
      ]);
    });

    it('should accept kubernetes with a postgres state and queue', async () => {
      const config = await load(
        'runtime:\n  backend: kubernetes\n  state: { driver: postgres, url: "postgres://db/fracta" }\n  queue: { backend: postgres, workers: 8 }\n  kubernetes: { namespace: agents, image: fracta/agent:1 }\n',
      );

      expect(config.runtime.backend).toBe('kubernetes');
      expect(config.runtime.queue).toEqual({ backend: 'postgres', workers: 8, lease_timeout: 30_000 });
      expect(config.runtime.kubernetes).toEqual({
        namespace: 'agents',
        image: 'fracta/agent:1',
        job_ttl_seconds: 300,
      });
    });

    it('should require auth_profile to name a defined profile', async () => {
      const { error } = await loadError(
        'agents:\n  agent_runtimes:\n    claude:\n      auth_profile: bedrok\nauth:\n  credentials:\n    profiles:\n      bedrock:\n        env: { CLAUDE_CODE_USE_BEDROCK: "1" }\n',
      );

      expect(error.issues).toEqual([
        {
          path: 'agents.agent_runtimes.claude.auth_profile',
          message: 'unknown credential profile "bedrok" (defined: bedrock); did you mean "bedrock"?',
          line: 4,
          column: 7,
        },
      ]);
    });

    it('should say so when no profile is defined at all', async () => {
      const { error } = await loadError(
        'agents:\n  agent_runtimes:\n    codex:\n      auth_profile: openai\n',
      );

      expect(error.issues[0]?.message).toBe(
        'unknown credential profile "openai" (none are defined under auth.credentials.profiles); add it under auth.credentials.profiles',
      );
    });

    it('should accept an auth_profile that names a defined profile', async () => {
      const config = await load(
        'agents:\n  agent_runtimes:\n    codex:\n      auth_profile: openai\nauth:\n  credentials:\n    profiles:\n      openai:\n        require_env: [OPENAI_API_KEY]\n        forbid_env: [CODEX_SIMPLE]\n        helper: fetch-key\n',
      );

      expect(config.auth.credentials.profiles).toEqual({
        openai: {
          env: {},
          require_env: ['OPENAI_API_KEY'],
          forbid_env: ['CODEX_SIMPLE'],
          helper: 'fetch-key',
        },
      });
    });

    it('should reject a variable that a profile both requires and forbids', async () => {
      const { error } = await loadError(
        'auth:\n  credentials:\n    profiles:\n      p:\n        require_env: [A]\n        forbid_env: [A]\n',
      );

      expect(error.issues).toEqual([
        {
          path: 'auth.credentials.profiles.p.forbid_env',
          message: 'A is both required (require_env) and forbidden (forbid_env); remove it from one of them',
          line: 6,
          column: 9,
        },
      ]);
    });

    it('should require graph.url for the falkordb backend', async () => {
      const { error } = await loadError('graph:\n  backend: falkordb\n');

      expect(error.issues[0]).toMatchObject({
        path: 'graph.backend',
        message:
          'the falkordb backend needs graph.url (e.g. "redis://127.0.0.1:6379"); add it, or use backend "embedded"',
      });
    });
  });

  describe('mcp_servers', () => {
    it('should reject a server name that is not a valid name', async () => {
      const { error } = await loadError('mcp_servers:\n  "-files":\n    transport: stdio\n    command: x\n');

      expect(error.issues).toEqual([
        {
          path: 'mcp_servers.-files',
          message:
            'invalid name "-files": use 1 to 64 letters, digits, "_" or "-", starting with a letter or digit',
          line: 2,
          column: 3,
        },
      ]);
    });

    it('should reject an unknown transport and a missing transport', async () => {
      const { error } = await loadError(
        'mcp_servers:\n  gh:\n    transport: htp\n    url: https://x\n  fs:\n    command: x\n',
      );

      expect(error.issues.map(({ path, message }) => `${path}: ${message}`)).toEqual([
        'mcp_servers.gh.transport: expected one of "stdio", "streamable-http", "sse", got "htp"',
        'mcp_servers.fs.transport: required key "transport" is missing; set it to one of "stdio", "streamable-http", "sse"',
      ]);
    });

    it('should reject keys that belong to the other transport', async () => {
      const { error } = await loadError(
        'mcp_servers:\n  gh:\n    transport: sse\n    url: https://x.example\n    command: gh-mcp\n',
      );

      expect(error.issues).toEqual([
        {
          path: 'mcp_servers.gh.command',
          message: 'unknown key "command" (allowed: transport, url, headers, tool_policy)',
          line: 5,
          column: 5,
        },
      ]);
    });
  });

  describe('listen addresses', () => {
    it('should reject a listen address without a host', async () => {
      const { error } = await loadError('gateway:\n  listen: ":8080"\n');

      expect(error.issues[0]?.message).toBe(
        'expected host:port like "127.0.0.1:8080", got ":8080" (write "0.0.0.0:<port>" to listen on every interface)',
      );
    });

    it('should accept IPv6 and host names', async () => {
      const config = await load(
        'gateway:\n  listen: "[::1]:8080"\ncontrol_plane_api:\n  listen: controlplane:9090\n',
      );

      expect(config.gateway.listen).toBe('[::1]:8080');
      expect(config.control_plane_api.listen).toBe('controlplane:9090');
    });
  });

  describe('interpolation', () => {
    it('should expand variables, defaults and escapes in string values', async () => {
      const config = await load(
        [
          'gateway:',
          '  url: http://${GATEWAY_HOST}:${GATEWAY_PORT:-8080}',
          'agents:',
          '  agent_runtimes:',
          '    command:',
          '      args: ["--home=$${HOME}", "${MISSING_BUT_DEFAULTED:-fallback}", "${EMPTY:-used when empty}"]',
          '',
        ].join('\n'),
        { GATEWAY_HOST: 'gw.local', EMPTY: '' },
      );

      expect(config.gateway.url).toBe('http://gw.local:8080');
      expect(config.agents.agent_runtimes.command?.args).toEqual([
        '--home=${HOME}',
        'fallback',
        'used when empty',
      ]);
    });

    it('should report an unset variable without a default, with its key path and line', async () => {
      const { error, file } = await loadError('control_plane_api:\n  token: ${FRACTA_TOKEN}\n');

      expect(error.message).toBe(
        `${file}: 1 problem in fracta.yaml\n` +
          `  ${file}:2:3 control_plane_api.token: environment variable FRACTA_TOKEN is not set (set it, or write \${FRACTA_TOKEN:-default})`,
      );
    });

    it('should report every unset variable along with other problems', async () => {
      const { error } = await loadError(
        'gateway:\n  url: ${GW}/${PATH_PART}\nreaper:\n  max_concurrent: x\n',
        { PATH_PART: 'mcp' },
      );

      expect(error.issues.map(({ path, message }) => `${path}: ${message}`)).toEqual([
        'gateway.url: environment variable GW is not set (set it, or write ${GW:-default})',
        'reaper.max_concurrent: expected a number, got "x"',
      ]);
    });

    it('should type a plain value that is a single reference like YAML would', async () => {
      const config = await load(
        'runtime:\n  queue:\n    workers: ${WORKERS:-3}\nobservability:\n  metrics: ${METRICS}\n',
        { METRICS: 'false' },
      );

      expect(config.runtime.queue.workers).toBe(3);
      expect(config.observability.metrics).toBe(false);
    });

    it('should keep a quoted reference a string', async () => {
      const { error } = await loadError('runtime:\n  queue:\n    workers: "${WORKERS}"\n', { WORKERS: '3' });

      expect(error.issues[0]?.message).toBe('expected a number, got "3" (remove the quotes)');
    });

    it('should treat a key whose whole value expands to nothing as absent', async () => {
      const config = await load(
        'agents:\n  agent_runtimes:\n    claude:\n      model: ${CLAUDE_MODEL:-}\ngateway:\n  listen: ${LISTEN:-}\n',
      );

      expect(config.agents.agent_runtimes.claude).toEqual({
        args: [],
        env: {},
        allowed_tools: [],
        tool_policy: { allow: [], deny: [] },
      });
      expect(config.gateway.listen).toBe('127.0.0.1:8080');
    });

    it('should not let a variable add YAML structure', async () => {
      const config = await load('project:\n  default_base_branch: ${BRANCH}\n', {
        BRANCH: 'main\nreaper:\n  max_concurrent: 99',
      });

      expect(config.project.default_base_branch).toBe('main\nreaper:\n  max_concurrent: 99');
      expect(config.reaper.max_concurrent).toBe(4);
    });

    it('should report a malformed reference', async () => {
      const { error } = await loadError('project:\n  name: ${1BAD}\n  default_base_branch: ${OPEN\n');

      expect(error.issues.map(({ path, message }) => `${path}: ${message}`)).toEqual([
        'project.name: invalid reference "${1BAD}": write ${NAME} or ${NAME:-default}, or "$${" for a literal "${"',
        'project.default_base_branch: unterminated "${" (close it with "}", or write "$${" for a literal "${")',
      ]);
    });

    it('should not interpolate keys', async () => {
      const { error } = await loadError('${SECTION}: {}\n', { SECTION: 'reaper' });

      expect(error.issues[0]?.path).toBe('["${SECTION}"]');
    });
  });
});

describe(parseConfigText.name, () => {
  it('should validate text without touching the filesystem', () => {
    const config = parseConfigText('strategy:\n  pool_size: 2\n', {
      file: 'inline.yaml',
      env: {},
      projectName: 'inline',
    });

    expect(config.strategy).toEqual({ dir: 'strategies', pool_size: 2 });
    expect(config.project.name).toBe('inline');
  });

  it('should name the file in its report', () => {
    expect(() =>
      parseConfigText('strategy: 3\n', { file: 'x/prod.yaml', env: {}, projectName: 'p' }),
    ).toThrow(
      'x/prod.yaml: 1 problem in prod.yaml\n  x/prod.yaml:1:1 strategy: expected a mapping (key: value), got 3',
    );
  });
});
