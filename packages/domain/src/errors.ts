/**
 * Domain errors. Every error carries a stable `code` (SCREAMING_SNAKE, namespaced by feature) and
 * a `category` that each edge (HTTP, MCP, CLI, workers) maps exhaustively to its own vocabulary.
 */
export type ErrorCategory = 'invalid' | 'not_found' | 'conflict' | 'forbidden' | 'transient' | 'bug';

export const ERROR_CATEGORIES: readonly ErrorCategory[] = [
  'invalid',
  'not_found',
  'conflict',
  'forbidden',
  'transient',
  'bug',
];

const brand = Symbol.for('fracta.DomainError');

export abstract class DomainError extends Error {
  abstract readonly code: string;
  abstract readonly category: ErrorCategory;
  /** Structured, non-secret details for API error bodies and logs. */
  readonly details: Readonly<Record<string, unknown>>;
  readonly [brand] = true;

  constructor(message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.details = Object.freeze({ ...details });
  }
}

/** Cross-bundle safe check (does not rely on `instanceof`). */
export function isDomainError(value: unknown): value is DomainError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}

/** Turns any caught value into an Error without losing information. */
function describeValue(value: unknown): string {
  try {
    // JSON.stringify returns undefined for undefined, functions and symbols, whatever lib.d.ts says.
    const json = JSON.stringify(value) as string | undefined;
    if (json !== undefined) return json;
  } catch {
    // circular or BigInt: fall through
  }
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

export function toError(value: unknown): Error {
  if (value instanceof Error) return value;
  if (typeof value === 'string') return new Error(value);
  return new Error(describeValue(value), { cause: value });
}

export function assertNever(value: never, what = 'value'): never {
  throw new InvariantViolationError(`unexpected ${what}: ${describeValue(value)}`);
}

export class InvariantViolationError extends DomainError {
  readonly code = 'INVARIANT_VIOLATED';
  readonly category = 'bug';
}

export class ValidationError extends DomainError {
  readonly code: string;
  readonly category = 'invalid';
  constructor(code: string, message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(message, details, options);
    this.code = code;
  }
}

export class AgentNameInvalidError extends DomainError {
  readonly code = 'AGENT_NAME_INVALID';
  readonly category = 'invalid';
  constructor(name: string, reason?: string) {
    super(
      `invalid agent name ${JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}…` : name)}: ${reason ?? "use 1-64 letters, digits, '_' or '-', starting with a letter or digit"}`,
      { name: name.slice(0, 80) },
    );
  }
}

export class AgentNotFoundError extends DomainError {
  readonly code = 'AGENT_NOT_FOUND';
  readonly category = 'not_found';
  constructor(name: string) {
    super(`agent "${name}" not found: run 'fracta list' to see the agents`, { agent: name });
  }
}

export class AgentAlreadyExistsError extends DomainError {
  readonly code = 'AGENT_ALREADY_EXISTS';
  readonly category = 'conflict';
  constructor(name: string) {
    super(`agent "${name}" already exists: pick another name, or kill it first`, { agent: name });
  }
}

export class AgentTransitionInvalidError extends DomainError {
  readonly code = 'AGENT_TRANSITION_INVALID';
  readonly category = 'conflict';
  constructor(agent: string, from: string | null, trigger: string, reason?: string) {
    super(`agent "${agent}" cannot ${trigger} while ${from ?? 'new'}${reason ? `: ${reason}` : ''}`, {
      agent,
      from,
      trigger,
    });
  }
}

export class MissionStaleError extends DomainError {
  readonly code = 'MISSION_STALE';
  readonly category = 'conflict';
  constructor(missionId: string, attempt: number, currentAttempt: number) {
    super(
      `mission ${missionId} attempt ${attempt} is stale (current attempt ${currentAttempt}); its result is discarded`,
      {
        mission: missionId,
        attempt,
        currentAttempt,
      },
    );
  }
}

export class RunNotFoundError extends DomainError {
  readonly code = 'RUN_NOT_FOUND';
  readonly category = 'not_found';
  constructor(runId: string) {
    super(`run "${runId}" not found`, { run: runId });
  }
}

export class RunNotRunningError extends DomainError {
  readonly code = 'RUN_NOT_RUNNING';
  readonly category = 'conflict';
  constructor(runId: string, status: string, action = 'attach a handle') {
    super(`run "${runId}" cannot ${action} while ${status}: only a running run can`, {
      run: runId,
      status,
    });
  }
}

export class MissionNotFoundError extends DomainError {
  readonly code = 'MISSION_NOT_FOUND';
  readonly category = 'not_found';
  constructor(missionId: string) {
    super(`mission "${missionId}" not found`, { mission: missionId });
  }
}

export class CredentialInvalidError extends DomainError {
  readonly code = 'GATEWAY_CREDENTIAL_INVALID';
  readonly category = 'forbidden';
  constructor(reason: string) {
    super(`gateway credential rejected: ${reason}`);
  }
}

export class StoreUnavailableError extends DomainError {
  readonly code = 'STORE_UNAVAILABLE';
  readonly category = 'transient';
}
