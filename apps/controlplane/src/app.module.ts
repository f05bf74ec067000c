import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import type { Logger as Pino } from 'pino';

import { AgentToolsModule } from './agent-tools/agent-tools.module.js';
import { AgentsModule } from './agents/agents.module.js';
import { CoreModule, type CoreDeps } from './core.module.js';
import { EventsModule } from './events/events.module.js';
import { HealthModule } from './health/health.module.js';
import { DomainExceptionFilter } from './http/domain-exception.filter.js';
import { TokenGuard } from './http/token.guard.js';
import { RunsModule } from './runs/runs.module.js';

export interface AppDeps extends CoreDeps {
  /** The one pino instance: Nest, Fastify request logs and the app's own logs share it. */
  readonly pino: Pino;
}

@Module({})
export class AppModule {
  static register(deps: AppDeps): DynamicModule {
    return {
      module: AppModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            logger: deps.pino,
            autoLogging: { ignore: (req) => req.url === '/healthz' },
            customProps: () => ({ component: 'http' }),
          },
        }),
        CoreModule.register(deps),
        HealthModule,
        EventsModule,
        AgentsModule,
        AgentToolsModule,
        RunsModule,
      ],
      providers: [
        { provide: APP_GUARD, useClass: TokenGuard },
        { provide: APP_FILTER, useClass: DomainExceptionFilter },
      ],
    };
  }
}
