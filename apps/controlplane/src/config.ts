/**
 * The control plane's configuration: fracta.yaml (nearest ancestor, or FRACTA_CONFIG) plus the
 * environment, resolved once in main.ts into a frozen AppConfig that is injected by type.
 */
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';

import { parseListenAddress, type AgentRuntimeConfig, type FractaConfig } from '@fracta/config';
import type { AgentMode, Runtime } from '@fracta/domain';
import type { StoreOptions } from '@fracta/store-typeorm';

/** One runtime's settings from agents.agent_runtimes, with the defaults filled in. */
export interface RuntimeSettings {
  readonly command: string | null;
  readonly args: readonly string[];
  readonly model: string | null;
  readonly env: Readonly<Record<string, string>>;
  /** project.allowed_tools ∪ the runtime's own. */
  readonly allowedTools: readonly string[];
}

export abstract class AppConfig {
  abstract readonly projectRoot: string;
  abstract readonly project: string;
  abstract readonly http: { readonly host: string; readonly port: number; readonly bodyLimitBytes: number };
  /** Bearer token every /api/v1 request must carry. */
  abstract readonly token: string;
  abstract readonly store: StoreOptions;
  abstract readonly reaper: {
    /** 0 = unlimited. */
    readonly maxConcurrent: number;
    /** Per-runtime caps (0 or absent = no cap of its own). */
    readonly perRuntime: Readonly<Partial<Record<Runtime, number>>>;
    readonly maxAgeMs: number;
    readonly intervalMs: number;
  };
  abstract readonly agents: {
    readonly defaultRuntime: Runtime;
    readonly defaultMode: AgentMode;
    readonly runtimes: Readonly<Record<Runtime, RuntimeSettings>>;
  };
  abstract readonly workspace: {
    readonly kind: 'git-worktree' | 'directory';
    /** Relative to the project root (git worktrees), or absolute. */
    readonly root: string;
    readonly setup: {
      readonly copy: readonly string[];
      readonly command: readonly string[];
      readonly timeoutMs: number;
    };
  };
  /** Absolute directories the control plane writes to. */
  abstract readonly paths: {
    readonly runsRoot: string;
    /** Exit records of agent processes (restart recovery). */
    readonly procDir: string;
  };
  abstract readonly stopGraceMs: number;
  /** The MCP gateway agents are pointed at (FRACTA_GATEWAY_URL is `<url>/agents/<name>/mcp`). */
  abstract readonly gateway: { readonly url: string };
  /**
   * The control plane's own environment: agents get an allow-listed part of it (never all), and
   * git runs with it so the user's identity applies.
   */
  abstract readonly hostEnv: Readonly<Record<string, string>>;
  abstract readonly log: { readonly level: FractaConfig['observability']['log_level'] };
  abstract readonly fracta: FractaConfig;
}

export const TOKEN_FILE = '.fracta/controlplane.token';

const resolveIn = (root: string, path: string) => (isAbsolute(path) ? path : join(root, path));

/** Reads the local token file, creating it (mode 0600) with a fresh random token when absent. */
export async function loadOrCreateToken(projectRoot: string, random: () => string): Promise<string> {
  const file = join(projectRoot, TOKEN_FILE);
  try {
    const existing = (await readFile(file, 'utf8')).trim();
    if (existing.length >= 32) return existing;
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOENT') throw error;
  }
  await mkdir(join(projectRoot, '.fracta'), { recursive: true, mode: 0o700 });
  const token = random();
  await writeFile(file, `${token}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return token;
}

function runtimeSettings(fracta: FractaConfig, runtime: Runtime): RuntimeSettings {
  const own: AgentRuntimeConfig | undefined = fracta.agents.agent_runtimes[runtime];
  return Object.freeze({
    command: own?.command ?? null,
    args: Object.freeze([...(own?.args ?? [])]),
    model: own?.model ?? null,
    env: Object.freeze({ ...(own?.env ?? {}) }),
    allowedTools: Object.freeze([
      ...new Set([...fracta.project.allowed_tools, ...(own?.allowed_tools ?? [])]),
    ]),
  });
}

function gatewayUrl(fracta: FractaConfig): string {
  if (fracta.gateway.url !== undefined) return fracta.gateway.url.replace(/\/+$/, '');
  const listen = parseListenAddress(fracta.gateway.listen) ?? { host: '127.0.0.1', port: 8080 };
  const host = listen.host === '0.0.0.0' || listen.host === '::' ? '127.0.0.1' : listen.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${listen.port}`;
}

function envOf(
  env: NodeJS.ProcessEnv | Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) out[key] = value;
  return out;
}

export function toAppConfig(params: {
  fracta: FractaConfig;
  projectRoot: string;
  token: string;
  env?: Readonly<Record<string, string | undefined>>;
}): AppConfig {
  const { fracta, projectRoot, token } = params;
  const listen = parseListenAddress(fracta.control_plane_api.listen);
  if (!listen)
    throw new Error(`control_plane_api.listen is not host:port: ${fracta.control_plane_api.listen}`);
  const state = fracta.runtime.state;
  const store: StoreOptions =
    state.driver === 'postgres'
      ? { kind: 'postgres', url: state.url, poolMax: state.pool_max }
      : { kind: 'sqlite', path: resolveIn(projectRoot, state.path) };
  return Object.freeze({
    projectRoot,
    project: fracta.project.name,
    http: Object.freeze({ host: listen.host, port: listen.port, bodyLimitBytes: 1024 * 1024 }),
    token,
    store,
    reaper: Object.freeze({
      maxConcurrent: fracta.reaper.max_concurrent,
      perRuntime: Object.freeze({ ...fracta.reaper.per_runtime }),
      maxAgeMs: fracta.reaper.max_age,
      intervalMs: fracta.reaper.interval,
    }),
    agents: Object.freeze({
      defaultRuntime: fracta.agents.default_runtime,
      defaultMode: fracta.agents.default_mode,
      runtimes: Object.freeze({
        claude: runtimeSettings(fracta, 'claude'),
        codex: runtimeSettings(fracta, 'codex'),
        opencode: runtimeSettings(fracta, 'opencode'),
        command: runtimeSettings(fracta, 'command'),
      }),
    }),
    workspace: Object.freeze({
      kind: fracta.runtime.workspace_kind,
      root: fracta.runtime.workspace_root,
      setup: Object.freeze({
        copy: Object.freeze([...fracta.runtime.workspace_setup.copy]),
        command: Object.freeze([...fracta.runtime.workspace_setup.command]),
        timeoutMs: fracta.runtime.workspace_setup.timeout,
      }),
    }),
    paths: Object.freeze({
      runsRoot: resolveIn(projectRoot, fracta.runtime.runs_root),
      procDir: join(projectRoot, '.fracta', 'proc'),
    }),
    stopGraceMs: fracta.runtime.stop_grace,
    gateway: Object.freeze({ url: gatewayUrl(fracta) }),
    hostEnv: Object.freeze(envOf(params.env ?? {})),
    log: Object.freeze({ level: fracta.observability.log_level }),
    fracta,
  });
}
