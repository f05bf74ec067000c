export { FixedClock, ManualClock, TEST_EPOCH } from './clock.js';
export { freePort } from './free-port.js';
export {
  aCredentialDraft,
  aMessageDraft,
  aMissionDraft,
  anAgentDraft,
  anEventDraft,
  aRunDraft,
  aTokenHash,
} from './factories.js';
export { MemoryAgentRepository } from './memory-agent.repository.js';
export { MemoryCredentialRepository } from './memory-credential.repository.js';
export { MemoryEventRepository } from './memory-event.repository.js';
export { MemoryMessageRepository } from './memory-message.repository.js';
export { MemoryMissionRepository } from './memory-mission.repository.js';
export { MemoryRunRepository } from './memory-run.repository.js';
export { createMemoryStore, type MemoryStore, type MemoryStoreOptions } from './memory-store.js';
export { SequentialIdGenerator } from './sequential-id-generator.js';
