import {
  AgentRepository,
  Clock,
  CredentialRepository,
  EventRepository,
  IdGenerator,
  MessageRepository,
  MissionQueue,
  MissionRepository,
  RunRepository,
  RuntimeBackend,
  WorkspaceProvider,
} from '@fracta/domain';
import { Logger } from '@fracta/logger';
import { RunRecords } from '@fracta/run-records';
import type { StateStore } from '@fracta/store-typeorm';
import { Global, Module, type DynamicModule } from '@nestjs/common';

import { AgentListCache } from './agents/agent-list.cache.js';
import { VersionedAgentRepository } from './agents/versioned-agent.repository.js';
import { AppConfig } from './config.js';
import { EventNotifier } from './events/event-notifier.js';
import { MetricsService } from './metrics/metrics.service.js';
import { StartWaiters } from './runs/start-waiters.js';
import { WorkspaceGates } from './runs/workspace-gates.js';

export interface CoreDeps {
  readonly config: AppConfig;
  readonly store: StateStore;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger: Logger;
  readonly backend: RuntimeBackend;
  readonly workspace: WorkspaceProvider;
  readonly records: RunRecords;
  readonly queue: MissionQueue;
}

/** Binds the ports to the adapters main.ts (or a test) built; every feature module sees them. */
@Global()
@Module({})
export class CoreModule {
  static register(deps: CoreDeps): DynamicModule {
    const agents = new VersionedAgentRepository(deps.store.agents);
    const providers = [
      { provide: AppConfig, useValue: deps.config },
      { provide: AgentRepository, useValue: agents },
      { provide: VersionedAgentRepository, useValue: agents },
      { provide: AgentListCache, useValue: new AgentListCache(deps.config.store.kind === 'sqlite') },
      { provide: EventRepository, useValue: deps.store.events },
      { provide: MessageRepository, useValue: deps.store.messages },
      { provide: RunRepository, useValue: deps.store.runs },
      { provide: MissionRepository, useValue: deps.store.missions },
      { provide: CredentialRepository, useValue: deps.store.credentials },
      { provide: Clock, useValue: deps.clock },
      { provide: IdGenerator, useValue: deps.ids },
      { provide: Logger, useValue: deps.logger },
      { provide: RuntimeBackend, useValue: deps.backend },
      { provide: WorkspaceProvider, useValue: deps.workspace },
      { provide: RunRecords, useValue: deps.records },
      { provide: MissionQueue, useValue: deps.queue },
      { provide: EventNotifier, useValue: new EventNotifier() },
      { provide: StartWaiters, useValue: new StartWaiters() },
      { provide: WorkspaceGates, useValue: new WorkspaceGates() },
      MetricsService,
    ];
    return { module: CoreModule, providers, exports: providers.map((p) => ('provide' in p ? p.provide : p)) };
  }
}
