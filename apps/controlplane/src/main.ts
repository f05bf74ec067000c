#!/usr/bin/env node
/**
 * Composition root: fracta.yaml → token → state store → adapters (process backend, workspaces,
 * run records, queue) → HTTP server (and, in local mode, the gateway child), with an orderly
 * shutdown on SIGTERM/SIGINT that leaves agent processes running (the next start adopts them).
 * FRACTA_ROLE=worker (`fracta worker`) runs queued missions only, without HTTP.
 * Every start-up failure is one line naming the fix, with an exit code by kind: 2 bad config,
 * 3 store unavailable, 4 address in use.
 */
import 'reflect-metadata';

import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { ConfigError, loadConfig } from '@fracta/config';
import { isDomainError, toError } from '@fracta/domain';
import { createPinoLogger, toPino } from '@fracta/logger';
import { openStore } from '@fracta/store-typeorm';

import { createAdapters } from './adapters.js';
import { loadOrCreateToken, toAppConfig } from './config.js';
import { superviseGateway, type GatewaySupervisor } from './gateway/gateway-supervisor.js';
import { createApp } from './http/create-app.js';
import { randomToken, SystemClock, TimestampIdGenerator } from './system.js';

const role = process.env.FRACTA_ROLE === 'worker' ? 'worker' : 'controlplane';

function fail(message: string, code: number): never {
  process.stderr.write(`fracta ${role}: ${message}\n`);
  process.exit(code);
}

let loaded;
try {
  loaded = await loadConfig({ cwd: process.cwd(), env: process.env, path: process.env.FRACTA_CONFIG });
} catch (error) {
  if (error instanceof ConfigError) fail(error.message, 2);
  throw error;
}
if (role === 'worker' && loaded.config.runtime.queue.backend !== 'postgres') {
  fail(
    'a worker takes missions from the postgres queue: set runtime.queue.backend: postgres (local mode runs its workers inside the control plane)',
    2,
  );
}

const token =
  loaded.config.control_plane_api.token ?? (await loadOrCreateToken(loaded.projectRoot, randomToken));
const config = toAppConfig({
  fracta: loaded.config,
  projectRoot: loaded.projectRoot,
  token,
  env: process.env,
});
const logger = createPinoLogger({ level: config.log.level, name: role });

const store = await openStore(config.store).catch((error: unknown) =>
  fail(isDomainError(error) ? error.message : String(error), 3),
);
const clock = new SystemClock();
let adapters;
try {
  adapters = createAdapters(config, clock, logger);
} catch (error) {
  await store.close();
  fail(isDomainError(error) ? error.message : String(error), 2);
}
const app = await createApp({
  config,
  store,
  clock,
  ids: new TimestampIdGenerator(clock),
  logger,
  ...adapters,
  pino: toPino(logger),
});
const pidFile = join(config.projectRoot, '.fracta', 'controlplane.pid');
let gateway: GatewaySupervisor | null = null;

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info(`${role} stopping`, { signal });
  try {
    await gateway?.stop();
    await app.close();
  } catch (error) {
    logger.error('shutdown incomplete', { err: toError(error) });
  }
  await store.close();
  if (role === 'controlplane') await rm(pidFile, { force: true });
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));

if (role === 'worker') {
  await app.init();
  logger.info('worker running', { store: config.store.kind, workers: config.fracta.runtime.queue.workers });
} else {
  try {
    await app.listen({ host: config.http.host, port: config.http.port });
  } catch (error) {
    await app.close().catch(() => undefined);
    await store.close();
    if ((error as { code?: string }).code === 'EADDRINUSE') {
      fail(
        `${config.http.host}:${config.http.port} is already in use: stop what listens there (fracta controlplane status), or set control_plane_api.listen in fracta.yaml`,
        4,
      );
    }
    throw error;
  }
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address !== null ? address.port : config.http.port;
  if (config.fracta.gateway.managed && config.fracta.runtime.backend === 'local') {
    gateway = superviseGateway({
      env: process.env,
      controlPlaneHost: config.http.host,
      controlPlanePort: port,
      token,
      configPath: loaded.path,
      projectRoot: config.projectRoot,
      logger,
    });
  }
  await mkdir(join(config.projectRoot, '.fracta'), { recursive: true, mode: 0o700 });
  await writeFile(pidFile, `${process.pid}\n`, { mode: 0o600 });
  logger.info('controlplane listening', {
    host: config.http.host,
    port,
    store: config.store.kind,
    queue: config.fracta.runtime.queue.backend,
    maxConcurrent: config.reaper.maxConcurrent,
  });
}
