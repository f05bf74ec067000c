/**
 * Errors of the run records and message buses. Each message says what is wrong and the fix, on
 * one line; `details` never carry file contents (they may hold an agent's output).
 */
import { DomainError } from '@fracta/domain';

export type RunRecordsErrorCode =
  | 'RUN_RECORD_SEGMENT_INVALID'
  | 'RUN_RECORD_INPUT_INVALID'
  | 'RUN_RECORD_EXISTS'
  | 'RUN_RECORD_NOT_FOUND'
  | 'RUN_INFO_CORRUPT'
  | 'RUN_INFO_TERMINAL'
  | 'RECORD_FILE_NOT_FOUND'
  | 'RECORD_LOCK_TIMEOUT'
  | 'MESSAGE_BUS_ENTRY_INVALID';

const clip = (value: string, max = 80): string => (value.length > max ? `${value.slice(0, max)}…` : value);

/** A project, agent or run id that cannot be a single, safe directory name. */
export class RunRecordSegmentInvalidError extends DomainError {
  readonly code = 'RUN_RECORD_SEGMENT_INVALID';
  readonly category = 'invalid';
  constructor(what: string, value: string, max: number) {
    super(
      `invalid ${what} ${JSON.stringify(clip(value))}: use 1-${max} letters, digits, '.', '_' or '-', starting with a letter or digit`,
      { what, value: clip(value) },
    );
  }
}

/** Bad input to a records call (a field of run-info, a prompt, a size, an option). */
export class RunRecordInputInvalidError extends DomainError {
  readonly code = 'RUN_RECORD_INPUT_INVALID';
  readonly category = 'invalid';
  constructor(field: string, problem: string) {
    super(`${field}: ${problem}`, { field });
  }
}

export class RunRecordExistsError extends DomainError {
  readonly code = 'RUN_RECORD_EXISTS';
  readonly category = 'conflict';
  constructor(agent: string, runId: string, dir: string) {
    super(`run "${runId}" of agent "${agent}" already has a record at ${dir}: give the new run a new id`, {
      agent,
      run: runId,
    });
  }
}

export class RunRecordNotFoundError extends DomainError {
  readonly code = 'RUN_RECORD_NOT_FOUND';
  readonly category = 'not_found';
  constructor(agent: string, runId: string, path: string) {
    super(
      `no record of run "${runId}" for agent "${agent}" (${path} is missing): list the agent's runs for a valid id`,
      { agent, run: runId },
    );
  }
}

/** A run-info.yaml that exists but does not parse or validate. Writes are atomic, so this is tampering or a bug. */
export class RunInfoCorruptError extends DomainError {
  readonly code = 'RUN_INFO_CORRUPT';
  readonly category = 'bug';
  constructor(file: string, problem: string, options?: ErrorOptions) {
    super(
      `${file} is corrupt: ${clip(problem, 200)}; restore it or move it aside (fracta writes it atomically, so report how it happened)`,
      { file },
      options,
    );
  }
}

export class RunInfoTerminalError extends DomainError {
  readonly code = 'RUN_INFO_TERMINAL';
  readonly category = 'conflict';
  constructor(runId: string, status: string, wanted: string) {
    super(
      `run "${runId}" already finished as ${status} and cannot become ${wanted}: start a new run instead`,
      {
        run: runId,
        status,
        wanted,
      },
    );
  }
}

export class RecordFileNotFoundError extends DomainError {
  readonly code = 'RECORD_FILE_NOT_FOUND';
  readonly category = 'not_found';
  constructor(path: string) {
    super(`${path} does not exist: check the run id, or wait until the run has written it`, { path });
  }
}

export class RecordLockTimeoutError extends DomainError {
  readonly code = 'RECORD_LOCK_TIMEOUT';
  readonly category = 'transient';
  constructor(lockPath: string, timeoutMs: number) {
    super(
      `could not take ${lockPath} within ${timeoutMs} ms: another writer holds it; retry, or delete the file if no fracta process is running`,
      { lock: lockPath, timeoutMs },
    );
  }
}

export class MessageBusEntryInvalidError extends DomainError {
  readonly code = 'MESSAGE_BUS_ENTRY_INVALID';
  readonly category = 'invalid';
  constructor(field: string, problem: string) {
    super(`message bus entry ${field}: ${problem}`, { field });
  }
}
