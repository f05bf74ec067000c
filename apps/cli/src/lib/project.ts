/**
 * Where the control plane of this project is and how to talk to it: fracta.yaml (nearest
 * ancestor) gives the URL (control_plane_api.url for a shared one, else the local listen address),
 * the token comes from FRACTA_TOKEN, the config, or the local token file.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { ControlPlaneClient } from '@fracta/api-contract';
import { loadConfig, parseListenAddress, type FractaConfig } from '@fracta/config';

export interface Project {
  readonly root: string;
  readonly config: FractaConfig;
  readonly configPath: string | undefined;
  readonly baseUrl: string;
  /** True when the control plane is this machine's to start (no control_plane_api.url). */
  readonly local: boolean;
  readonly tokenFile: string;
  readonly pidFile: string;
  readonly logFile: string;
}

export async function loadProject(cwd: string, env: NodeJS.ProcessEnv): Promise<Project> {
  const loaded = await loadConfig({ cwd, env, path: env.FRACTA_CONFIG });
  const api = loaded.config.control_plane_api;
  const listen = parseListenAddress(api.listen) ?? { host: '127.0.0.1', port: 9090 };
  const host = listen.host === '0.0.0.0' ? '127.0.0.1' : listen.host === '::' ? '[::1]' : listen.host;
  return {
    root: loaded.projectRoot,
    config: loaded.config,
    configPath: loaded.path,
    baseUrl:
      api.url ?? `http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${listen.port}`,
    local: api.url === undefined,
    tokenFile: join(loaded.projectRoot, '.fracta', 'controlplane.token'),
    pidFile: join(loaded.projectRoot, '.fracta', 'controlplane.pid'),
    logFile: join(loaded.projectRoot, '.fracta', 'logs', 'controlplane.log'),
  };
}

export async function tokenFor(project: Project, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  if (env.FRACTA_TOKEN) return env.FRACTA_TOKEN;
  if (project.config.control_plane_api.token) return project.config.control_plane_api.token;
  try {
    return (await readFile(project.tokenFile, 'utf8')).trim();
  } catch {
    return undefined;
  }
}

export async function clientFor(
  project: Project,
  env: NodeJS.ProcessEnv,
  options: { readonly timeoutMs?: number } = {},
): Promise<ControlPlaneClient> {
  return new ControlPlaneClient({
    baseUrl: project.baseUrl,
    token: (await tokenFor(project, env)) ?? '',
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
}
