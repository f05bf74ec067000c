/** The gateway's Prometheus metrics (one registry per gateway instance: tests run several). */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

import { BACKEND_STATES, type BackendStatus } from '../backends/backend-connection.js';

export type CallOutcome = 'success' | 'failure' | 'rejected';

export interface MetricsSources {
  backends(): readonly BackendStatus[];
  /** Agents that made a request within the activity window. */
  activeAgents(): number;
  identityEntries(): number;
}

/** Agents count as connected while they made a request within this window. */
export const ACTIVE_AGENT_WINDOW_MS = 5 * 60_000;

export class GatewayMetrics {
  readonly registry = new Registry();
  readonly toolCalls: Counter<'tool' | 'kind' | 'backend' | 'outcome'>;
  readonly toolDuration: Histogram<'kind' | 'backend'>;
  readonly httpRequests: Counter<'route' | 'status'>;
  readonly identityLookups: Counter<'result'>;
  readonly inflight: Gauge;
  readonly recordsDropped: Counter;
  readonly backendConnects: Counter<'backend' | 'outcome'>;

  constructor(sources: MetricsSources) {
    collectDefaultMetrics({ register: this.registry, prefix: 'fracta_gateway_' });
    const registers = [this.registry];
    this.toolCalls = new Counter({
      name: 'fracta_gateway_tool_calls_total',
      help: 'tools/call requests by tool, kind (fracta|backend), backend and outcome (success|failure|rejected)',
      labelNames: ['tool', 'kind', 'backend', 'outcome'],
      registers,
    });
    this.toolDuration = new Histogram({
      name: 'fracta_gateway_tool_call_duration_seconds',
      help: 'Time from a tools/call reaching the gateway to its answer',
      labelNames: ['kind', 'backend'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 60],
      registers,
    });
    this.httpRequests = new Counter({
      name: 'fracta_gateway_http_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['route', 'status'],
      registers,
    });
    this.identityLookups = new Counter({
      name: 'fracta_gateway_identity_lookups_total',
      help: 'Token checks: hit (cached), miss (asked the control plane), invalid (refused)',
      labelNames: ['result'],
      registers,
    });
    this.inflight = new Gauge({
      name: 'fracta_gateway_inflight_requests',
      help: 'MCP requests being served',
      registers,
    });
    this.recordsDropped = new Counter({
      name: 'fracta_gateway_tool_call_records_dropped_total',
      help: 'Tool-call records the control plane did not take (down, or the queue was full)',
      registers,
    });
    this.backendConnects = new Counter({
      name: 'fracta_gateway_upstream_connects_total',
      help: 'Connection attempts to backends by outcome',
      labelNames: ['backend', 'outcome'],
      registers,
    });
    new Gauge({
      name: 'fracta_gateway_upstream_up',
      help: '1 while the backend is connected',
      labelNames: ['backend'],
      registers,
      collect() {
        for (const backend of sources.backends())
          this.set({ backend: backend.name }, backend.state === 'ready' ? 1 : 0);
      },
    });
    new Gauge({
      name: 'fracta_gateway_upstream_state',
      help: 'Backend connection state (1 for the current one)',
      labelNames: ['backend', 'state'],
      registers,
      collect() {
        for (const backend of sources.backends())
          for (const state of BACKEND_STATES)
            this.set({ backend: backend.name, state }, backend.state === state ? 1 : 0);
      },
    });
    new Gauge({
      name: 'fracta_gateway_upstream_tools',
      help: 'Tools the backend lists',
      labelNames: ['backend'],
      registers,
      collect() {
        for (const backend of sources.backends()) this.set({ backend: backend.name }, backend.tools);
      },
    });
    new Gauge({
      name: 'fracta_gateway_upstream_connections',
      help: 'Open upstream connections (one process for a stdio backend)',
      registers,
      collect() {
        this.set(sources.backends().filter((backend) => backend.state === 'ready').length);
      },
    });
    new Gauge({
      name: 'fracta_gateway_connected_agents',
      help: `Agents that made a request in the last ${ACTIVE_AGENT_WINDOW_MS / 60_000} minutes`,
      registers,
      collect() {
        this.set(sources.activeAgents());
      },
    });
    new Gauge({
      name: 'fracta_gateway_identity_cache_entries',
      help: 'Tokens whose identity is cached',
      registers,
      collect() {
        this.set(sources.identityEntries());
      },
    });
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
