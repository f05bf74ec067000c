#!/usr/bin/env node
/**
 * Composition root: environment + fracta.yaml → AppConfig → gateway services → listen, and an
 * orderly shutdown on SIGTERM/SIGINT (reverse order: HTTP, event watch, records, backends).
 * Every start-up failure is one line naming the fix, with an exit code by kind: 2 bad
 * configuration, 4 address in use, 1 anything else.
 */
import { ConfigError, loadConfig, parseEnv } from '@fracta/config';
import { toError } from '@fracta/domain';
import { createPinoLogger } from '@fracta/logger';

import { gatewayEnvSchema, toAppConfig } from './config.js';
import { createGateway } from './gateway.js';
import { SystemClock } from './system-clock.js';

function fail(message: string, code: number): never {
  process.stderr.write(`fracta gateway: ${message}\n`);
  process.exit(code);
}

let config;
try {
  const env = parseEnv(gatewayEnvSchema, process.env);
  const loaded = await loadConfig({ cwd: process.cwd(), env: process.env, path: env.FRACTA_CONFIG });
  config = toAppConfig(env, loaded.config);
} catch (error) {
  if (error instanceof ConfigError) fail(error.message, 2);
  fail(toError(error).message, 2);
}

const logger = createPinoLogger({ level: config.log.level, name: 'gateway' });
const gateway = createGateway(config, { logger, clock: new SystemClock() });

try {
  const address = await gateway.start();
  logger.info('gateway listening', {
    host: address.address,
    port: address.port,
    backends: config.backends.map((backend) => backend.name),
    controlPlane: config.controlPlane.url,
  });
} catch (error) {
  const code = (error as { code?: string }).code;
  if (code === 'EADDRINUSE') {
    fail(
      `${config.http.host}:${config.http.port} is already in use: stop what listens there, or set gateway.listen in fracta.yaml (or GATEWAY_LISTEN)`,
      4,
    );
  }
  if (code === 'EADDRNOTAVAIL' || code === 'EACCES') {
    fail(
      `cannot listen on ${config.http.host}:${config.http.port} (${code}): set gateway.listen to an address of this machine`,
      4,
    );
  }
  fail(`could not start: ${toError(error).message}`, 1);
}

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info('gateway stopping', { signal });
  try {
    await gateway.stop();
  } catch (error) {
    logger.error('shutdown incomplete', { err: toError(error) });
    process.exit(1);
  }
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
process.on('unhandledRejection', (reason) => {
  logger.error('unhandled rejection, exiting', { err: toError(reason) });
  process.exit(1);
});
