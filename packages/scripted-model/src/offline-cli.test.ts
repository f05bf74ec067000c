import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { prepareOfflineCli } from './offline-cli.js';

const endpoint = {
  url: 'http://127.0.0.1:4100',
  anthropicBaseUrl: 'http://127.0.0.1:4100',
  openaiBaseUrl: 'http://127.0.0.1:4100/v1',
};

describe(prepareOfflineCli.name, () => {
  let home: string;

  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'fracta-sm-offline-'));
  });

  afterEach(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it.each(['claude', 'codex', 'opencode'] as const)(
    'should keep %s inside the given home: HOME, TMPDIR (created) and the XDG directories',
    async (cli) => {
      const { env } = await prepareOfflineCli(cli, endpoint, { home });

      expect(env).toMatchObject({
        HOME: home,
        TMPDIR: join(home, 'tmp'),
        XDG_CONFIG_HOME: join(home, '.config'),
        XDG_DATA_HOME: join(home, '.local', 'share'),
        XDG_CACHE_HOME: join(home, '.cache'),
        XDG_STATE_HOME: join(home, '.local', 'state'),
      });
      expect((await stat(join(home, 'tmp'))).isDirectory()).toBe(true);
      expect(env).not.toHaveProperty('PATH');
    },
  );

  it('should point claude at the Anthropic base URL with a dummy key, retries and side traffic off', async () => {
    const setup = await prepareOfflineCli('claude', endpoint, { home });

    expect(setup.model).toBe('claude-scripted');
    expect(setup.env).toMatchObject({
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:4100',
      ANTHROPIC_API_KEY: expect.any(String),
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      ENABLE_TOOL_SEARCH: 'false',
      CLAUDE_CODE_MAX_RETRIES: '0',
    });
  });

  it('should write a codex config.toml with a scripted Responses API provider and no retries', async () => {
    const setup = await prepareOfflineCli('codex', endpoint, { home });

    const codexHome = join(home, '.codex');
    expect(setup.env).toMatchObject({ CODEX_HOME: codexHome, SCRIPTED_MODEL_API_KEY: expect.any(String) });
    expect(setup.model).toBe('scripted-model');
    const config = await readFile(join(codexHome, 'config.toml'), 'utf8');
    expect(config).toBe(
      [
        'model = "scripted-model"',
        'model_provider = "scripted"',
        '',
        '[model_providers.scripted]',
        'name = "scripted"',
        'base_url = "http://127.0.0.1:4100/v1"',
        'env_key = "SCRIPTED_MODEL_API_KEY"',
        'wire_api = "responses"',
        'request_max_retries = 0',
        'stream_max_retries = 0',
        '',
      ].join('\n'),
    );
    expect((await stat(join(codexHome, 'config.toml'))).mode & 0o777).toBe(0o600);
  });

  it('should give opencode an inline config with the scripted provider, and keep npm off the registry', async () => {
    const setup = await prepareOfflineCli('opencode', endpoint, { home });

    expect(setup.model).toBe('scripted/scripted-model');
    const config = JSON.parse(setup.env.OPENCODE_CONFIG_CONTENT ?? '{}') as Record<string, unknown>;
    expect(config).toMatchObject({
      model: 'scripted/scripted-model',
      small_model: 'scripted/scripted-model',
      autoupdate: false,
      provider: {
        scripted: {
          npm: '@ai-sdk/openai-compatible',
          options: { baseURL: 'http://127.0.0.1:4100/v1' },
          models: { 'scripted-model': {} },
        },
      },
    });
    expect(setup.env).toMatchObject({
      OPENCODE_DISABLE_MODELS_FETCH: '1',
      OPENCODE_DISABLE_AUTOUPDATE: '1',
      npm_config_registry: 'http://127.0.0.1:4100/npm-registry/',
    });
  });

  it('should refuse a relative home, which would land in the working directory', async () => {
    await expect(prepareOfflineCli('codex', endpoint, { home: 'tmp/home' })).rejects.toMatchObject({
      code: 'SCRIPTED_MODEL_OPTIONS_INVALID',
      message: 'home must be an absolute path (a temp directory the test owns), got "tmp/home"',
    });
  });
});
