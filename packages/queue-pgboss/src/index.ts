export { PgBossMissionQueue, type PgBossMissionQueueOptions } from './pgboss-mission.queue.js';
export type { QueueTuning, RetryOptions } from './queue-options.js';
export {
  MissionCancelledError,
  MissionLeaseLostError,
  QueueStoppedError,
  QueueUnavailableError,
} from './queue.errors.js';
