/**
 * The real control plane, built in this process exactly as apps/controlplane/test/e2e/harness.ts
 * builds it (createApp + createAdapters, SQLite file state, silent logger) in a temp git repo,
 * listening on 127.0.0.1:<free port>. The app is imported from its build (apps/controlplane/dist).
 */
import 'reflect-metadata';

import { mkdir, mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { defaultFractaConfig, type FractaConfig } from '@fracta/config';
import { createPinoLogger, toPino } from '@fracta/logger';
import { openStore, type StateStore } from '@fracta/store-typeorm';
import type { FastifyInstance } from 'fastify';

import { createAdapters } from '../../../apps/controlplane/dist/adapters.js';
import { toAppConfig } from '../../../apps/controlplane/dist/config.js';
import { createApp } from '../../../apps/controlplane/dist/http/create-app.js';
import { SystemClock, TimestampIdGenerator } from '../../../apps/controlplane/dist/system.js';

import { GIT_IDENTITY, makeRepo } from './git.js';

export const TOKEN = 'bench-token-0123456789abcdef0123456789abcdef';

export interface ControlPlane {
  readonly url: string;
  /** The project: a git repository with one commit on `main`. */
  readonly dir: string;
  readonly store: StateStore;
  /** The environment the control plane runs git and agents with (as the harness passes it). */
  readonly hostEnv: Readonly<Record<string, string>>;
  /** The Fastify instance the app runs on (for inject(): the whole pipeline without sockets). */
  readonly fastify: FastifyInstance;
  close(): Promise<void>;
}

export async function startControlPlane(
  configure: (config: FractaConfig) => FractaConfig = (config) => config,
): Promise<ControlPlane> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), 'fracta-bench-')));
  try {
    await makeRepo(dir);
    await mkdir(join(dir, '.fracta'), { recursive: true });
    const defaults = defaultFractaConfig('bench');
    const fracta = configure({ ...defaults, control_plane_api: { listen: '127.0.0.1:0' } });
    const hostEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, ...GIT_IDENTITY };
    const config = toAppConfig({ fracta, projectRoot: dir, token: TOKEN, env: hostEnv });
    const store = await openStore(config.store);
    const clock = new SystemClock();
    const logger = createPinoLogger({ level: 'silent' });
    const app = await createApp({
      config,
      store,
      clock,
      ids: new TimestampIdGenerator(clock),
      logger,
      ...createAdapters(config, clock, logger),
      pino: toPino(logger),
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address: unknown = app.getHttpServer().address();
    if (address === null || typeof address !== 'object' || !('port' in address))
      throw new Error('no address');
    return {
      url: `http://127.0.0.1:${String(address.port)}`,
      dir,
      store,
      hostEnv,
      fastify: app.getHttpAdapter().getInstance(),
      close: async () => {
        await app.close();
        await store.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
