#!/usr/bin/env node
/**
 * Composition root: fracta.yaml → token → state store → adapters (process backend, workspaces,
 * run records, queue) → HTTP server, and an orderly shutdown on SIGTERM/SIGINT that leaves agent
 * processes running (the next start adopts them). Every start-up failure is one line naming the
 * fix, with an exit code by kind: 2 bad config, 3 store unavailable, 4 address in use.
 */
import 'reflect-metadata';

import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { ConfigError, loadConfig } from '@fracta/config';
import { isDomainError, toError } from '@fracta/domain';
import { createPinoLogger, toPino } from '@fracta/logger';
import { openStore } from '@fracta/store-typeorm';

import { createAdapters } from './adapters.js';
import { loadOrCreateToken, toAppConfig } from './config.js';
import { findGatewayEntry, GatewaySupervisor } from './gateway/gateway-supervisor.js';
import { createApp } from './http/create-app.js';
import { randomToken, SystemClock, TimestampIdGenerator } from './system.js';

function fail(message: string, code: number): never {
  process.stderr.write(`fracta controlplane: ${message}\n`);
  process.exit(code);
}

let loaded;
try {
  loaded = await loadConfig({ cwd: process.cwd(), env: process.env, path: process.env.FRACTA_CONFIG });
} catch (error) {
  if (error instanceof ConfigError) fail(error.message, 2);
  throw error;
}

const token =
  loaded.config.control_plane_api.token ?? (await loadOrCreateToken(loaded.projectRoot, randomToken));
const config = toAppConfig({
  fracta: loaded.config,
  projectRoot: loaded.projectRoot,
  token,
  env: process.env,
});
const logger = createPinoLogger({ level: config.log.level, name: 'controlplane' });

const store = await openStore(config.store).catch((error: unknown) =>
  fail(isDomainError(error) ? error.message : String(error), 3),
);
const clock = new SystemClock();
const adapters = createAdapters(config, clock, logger);
const app = await createApp({
  config,
  store,
  clock,
  ids: new TimestampIdGenerator(clock),
  logger,
  ...adapters,
  pino: toPino(logger),
});

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

/** The port actually bound (control_plane_api.listen may say 0). */
function boundPort(): number {
  const address = app.getHttpServer().address();
  return typeof address === 'object' && address !== null ? address.port : config.http.port;
}

// Local mode: the agent gateway runs as this process's child, restarted when it dies.
let gateway: GatewaySupervisor | null = null;
if (config.fracta.gateway.managed && config.fracta.runtime.backend === 'local') {
  const entry = findGatewayEntry(process.env);
  if (entry === null) {
    logger.warn(
      'gateway not started: its app is not installed beside the control plane (set FRACTA_GATEWAY_ENTRY, or gateway.managed: false)',
    );
  } else {
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
    const host = ['0.0.0.0', '::'].includes(config.http.host) ? '127.0.0.1' : config.http.host;
    gateway = new GatewaySupervisor({
      entry,
      env: {
        ...env,
        CONTROL_PLANE_URL: `http://${host.includes(':') ? `[${host}]` : host}:${boundPort()}`,
        CONTROL_PLANE_TOKEN: token,
        ...(loaded.path === undefined ? {} : { FRACTA_CONFIG: loaded.path }),
      },
      cwd: config.projectRoot,
      logFile: join(config.projectRoot, '.fracta', 'logs', 'gateway.log'),
      logger: logger.child({ component: 'gateway-supervisor' }),
    });
    gateway.start();
  }
}

const pidFile = join(config.projectRoot, '.fracta', 'controlplane.pid');
await writeFile(pidFile, `${process.pid}\n`, { mode: 0o600 });
logger.info('controlplane listening', {
  host: config.http.host,
  port: config.http.port,
  store: config.store.kind,
  maxConcurrent: config.reaper.maxConcurrent,
});

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info('controlplane stopping', { signal });
  try {
    await gateway?.stop();
    await app.close();
  } catch (error) {
    logger.error('shutdown incomplete', { err: toError(error) });
  }
  await store.close();
  await rm(pidFile, { force: true });
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
