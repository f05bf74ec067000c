/**
 * Builds the gateway's services from its config and starts/stops them in order. main.ts is the
 * composition root that calls it; the tests call it too, with real parts.
 */
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';

import { ControlPlaneClient } from '@fracta/api-contract';
import { type Clock, toError } from '@fracta/domain';
import type { Logger } from '@fracta/logger';

import type { BackendState } from './backends/backend-connection.js';
import { BackendPool } from './backends/backend-pool.js';
import { Backoff } from './backends/backoff.js';
import type { AppConfig } from './config.js';
import { AgentActivity } from './http/agent-activity.js';
import { GatewayHttpServer, type Readiness } from './http/gateway-http-server.js';
import { McpEndpoint } from './http/mcp-endpoint.js';
import { EventWatcher } from './identity/event-watcher.js';
import { IdentityCache } from './identity/identity-cache.js';
import { ACTIVE_AGENT_WINDOW_MS, GatewayMetrics } from './metrics/gateway-metrics.js';
import { PolicySet } from './policy/tool-policy.js';
import { ToolCallRecorder } from './recording/tool-call-recorder.js';
import { createFractaTools } from './tools/fracta-tools.js';
import { ToolCatalog } from './tools/tool-catalog.js';
import { ToolExecutor } from './tools/tool-executor.js';

const GATEWAY_VERSION = (createRequire(import.meta.url)('../package.json') as { version: string }).version;

export interface GatewayDeps {
  readonly logger: Logger;
  readonly clock: Clock;
}

export interface Gateway {
  readonly pool: BackendPool;
  readonly identities: IdentityCache;
  readonly metrics: GatewayMetrics;
  /** Binds the address and starts following the control plane's events. */
  start(): Promise<AddressInfo>;
  /** Stops in reverse order: HTTP, event watch, pending records, backends. Idempotent. */
  stop(): Promise<void>;
}

const READINESS_CACHE_MS = 1_000;

export function createGateway(config: AppConfig, deps: GatewayDeps): Gateway {
  const { logger, clock } = deps;
  const controlPlane = new ControlPlaneClient({
    baseUrl: config.controlPlane.url,
    token: config.controlPlane.token,
    timeoutMs: 30_000,
  });
  const probe = new ControlPlaneClient({
    baseUrl: config.controlPlane.url,
    token: config.controlPlane.token,
    timeoutMs: 2_000,
  });
  const activity = new AgentActivity(clock, ACTIVE_AGENT_WINDOW_MS);

  const pool = new BackendPool(config.backends, {
    connectTimeoutMs: config.connectTimeoutMs,
    backoff: new Backoff(250, 30_000),
    clock,
    logger: logger.child({ component: 'backends' }),
    version: GATEWAY_VERSION,
  });
  const identities = new IdentityCache(controlPlane, clock, config.identityTtlMs, (outcome) => {
    gatewayMetrics.identityLookups.inc({ result: outcome });
  });
  const gatewayMetrics = new GatewayMetrics({
    backends: () => pool.statuses(),
    activeAgents: () => activity.active(),
    identityEntries: () => identities.size,
  });

  const recorder = new ToolCallRecorder(controlPlane, logger.child({ component: 'recorder' }), {
    flushMs: 250,
    maxQueued: 50_000,
    onDropped: (count) => {
      gatewayMetrics.recordsDropped.inc(count);
    },
  });
  const catalog = new ToolCatalog(createFractaTools(), pool, new PolicySet(config.policy));
  const executor = new ToolExecutor(
    catalog,
    pool,
    controlPlane,
    recorder,
    gatewayMetrics,
    logger.child({ component: 'tools' }),
    {
      toolTimeoutMs: config.toolTimeoutMs,
      warmTimeoutMs: config.connectTimeoutMs,
    },
  );
  const endpoint = new McpEndpoint(executor, {
    version: GATEWAY_VERSION,
    maxBodyBytes: config.http.maxBodyBytes,
    logger,
  });
  const watcher = new EventWatcher(
    controlPlane,
    identities,
    new Backoff(250, 10_000),
    logger.child({ component: 'events' }),
  );

  const lastState = new Map<string, BackendState>();
  pool.onChange((backend) => {
    const previous = lastState.get(backend.name);
    if (backend.state !== previous) {
      lastState.set(backend.name, backend.state);
      if (backend.state === 'ready')
        gatewayMetrics.backendConnects.inc({ backend: backend.name, outcome: 'success' });
      if (backend.state === 'failed')
        gatewayMetrics.backendConnects.inc({ backend: backend.name, outcome: 'failure' });
    }
    endpoint.toolsChanged();
  });

  let readiness: { at: number; reachable: boolean; error: string | null } = {
    at: 0,
    reachable: false,
    error: null,
  };
  const ready: Readiness = {
    async check() {
      const now = clock.now().getTime();
      if (now - readiness.at > READINESS_CACHE_MS) {
        readiness = await probe.health().then(
          () => ({ at: now, reachable: true, error: null }),
          (error: unknown) => ({ at: now, reachable: false, error: toError(error).message }),
        );
      }
      return {
        ready: readiness.reachable,
        control_plane: {
          reachable: readiness.reachable,
          events_followed: watcher.connected,
          error: readiness.error,
        },
        backends: pool.statuses().map((status) => ({
          name: status.name,
          transport: status.transport,
          state: status.state,
          tools: status.tools,
          connects: status.connects,
          last_error: status.lastError,
        })),
        connected_agents: activity.active(),
      };
    },
  };
  const http = new GatewayHttpServer({
    config: config.http,
    metricsToken: config.controlPlane.token,
    identities,
    endpoint,
    readiness: ready,
    metrics: gatewayMetrics,
    activity,
    logger: logger.child({ component: 'http' }),
  });

  let stopping: Promise<void> | null = null;
  return {
    pool,
    identities,
    metrics: gatewayMetrics,
    async start() {
      watcher.start();
      try {
        return await http.listen();
      } catch (error) {
        await watcher.stop();
        await pool.close();
        throw error;
      }
    },
    stop() {
      stopping ??= (async () => {
        await http.close();
        await endpoint.close().catch(() => undefined);
        await watcher.stop();
        await recorder.stop();
        await pool.close();
      })();
      return stopping;
    },
  };
}
