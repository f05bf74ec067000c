/**
 * Local mode: the control plane runs the agent gateway as its child process, restarts it with
 * capped exponential backoff when it dies, and stops it on shutdown. The gateway's output goes to
 * .fracta/logs/gateway.log; it reaches the control plane over HTTP with the control plane's token.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

import { toError } from '@fracta/domain';
import type { Logger } from '@fracta/logger';

export interface GatewaySupervisorOptions {
  /** The gateway's entry script (node runs it). */
  readonly entry: string;
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  readonly logFile: string;
  readonly logger: Logger;
  /** Restart delays: min(maxMs, baseMs · 2^failures); failures reset after `stableMs` of uptime. */
  readonly backoff?: { readonly baseMs: number; readonly maxMs: number; readonly stableMs: number };
}

export type GatewayState = 'stopped' | 'starting' | 'running' | 'backing-off' | 'failed';

/** The gateway's exit code for a bad configuration: restarting it cannot help. */
const EXIT_BAD_CONFIG = 2;

/**
 * Where the gateway app's entry script is: FRACTA_GATEWAY_ENTRY (the CLI sets it when it starts
 * the local control plane), else the gateway installed beside this app; null when there is none.
 */
export function findGatewayEntry(env: Readonly<Record<string, string | undefined>>): string | null {
  const given = env.FRACTA_GATEWAY_ENTRY;
  if (given !== undefined && given !== '') return existsSync(given) ? given : null;
  try {
    const require = createRequire(import.meta.url);
    const manifest = require.resolve('gateway/package.json');
    const { bin } = require(manifest) as { bin: Record<string, string> };
    const entry = join(dirname(manifest), bin['fracta-gateway'] ?? 'dist/main.js');
    return existsSync(entry) ? entry : null;
  } catch {
    return null;
  }
}

export class GatewaySupervisor {
  readonly #options: GatewaySupervisorOptions;
  readonly #backoff: { baseMs: number; maxMs: number; stableMs: number };
  #child: ChildProcess | null = null;
  #timer: NodeJS.Timeout | null = null;
  #failures = 0;
  #startedAt = 0;
  #stopping = false;
  #state: GatewayState = 'stopped';
  #restarts = 0;

  constructor(options: GatewaySupervisorOptions) {
    this.#options = options;
    this.#backoff = options.backoff ?? { baseMs: 500, maxMs: 30_000, stableMs: 60_000 };
  }

  get state(): GatewayState {
    return this.#state;
  }

  /** How many times the gateway was started again after it died. */
  get restarts(): number {
    return this.#restarts;
  }

  get pid(): number | null {
    return this.#child?.pid ?? null;
  }

  start(): void {
    this.#stopping = false;
    this.#launch();
  }

  /** SIGTERM, then SIGKILL after `graceMs`; no restart afterwards. */
  async stop(graceMs = 5_000): Promise<void> {
    this.#stopping = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    const child = this.#child;
    this.#state = 'stopped';
    if (child?.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => {
      child.once('exit', () => {
        resolve();
      });
    });
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  #launch(): void {
    const { entry, env, cwd, logFile, logger } = this.#options;
    mkdirSync(dirname(logFile), { recursive: true });
    const log = openSync(logFile, 'a', 0o600);
    let child: ChildProcess;
    try {
      child = spawn(process.execPath, [entry], { cwd, env: { ...env }, stdio: ['ignore', log, log] });
    } catch (error) {
      closeSync(log);
      logger.error('gateway start failed', { err: toError(error) });
      this.#scheduleRestart();
      return;
    }
    closeSync(log);
    this.#child = child;
    this.#state = 'running';
    this.#startedAt = Date.now();
    logger.info('gateway started', { pid: child.pid, log: logFile });
    child.once('error', (error) => {
      logger.error('gateway process error', { err: error });
    });
    child.once('exit', (code, signal) => {
      if (this.#child === child) this.#child = null;
      if (this.#stopping) return;
      if (code === EXIT_BAD_CONFIG) {
        this.#state = 'failed';
        logger.error(
          'gateway refused its configuration; not restarting it: fix fracta.yaml (gateway, mcp_servers) and restart the control plane',
          {
            log: logFile,
          },
        );
        return;
      }
      if (Date.now() - this.#startedAt >= this.#backoff.stableMs) this.#failures = 0;
      logger.warn('gateway exited; restarting', { code, signal, log: logFile });
      this.#scheduleRestart();
    });
  }

  #scheduleRestart(): void {
    const delay = Math.min(this.#backoff.maxMs, this.#backoff.baseMs * 2 ** this.#failures);
    this.#failures++;
    this.#state = 'backing-off';
    this.#timer = setTimeout(() => {
      this.#timer = null;
      if (this.#stopping) return;
      this.#restarts++;
      this.#launch();
    }, delay);
    this.#timer.unref();
  }
}

/**
 * Starts the gateway child of a local control plane listening on `port`, or returns null (with a
 * warning) when the gateway app is not installed beside it.
 */
export function superviseGateway(params: {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly controlPlaneHost: string;
  readonly controlPlanePort: number;
  readonly token: string;
  readonly configPath: string | undefined;
  readonly projectRoot: string;
  readonly logger: Logger;
}): GatewaySupervisor | null {
  const entry = findGatewayEntry(params.env);
  if (entry === null) {
    params.logger.warn(
      'gateway not started: its app is not installed beside the control plane (set FRACTA_GATEWAY_ENTRY, or gateway.managed: false)',
    );
    return null;
  }
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(params.env)) if (value !== undefined) env[key] = value;
  const host = ['0.0.0.0', '::'].includes(params.controlPlaneHost) ? '127.0.0.1' : params.controlPlaneHost;
  const supervisor = new GatewaySupervisor({
    entry,
    env: {
      ...env,
      CONTROL_PLANE_URL: `http://${host.includes(':') ? `[${host}]` : host}:${params.controlPlanePort}`,
      CONTROL_PLANE_TOKEN: params.token,
      ...(params.configPath === undefined ? {} : { FRACTA_CONFIG: params.configPath }),
    },
    cwd: params.projectRoot,
    logFile: join(params.projectRoot, '.fracta', 'logs', 'gateway.log'),
    logger: params.logger.child({ component: 'gateway-supervisor' }),
  });
  supervisor.start();
  return supervisor;
}
