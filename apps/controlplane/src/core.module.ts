import {
  AgentRepository,
  Clock,
  CredentialRepository,
  EventRepository,
  IdGenerator,
  MessageRepository,
  RunRepository,
} from '@fracta/domain';
import type { StateStore } from '@fracta/store-typeorm';
import { Global, Module, type DynamicModule } from '@nestjs/common';

import { AppConfig } from './config.js';
import { EventNotifier } from './events/event-notifier.js';
import { MetricsService } from './metrics/metrics.service.js';

export interface CoreDeps {
  readonly config: AppConfig;
  readonly store: StateStore;
  readonly clock: Clock;
  readonly ids: IdGenerator;
}

/** Binds the ports to the adapters main.ts (or a test) built; every feature module sees them. */
@Global()
@Module({})
export class CoreModule {
  static register(deps: CoreDeps): DynamicModule {
    const providers = [
      { provide: AppConfig, useValue: deps.config },
      { provide: AgentRepository, useValue: deps.store.agents },
      { provide: EventRepository, useValue: deps.store.events },
      { provide: MessageRepository, useValue: deps.store.messages },
      { provide: RunRepository, useValue: deps.store.runs },
      { provide: CredentialRepository, useValue: deps.store.credentials },
      { provide: Clock, useValue: deps.clock },
      { provide: IdGenerator, useValue: deps.ids },
      { provide: EventNotifier, useValue: new EventNotifier() },
      MetricsService,
    ];
    return { module: CoreModule, providers, exports: providers.map((p) => ('provide' in p ? p.provide : p)) };
  }
}
