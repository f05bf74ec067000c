/**
 * The control plane's configuration: fracta.yaml (nearest ancestor, or FRACTA_CONFIG) plus the
 * environment, resolved once in main.ts into a frozen AppConfig that is injected by type.
 */
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';

import { parseListenAddress, type FractaConfig } from '@fracta/config';
import type { StoreOptions } from '@fracta/store-typeorm';

export abstract class AppConfig {
  abstract readonly projectRoot: string;
  abstract readonly project: string;
  abstract readonly http: { readonly host: string; readonly port: number; readonly bodyLimitBytes: number };
  /** Bearer token every /api/v1 request must carry. */
  abstract readonly token: string;
  abstract readonly store: StoreOptions;
  abstract readonly reaper: {
    readonly maxConcurrent: number;
    readonly maxAgeMs: number;
    readonly intervalMs: number;
  };
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

export function toAppConfig(params: { fracta: FractaConfig; projectRoot: string; token: string }): AppConfig {
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
      maxAgeMs: fracta.reaper.max_age,
      intervalMs: fracta.reaper.interval,
    }),
    log: Object.freeze({ level: fracta.observability.log_level }),
    fracta,
  });
}
