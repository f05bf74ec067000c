import type { Clock } from '@fracta/domain';

import { ManualClock } from './clock.js';
import { MemoryAgentRepository } from './memory-agent.repository.js';
import { MemoryCredentialRepository } from './memory-credential.repository.js';
import { MemoryEventRepository } from './memory-event.repository.js';
import { MemoryMessageRepository } from './memory-message.repository.js';
import { MemoryMissionRepository } from './memory-mission.repository.js';
import { MemoryRunRepository } from './memory-run.repository.js';
import { MemoryStoreState } from './memory-store-state.js';

export interface MemoryStoreOptions {
  /** The store's clock; a ManualClock at TEST_EPOCH when not given. */
  readonly clock?: Clock;
}

/** The repositories of one in-memory store, sharing its tables like the SQL stores share a database. */
export interface MemoryStore {
  readonly agents: MemoryAgentRepository;
  readonly events: MemoryEventRepository;
  readonly messages: MemoryMessageRepository;
  readonly runs: MemoryRunRepository;
  readonly credentials: MemoryCredentialRepository;
  readonly missions: MemoryMissionRepository;
  /**
   * The clock tests use to stamp requests (`at`, `createdAt`). No repository reads it: every
   * write of the ports carries its own timestamp.
   */
  readonly clock: Clock;
}

/**
 * One in-memory store: agent transitions append their events to `events`, deleting an agent
 * removes its runs, missions, credentials and messages, and a run or a mission needs an existing
 * agent.
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  const state = new MemoryStoreState({ checksAgents: true });
  return {
    agents: new MemoryAgentRepository(state),
    events: new MemoryEventRepository(state),
    messages: new MemoryMessageRepository(state),
    runs: new MemoryRunRepository(state),
    credentials: new MemoryCredentialRepository(state),
    missions: new MemoryMissionRepository(state),
    clock: options.clock ?? new ManualClock(),
  };
}
