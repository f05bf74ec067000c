import 'reflect-metadata';

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { defaultFractaConfig, type StateConfig } from '@fracta/config';
import { createPinoLogger, toPino } from '@fracta/logger';
import { openStore, type StateStore } from '@fracta/store-typeorm';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import { toAppConfig } from '../../src/config.js';
import { createApp } from '../../src/http/create-app.js';
import { SystemClock, TimestampIdGenerator } from '../../src/system.js';

export const TOKEN = 'test-token-0123456789abcdef0123456789abcdef';

export interface Harness {
  readonly url: string;
  readonly store: StateStore;
  readonly app: NestFastifyApplication;
  readonly dir: string;
  /** fetch against the app with the bearer token (unless headers override it). */
  call(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

export async function startControlPlane(options: { state?: StateConfig } = {}): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'fracta-cp-'));
  const defaults = defaultFractaConfig('e2e');
  const fracta = {
    ...defaults,
    control_plane_api: { listen: '127.0.0.1:0' },
    runtime: { ...defaults.runtime, state: options.state ?? defaults.runtime.state },
  };
  const config = toAppConfig({ fracta, projectRoot: dir, token: TOKEN });
  const store = await openStore(config.store);
  const clock = new SystemClock();
  const app = await createApp({
    config,
    store,
    clock,
    ids: new TimestampIdGenerator(clock),
    pino: toPino(createPinoLogger({ level: 'silent' })),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.getHttpServer().address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  const url = `http://127.0.0.1:${address.port}`;
  return {
    url,
    store,
    app,
    dir,
    call: (path, init = {}) =>
      fetch(`${url}${path}`, {
        ...init,
        headers: {
          authorization: `Bearer ${TOKEN}`,
          ...(init.headers as Record<string, string> | undefined),
        },
      }),
    close: async () => {
      await app.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
