import 'reflect-metadata';

import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { defaultFractaConfig, type FractaConfig, type StateConfig } from '@fracta/config';
import { createPinoLogger, toPino } from '@fracta/logger';
import { openStore, type StateStore } from '@fracta/store-typeorm';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import { createAdapters } from '../../src/adapters.js';
import { toAppConfig } from '../../src/config.js';
import { createApp } from '../../src/http/create-app.js';
import { SystemClock, TimestampIdGenerator } from '../../src/system.js';

export const TOKEN = 'test-token-0123456789abcdef0123456789abcdef';

export interface Harness {
  readonly url: string;
  readonly store: StateStore;
  readonly app: NestFastifyApplication;
  /** The project: a git repository with one commit on `main` (unless `git: false`). */
  readonly dir: string;
  /** fetch against the app with the bearer token (unless headers override it). */
  call(path: string, init?: RequestInit): Promise<Response>;
  /** JSON request with the token; returns status and parsed body. */
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the test names the body type it expects
  json<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  readonly state?: StateConfig;
  /** Start in a git repository (default) or a plain directory. */
  readonly git?: boolean;
  /** Changes to the default fracta.yaml (after defaults). */
  readonly configure?: (config: FractaConfig) => FractaConfig;
  /** Environment the control plane passes on (allow-listed) to agents. */
  readonly env?: Record<string, string>;
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...GIT_IDENTITY },
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

export const GIT_IDENTITY = {
  GIT_AUTHOR_NAME: 'fracta test',
  GIT_AUTHOR_EMAIL: 'test@fracta.invalid',
  GIT_COMMITTER_NAME: 'fracta test',
  GIT_COMMITTER_EMAIL: 'test@fracta.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
};

export async function makeRepo(dir: string): Promise<void> {
  git(dir, 'init', '-q', '-b', 'main');
  await writeFile(join(dir, 'README.md'), '# test project\n');
  await writeFile(join(dir, '.gitignore'), '.fracta/\n.worktrees/\n');
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'initial');
}

export async function startControlPlane(options: HarnessOptions = {}): Promise<Harness> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), 'fracta-cp-')));
  if (options.git !== false) await makeRepo(dir);
  await mkdir(join(dir, '.fracta'), { recursive: true });
  const defaults = defaultFractaConfig('e2e');
  const base: FractaConfig = {
    ...defaults,
    control_plane_api: { listen: '127.0.0.1:0' },
    runtime: { ...defaults.runtime, state: options.state ?? defaults.runtime.state },
  };
  const fracta = options.configure ? options.configure(base) : base;
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: dir,
    ...GIT_IDENTITY,
    ...(options.env ?? {}),
  };
  const config = toAppConfig({ fracta, projectRoot: dir, token: TOKEN, env });
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
  const address = app.getHttpServer().address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  const url = `http://127.0.0.1:${address.port}`;
  const call = (path: string, init: RequestInit = {}) =>
    fetch(`${url}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${TOKEN}`,
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(init.headers as Record<string, string> | undefined),
      },
    });
  return {
    url,
    store,
    app,
    dir,
    call,
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- as above
    json: async <T>(method: string, path: string, body?: unknown) => {
      const response = await call(path, {
        method,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: (text === '' ? null : JSON.parse(text)) as T };
    },
    close: async () => {
      await app.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
