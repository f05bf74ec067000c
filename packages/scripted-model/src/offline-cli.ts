import { mkdir, writeFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';

import { ScriptedModelError } from './scripted-model.errors.js';

/** The agent CLIs the scripted model can drive. */
export type AgentCli = 'claude' | 'codex' | 'opencode';

/** Where a CLI finds the scripted model. */
export interface ModelEndpoint {
  readonly url: string;
  readonly anthropicBaseUrl: string;
  readonly openaiBaseUrl: string;
}

/** What a test needs to run one CLI offline against a scripted model. */
export interface OfflineCliSetup {
  /**
   * Environment for the CLI: HOME, TMPDIR and the XDG directories inside the given home, the model
   * endpoint, and the switches that keep the CLI off the network. Add PATH (codex's launcher is a
   * Node script) and nothing else from the host environment.
   */
  readonly env: Readonly<Record<string, string>>;
  /** The model name to pass with `--model` (opencode's is `provider/model`). */
  readonly model: string;
}

/** Not a secret: the scripted model accepts any key. */
const FAKE_API_KEY = 'scripted-model-key-not-a-secret';
const PROVIDER_ID = 'scripted';
const MODEL_ID = 'scripted-model';

function homeEnv(home: string): Record<string, string> {
  return {
    HOME: home,
    TMPDIR: tempDir(home),
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    XDG_CACHE_HOME: join(home, '.cache'),
    XDG_STATE_HOME: join(home, '.local', 'state'),
  };
}

function tempDir(home: string): string {
  return join(home, 'tmp');
}

function tomlString(value: string): string {
  return JSON.stringify(value);
}

/**
 * Prepares `home` (an empty temp directory the test owns) for one CLI and returns the env that
 * points it at `endpoint`, fully offline. Every CLI gets HOME, the XDG directories and TMPDIR
 * (`<home>/tmp`, created) inside `home`, so nothing lands in the real home or in /tmp:
 * - claude: `ANTHROPIC_BASE_URL` + a dummy `ANTHROPIC_API_KEY`, `CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1`,
 *   `ENABLE_TOOL_SEARCH=false` (else MCP tools are deferred and not offered), `CLAUDE_CODE_MAX_RETRIES=0`.
 * - codex: writes `<home>/.codex/config.toml` with a `scripted` model provider (`wire_api = "responses"`,
 *   retries off) and sets `CODEX_HOME`.
 * - opencode: `OPENCODE_CONFIG_CONTENT` with a `scripted` provider on `@ai-sdk/openai-compatible` (bundled),
 *   models.dev fetch and autoupdate off, and npm pointed at the scripted model (which answers 404), so
 *   the plugin check does not reach a registry.
 */
export async function prepareOfflineCli(
  cli: AgentCli,
  endpoint: ModelEndpoint,
  options: { readonly home: string },
): Promise<OfflineCliSetup> {
  if (!isAbsolute(options.home)) {
    throw new ScriptedModelError(
      'SCRIPTED_MODEL_OPTIONS_INVALID',
      `home must be an absolute path (a temp directory the test owns), got "${options.home}"`,
    );
  }
  const base = homeEnv(options.home);
  // The CLIs leave files in the temp dir on every run (opencode's Bun runtime a 5 MB native
  // library, claude its socket and fswatch probes, codex its daemon and sandbox locks).
  await mkdir(tempDir(options.home), { recursive: true });
  switch (cli) {
    case 'claude':
      return {
        model: 'claude-scripted',
        env: {
          ...base,
          ANTHROPIC_BASE_URL: endpoint.anthropicBaseUrl,
          ANTHROPIC_API_KEY: FAKE_API_KEY,
          CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
          ENABLE_TOOL_SEARCH: 'false',
          CLAUDE_CODE_MAX_RETRIES: '0',
          DISABLE_AUTOUPDATER: '1',
        },
      };
    case 'codex': {
      const codexHome = join(options.home, '.codex');
      await mkdir(codexHome, { recursive: true });
      const config = [
        `model = ${tomlString(MODEL_ID)}`,
        `model_provider = ${tomlString(PROVIDER_ID)}`,
        '',
        `[model_providers.${PROVIDER_ID}]`,
        `name = ${tomlString(PROVIDER_ID)}`,
        `base_url = ${tomlString(endpoint.openaiBaseUrl)}`,
        'env_key = "SCRIPTED_MODEL_API_KEY"',
        'wire_api = "responses"',
        'request_max_retries = 0',
        'stream_max_retries = 0',
        '',
      ].join('\n');
      await writeFile(join(codexHome, 'config.toml'), config, { mode: 0o600 });
      return {
        model: MODEL_ID,
        env: { ...base, CODEX_HOME: codexHome, SCRIPTED_MODEL_API_KEY: FAKE_API_KEY },
      };
    }
    case 'opencode': {
      const config = {
        $schema: 'https://opencode.ai/config.json',
        provider: {
          [PROVIDER_ID]: {
            npm: '@ai-sdk/openai-compatible',
            name: 'Scripted model',
            options: { baseURL: endpoint.openaiBaseUrl, apiKey: FAKE_API_KEY },
            models: { [MODEL_ID]: { name: MODEL_ID } },
          },
        },
        model: `${PROVIDER_ID}/${MODEL_ID}`,
        small_model: `${PROVIDER_ID}/${MODEL_ID}`,
        autoupdate: false,
        share: 'disabled',
      };
      return {
        model: `${PROVIDER_ID}/${MODEL_ID}`,
        env: {
          ...base,
          OPENCODE_CONFIG_CONTENT: JSON.stringify(config),
          OPENCODE_DISABLE_MODELS_FETCH: '1',
          OPENCODE_DISABLE_AUTOUPDATE: '1',
          OPENCODE_DISABLE_LSP_DOWNLOAD: '1',
          OPENCODE_DISABLE_SHARE: '1',
          OPENCODE_DISABLE_CLAUDE_CODE: '1',
          npm_config_registry: `${endpoint.url}/npm-registry/`,
        },
      };
    }
  }
}
