import { DomainError } from '@fracta/domain';

/** The agent's program is not on the PATH of its environment (or not at the path given). */
export class RuntimeBinaryNotFoundError extends DomainError {
  readonly code = 'RUNTIME_BINARY_NOT_FOUND';
  readonly category = 'invalid';
  constructor(command: string, where: string, runtime: string) {
    super(
      `${command} not found ${where}: install it or set agents.agent_runtimes.${runtime}.command in fracta.yaml`,
      { command, runtime },
    );
  }
}

/** The agent's program exists but this user may not execute it. */
export class RuntimeBinaryNotExecutableError extends DomainError {
  readonly code = 'RUNTIME_BINARY_NOT_EXECUTABLE';
  readonly category = 'invalid';
  constructor(command: string, path: string) {
    super(
      `${command} (${path}) is not executable: run 'chmod +x ${path}' or point the runtime at another program`,
      {
        command,
        path,
      },
    );
  }
}

export class RuntimeCwdNotFoundError extends DomainError {
  readonly code = 'RUNTIME_CWD_NOT_FOUND';
  readonly category = 'invalid';
  constructor(cwd: string) {
    super(
      `working directory ${cwd} does not exist or is not a directory: prepare the workspace before starting`,
      {
        cwd,
      },
    );
  }
}

/** A ProcessSpec or handle this backend cannot act on. */
export class RuntimeSpecInvalidError extends DomainError {
  readonly code = 'RUNTIME_SPEC_INVALID';
  readonly category = 'invalid';
}

export class RuntimeHandleInvalidError extends DomainError {
  readonly code = 'RUNTIME_HANDLE_INVALID';
  readonly category = 'invalid';
  constructor(handle: string, reason: string) {
    super(`runtime handle ${JSON.stringify(handle.slice(0, 80))} is not a local process handle: ${reason}`, {
      handle: handle.slice(0, 80),
    });
  }
}

/** The process could not be started for another reason (its supervisor failed, a timeout). */
export class RuntimeStartFailedError extends DomainError {
  readonly code = 'RUNTIME_START_FAILED';
  readonly category = 'transient';
  constructor(command: string, detail: string) {
    super(
      `could not start ${command}: ${detail}: check the command and the machine's process limits, then retry`,
      {
        command,
      },
    );
  }
}
