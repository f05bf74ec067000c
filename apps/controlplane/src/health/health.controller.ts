import { Controller, Get, Header } from '@nestjs/common';

import { Public } from '../http/public.decorator.js';
import { MetricsService } from '../metrics/metrics.service.js';

const started = Date.now();

@Controller()
export class HealthController {
  constructor(private readonly metrics: MetricsService) {}

  /** Liveness, without a token: answers as long as the process serves HTTP. */
  @Public()
  @Get('healthz')
  health(): { status: 'ok'; uptime_s: number } {
    return { status: 'ok', uptime_s: Math.round((Date.now() - started) / 1000) };
  }

  /** Prometheus exposition; needs the token like every other route (bearer_token in the scrape config). */
  @Get('metrics')
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(): Promise<string> {
    return this.metrics.render();
  }
}
