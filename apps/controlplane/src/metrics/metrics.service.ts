import { AGENT_STATUSES, AgentRepository } from '@fracta/domain';
import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The control plane's Prometheus metrics; one registry per app instance (tests run several). */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'method' | 'route'>;
  readonly spawnToRunning: Histogram;

  constructor(agents: AgentRepository) {
    collectDefaultMetrics({ register: this.registry, prefix: 'fracta_controlplane_' });
    this.httpRequests = new Counter({
      name: 'fracta_http_requests_total',
      help: 'HTTP requests by method, route and status',
      labelNames: ['method', 'route', 'status'],
      registers: [this.registry],
    });
    this.httpDuration = new Histogram({
      name: 'fracta_http_request_duration_seconds',
      help: 'HTTP request duration',
      labelNames: ['method', 'route'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [this.registry],
    });
    this.spawnToRunning = new Histogram({
      name: 'fracta_spawn_to_running_seconds',
      help: 'Time from an accepted spawn to its process running',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
    new Gauge({
      name: 'fracta_agents',
      help: 'Agents by status',
      labelNames: ['status'],
      registers: [this.registry],
      async collect() {
        for (const status of AGENT_STATUSES) this.set({ status }, await agents.count({ statuses: [status] }));
      },
    });
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
