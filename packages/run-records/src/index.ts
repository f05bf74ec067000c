export { writeFileAtomic } from './atomic-file.js';
export { BUS_MESSAGE_TYPES, parseBusText, type BusMessage, type BusMessageType } from './bus-entry.js';
export { FileLock, type FileLockOptions } from './file-lock.js';
export {
  followFile,
  tail,
  TAIL_LIMITS,
  type FollowChunk,
  type FollowOptions,
  type TailOptions,
} from './file-tail.js';
export {
  BUS_LIMITS,
  MessageBus,
  type BusMessageDraft,
  type BusReadQuery,
  type MessageBusOptions,
} from './message-bus.js';
export { SEGMENT_LIMITS } from './path-segment.js';
export {
  isTerminalRunStatus,
  parseRunInfo,
  RUN_INFO_LIMITS,
  RUN_RECORD_STATUSES,
  type RunInfo,
  type RunInfoParse,
  type RunInfoPatch,
  type RunRecordStatus,
} from './run-info.js';
export {
  RUN_FILES,
  RUN_RECORD_LIMITS,
  RunRecords,
  type CreateRunRequest,
  type RunInfoInit,
  type RunListEntry,
  type RunPaths,
  type RunRecordsOptions,
} from './run-records.js';
export {
  MessageBusEntryInvalidError,
  RecordFileNotFoundError,
  RecordLockTimeoutError,
  RunInfoCorruptError,
  RunInfoTerminalError,
  RunRecordExistsError,
  RunRecordInputInvalidError,
  RunRecordNotFoundError,
  RunRecordSegmentInvalidError,
  type RunRecordsErrorCode,
} from './run-records.errors.js';
